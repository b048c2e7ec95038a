// When what had the focus goes away with a page's change (a chat deleted or
// archived from its menu, a branch deleted, a session signed out, the last
// "earlier messages" link followed), the browser leaves the focus on the page
// itself: the next Tab starts from the top. The focus goes instead to the
// message box, or else to the page's main content, without scrolling. A
// button that stayed but let the focus go (disabled while its form was sent)
// takes it back.
import { useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";

export function KeepFocus() {
  const state = useNavigation().state;
  const focusedBefore = useRef<Element | null>(null);
  // What had the focus as a form left, before the page's next render could disable it (and the focus with it).
  const atSubmit = useRef<{ element: Element | null; at: number } | null>(null);
  useEffect(() => {
    const onSubmit = (event: SubmitEvent) => {
      const focused = document.activeElement && document.activeElement !== document.body ? document.activeElement : event.submitter;
      atSubmit.current = { element: focused, at: performance.now() };
    };
    document.addEventListener("submit", onSubmit, true);
    return () => document.removeEventListener("submit", onSubmit, true);
  }, []);
  useEffect(() => {
    if (state !== "idle") {
      // A submit that started this navigation, not one long before (a fetcher's, which navigates nowhere).
      const submitted = atSubmit.current && performance.now() - atSubmit.current.at < 1000 ? atSubmit.current.element : null;
      atSubmit.current = null;
      focusedBefore.current ??= submitted ?? document.activeElement;
      return;
    }
    const before = focusedBefore.current;
    focusedBefore.current = null;
    // Something already took the focus (a field to fix, a popup's opener), or nothing was lost.
    if (!before || before === document.body) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    // Still there, but it let the focus go (a Save button disabled while its form was sent): it takes it back.
    if (before.isConnected) {
      if (before instanceof HTMLElement && !before.matches(":disabled")) before.focus({ preventScroll: true });
      return;
    }
    const box = document.getElementById("composer");
    const target = box instanceof HTMLTextAreaElement && !box.disabled ? box : document.getElementById("main");
    target?.focus({ preventScroll: true });
  }, [state]);
  return null;
}
