import { describe, expect, test } from "vitest";
import { cleanTitle } from "./title.server";

describe("a generated title", () => {
  test("is shown without markdown: no heading or list marks, emphasis, code marks or link addresses", () => {
    expect(cleanTitle("## Rivers of **Europe**")).toBe("Rivers of Europe");
    expect(cleanTitle("- *Baking* sourdough bread")).toBe("Baking sourdough bread");
    expect(cleanTitle("1. Fixing `npm install` errors")).toBe("Fixing npm install errors");
    expect(cleanTitle("[Volga facts](https://example.com/volga) and ~~lies~~")).toBe("Volga facts and lies");
    expect(cleanTitle("> Title: __Tax__ questions")).toBe("Tax questions");
  });

  test("is the first line with words when the model says more than asked", () => {
    expect(cleanTitle("\n\n# Answer section\nHere is some **bold** text and more.")).toBe("Answer section");
    expect(cleanTitle("---\n\"Planning a trip to Kyiv\"\n\nI chose this title because…")).toBe("Planning a trip to Kyiv");
  });

  test("keeps what only looks like markdown inside words, and other languages' words", () => {
    expect(cleanTitle("Renaming snake_case_names in Python")).toBe("Renaming snake_case_names in Python");
    expect(cleanTitle("2*3*4 in C")).toBe("2*3*4 in C");
    expect(cleanTitle("«Рецепт **борща**»")).toBe("Рецепт борща");
  });

  test("is at most 80 characters, on one line, without a trailing full stop", () => {
    expect(cleanTitle("A title.")).toBe("A title");
    expect(cleanTitle("word ".repeat(40)).length).toBeLessThanOrEqual(80);
    expect(cleanTitle("   ")).toBe("");
  });

  test("cut at 80 characters ends between two characters as seen: an emoji keeps its skin tone or goes whole", () => {
    const title = cleanTitle(`${"Thanks ".repeat(11)}👍🏽👍🏽👍🏽`);
    expect(title).toBe(`${"Thanks ".repeat(11)}👍🏽`);
    expect(cleanTitle(`${"a".repeat(79)}👍🏽`)).toBe("a".repeat(79));
    expect(cleanTitle(`Kyiv ${"🇺🇦".repeat(40)}`)).toBe(`Kyiv ${"🇺🇦".repeat(37)}`);
  });

  test("loses direction controls and invisible characters, and is empty when only they are left", () => {
    expect(cleanTitle("\u202EFDP.exe invoice")).toBe("FDP.exe invoice");
    expect(cleanTitle("\u200B## Rivers of **Europe**")).toBe("Rivers of Europe");
    expect(cleanTitle("\u200b\u200b\u2066\u2069")).toBe("");
  });
});
