// A realistic long answer for the rendering benchmark: what a model writes
// when asked for a thorough explanation — headings, prose with emphasis,
// links and inline math, nested lists, fenced code in several languages,
// display math, tables and quotes — split into tokens of about four
// characters, the way a model's tokens arrive. Deterministic (seeded), so
// every run and every branch measures the same text.
import { rng } from "./draws";

const WORDS = (
  "the a of to and in is that for it as with be on by this are or an which from at can not but all have when their more one " +
  "request stream render parser token block answer server browser cache index query schema buffer thread memory latency " +
  "throughput message branch context model provider upstream database transaction snapshot replica migration handler " +
  "component layout paint frame budget scheduler worker closure promise iterator generator reducer selector boundary " +
  "consistent durable eventual ordered bounded linear quadratic amortized incremental lazily eagerly carefully quickly " +
  "measure compare improve reduce avoid prefer keep split merge parse compile validate serialize compress stream retry"
).split(" ");

function writer(seed: number) {
  // The same text on every run.
  const next = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const words = (count: number) => Array.from({ length: count }, () => pick(WORDS)).join(" ");
  const sentence = () => {
    const parts = [words(int(4, 9))];
    const flavour = next();
    if (flavour < 0.15) parts.push(`**${words(int(1, 3))}**`);
    else if (flavour < 0.28) parts.push(`*${words(int(1, 2))}*`);
    else if (flavour < 0.42) parts.push(`\`${pick(["useMemo", "applyEvent", "appendDelta", "O(n log n)", "Map<string, Block>", "SELECT *", "--max-old-space-size"])}\``);
    else if (flavour < 0.5) parts.push(`[${words(int(1, 3))}](https://example.com/${pick(WORDS)}/${int(1, 99)})`);
    else if (flavour < 0.6) parts.push(pick(["$O(n^2)$", "$\\sum_{i=1}^{n} i$", "$p_{99}$", "$\\lambda = 0.5$", "$x \\in \\mathbb{R}^d$"]));
    parts.push(words(int(3, 8)));
    const text = parts.join(" ");
    return text[0]!.toUpperCase() + text.slice(1) + ".";
  };
  const paragraph = () => Array.from({ length: int(2, 5) }, sentence).join(" ");
  const list = (ordered: boolean) =>
    Array.from({ length: int(3, 7) }, (_, i) => {
      const item = `${ordered ? `${i + 1}.` : "-"} ${sentence()}`;
      return next() < 0.25 ? `${item}\n   - ${sentence()}\n   - ${sentence()}` : item;
    }).join("\n");
  const code = () => {
    const language = pick(["ts", "python", "bash", "sql", "json"]);
    const lines = int(8, 22);
    const body: string[] = [];
    for (let i = 0; i < lines; i++) {
      const name = `${pick(WORDS)}${pick(["Count", "Queue", "Id", "Text", "Size"])}`;
      if (language === "ts") body.push(i % 5 === 0 ? `export function ${name}(input: string[]): number {` : i % 5 === 4 ? "}" : `  const ${name} = input.filter((x) => x.length > ${int(1, 9)}).length; // ${words(3)}`);
      else if (language === "python") body.push(i % 4 === 0 ? `def ${name}(items):` : `    ${name} = [x for x in items if len(x) > ${int(1, 9)}]  # ${words(3)}`);
      else if (language === "bash") body.push(`${pick(["curl -sS", "grep -rn", "sqlite3 data/parley.db", "bun run", "awk '{print $2}'"])} ${pick(WORDS)}-${int(1, 99)} ${pick(["| sort -n", "| head -20", "> out.txt", "&& echo done", ""])}`.trim());
      else if (language === "sql") body.push(`${pick(["SELECT id, parent_id FROM messages", "UPDATE chats SET title = ?", "INSERT INTO parts VALUES (?, ?)", "WITH RECURSIVE path(id) AS (SELECT ?)"])} WHERE ${name} > ${int(1, 999)};`);
      else body.push(`${i === 0 ? "{" : " "} "${name}": ${int(0, 9999)}${i === lines - 1 ? " }" : ","}`);
    }
    return `\`\`\`${language}\n${body.join("\n")}\n\`\`\``;
  };
  const math = () =>
    `$$\n${pick([
      "\\sum_{k=1}^{n} \\frac{1}{k^2} = \\frac{\\pi^2}{6} - \\int_{n}^{\\infty} \\frac{dx}{x^2}",
      "T(n) = 2\\,T\\!\\left(\\frac{n}{2}\\right) + \\Theta(n) \\implies T(n) = \\Theta(n \\log n)",
      "\\mathbb{E}[X] = \\int_{-\\infty}^{\\infty} x\\, f(x)\\, dx, \\quad \\operatorname{Var}(X) = \\mathbb{E}[X^2] - \\mathbb{E}[X]^2",
      "A = \\begin{pmatrix} a_{11} & a_{12} \\\\ a_{21} & a_{22} \\end{pmatrix}, \\quad \\det A = a_{11}a_{22} - a_{12}a_{21}",
    ])}\n$$`;
  const tableBlock = () => {
    const columns = int(3, 5);
    const header = `| ${Array.from({ length: columns }, () => pick(WORDS)).join(" | ")} |`;
    const rule = `|${Array.from({ length: columns }, () => "---").join("|")}|`;
    const rows = Array.from({ length: int(4, 9) }, () => `| ${Array.from({ length: columns }, () => (next() < 0.4 ? String(int(1, 9999)) : words(int(1, 3)))).join(" | ")} |`);
    return [header, rule, ...rows].join("\n");
  };
  const quote = () => `> ${sentence()} ${sentence()}`;
  /** A section's blocks: a heading, prose, then a mix of lists, code, math, tables and quotes. */
  const section = (index: number) => {
    const blocks = [`## ${index}. ${words(int(2, 5)).replace(/^./, (c) => c.toUpperCase())}`, paragraph()];
    const kinds = [() => list(false), () => list(true), code, math, tableBlock, quote, paragraph];
    for (let i = 0, n = int(3, 6); i < n; i++) blocks.push(pick(kinds)(), paragraph());
    return blocks;
  };
  return { section, sentence, words };
}

/**
 * Model-like tokens: a word (or up to 4 of its characters) with the space
 * before it, a number, a punctuation mark, or a run of newlines. Joined, the
 * tokens are exactly the text.
 */
export function tokenize(text: string): string[] {
  return text.match(/\n+|[ \t]*(?:[A-Za-z]{1,4}|\d{1,3}|[^\sA-Za-z\d])|[ \t]+/g) ?? [];
}

/** An answer of exactly `count` tokens, and the tokens. */
export function markdownAnswer(count: number, seed = 8): { text: string; tokens: string[] } {
  const write = writer(seed);
  const blocks: string[] = [];
  let used = 0;
  // Whole blocks while they fit (a block after the first adds its "\n\n" token)…
  outer: for (let index = 1; ; index++) {
    for (const block of write.section(index)) {
      const cost = tokenize(block).length + (blocks.length ? 1 : 0);
      if (used + cost > count) break outer;
      blocks.push(block);
      used += cost;
    }
  }
  // …then one closing paragraph cut to exactly `count` tokens.
  let closing = "";
  while (tokenize(closing).length < count - used) closing += (closing ? " " : "") + write.sentence();
  const all = tokenize(blocks.length ? `${blocks.join("\n\n")}\n\n${closing}` : closing).slice(0, count);
  const text = all.join("");
  if (tokenize(text).join("") !== text) throw new Error("the corpus does not tokenize back to itself");
  return { text, tokens: all };
}
