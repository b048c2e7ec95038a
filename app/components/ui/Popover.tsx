// Popups and menus are <details>: the summary opens them without JavaScript.
// With it they behave like a polished app's: Esc, a click outside and the
// focus leaving close them (Esc also cancels what was typed, and hands focus back to the summary that opened them), opening one
// moves focus to its first field, and a form inside can close its popup once
// it has saved (see `closeDetails`). A popup drawn in the browser makes its
// contents when it first opens.
import { type ReactNode, type RefObject, useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { useHydrated } from "remix-utils/use-hydrated";
import { isComposing } from "./composing";

/**
 * Closes a <details> popup, and any opened inside it (a confirmation in a menu
 * would otherwise greet its next opening), and, when asked, puts focus back on
 * its opener.
 */
export function closeDetails(details: HTMLDetailsElement | null, { focus = true }: { focus?: boolean } = {}): void {
  if (!details?.open) return;
  for (const inner of details.querySelectorAll<HTMLDetailsElement>("details[open]")) inner.open = false;
  details.open = false;
  if (focus) details.querySelector<HTMLElement>(":scope > summary")?.focus();
}

/**
 * Esc and a click outside close the popup; opening it focuses its first field.
 * `onOpen` runs first when it opens (a popup that draws its contents on demand
 * draws them there). The page-wide click listener exists only while it is open.
 */
export function useDismissibleDetails(ref: RefObject<HTMLDetailsElement>, onOpen?: () => void): void {
  const opened = useRef(onOpen);
  opened.current = onOpen;
  useEffect(() => {
    const details = ref.current;
    if (!details) return;
    const onKeyDown = (event: KeyboardEvent) => {
      // Esc in an input method cancels what it is composing, not the popup.
      if (event.key !== "Escape" || !details.open || event.defaultPrevented || isComposing(event)) return;
      // Handled here: an outer popup (or the page's Esc-to-stop) must not act on it too.
      event.preventDefault();
      event.stopPropagation();
      // Esc cancels: what was typed goes, and the popup opens next time as it was drawn (a title as it is).
      for (const form of details.querySelectorAll("form")) form.reset();
      closeDetails(details);
    };
    const onPointerDown = (event: PointerEvent) => {
      if (details.open && !details.contains(event.target as Node)) closeDetails(details, { focus: false });
    };
    // Tabbing out of a popup closes it (what was typed in it stays for the next time it opens).
    const onFocusOut = (event: FocusEvent) => {
      const next = event.relatedTarget;
      if (details.open && next instanceof Node && !details.contains(next)) closeDetails(details, { focus: false });
    };
    const onToggle = () => {
      if (!details.open) {
        document.removeEventListener("pointerdown", onPointerDown);
        return;
      }
      document.addEventListener("pointerdown", onPointerDown);
      opened.current?.();
      const field = details.querySelector<HTMLElement>("[data-autofocus]");
      field?.focus();
      if (field instanceof HTMLInputElement) field.select();
      // A popup opened near the bottom of a scrolled list shows itself whole.
      details.querySelector(":scope > :not(summary)")?.scrollIntoView({ block: "nearest" });
    };
    details.addEventListener("keydown", onKeyDown);
    details.addEventListener("focusout", onFocusOut);
    details.addEventListener("toggle", onToggle);
    if (details.open) document.addEventListener("pointerdown", onPointerDown);
    return () => {
      details.removeEventListener("keydown", onKeyDown);
      details.removeEventListener("focusout", onFocusOut);
      details.removeEventListener("toggle", onToggle);
      document.removeEventListener("pointerdown", onPointerDown);
    };
  }, [ref]);
}

/**
 * A <details> popup whose summary is an icon button with an accessible name.
 * `children` may be a function that receives `close` (a form calls it once saved).
 */
export function Popover({
  label,
  summary,
  className = "",
  summaryClassName = "icon-button",
  children,
  testId,
  open = false,
}: {
  label: string;
  summary: ReactNode;
  className?: string;
  summaryClassName?: string;
  children: ReactNode | ((close: () => void) => ReactNode);
  testId?: string;
  /** Drawn open (a refused form posted without JavaScript comes back in it). */
  open?: boolean;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  // Contents the server drew stay (the popup opens without JavaScript); a popup drawn in the browser (moving to
  // another chat, say) makes its contents when first opened: a chat's closed menus were a third of its elements.
  const [drawn, setDrawn] = useState(!useHydrated() || open);
  // Drawn on intent (the pointer on the opener, or focus), so the popup is whole in the frame it opens in; at the
  // latest when it opens.
  const draw = () => setDrawn(true);
  useDismissibleDetails(ref, () => flushSync(draw));
  return (
    <details ref={ref} className={className} data-testid={testId} open={open || undefined}>
      <summary aria-label={label} title={label} className={summaryClassName} onPointerEnter={draw} onPointerDown={draw} onFocus={draw}>
        {summary}
      </summary>
      {drawn ? (typeof children === "function" ? children(() => closeDetails(ref.current)) : children) : null}
    </details>
  );
}
