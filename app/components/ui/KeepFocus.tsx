// When what had the focus goes away with a page's change (a chat deleted or
// archived from its menu, a branch deleted, a session signed out, the last
// "earlier messages" link followed), the browser leaves the focus on the page
// itself: the next Tab starts from the top. The focus goes instead to the
// message box, or else to the page's main content, without scrolling.
import { useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";

export function KeepFocus() {
  const state = useNavigation().state;
  const focusedBefore = useRef<Element | null>(null);
  useEffect(() => {
    if (state !== "idle") {
      focusedBefore.current ??= document.activeElement;
      return;
    }
    const before = focusedBefore.current;
    focusedBefore.current = null;
    // Something already took the focus (a field to fix, a popup's opener), or nothing was lost.
    if (!before || before === document.body || before.isConnected) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    const box = document.getElementById("composer");
    const target = box instanceof HTMLTextAreaElement && !box.disabled ? box : document.getElementById("main");
    target?.focus({ preventScroll: true });
  }, [state]);
  return null;
}
