// The block being written is often half a construct: `**bold` without its
// end, a link without its address, a table with its header row but not yet
// the row under it. Shown as parsed, such text flickers between literal
// characters and formatting as tokens arrive; closing it first keeps it
// steady. remend closes emphasis, code, links and block math; tables and
// LaTeX's `\[…\]` and `\(…\)` are done here.
import remend from "remend";
import { FENCE } from "./math-delimiters";

const DELIMITER_CELL = /^\s*:?-*:?\s*$/;

function cells(row: string): string[] {
  const trimmed = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  return trimmed.split("|");
}

/**
 * A table whose delimiter row (`|---|---|`) has not fully arrived is, to a
 * markdown parser, a paragraph of pipes. Give it a complete delimiter row so
 * it shows as the table it is about to be.
 */
function closeTableHeader(block: string): string {
  const lines = block.replace(/\n+$/, "").split("\n");
  if (lines.length > 2 || !lines[0]!.trimStart().startsWith("|") || lines[0]!.split("|").length < 3) return block;
  const columns = cells(lines[0]!).length;
  if (lines.length === 2 && !cells(lines[1]!).every((cell) => DELIMITER_CELL.test(cell))) return block;
  return `${lines[0]}\n|${Array.from({ length: columns }, () => "---").join("|")}|\n`;
}

/** Code spans first, so what they hold stays as it is; then LaTeX's math delimiters. */
const LATEX_DELIMITER = /(`+)[^]*?\1|\\[[\]()]/g;
const CLOSER = { "\\[": "\\]", "\\(": "\\)" } as const;

/**
 * A formula opened with `\[` or `\(` and not yet closed gets its end (a
 * backslash that is half of the end is dropped), as remend gives a `$$`
 * block its end, so it shows as the math it is becoming.
 */
function closeLatexMath(block: string): string {
  if (!block.includes("\\[") && !block.includes("\\(")) return block;
  if (FENCE.test(block)) return block;
  let open: keyof typeof CLOSER | null = null;
  for (const [token] of block.matchAll(LATEX_DELIMITER)) {
    if (token.startsWith("`")) continue;
    if (open === null && token in CLOSER) open = token as keyof typeof CLOSER;
    else if (open !== null && token === CLOSER[open]) open = null;
  }
  if (open === null) return block;
  return `${block.replace(/\s+$/, "").replace(/(^|[^\\])\\$/, "$1").replace(/\s+$/, "")} ${CLOSER[open]}`;
}

/** A code span, or a whole `\[…\]` or `\(…\)` formula. */
const CODE_OR_LATEX = /(`+)[^]*?\1|\\\[[^]*?\\\]|\\\([^]*?\\\)/g;
const ASIDE = /\uE000(\d+)\uE001/g;

export function healPartialMarkdown(block: string): string {
  const latex = closeLatexMath(closeTableHeader(block));
  if (!latex.includes("\\[") && !latex.includes("\\(")) return remend(latex, { linkMode: "text-only" });
  // remend would read a formula's brackets as links: formulas stand aside, as private-use characters, while it works.
  const formulas: string[] = [];
  const aside = latex.replace(CODE_OR_LATEX, (whole: string, code: string | undefined) => {
    if (code !== undefined) return whole;
    formulas.push(whole);
    return `\uE000${formulas.length - 1}\uE001`;
  });
  return remend(aside, { linkMode: "text-only" }).replace(ASIDE, (whole, index: string) => formulas[Number(index)] ?? whole);
}
