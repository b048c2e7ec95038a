// The keyboard shortcuts of the chat pages, and their list. The list is a
// popup in the sidebar (a <details>; hidden without JavaScript, where no
// shortcut works); `?`
// or Ctrl+/ (⌘/ on a Mac, where the list says ⌘) opens it from anywhere on the page; a
// phone or tablet with only a touch screen is not offered its entry. Ctrl+K (the
// quick switcher) lives in QuickSwitcher.tsx, Esc (stop an answer, close a
// popup) in the composer and the popups themselves.
import { useNavigate } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { isComposing } from "../ui/composing";
import { Icon } from "../ui/Icon";
import { useKeyNames } from "../ui/keys";
import { useDismissibleDetails } from "../ui/Popover";

export const SHORTCUTS = [
  { keys: ["Ctrl", "K"], what: "shortcuts.find" },
  { keys: ["Ctrl", "Shift", "O"], what: "shortcuts.newChat" },
  { keys: ["Ctrl", "Shift", "C"], what: "shortcuts.copyLast" },
  { keys: ["Enter"], what: "shortcuts.send" },
  { keys: ["Esc"], what: "shortcuts.escape" },
  { keys: ["?"], what: "shortcuts.show" },
] as const;

const LIST_ID = "keyboard-shortcuts";

/** Typing in a field: `?` is a character there, not a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select") !== null);
}

/** The list, in the sidebar's footer. */
export function ShortcutsHelp() {
  const { t } = useTranslation();
  const ref = useRef<HTMLDetailsElement>(null);
  useDismissibleDetails(ref);
  const keyName = useKeyNames();
  return (
    <details ref={ref} id={LIST_ID} className="needs-script relative" data-testid="keyboard-shortcuts">
      <summary className="needs-keyboard flex cursor-pointer list-none items-center gap-1 px-1 py-0.5 text-zinc-500 hover:text-zinc-200">
        <Icon name="keyboard" /> {t("shortcuts.title")}
      </summary>
      <div role="group" aria-label={t("shortcuts.title")} className="absolute bottom-full left-0 z-30 mb-1 w-72 rounded-lg border border-zinc-700 bg-zinc-900 p-3 shadow-xl">
        <dl className="space-y-1.5 text-sm">
          {SHORTCUTS.map(({ keys, what }) => (
            <div key={what} className="flex items-start justify-between gap-3">
              <dt className="shrink-0 whitespace-nowrap">
                {keys.map((key, i) => (
                  <span key={key}>
                    {i > 0 ? <span className="text-zinc-500">+</span> : null}
                    <kbd className="rounded border border-zinc-700 bg-zinc-800 px-1 text-xs text-zinc-200">{keyName(key)}</kbd>
                  </span>
                ))}
              </dt>
              <dd className="text-right text-zinc-300">{t(what, { mod: keyName("Ctrl") })}</dd>
            </div>
          ))}
        </dl>
      </div>
    </details>
  );
}

/** Listens for the shortcuts; says what it did in a live region (a copy has nothing else to show). */
export function KeyboardShortcuts() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [said, setSaid] = useState("");
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isComposing(event)) return;
      const mod = (event.ctrlKey || event.metaKey) && !event.altKey;
      const key = event.key.toLowerCase();
      if (mod && event.shiftKey && key === "o") {
        event.preventDefault();
        navigate("/chats?new=1");
      } else if (mod && event.shiftKey && key === "c") {
        const answers = document.querySelectorAll<HTMLElement>('[data-testid="assistant-message"]');
        const copy = answers[answers.length - 1]?.querySelector<HTMLButtonElement>("button[data-copy-message]");
        if (!copy) return;
        event.preventDefault();
        copy.click();
        setSaid("");
        requestAnimationFrame(() => setSaid(t("shortcuts.copiedLast")));
      } else if ((mod && !event.shiftKey && key === "/") || (event.key === "?" && !mod && !isTyping(event.target))) {
        const list = document.getElementById(LIST_ID);
        if (!(list instanceof HTMLDetailsElement) || list.offsetParent === null) return;
        event.preventDefault();
        // Closed with Esc (which leaves the focus on its opener), the list gives the focus back to where it was.
        const before = document.activeElement;
        const onToggle = () => {
          if (list.open) return;
          list.removeEventListener("toggle", onToggle);
          if (before instanceof HTMLElement && before.isConnected && list.contains(document.activeElement)) before.focus();
        };
        list.addEventListener("toggle", onToggle);
        list.open = true;
        list.querySelector("summary")?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate, t]);
  return (
    <p role="status" aria-live="polite" className="sr-only" data-testid="shortcut-announcement">
      {said}
    </p>
  );
}
