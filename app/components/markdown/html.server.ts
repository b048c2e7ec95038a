// Finished answers are rendered to HTML once, here, and the page shows that
// HTML as it is: the browser neither parses the markdown of a chat's history
// again nor loads the parser, the highlighter and KaTeX to show it
// (docs/decisions/025). Same plugins and components as the browser's live
// renderer (components.tsx), so an answer looks the same either way.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import type { MessagePart } from "../../protocol/parts";
import type { MessageStatus } from "../../protocol/stream-events";
import { tFor } from "../../i18n/translate.server";
import type { Locale } from "../../protocol/catalogue";
import { components, type CopyLabels, copyLabelsOf, CopyLabelsContext, rehypePluginsWith, remarkPlugins, urlTransform } from "./components";
import type { RenderedText } from "./Markdown";
import { healPartialMarkdown } from "./heal";
import { normalizeMathDelimiters } from "./math-delimiters";
import { richPlugins } from "./rich";

const rehypePlugins = rehypePluginsWith(richPlugins);

export function markdownToHtml(text: string, labels: CopyLabels): string {
  return renderToStaticMarkup(
    createElement(CopyLabelsContext.Provider, { value: labels }, createElement(ReactMarkdown, { remarkPlugins, rehypePlugins, components, urlTransform }, normalizeMathDelimiters(text))),
  );
}

const labelsByLocale = new Map<Locale, CopyLabels>();

/** A language's Copy-button words, from the catalogue. */
export function copyLabelsFor(locale: Locale): CopyLabels {
  let labels = labelsByLocale.get(locale);
  if (!labels) labelsByLocale.set(locale, (labels = copyLabelsOf(tFor(locale))));
  return labels;
}

/**
 * Rendered texts, newest use last (a Map keeps insertion order). Bounded by
 * characters held (text and HTML), not entries: one long answer weighs as
 * much as hundreds of short ones.
 */
const cache = new Map<string, string>();
const CACHE_LIMIT_CHARS = 32 * 1024 * 1024;
let cachedChars = 0;

function cachedHtml(text: string, labels: CopyLabels): string {
  // The same text in another language differs only by its code blocks' words.
  const key = `${labels.label}\u0000${labels.idle}\u0000${labels.done}\u0000${labels.code}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const html = markdownToHtml(text, labels);
  cache.set(key, html);
  cachedChars += key.length + html.length;
  for (const [oldKey, oldHtml] of cache) {
    if (cachedChars <= CACHE_LIMIT_CHARS) break;
    cache.delete(oldKey);
    cachedChars -= oldKey.length + oldHtml.length;
  }
  return html;
}

/**
 * The HTML of each text part of an answer (null for other parts). A finished
 * answer's HTML is kept for the next request; the text of an answer still
 * being written changes every moment, so it is rendered but not kept. An
 * answer cut short (stopped, failed) ends as it was shown while written: its
 * last text's unclosed markup (`**bold`, a link without its address) closed.
 */
export function renderTextParts(parts: readonly MessagePart[], { status, locale }: { status: MessageStatus; locale: Locale }): (RenderedText | null)[] {
  const labels = copyLabelsFor(locale);
  const final = status !== "streaming";
  const cut = status === "interrupted" || status === "error";
  const lastText = parts.findLastIndex((part) => part.type === "text");
  return parts.map((part, index) => {
    if (part.type !== "text") return null;
    const text = cut && index === lastText ? healPartialMarkdown(part.text) : part.text;
    return { html: final ? cachedHtml(text, labels) : markdownToHtml(text, labels), chars: part.text.length };
  });
}
