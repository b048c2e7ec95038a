// Syntax highlighting of fenced code that names its language (see rich.ts);
// no guessing of unnamed languages, and an unknown name is left plain.
import rehypeHighlight from "rehype-highlight";
import type { PluggableList } from "unified";

export const highlightPlugin: PluggableList[number] = [rehypeHighlight, { detect: false, ignoreMissing: true }];
