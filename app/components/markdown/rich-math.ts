// KaTeX for `$…$` and `$$…$$` (see rich.ts). Errors show the source in red
// instead of failing the answer.
import rehypeKatex from "rehype-katex";
import type { PluggableList } from "unified";

export const mathPlugin: PluggableList[number] = [rehypeKatex, { throwOnError: false, strict: "ignore" }];
