// A search snippet as the database writes it (hits between the control
// characters \u0002 and \u0003) turned into plain pieces of text, each saying
// whether it is a hit. The page renders the hits as <mark> elements with
// React, which escapes text: nothing from a message is ever inserted as HTML.

export interface Segment {
  text: string;
  hit: boolean;
}

export function segmentsOf(marked: string): Segment[] {
  const segments: Segment[] = [];
  let hit = false;
  let text = "";
  const flush = () => {
    if (text) segments.push({ text, hit });
    text = "";
  };
  for (const char of marked) {
    if (char === "\u0002" || char === "\u0003") {
      flush();
      hit = char === "\u0002";
    } else {
      text += char;
    }
  }
  flush();
  return segments;
}

// Hit marks may sit anywhere in the text: the patterns below let them through.
/* eslint-disable no-control-regex -- the hit marks are the control characters \u0002 and \u0003 */
const MARKS = /[\u0002\u0003]/g;
const LINE_START = /^([\u0002\u0003\s]*)(?:#{1,6}|>|[-*+]|`{3,}[\w+-]*|~{3,}[\w+-]*)(?=[\s\u0002\u0003]|$)/;
// A link's address may be cut off by the snippet's end ("…").
const LINK = /!?\[([^\]\n]*)\]\([^)\s]*?(\)|…$)/g;
const LINK_CUT_AT_START = /^([^[\]\n]*)\]\([^)\s]*\)/;
const MARKER_RUNS = /\*{2,3}|_{2,3}|~~|`+/g;
// A lone * or _ that opens or closes emphasis (not `2 * 3`, not snake_case).
// Emphasis may open after the "…" of a cut snippet or a typographic quote, and close before one.
const LONE_EMPHASIS =
  /(?<=(?:^|[\s([{"'…“«„‘])[\u0002\u0003]*)[*_](?=[\u0002\u0003]*[^\s*_\u0002\u0003])|(?<=[^\s*_\u0002\u0003][\u0002\u0003]*)[*_](?=[\u0002\u0003]*(?:$|[\s)\]}.,;:!?"'…”»’]))/g;

/* eslint-enable no-control-regex */

function readableLine(line: string): string {
  // A table's rule (| --- | :-: |) says nothing; its rows become cells side by side.
  if (/\|/.test(line) && /^[\s|:-]+$/.test(line.replace(MARKS, ""))) return "";
  // So does a rule between paragraphs (---, ***, ___).
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return "";
  const cells = line.includes("|") ? line.split("|").map((cell) => cell.trim()).filter((cell) => cell.replace(MARKS, "") !== "").join(" · ") : line;
  return cells.replace(LINE_START, "$1");
}

/**
 * A message's words as a snippet shows them: the markdown that renders as
 * formatting in the chat (emphasis, code marks, headings, quotes, bullets,
 * fences, table rules, a link's address) is left out, and line breaks
 * become spaces. The hit marks stay where they were.
 */
export function readableSnippet(marked: string): string {
  return marked
    .split("\n")
    .map(readableLine)
    .join("\n")
    .replace(LINK_CUT_AT_START, "$1")
    .replace(LINK, (_match, words: string, end: string) => (end === "…" ? `${words}…` : words))
    .replace(MARKER_RUNS, "")
    .replace(LONE_EMPHASIS, "")
    .replace(/\s+/g, " ")
    .trim();
}
