// Highlighting and math: the heavy part of rendering (most of its bytes), so
// the browser loads it only when an answer being written contains fenced
// code or math (blocks.tsx); the server always uses it.
import rehypeHighlight from "rehype-highlight";
import rehypeKatex from "rehype-katex";
import type { PluggableList } from "unified";

export const richPlugins: PluggableList = [
  [rehypeKatex, { throwOnError: false, strict: "ignore" }],
  [rehypeHighlight, { detect: false, ignoreMissing: true }],
];
