// Popups and menus are <details>: the summary opens them without JavaScript.
// With it they behave like a polished app's: Esc and a click outside close
// them (Esc hands focus back to the summary that opened them), opening one
// moves focus to its first field, and a form inside can close its popup once
// it has saved (see `closeDetails`).
import { type ReactNode, type RefObject, useEffect, useRef } from "react";

/** Closes a <details> popup and, when asked, puts focus back on its opener. */
export function closeDetails(details: HTMLDetailsElement | null, { focus = true }: { focus?: boolean } = {}): void {
  if (!details?.open) return;
  details.open = false;
  if (focus) details.querySelector<HTMLElement>(":scope > summary")?.focus();
}

export function useDismissibleDetails(ref: RefObject<HTMLDetailsElement>): void {
  useEffect(() => {
    const details = ref.current;
    if (!details) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || !details.open || event.defaultPrevented) return;
      // Handled here: an outer popup (or the page's Esc-to-stop) must not act on it too.
      event.preventDefault();
      event.stopPropagation();
      closeDetails(details);
    };
    const onPointerDown = (event: PointerEvent) => {
      if (details.open && !details.contains(event.target as Node)) closeDetails(details, { focus: false });
    };
    const onToggle = () => {
      if (!details.open) return;
      const field = details.querySelector<HTMLElement>("[data-autofocus]");
      field?.focus();
      if (field instanceof HTMLInputElement) field.select();
      // A popup opened near the bottom of a scrolled list shows itself whole.
      details.querySelector(":scope > :not(summary)")?.scrollIntoView({ block: "nearest" });
    };
    details.addEventListener("keydown", onKeyDown);
    details.addEventListener("toggle", onToggle);
    document.addEventListener("pointerdown", onPointerDown);
    return () => {
      details.removeEventListener("keydown", onKeyDown);
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
}: {
  label: string;
  summary: ReactNode;
  className?: string;
  summaryClassName?: string;
  children: ReactNode | ((close: () => void) => ReactNode);
  testId?: string;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  useDismissibleDetails(ref);
  return (
    <details ref={ref} className={className} data-testid={testId}>
      <summary aria-label={label} title={label} className={summaryClassName}>
        {summary}
      </summary>
      {typeof children === "function" ? children(() => closeDetails(ref.current)) : children}
    </details>
  );
}
