import { describe, expect, test } from "vitest";
import { markdownAnswer } from "../../../bench/lib/markdown-corpus";
import { healPartialMarkdown } from "./heal";
import { BlockSplitter } from "./split";

describe("splitting an answer being written into blocks", () => {
  test("fed a few tokens at a time, finished blocks never change and the blocks always add up to the text", () => {
    const { tokens, text } = markdownAnswer(4000, 3);
    const splitter = new BlockSplitter();
    let sofar = "";
    let previous: string[] = [];
    for (let i = 0; i < tokens.length; i += 5) {
      sofar += tokens.slice(i, i + 5).join("");
      const { finished, last } = splitter.update(sofar);
      expect(finished.slice(0, previous.length)).toEqual(previous);
      expect(finished.join("") + last).toBe(sofar);
      previous = [...finished];
    }
    expect(sofar).toBe(text);
    // Headings, paragraphs, lists, code, math and tables: many blocks.
    expect(previous.length).toBeGreaterThan(10);
  });

  test("a block is finished only once another begins: an open code fence stays the last block", () => {
    const splitter = new BlockSplitter();
    expect(splitter.update("Intro\n\n```ts\nconst a = 1;\n\nconst b = 2;")).toEqual({ finished: ["Intro\n\n"], last: "```ts\nconst a = 1;\n\nconst b = 2;" });
    expect(splitter.update("Intro\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nAfter")).toEqual({
      finished: ["Intro\n\n", "```ts\nconst a = 1;\n\nconst b = 2;\n```\n\n"],
      last: "After",
    });
  });

  test("a text that is replaced rather than extended starts over", () => {
    const splitter = new BlockSplitter();
    splitter.update("# One\n\nTwo\n\nThree");
    expect(splitter.update("Other\n\nText")).toEqual({ finished: ["Other\n\n"], last: "Text" });
  });
});

describe("closing the block being written", () => {
  test.each([
    ["Some **bold", "Some **bold**"],
    ["Use `npm", "Use `npm`"],
    ["See [the docs](https://exa", "See the docs"],
    ["$$\n\\frac{a}{b}", "$$\n\\frac{a}{b}\n$$"],
  ])("%j shows as %j", (partial, healed) => {
    expect(healPartialMarkdown(partial)).toBe(healed);
  });

  test("a table whose row of dashes has not arrived yet is shown as a table already", () => {
    expect(healPartialMarkdown("| name | size |")).toBe("| name | size |\n|---|---|\n");
    expect(healPartialMarkdown("| name | size |\n|---|-")).toBe("| name | size |\n|---|---|\n");
    expect(healPartialMarkdown("| name | size |\n|---|---|\n| a | 1")).toBe("| name | size |\n|---|---|\n| a | 1");
    expect(healPartialMarkdown("| just a pipe")).toBe("| just a pipe");
  });

  test.each([
    ["The formula:\n\n\\[ x^2 + ", "The formula:\n\n\\[ x^2 + \\]"],
    ["\\[\nx^2 + y\n", "\\[\nx^2 + y \\]"],
    ["Half its end: \\[ a + b \\", "Half its end: \\[ a + b \\]"],
    ["A line break: \\[ a \\\\", "A line break: \\[ a \\\\ \\]"],
    ["Inline \\( a + b", "Inline \\( a + b \\)"],
    ["A closed \\[ \\text{a [b} \\] and **more", "A closed \\[ \\text{a [b} \\] and **more**"],
    ["Code: `\\[` and \\(x", "Code: `\\[` and \\(x \\)"],
    ["```latex\n\\[ x", "```latex\n\\[ x"],
  ])("LaTeX math being written, %j, shows as %j: its brackets are not taken for a link", (partial, healed) => {
    expect(healPartialMarkdown(partial)).toBe(healed);
  });
});
