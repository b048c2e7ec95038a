import { describe, expect, test } from "vitest";
import { fallbackTitle } from "./fallback-title";

describe("a chat's title from its first message", () => {
  test("is the message when it is short, on one line", () => {
    expect(fallbackTitle("  How do\nrivers   form?  ")).toBe("How do rivers form?");
  });

  test("a long one is cut at a word, with an ellipsis", () => {
    expect(fallbackTitle("Tell me everything you know about the rivers of Europe and their sources")).toBe("Tell me everything you know about the rivers…");
  });

  test("is cut between two characters as seen: no emoji loses its skin tone, no family its last member", () => {
    expect(fallbackTitle("👍🏽".repeat(30))).toBe(`${"👍🏽".repeat(23)}…`);
    expect(fallbackTitle("👨‍👩‍👧‍👦".repeat(10))).toBe(`${"👨‍👩‍👧‍👦".repeat(6)}…`);
    expect(fallbackTitle(`${"x".repeat(46)}🇫🇷🇫🇷`)).toBe(`${"x".repeat(46)}…`);
  });

  test("has no direction controls or invisible characters, and is empty when the message has nothing else", () => {
    expect(fallbackTitle("Pay \u202Efdp.exe now")).toBe("Pay fdp.exe now");
    expect(fallbackTitle("\u200b\u200b\u200b")).toBe("");
  });
});
