// The stream route's replay from the database (eventsFromDatabase). It lives
// here rather than beside the route: a *.test.ts file in app/routes/ would be
// picked up by Remix as a route of its own.
import { beforeAll, describe, expect, test } from "vitest";
import { prepareDatabase } from "~/db.server";
import { createExchange, getMessage, interruptOrphanedStreams, saveStreamProgress } from "~/models/message.server";
import { type MessagePart, plainText, textParts } from "~/protocol/parts";
import { applyEvent, type StreamEvent } from "~/protocol/stream-events";
import { eventsFromDatabase } from "~/routes/chats.$chatId.messages.$messageId.stream";
import { type StreamOutcome, type StreamProgress, StreamRegistry } from "~/streaming/registry.server";
import { createTestChat, createTestUser, TEST_MODEL } from "./fixtures";

beforeAll(async () => {
  await prepareDatabase();
});

const stored = {
  parts: textParts("Hello world"),
  status: "complete" as const,
  problem: null,
  stats: { outputTokens: 2 },
  lastEventId: 5,
};

/** What a browser shows after folding `events` into the parts it already had. */
function applyEvents(parts: MessagePart[], events: StreamEvent[]): MessagePart[] {
  return events.reduce(applyEvent, parts);
}

describe("replaying a stored answer", () => {
  test("a reader with no event id gets the whole answer as a snapshot, then done", () => {
    const expected = [
      { id: 4, event: "snapshot", data: { parts: [{ type: "text", text: "Hello world" }] } },
      { id: 5, event: "done", data: { status: "complete", stats: { outputTokens: 2 } } },
    ];
    expect(eventsFromDatabase(stored, null)).toEqual(expected);
    expect(eventsFromDatabase(stored, 0)).toEqual(expected);
  });

  test("a reader that has everything but the terminal event gets only done", () => {
    expect(eventsFromDatabase(stored, 4)).toEqual([{ id: 5, event: "done", data: { status: "complete", stats: { outputTokens: 2 } } }]);
  });

  test("a reader that stopped mid-way gets a snapshot that replaces what it had, reasoning included", () => {
    const withReasoning = { ...stored, parts: [{ type: "reasoning" as const, text: "Thinking." }, ...textParts("Hello world")] };
    const resumed = eventsFromDatabase(withReasoning, 2);
    expect(resumed.map((e) => e.event)).toEqual(["snapshot", "done"]);
    // Whatever the reader held (here a half-written, stale answer) is replaced, never doubled.
    expect(applyEvents([{ type: "reasoning", text: "Thi" }, { type: "text", text: "Hel" }], resumed)).toEqual(withReasoning.parts);
  });

  test("a failed answer ends with an error event carrying its code and text", () => {
    const problem = { code: "upstream_server_error" as const, params: { provider: "OpenAI", status: 500 } };
    const events = eventsFromDatabase({ ...stored, status: "error", problem }, null);
    expect(events.at(-1)).toEqual({
      id: 5,
      event: "error",
      data: { status: "error", code: "upstream_server_error", params: { provider: "OpenAI", status: 500 }, message: "OpenAI had a server error (HTTP 500). Continue or regenerate to try again.", stats: { outputTokens: 2 } },
    });
  });

  test("an answer still marked streaming is reported as interrupted", () => {
    const events = eventsFromDatabase({ ...stored, status: "streaming", stats: null }, null);
    expect(events.at(-1)).toEqual({ id: 5, event: "done", data: { status: "interrupted", stats: {} } });
  });

  test("an interrupted answer's reason travels with its done event", () => {
    const events = eventsFromDatabase({ ...stored, status: "interrupted", problem: { code: "stopped" } }, 4);
    expect(events).toEqual([{ id: 5, event: "done", data: { status: "interrupted", stats: { outputTokens: 2 }, reason: { code: "stopped" }, message: "Stopped." } }]);
  });

  test("a row with no recorded events still gets ids 1 and 2", () => {
    expect(eventsFromDatabase({ ...stored, lastEventId: 0 }, null).map((e) => e.id)).toEqual([1, 2]);
  });
});

describe("resuming once the stream has left memory", () => {
  test("a reader that stopped after any live event ends with exactly the stored parts, never a duplicate", async () => {
    let final: (StreamProgress & StreamOutcome) | undefined;
    const registry = new StreamRegistry({
      store: { saveProgress: async () => {}, saveFinal: async (f) => void (final = f) },
      persistIntervalMs: 10_000,
      retentionMs: 0,
    });
    const stream = registry.start({
      messageId: "m1",
      chatId: "c1",
      run: async (writer) => {
        writer.reasoning("Plan: ");
        for (const token of ["One ", "two "]) writer.text(token);
        writer.tool({ phase: "started", toolCallId: "call_1", name: "clock" });
        writer.tool({ phase: "arguments", toolCallId: "call_1", text: '{"tz":"UTC"}' });
        writer.tool({ phase: "result", toolCallId: "call_1", name: "clock", result: { time: "12:00" }, isError: false, durationMs: 3 });
        writer.text("three.");
        writer.stats({ outputTokens: 3 });
        return { status: "complete", stats: { outputTokens: 3 } };
      },
    });
    const live: StreamEvent[] = [];
    stream.subscribe(0, (event) => live.push(event));
    await stream.settled;
    const row = { ...final!, problem: null, stats: final!.stats ?? null };
    expect(row.lastEventId).toBe(live.at(-1)!.id);
    // Folding every live event gives exactly what was stored.
    expect(applyEvents([], live)).toEqual(row.parts);
    expect(plainText(row.parts)).toBe("One two three.");

    for (let after = 0; after < row.lastEventId; after++) {
      const seen = applyEvents([], live.filter((e) => e.id <= after));
      const resumed = eventsFromDatabase(row, after);
      expect(applyEvents(seen, resumed)).toEqual(row.parts);
      expect(resumed.at(-1)).toMatchObject({ id: row.lastEventId, event: "done" });
    }
  });

  test("after a crash, a reader up to date with the last save gets only the interrupted terminal event", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const { assistantMessageId } = await createExchange({ chatId: chat.id, parentId: null, parts: textParts("Hi"), model: TEST_MODEL, instanceId: null });
    await saveStreamProgress({ messageId: assistantMessageId, parts: textParts("Partial ans"), lastEventId: 7 });
    await interruptOrphanedStreams({ instanceId: null });
    const row = (await getMessage({ chatId: chat.id, messageId: assistantMessageId }))!;

    expect(eventsFromDatabase(row, 7)).toEqual([
      {
        id: 8,
        event: "done",
        data: { status: "interrupted", stats: {}, reason: { code: "interrupted_by_restart" }, message: "The server restarted while this answer was being written." },
      },
    ]);
    expect(applyEvents(textParts("Parti"), eventsFromDatabase(row, 3))).toEqual(textParts("Partial ans"));
  });
});
