import { describe, expect, test } from "vitest";
import { assembleContext, DEFAULT_SYSTEM_PROMPT, estimateTokens, type PathTurn } from "./context";
import { type ContextMessage, contextText } from "./types";

// 35 characters: estimateTokens gives 10 + 4 = 14 tokens each.
const turn = (role: PathTurn["role"], label: string): PathTurn => ({ role, parts: [{ type: "text", text: label.padEnd(35, ".") }] });
const path = [turn("user", "u1"), turn("assistant", "a1"), turn("user", "u2"), turn("assistant", "a2"), turn("user", "u3")];
const SYSTEM = "sys"; // 5 tokens
const labels = (messages: ContextMessage[]) => messages.map((m) => contextText(m).replace(/\.+$/, ""));

describe("fitting the conversation into the context window", () => {
  test("everything is sent when it fits", () => {
    expect(estimateTokens(contextText({ role: "user", parts: [{ type: "text", text: "u1".padEnd(35, ".") }] }))).toBe(14);
    const context = assembleContext({ path, systemPrompt: SYSTEM, contextWindow: 5 + 5 * 14, reserveForAnswer: 0 });
    expect(labels(context.messages)).toEqual(["u1", "a1", "u2", "a2", "u3"]);
    expect(context.trimmed).toBe(0);
    expect(context.system).toBe("sys");
  });

  test("the oldest turns are dropped first", () => {
    const context = assembleContext({ path, systemPrompt: SYSTEM, contextWindow: 5 + 3 * 14, reserveForAnswer: 0 });
    expect(labels(context.messages)).toEqual(["u2", "a2", "u3"]);
    expect(context.trimmed).toBe(2);
  });

  test("the room reserved for the answer counts against the window", () => {
    const context = assembleContext({ path, systemPrompt: SYSTEM, contextWindow: 5 + 5 * 14, reserveForAnswer: 2 * 14 });
    expect(labels(context.messages)).toEqual(["u2", "a2", "u3"]);
  });

  test("the kept conversation starts with a user turn", () => {
    // Room for a2 and u3 — but a conversation may not open with an answer.
    const context = assembleContext({ path, systemPrompt: SYSTEM, contextWindow: 5 + 2 * 14, reserveForAnswer: 0 });
    expect(labels(context.messages)).toEqual(["u3"]);
    expect(context.trimmed).toBe(4);
  });

  test("the newest user turn is always sent, even when it alone is over the budget", () => {
    const huge: PathTurn = { role: "user", parts: [{ type: "text" as const, text: "x".repeat(10_000) }] };
    const context = assembleContext({ path: [...path, turn("assistant", "a3"), huge], systemPrompt: SYSTEM, contextWindow: 100, reserveForAnswer: 0 });
    expect(context.messages).toEqual([huge]);
    expect(context.trimmed).toBe(6);
  });

  test("trimming never skips a turn to fit an older one", () => {
    const big: PathTurn = { role: "assistant", parts: [{ type: "text" as const, text: "y".repeat(700) }] };
    const context = assembleContext({ path: [turn("user", "u1"), big, turn("user", "u2")], systemPrompt: SYSTEM, contextWindow: 5 + 3 * 14, reserveForAnswer: 0 });
    expect(labels(context.messages)).toEqual(["u2"]);
  });

  test("empty answers are left out", () => {
    const context = assembleContext({
      path: [turn("user", "u1"), { role: "assistant", parts: [{ type: "text" as const, text: "  " }], status: "error" }, turn("user", "u2")],
      contextWindow: 100_000,
    });
    expect(labels(context.messages)).toEqual(["u1", "u2"]);
  });

  test("a missing or blank system prompt falls back to the default", () => {
    expect(assembleContext({ path, contextWindow: 100_000 }).system).toBe(DEFAULT_SYSTEM_PROMPT);
    expect(assembleContext({ path, systemPrompt: "   ", contextWindow: 100_000 }).system).toBe(DEFAULT_SYSTEM_PROMPT);
    expect(assembleContext({ path, systemPrompt: "  Be terse. ", contextWindow: 100_000 }).system).toBe("Be terse.");
  });
});
