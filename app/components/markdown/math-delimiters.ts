// Which dollars and backslashes in an answer are math. Models write formulas
// as `$…$` and `$$…$$`, and also as LaTeX's `\(…\)` and `\[…\]` (markdown
// would read `\(` as an escaped parenthesis and drop the backslash); they also
// write prices, and "$5 and $10" is not a formula.

/** Math written between `\(…\)` or `\[…\]`, never across a blank line; code spans are matched first so they stay as they are. */
const LATEX_OR_CODE = /(`+)[^]*?\1|\\\[((?:(?!\n[ \t]*\n)[^])+?)\\\]|\\\(((?:(?!\n[ \t]*\n)[^])+?)\\\)/g;
export const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function latexToDollars(text: string): string {
  return text.replace(LATEX_OR_CODE, (whole: string, code: string | undefined, display: string | undefined, inline: string | undefined, at: number) => {
    if (code !== undefined) return whole;
    // `$$…$$` within a line is an inline formula. `\[…\]` on lines of its own is a displayed one: the fences go on theirs.
    const alone = /(^|\n)[ \t]*$/.test(text.slice(0, at)) && /^[ \t]*(\n|$)/.test(text.slice(at + whole.length));
    if (display !== undefined) return alone ? `$$\n${display.trim()}\n$$` : `$$${display}$$`;
    return `$$${inline}$$`;
  });
}

/**
 * The answer's markdown with `\(…\)` and `\[…\]` written as the dollars the
 * math parser reads, outside code. Text without them is returned as it is.
 */
export function normalizeMathDelimiters(markdown: string): string {
  if (!markdown.includes("\\(") && !markdown.includes("\\[")) return markdown;
  const lines = markdown.split("\n");
  const out: string[] = [];
  let prose: string[] = [];
  let fence: string | null = null;
  const flush = () => {
    if (prose.length) out.push(latexToDollars(prose.join("\n")));
    prose = [];
  };
  for (const line of lines) {
    const opened = FENCE.exec(line)?.[1];
    if (fence === null && opened) {
      flush();
      fence = opened;
      out.push(line);
    } else if (fence !== null) {
      out.push(line);
      if (opened && opened[0] === fence[0] && opened.length >= fence.length && line.trim() === opened) fence = null;
    } else prose.push(line);
  }
  flush();
  return out.join("\n");
}

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
  position?: { start: { offset?: number }; end: { offset?: number } };
}

/**
 * A remark plugin: a `$…$` formula that reads as prices is put back as text.
 * As in Pandoc, the opening dollar is followed by a character that is not a
 * space, the closing one follows such a character and is not followed by a
 * digit: "$5 and $10" stays text, "$x^2$" and "$2x$" are formulas.
 */
export function remarkDollarAmounts() {
  return (tree: MdNode, file: { value?: unknown }) => {
    const source = typeof file.value === "string" ? file.value : String(file.value ?? "");
    const visit = (node: MdNode) => {
      if (!node.children) return;
      node.children = node.children.map((child) => {
        visit(child);
        if (child.type !== "inlineMath") return child;
        const start = child.position?.start.offset;
        const end = child.position?.end.offset;
        if (start === undefined || end === undefined) return child;
        const raw = source.slice(start, end);
        if (!raw.startsWith("$") || raw.startsWith("$$")) return child;
        const inner = raw.slice(1, -1);
        const price = /^\s/.test(inner) || /\s$/.test(inner) || /^\d/.test(source.charAt(end));
        return price ? { type: "text", value: raw, position: child.position } : child;
      });
    };
    visit(tree);
  };
}
