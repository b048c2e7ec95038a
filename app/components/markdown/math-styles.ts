// KaTeX's stylesheet (docs/decisions/116): a page links it only when it shows
// math. The server says so through its data (`needsMathStyles`, read by the
// root layout); the live renderer asks for it when an answer being written
// brings the first math to a page that had none. The root layout renders the
// one link either way.
import { useSyncExternalStore } from "react";
import katexStyles from "katex/dist/katex.min.css?url";

export const MATH_STYLESHEET = katexStyles;

/** Whether HTML the server rendered from an answer holds math laid out by KaTeX. */
function hasMath(html: string): boolean {
  return html.includes('class="katex');
}

/** Whether any of these rendered texts (renderTextParts' output, per message) holds math. */
export function needsMathStyles(rendered: readonly (readonly ({ html: string } | null)[] | undefined)[]): boolean {
  return rendered.some((parts) => parts?.some((part) => part !== null && hasMath(part.html)) ?? false);
}

// Once an answer written in this visit showed math, the stylesheet stays linked.
let neededLive = false;
const listeners = new Set<() => void>();

/** The live renderer is about to show math. */
export function linkMathStyles(): void {
  if (neededLive) return;
  neededLive = true;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether an answer written in this visit needs the stylesheet (false on the server and while hydrating). */
export function useMathStylesNeededLive(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => neededLive,
    () => false,
  );
}
