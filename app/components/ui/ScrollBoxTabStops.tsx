// Code blocks, tables and the admin's wide tables are focusable so that the
// keyboard can scroll what is wider than the page (markup marked
// `data-scroll-box`; the server cannot know a box's width, so without
// JavaScript every one of them is a tab stop). With the script running, Tab
// stops only at those that overflow now: each Tab press (before the browser
// moves the focus) measures them and takes the others out of the order.
// Measured on Tab, not as answers stream, so writing an answer costs nothing.
// A focused box scrolls with the arrows (the browser's own), and to its start
// and end with Home and End.
import { useEffect } from "react";

export const SCROLL_BOX = "data-scroll-box";

/** Tab stops for the boxes that scroll sideways now, none for the others. */
export function updateScrollBoxTabStops(root: ParentNode): void {
  const boxes = [...root.querySelectorAll<HTMLElement>(`[${SCROLL_BOX}]`)];
  // Every width is read before any attribute is written: one layout for them all.
  const scrolls = boxes.map((box) => box.scrollWidth > box.clientWidth + 1);
  boxes.forEach((box, i) => {
    // The box that has the focus keeps its place, so Shift+Tab comes back to where it was.
    if (box === document.activeElement) return;
    box.tabIndex = scrolls[i] ? 0 : -1;
  });
}

export function ScrollBoxTabStops() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      if (event.key === "Tab") updateScrollBoxTabStops(document);
      const box = event.target instanceof HTMLElement && event.target.hasAttribute(SCROLL_BOX) ? event.target : null;
      if (box && (event.key === "Home" || event.key === "End") && !event.ctrlKey && !event.metaKey && !event.altKey && box.scrollWidth > box.clientWidth) {
        event.preventDefault();
        box.scrollTo({ left: event.key === "Home" ? 0 : box.scrollWidth });
      }
    };
    // Capturing, so the order is right before the browser acts on the key.
    document.addEventListener("keydown", onKeyDown, true);
    return () => document.removeEventListener("keydown", onKeyDown, true);
  }, []);
  return null;
}
