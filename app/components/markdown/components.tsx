// What markdown may become, shared by the server (finished answers rendered
// to HTML once) and the browser (the answer being written, block by block),
// so both produce the same markup. The sanitizing rules live here:
// - no raw HTML: react-markdown turns HTML in a message into text (there is
//   no rehype-raw), so it is shown, never parsed or run;
// - links keep only http(s), mailto, in-page and same-site addresses;
// - images are never loaded on their own: a link the user may choose to open.
import { type ComponentProps, createContext, useContext } from "react";
import { type Components, defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import type { PluggableList } from "unified";
import { SCROLL_BOX } from "~/components/ui/ScrollBoxTabStops";
import { rehypeDirection } from "./direction";
import { remarkDollarAmounts } from "./math-delimiters";

// Text that is given to them passes through normalizeMathDelimiters first (`\(…\)` and `\[…\]` as dollars).
export const remarkPlugins: PluggableList = [remarkGfm, remarkMath, remarkDollarAmounts];

/** Every rendering's rehype steps: math and highlighting where they are loaded (`rich`), then each block's direction. */
export function rehypePluginsWith(rich: PluggableList): PluggableList {
  return [...rich, rehypeDirection];
}

export function urlTransform(url: string): string {
  // Only http(s), mailto and in-page links survive; javascript:, data: and friends become empty.
  const safe = defaultUrlTransform(url);
  return /^(https?:|mailto:|#|\/)/i.test(safe) || safe === "" ? safe : "";
}

/** The words of a code block's Copy button, in the page's language (from the catalogue: `copyLabelsOf`). */
export interface CopyLabels {
  /** The button's accessible name. */
  label: string;
  /** A code block's own name ("Code", then its language when it has one). */
  code: string;
  idle: string;
  done: string;
}

/** The labels for a language's `t`. */
export function copyLabelsOf(t: (key: "message.copyCode" | "message.copyShort" | "message.codeBlock" | "common.copied") => string): CopyLabels {
  return { label: t("message.copyCode"), idle: t("message.copyShort"), code: t("message.codeBlock"), done: t("common.copied") };
}

/** Given by both renderers (the server's HTML and the browser's live blocks), so their markup is the same. */
export const CopyLabelsContext = createContext<CopyLabels | null>(null);

/**
 * A code block and its Copy button. The button is plain markup (the same in
 * server-rendered HTML and in the browser): the message it sits in handles
 * its clicks (copy.ts), and the stylesheet hides it where scripts do not run.
 */
// react-markdown passes its hast `node` to custom components: keep it off the DOM (it rendered as node="[object Object]").
function CodeBlock({ children, node, ...props }: ComponentProps<"pre"> & { node?: unknown }) {
  const labels = useContext(CopyLabelsContext);
  if (!labels) throw new Error("a code block was rendered without CopyLabelsContext");
  // A formula while the math renderer is still loading (a live answer's first
  // formula): it shows as its source for a moment, and is not code to copy.
  if (isPendingMath(node)) return <pre {...props}>{children}</pre>;
  // Focusable: a line wider than the answer scrolls sideways, with the keyboard too (ScrollBoxTabStops.tsx);
  // focused, it says what it is ("Code, python") rather than reading out its whole text as its name.
  const language = languageOf(node);
  return (
    <div className="code-block">
      <pre {...props} tabIndex={0} {...{ [SCROLL_BOX]: "" }} role="group" aria-label={language ? `${labels.code}, ${language}` : labels.code}>
        {children}
      </pre>
      <button type="button" className="copy-button copy-code" data-copy-code="" aria-label={labels.label}>
        <span className="copy-idle">{labels.idle}</span>
        <span className="copy-done">{labels.done}</span>
      </button>
    </div>
  );
}

/** The language a fenced block names (```python → "python"), from its `<code>`'s class. */
function languageOf(node: unknown): string | undefined {
  const className = codeChild(node)?.properties?.className;
  const named = Array.isArray(className) ? className.find((name): name is string => typeof name === "string" && name.startsWith("language-")) : undefined;
  return named?.slice("language-".length) || undefined;
}

function codeChild(node: unknown): { tagName?: string; properties?: { className?: unknown } } | undefined {
  const first = (node as { children?: { tagName?: string; properties?: { className?: unknown } }[] } | undefined)?.children?.[0];
  return first?.tagName === "code" ? first : undefined;
}

/** Is this `<pre>` a display formula remark-math left for KaTeX (`<pre><code class="language-math">`)? */
function isPendingMath(node: unknown): boolean {
  const className = codeChild(node)?.properties?.className;
  return Array.isArray(className) && className.includes("language-math");
}

export const components: Components = {
  pre: CodeBlock,
  // A table wider than the answer scrolls in its own box (the stylesheet), which the keyboard can focus to scroll.
  table: ({ node: _node, ...props }) => <table {...props} tabIndex={0} {...{ [SCROLL_BOX]: "" }} />,
  // A link whose address was dropped (javascript:, data:…) is only its words: an anchor without one would open this page again.
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  // Model output must not make the browser fetch remote images on its own
  // (tracking pixels, exfiltration via URL): show a link the user can choose to open.
  img: ({ src, alt }) => (
    <a href={typeof src === "string" ? src : undefined} target="_blank" rel="noopener noreferrer nofollow ugc" className="text-sky-400">
      [image{alt ? `: ${alt}` : ""}]
    </a>
  ),
};
