import { describe, expect, test } from "vitest";
import { cleanChatTitle } from "./chat-title";
import { cutText } from "./typed-text";

describe("a chat's title as it is stored", () => {
  test("loses direction controls, so it cannot pass for another name", () => {
    expect(cleanChatTitle("Invoice \u202EFDP.exe")).toBe("Invoice FDP.exe");
    expect(cleanChatTitle("\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee\u2066f\u2067g\u2068h\u2069i\u200Ej\u200Fk\u061Cl")).toBe("abcdefghijkl");
  });

  test("loses characters that draw nothing, and is empty when nothing else is left", () => {
    expect(cleanChatTitle("Inv\u200Boice\u2060 \uFEFFplans\u00AD")).toBe("Invoice plans");
    expect(cleanChatTitle("\u200b\u200b\u200b")).toBe("");
    expect(cleanChatTitle(" \u202e ")).toBe("");
    expect(cleanChatTitle("\u3164\u115F")).toBe("");
  });

  test("keeps what writing needs: joiners in emoji, the Persian non-joiner, variation selectors, flags and other scripts", () => {
    for (const title of ["👨‍👩‍👧‍👦 trip", "می‌خواهم", "❤️ notes", "🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland", "🇯🇵 日本語", "שלום עולם", "مرحبا بالعالم", "Café Ünïcödé"]) {
      expect(cleanChatTitle(title)).toBe(title);
    }
  });

  test("cut to a length, ends between two characters as seen, never inside an emoji", () => {
    const thumbs = "👍🏽";
    const cut = cleanChatTitle(`${"a".repeat(79)}${thumbs}`, { max: 80 });
    expect(cut).toBe("a".repeat(79));
    const families = cleanChatTitle("👨‍👩‍👧‍👦".repeat(20), { max: 120 });
    expect(families).toBe("👨‍👩‍👧‍👦".repeat(17));
    expect(families.endsWith("\u200D")).toBe(false);
  });
});

describe("text cut to a number of characters", () => {
  test("counts code points and keeps every grapheme whole", () => {
    expect(cutText("abc", 3)).toBe("abc");
    expect(cutText("abcd", 3)).toBe("abc");
    expect(cutText("😀😀😀", 2)).toBe("😀😀");
    expect(cutText("ab🇫🇷", 3)).toBe("ab");
    expect(cutText("ab🇫🇷", 4)).toBe("ab🇫🇷");
    expect(cutText("e\u0301e\u0301", 3)).toBe("e\u0301");
  });
});
