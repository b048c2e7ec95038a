// Finished answers are rendered to HTML once, here, and the page shows that
// HTML as it is: the browser neither parses the markdown of a chat's history
// again nor loads the parser, the highlighter and KaTeX to show it
// (docs/decisions/025). Same plugins and components as the browser's live
// renderer (components.tsx), so an answer looks the same either way.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import type { MessagePart } from "../../protocol/parts";
import { components, remarkPlugins, urlTransform } from "./components";
import type { RenderedText } from "./Markdown";
import { richPlugins } from "./rich";

export function markdownToHtml(text: string): string {
  return renderToStaticMarkup(
    createElement(ReactMarkdown, { remarkPlugins, rehypePlugins: richPlugins, components, urlTransform }, text),
  );
}

/**
 * Rendered texts, newest use last (a Map keeps insertion order). Bounded by
 * characters held (text and HTML), not entries: one long answer weighs as
 * much as hundreds of short ones.
 */
const cache = new Map<string, string>();
const CACHE_LIMIT_CHARS = 32 * 1024 * 1024;
let cachedChars = 0;

function cachedHtml(text: string): string {
  const hit = cache.get(text);
  if (hit !== undefined) {
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const html = markdownToHtml(text);
  cache.set(text, html);
  cachedChars += text.length + html.length;
  for (const [oldText, oldHtml] of cache) {
    if (cachedChars <= CACHE_LIMIT_CHARS) break;
    cache.delete(oldText);
    cachedChars -= oldText.length + oldHtml.length;
  }
  return html;
}

/**
 * The HTML of each text part of an answer (null for other parts). A finished
 * answer's HTML is kept for the next request; the text of an answer still
 * being written changes every moment, so it is rendered but not kept.
 */
export function renderTextParts(parts: readonly MessagePart[], { final }: { final: boolean }): (RenderedText | null)[] {
  return parts.map((part) => {
    if (part.type !== "text") return null;
    return { html: final ? cachedHtml(part.text) : markdownToHtml(part.text), chars: part.text.length };
  });
}
