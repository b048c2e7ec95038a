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
