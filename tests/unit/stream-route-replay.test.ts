// The stream route's replay from the database (eventsFromDatabase). It lives
// here rather than beside the route: a *.test.ts file in app/routes/ would be
// picked up by Remix as a route of its own.
import { beforeAll, describe, expect, test } from "vitest";
import { prepareDatabase } from "~/db.server";
import { createExchange, getMessage, interruptOrphanedStreams, saveStreamProgress } from "~/models/message.server";
import { eventsFromDatabase } from "~/routes/chats.$chatId.messages.$messageId.stream";
import { type StreamEvent, type StreamOutcome, type StreamProgress, StreamRegistry } from "~/streaming/registry.server";
import { createTestChat, createTestUser, TEST_MODEL } from "./fixtures";

beforeAll(async () => {
  await prepareDatabase();
});

const stored = {
  content: "Hello world",
  reasoning: "",
  status: "complete",
  error: null,
  stats: { outputTokens: 2 },
  lastEventId: 5,
};

/** What a browser shows after applying `events` to the text it already had. */
function applyEvents(text: string, events: StreamEvent[]): string {
  for (const event of events) {
    if (event.event !== "delta") continue;
    const data = event.data as { text: string; replace?: boolean };
    text = data.replace ? data.text : text + data.text;
  }
  return text;
}

describe("replaying a stored answer", () => {
  test("a reader with no event id gets the whole text, then done", () => {
    const expected = [
      { id: 4, event: "delta", data: { text: "Hello world" } },
      { id: 5, event: "done", data: { status: "complete", stats: { outputTokens: 2 } } },
    ];
    expect(eventsFromDatabase(stored, null)).toEqual(expected);
    expect(eventsFromDatabase(stored, 0)).toEqual(expected);
  });

  test("a reader that has everything but the terminal event gets only done", () => {
    expect(eventsFromDatabase(stored, 4)).toEqual([
      { id: 5, event: "done", data: { status: "complete", stats: { outputTokens: 2 } } },
    ]);
  });

  test("a reader that stopped mid-way gets the stored text flagged replace, then done", () => {
    expect(eventsFromDatabase({ ...stored, reasoning: "Thinking." }, 2)).toEqual([
      { id: 4, event: "reasoning", data: { text: "Thinking.", replace: true } },
      { id: 4, event: "delta", data: { text: "Hello world", replace: true } },
      { id: 5, event: "done", data: { status: "complete", stats: { outputTokens: 2 } } },
    ]);
    // Without reasoning it still clears whatever partial reasoning the reader holds.
    expect(eventsFromDatabase(stored, 3)[0]).toEqual({ id: 4, event: "reasoning", data: { text: "", replace: true } });
  });

  test("reasoning is sent before the text to a reader starting from nothing", () => {
    expect(eventsFromDatabase({ ...stored, reasoning: "Thinking." }, null).map((e) => e.event)).toEqual(["reasoning", "delta", "done"]);
  });

  test("a failed answer ends with an error event carrying its message", () => {
    const events = eventsFromDatabase({ ...stored, status: "error", error: "OpenAI had a server error (HTTP 500)." }, null);
    expect(events.at(-1)).toEqual({
      id: 5,
      event: "error",
      data: { message: "OpenAI had a server error (HTTP 500).", status: "error", stats: { outputTokens: 2 } },
    });
  });

  test("an answer still marked streaming is reported as interrupted", () => {
    const events = eventsFromDatabase({ ...stored, status: "streaming", stats: null }, null);
    expect(events.at(-1)).toEqual({ id: 5, event: "done", data: { status: "interrupted", stats: {} } });
  });

  test("an interrupted answer's reason travels with its done event", () => {
    const events = eventsFromDatabase({ ...stored, status: "interrupted", error: "Stopped." }, 4);
    expect(events).toEqual([{ id: 5, event: "done", data: { status: "interrupted", stats: { outputTokens: 2 }, reason: "Stopped." } }]);
  });

  test("a row with no recorded events still gets ids 1 and 2", () => {
    expect(eventsFromDatabase({ ...stored, lastEventId: 0 }, null).map((e) => e.id)).toEqual([1, 2]);
  });
});

describe("resuming once the stream has left memory", () => {
  test("a reader that stopped after any live event ends with exactly the stored text, never a duplicate", async () => {
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
        for (const token of ["One ", "two ", "three."]) writer.text(token);
        writer.stats({ outputTokens: 3 });
        return { status: "complete", stats: { outputTokens: 3 } };
      },
    });
    const live: StreamEvent[] = [];
    stream.subscribe(0, (event) => live.push(event));
    await stream.settled;
    const row = { ...final!, error: null, stats: final!.stats ?? null };
    expect(row.lastEventId).toBe(live.at(-1)!.id);

    for (let after = 0; after < row.lastEventId; after++) {
      const seen = applyEvents("", live.filter((e) => e.id <= after));
      const resumed = eventsFromDatabase(row, after);
      expect(applyEvents(seen, resumed)).toBe("One two three.");
      expect(resumed.at(-1)).toMatchObject({ id: row.lastEventId, event: "done" });
    }
  });

  test("after a crash, a reader up to date with the last save gets only the interrupted terminal event", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const { assistantMessageId } = await createExchange({ chatId: chat.id, parentId: null, content: "Hi", model: TEST_MODEL, instanceId: null });
    await saveStreamProgress({ messageId: assistantMessageId, content: "Partial ans", reasoning: "", lastEventId: 7 });
    await interruptOrphanedStreams({ instanceId: null });
    const row = (await getMessage({ chatId: chat.id, messageId: assistantMessageId }))!;

    expect(eventsFromDatabase(row, 7)).toEqual([
      { id: 8, event: "done", data: { status: "interrupted", stats: {}, reason: "The server restarted while this answer was being written." } },
    ]);
    expect(applyEvents("Parti", eventsFromDatabase(row, 3))).toBe("Partial ans");
  });
});
