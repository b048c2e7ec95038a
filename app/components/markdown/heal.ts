// The block being written is often half a construct: `**bold` without its
// end, a link without its address, a table with its header row but not yet
// the row under it. Shown as parsed, such text flickers between literal
// characters and formatting as tokens arrive; closing it first keeps it
// steady. remend closes emphasis, code, links and block math; tables are
// done here.
import remend from "remend";

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

export function healPartialMarkdown(block: string): string {
  return remend(closeTableHeader(block), { linkMode: "text-only" });
}
