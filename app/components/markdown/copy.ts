// Copy buttons in rendered markdown are plain markup (components.tsx), so
// one handler on the message serves server-rendered HTML and live blocks
// alike: it copies the code of the block whose button was clicked.
import type { MouseEvent } from "react";

/** How long a button says "Copied". */
export const COPIED_MS = 1500;

/**
 * Copies `text`; `said` ("Copied") is then read out by screen readers, from
 * the page's one polite announcer (root.tsx): a button's own words changing
 * under the focus are not.
 */
export async function copyText(text: string, said?: string): Promise<void> {
  await navigator.clipboard.writeText(text);
  if (said) announce(said);
}

/** Has screen readers read `said` out once, politely, from the page's one announcer (root.tsx). */
export function announce(said: string): void {
  const announcer = document.getElementById("announcer");
  if (!announcer) return;
  // Emptied first, so the same words said twice in a row are heard twice.
  announcer.textContent = "";
  requestAnimationFrame(() => (announcer.textContent = said));
}

/** onClick of an element holding rendered markdown: a click on a code block's Copy button copies that block. */
export function copyCodeOnClick(event: MouseEvent<HTMLElement>): void {
  const button = event.target instanceof Element ? event.target.closest<HTMLElement>("[data-copy-code]") : null;
  if (!button || !event.currentTarget.contains(button)) return;
  const code = button.parentElement?.querySelector("pre")?.textContent ?? "";
  void copyText(code.replace(/\n$/, ""), button.querySelector(".copy-done")?.textContent ?? undefined).then(() => {
    // An attribute, not new text: React may own this button (a live block) and would not expect its text to change.
    button.dataset.copied = "";
    setTimeout(() => delete button.dataset.copied, COPIED_MS);
  });
}
