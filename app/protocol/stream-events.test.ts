import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { type MessagePart, plainText, reasoningText } from "./parts";
import { messagePart } from "./parts-schema";
import { applyEvent, outcomeOf, parseStreamEvent, type StreamEvent, terminalEvent } from "./stream-events";

const fold = (events: StreamEvent[], parts: MessagePart[] = []) => events.reduce(applyEvent, parts);

describe("folding events into an answer", () => {
  test("text and reasoning extend the part they name, or open it", () => {
    const parts = fold([
      { id: 1, event: "reasoning", data: { part: 0, text: "Let me " } },
      { id: 2, event: "reasoning", data: { part: 0, text: "think." } },
      { id: 3, event: "delta", data: { part: 1, text: "Hello" } },
      { id: 4, event: "delta", data: { part: 1, text: ", world" } },
    ]);
    expect(parts).toEqual([
      { type: "reasoning", text: "Let me think." },
      { type: "text", text: "Hello, world" },
    ]);
    expect(plainText(parts)).toBe("Hello, world");
    expect(reasoningText(parts)).toBe("Let me think.");
  });

  test("a tool call starts, receives its arguments, and its result marks it complete", () => {
    const parts = fold([
      { id: 1, event: "delta", data: { part: 0, text: "Checking." } },
      { id: 2, event: "tool", data: { phase: "started", part: 1, toolCallId: "t1", name: "weather", startedAt: 10 } },
      { id: 3, event: "tool", data: { phase: "arguments", part: 1, toolCallId: "t1", text: '{"city":' } },
      { id: 4, event: "tool", data: { phase: "arguments", part: 1, toolCallId: "t1", text: '"Oslo"}' } },
      { id: 5, event: "tool", data: { phase: "result", part: 2, toolCallId: "t1", name: "weather", result: { c: 3 }, isError: false, durationMs: 12, endedAt: 22 } },
      { id: 6, event: "delta", data: { part: 3, text: "It is 3 °C." } },
    ]);
    expect(parts).toEqual([
      { type: "text", text: "Checking." },
      { type: "tool-call", toolCallId: "t1", name: "weather", arguments: '{"city":"Oslo"}', status: "complete", startedAt: 10, endedAt: 22 },
      { type: "tool-result", toolCallId: "t1", name: "weather", result: { c: 3 }, isError: false, durationMs: 12 },
      { type: "text", text: "It is 3 °C." },
    ]);
    for (const part of parts) expect(messagePart.safeParse(part).success).toBe(true);
  });

  test("a snapshot replaces whatever the reader had", () => {
    const stale: MessagePart[] = [{ type: "text", text: "Hel" }];
    expect(fold([{ id: 4, event: "snapshot", data: { parts: [{ type: "text", text: "Hello" }] } }], stale)).toEqual([{ type: "text", text: "Hello" }]);
  });

  test("folding never changes the array it was given", () => {
    const before: MessagePart[] = [{ type: "text", text: "a" }];
    const after = applyEvent(before, { id: 2, event: "delta", data: { part: 0, text: "b" } });
    expect(before).toEqual([{ type: "text", text: "a" }]);
    expect(after).toEqual([{ type: "text", text: "ab" }]);
  });
});

describe("terminal events", () => {
  test("a complete answer ends with done and no reason", () => {
    expect(terminalEvent(9, { status: "complete", stats: { outputTokens: 3 } })).toEqual({ id: 9, event: "done", data: { status: "complete", stats: { outputTokens: 3 } } });
  });

  test("a cut-short answer says why, as a code and in words", () => {
    const event = terminalEvent(4, { status: "interrupted", problem: { code: "stopped" } });
    expect(event).toEqual({ id: 4, event: "done", data: { status: "interrupted", stats: {}, reason: { code: "stopped" }, message: "Stopped." } });
    expect(outcomeOf(event as Extract<StreamEvent, { event: "done" }>)).toEqual({ status: "interrupted", stats: {}, problem: { code: "stopped" } });
  });

  test("a failed answer ends with error, its code, parameters and words; a missing problem is answer_failed", () => {
    const event = terminalEvent(2, { status: "error", problem: { code: "upstream_timeout", params: { provider: "Groq" } } });
    expect(event).toEqual({ id: 2, event: "error", data: { status: "error", code: "upstream_timeout", params: { provider: "Groq" }, message: "Groq stopped responding. Continue or regenerate to try again.", stats: {} } });
    expect(outcomeOf(event as Extract<StreamEvent, { event: "error" }>)).toEqual({ status: "error", stats: {}, problem: { code: "upstream_timeout", params: { provider: "Groq" } } });
    expect(terminalEvent(2, { status: "error" })).toMatchObject({ event: "error", data: { code: "answer_failed" } });
  });
});

describe("reading events off the wire", () => {
  test("known events are typed, unknown names and broken data are skipped", () => {
    expect(parseStreamEvent("delta", '{"part":0,"text":"hi"}', "3")).toEqual({ id: 3, event: "delta", data: { part: 0, text: "hi" } });
    expect(parseStreamEvent("future-event", "{}", "4")).toBeNull();
    expect(parseStreamEvent("delta", "{broken", "5")).toBeNull();
    expect(parseStreamEvent("delta", "{}", "not a number")).toBeNull();
  });
});

describe("one builder for terminal events", () => {
  /** Every source file of the server and the browser (tests excluded). */
  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sources(full);
      return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [full] : [];
    });
  }

  // A done or error event written by hand elsewhere would drift from the
  // shape readers rely on (code, params, message, stats): they go through terminalEvent.
  test("no module but stream-events.ts writes a done or error event literal", () => {
    const offenders = [...sources("app"), "server.ts"].filter((file) => {
      if (path.resolve(file) === path.resolve("app/protocol/stream-events.ts")) return false;
      return /event:\s*["'](done|error)["']/.test(readFileSync(file, "utf8"));
    });
    expect(offenders).toEqual([]);
    expect(readFileSync("app/protocol/stream-events.ts", "utf8")).toMatch(/event:\s*"done"/);
  });

  test("every outcome gets exactly one of the two shapes, and it round-trips through outcomeOf", () => {
    const outcomes = [
      { status: "complete" },
      { status: "complete", stats: { outputTokens: 1 } },
      { status: "interrupted", problem: { code: "interrupted_by_shutdown" } },
      { status: "interrupted" },
      { status: "error", problem: { code: "upstream_rejected", params: { provider: "OpenAI", status: 400, detail: "bad" } } },
    ] as const;
    for (const outcome of outcomes) {
      const event = terminalEvent(7, outcome);
      expect(event.event).toBe(outcome.status === "error" ? "error" : "done");
      if (event.event === "done") {
        expect(Object.keys(event.data).sort()).toEqual("problem" in outcome ? ["message", "reason", "stats", "status"] : ["stats", "status"]);
      } else if (event.event === "error") {
        expect(Object.keys(event.data).sort()).toEqual(["code", "message", "params", "stats", "status"]);
        expect(event.data.message).toBe("OpenAI rejected the request (HTTP 400): bad");
      }
      expect(outcomeOf(event as Extract<StreamEvent, { event: "done" | "error" }>)).toEqual({ stats: {}, ...outcome });
      // What goes over the wire reads back as the same event.
      expect(parseStreamEvent(event.event, JSON.stringify(event.data), String(event.id))).toEqual(event);
    }
  });
});
