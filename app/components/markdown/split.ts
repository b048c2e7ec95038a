// Splits an answer being written into top-level markdown blocks, so the page
// renders each finished block once and only the last one again as text
// arrives (the approach of Vercel's Streamdown). A block is finished once
// another block starts after it. Incremental: only the text from the start
// of the last block is parsed again, so the cost of an update does not grow
// with the length of the answer.
import remarkParse from "remark-parse";
import { unified } from "unified";
import { remarkPlugins } from "./components";

// Frozen once: an unfrozen processor pays for setting up its extensions on every parse (a few ms each time).
const parser = unified().use(remarkParse).use(remarkPlugins).freeze();

export class BlockSplitter {
  /** Finished blocks, in order; each is the markdown source of one block (with the blank lines after it). */
  readonly finished: string[] = [];
  /** Where the unfinished last block starts in the text. */
  private stableEnd = 0;
  private text = "";

  /** Takes the whole text so far; returns the finished blocks and the text of the block still being written. */
  update(text: string): { finished: readonly string[]; last: string } {
    if (text !== this.text) {
      // Streaming only appends; anything else (a snapshot that replaced the text) starts over.
      if (!text.startsWith(this.text.slice(0, this.stableEnd))) {
        this.finished.length = 0;
        this.stableEnd = 0;
      }
      this.text = text;
      const tail = text.slice(this.stableEnd);
      const blocks = parser.parse(tail).children;
      if (blocks.length > 1) {
        const starts = blocks.map((block, index) => (index === 0 ? 0 : (block.position?.start.offset ?? 0)));
        for (let i = 0; i < starts.length - 1; i++) this.finished.push(tail.slice(starts[i], starts[i + 1]));
        this.stableEnd += starts[starts.length - 1]!;
      }
    }
    return { finished: this.finished, last: text.slice(this.stableEnd) };
  }
}
