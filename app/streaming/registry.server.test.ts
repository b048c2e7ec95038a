import { describe, expect, test } from "vitest";
import {
  type StreamEvent,
  type StreamOutcome,
  type StreamProgress,
  StreamRegistry,
  type StreamStore,
  type StreamWriter,
} from "./registry.server";
import { type MessagePart, plainText, reasoningText } from "../protocol/parts";
import { applyEvent } from "../protocol/stream-events";
import { AppError } from "../protocol/errors";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records every save, in order, and can be made slow. */
class RecordingStore implements StreamStore {
  progress: StreamProgress[] = [];
  finals: (StreamProgress & StreamOutcome)[] = [];
  calls: ("progress" | "final")[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly delayMs = 0) {}

  async saveProgress(progress: StreamProgress) {
    await this.track(() => {
      this.progress.push(progress);
      this.calls.push("progress");
    });
  }

  async saveFinal(final: StreamProgress & StreamOutcome) {
    await this.track(() => {
      this.finals.push(final);
      this.calls.push("final");
    });
  }

  private async track(record: () => void) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.delayMs) await sleep(this.delayMs);
    record();
    this.inFlight--;
  }
}

/**
 * A generation the test drives by hand through `writer`. It ends when the test
 * calls finish()/fail(), or as "interrupted" when its signal aborts (as the
 * real generation does on Stop).
 */
function manualRun() {
  let writer: StreamWriter | undefined;
  let finish!: (outcome: StreamOutcome) => void;
  let fail!: (error: unknown) => void;
  const run = (w: StreamWriter) => {
    writer = w;
    return new Promise<StreamOutcome>((resolve, reject) => {
      finish = resolve;
      fail = reject;
      w.signal.addEventListener("abort", () => resolve({ status: "interrupted", problem: { code: "stopped" } }), { once: true });
    });
  };
  return {
    run,
    get writer(): StreamWriter {
      if (!writer) throw new Error("the run has not started");
      return writer;
    },
    finish: (outcome: StreamOutcome = { status: "complete" }) => finish(outcome),
    fail: (error: unknown) => fail(error),
  };
}

/** A promise the test settles by hand, as the send's store would. */
function pendingStore() {
  let settle!: { resolve: () => void; reject: (error: unknown) => void };
  const stored = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  return { stored, ...settle };
}

function setup({ persistIntervalMs = 10_000, retentionMs = 60_000, store = new RecordingStore() } = {}) {
  const unexpected: unknown[] = [];
  const registry = new StreamRegistry({ store, persistIntervalMs, retentionMs, onUnexpectedError: (error) => unexpected.push(error) });
  return { registry, store, unexpected };
}

const deltaText = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.event === "delta" ? [(e.data as { text: string }).text] : [])).join("");
const ids = (events: StreamEvent[]) => events.map((e) => e.id);
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** Runs a short answer with interleaved reasoning, text and stats, recording every event as it is produced. */
async function finishedStream() {
  const { registry, store } = setup();
  const generation = manualRun();
  const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
  const live: StreamEvent[] = [];
  stream.subscribe(0, (event) => live.push(event));
  const w = generation.writer;
  w.reasoning("Let me ");
  w.reasoning("think.");
  w.text("Hello");
  w.text(", ");
  w.reasoning(" Done thinking.");
  w.text("world");
  w.stats({ outputTokens: 3 });
  w.text("!");
  generation.finish({ status: "complete", stats: { outputTokens: 4 } });
  await stream.settled;
  return { registry, store, stream, live };
}

describe("replaying a stream", () => {
  test("a reader resuming after any event id gets exactly the events that follow, numbered consecutively", async () => {
    const { stream, live } = await finishedStream();
    const last = stream.lastEventId;
    expect(ids(live)).toEqual(range(1, last));
    expect(live.at(-1)).toMatchObject({ event: "done", data: { status: "complete" } });

    for (const after of [0, 1, 3, 5, last - 1, last]) {
      const replayed: StreamEvent[] = [];
      stream.subscribe(after, (event) => replayed.push(event));
      expect(ids(replayed)).toEqual(range(after + 1, last));
      // Rebuilt from the compact log, each event equals the one sent live.
      expect(replayed).toEqual(live.slice(after));
    }
  });

  test("a replay from the start rebuilds the full text and reasoning", async () => {
    const { stream } = await finishedStream();
    const replayed: StreamEvent[] = [];
    stream.subscribe(0, (event) => replayed.push(event));
    expect(deltaText(replayed)).toBe("Hello, world!");
    expect(plainText(stream.parts)).toBe("Hello, world!");
    const reasoning = replayed.flatMap((e) => (e.event === "reasoning" ? [(e.data as { text: string }).text] : [])).join("");
    expect(reasoning).toBe("Let me think. Done thinking.");
  });

  test("a reader joining mid-stream gets the replay and then live events with no gap", async () => {
    const { registry } = setup();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    for (const token of ["The ", "quick ", "brown "]) generation.writer.text(token);

    const fromStart: StreamEvent[] = [];
    const fromTwo: StreamEvent[] = [];
    stream.subscribe(0, (event) => fromStart.push(event));
    stream.subscribe(2, (event) => fromTwo.push(event));
    expect(ids(fromStart)).toEqual([1, 2, 3]);
    expect(ids(fromTwo)).toEqual([3]);

    for (const token of ["fox ", "jumps."]) generation.writer.text(token);
    generation.finish();
    await stream.settled;

    expect(ids(fromStart)).toEqual(range(1, stream.lastEventId));
    expect(ids(fromTwo)).toEqual(range(3, stream.lastEventId));
    expect(deltaText(fromStart)).toBe(plainText(stream.parts));
    expect(plainText(stream.parts)).toBe("The quick brown fox jumps.");
    expect("The quick " + deltaText(fromTwo)).toBe(plainText(stream.parts));
  });

  test("several readers each receive every event", async () => {
    const { registry } = setup();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    const readers: StreamEvent[][] = [[], [], []];
    for (const reader of readers) stream.subscribe(0, (event) => reader.push(event));
    expect(stream.readerCount).toBe(3);
    for (const token of ["a", "b", "c"]) generation.writer.text(token);
    generation.finish();
    await stream.settled;
    for (const reader of readers) {
      expect(ids(reader)).toEqual([1, 2, 3, 4]);
      expect(deltaText(reader)).toBe("abc");
      expect(reader.at(-1)!.event).toBe("done");
    }
    expect(stream.readerCount).toBe(0);
  });

  test("a reader that detaches stops receiving events while the others go on", async () => {
    const { registry } = setup();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    const leaving: StreamEvent[] = [];
    const staying: StreamEvent[] = [];
    const detach = stream.subscribe(0, (event) => leaving.push(event));
    stream.subscribe(0, (event) => staying.push(event));
    generation.writer.text("one");
    detach();
    generation.writer.text("two");
    generation.finish();
    await stream.settled;
    expect(ids(leaving)).toEqual([1]);
    expect(ids(staying)).toEqual([1, 2, 3]);
  });

  test("subscribing to a finished stream replays it and attaches nothing", async () => {
    const { stream } = await finishedStream();
    const replayed: StreamEvent[] = [];
    const detach = stream.subscribe(0, (event) => replayed.push(event));
    expect(replayed.at(-1)!.event).toBe("done");
    expect(stream.readerCount).toBe(0);
    expect(() => detach()).not.toThrow();
  });
});

describe("running a generation", () => {
  test("a reader whose write fails is dropped and the generation carries on", async () => {
    const { registry, store } = setup();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    let brokenCalls = 0;
    stream.subscribe(0, () => {
      brokenCalls++;
      if (brokenCalls === 2) throw new Error("write after close");
    });
    const healthy: StreamEvent[] = [];
    stream.subscribe(0, (event) => healthy.push(event));
    generation.writer.text("one ");
    generation.writer.text("two ");
    expect(stream.readerCount).toBe(1);
    generation.writer.text("three");
    generation.finish();
    await stream.settled;

    expect(brokenCalls).toBe(2);
    expect(deltaText(healthy)).toBe("one two three");
    expect(healthy.at(-1)!.event).toBe("done");
    expect(store.finals).toEqual([expect.objectContaining({ parts: [{ type: "text", text: "one two three" }], status: "complete" })]);
  });

  test("the generation runs to the end with no reader at all", async () => {
    const { registry, store } = setup();
    const stream = registry.start({
      messageId: "m1",
      chatId: "c1",
      run: async (writer) => {
        for (const token of ["nobody ", "is ", "watching"]) {
          await sleep(1);
          writer.text(token);
        }
        return { status: "complete" };
      },
    });
    expect(stream.readerCount).toBe(0);
    await stream.settled;
    expect(store.finals).toEqual([
      { messageId: "m1", parts: [{ type: "text", text: "nobody is watching" }], lastEventId: 4, status: "complete" },
    ]);
    expect(registry.isGenerating("m1")).toBe(false);
  });

  test("a Continue goes on in the stored answer's own parts: its reasoning after a paragraph break, its text in the sentence it broke off", async () => {
    const { registry, store } = setup();
    const stored = [
      { type: "reasoning" as const, text: "The user wants primes." },
      { type: "text" as const, text: "The first" },
    ];
    const stream = registry.start({
      messageId: "m1",
      chatId: "c1",
      startEventId: 7,
      parts: stored,
      run: async (writer) => {
        writer.reasoning("Carry on ");
        writer.reasoning("the list.");
        writer.text(" primes are ");
        writer.text("2, 3, 5.");
        return { status: "complete" };
      },
    });
    await stream.settled;
    const whole = [
      { type: "reasoning", text: "The user wants primes.\n\nCarry on the list." },
      { type: "text", text: "The first primes are 2, 3, 5." },
    ];
    expect(store.finals).toEqual([expect.objectContaining({ parts: whole, status: "complete" })]);
    // A page that had the stored answer and reads the events from there ends with the same parts.
    const events: StreamEvent[] = [];
    stream.subscribe(7, (event) => events.push(event));
    expect(events.filter((e) => e.event === "delta" || e.event === "reasoning").reduce(applyEvent, stored)).toEqual(whole);
  });

  test("a Continue never moves words before a tool call the answer made: reasoning after it opens a part of its own", async () => {
    const { registry, store } = setup();
    const call = { type: "tool-call" as const, toolCallId: "call_1", name: "weather", arguments: "{}", status: "complete" as const };
    const stream = registry.start({
      messageId: "m1",
      chatId: "c1",
      startEventId: 3,
      parts: [{ type: "reasoning", text: "Check the weather." }, call, { type: "text", text: "It is" }],
      run: async (writer) => {
        writer.reasoning("Now the answer.");
        writer.text(" cold.");
        return { status: "complete" };
      },
    });
    await stream.settled;
    expect(store.finals[0]?.parts).toEqual([
      { type: "reasoning", text: "Check the weather." },
      call,
      { type: "text", text: "It is cold." },
      { type: "reasoning", text: "Now the answer." },
    ]);
  });

  test("stop() aborts the writer's signal and ends the stream as interrupted", async () => {
    const { registry, store } = setup();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    const events: StreamEvent[] = [];
    stream.subscribe(0, (event) => events.push(event));
    generation.writer.text("partial");
    expect(registry.isGenerating("m1")).toBe(true);
    expect(registry.activeStreams()).toEqual([stream]);

    await expect(registry.stop("m1")).resolves.toBe(true);

    expect(generation.writer.signal.aborted).toBe(true);
    expect(generation.writer.signal.reason).toMatchObject({ code: "stopped" });
    expect(events.at(-1)).toEqual({ id: 2, event: "done", data: { status: "interrupted", stats: {}, reason: { code: "stopped" }, message: "Stopped." } });
    expect(store.finals).toEqual([expect.objectContaining({ parts: [{ type: "text", text: "partial" }], status: "interrupted", lastEventId: 2 })]);
    expect(registry.isGenerating("m1")).toBe(false);
    expect(registry.activeStreams()).toEqual([]);
    await expect(registry.stop("m1")).resolves.toBe(false);
    await expect(registry.stop("unknown")).resolves.toBe(false);
  });

  test("stopAll() stops every running stream and waits until each is stored", async () => {
    const { registry, store } = setup({ store: new RecordingStore(20) });
    const first = manualRun();
    const second = manualRun();
    registry.start({ messageId: "m1", chatId: "c1", run: first.run });
    registry.start({ messageId: "m2", chatId: "c2", run: second.run });
    await registry.stopAll();
    expect(first.writer.signal.aborted && second.writer.signal.aborted).toBe(true);
    expect(store.finals.map((f) => [f.messageId, f.status]).sort()).toEqual([
      ["m1", "interrupted"],
      ["m2", "interrupted"],
    ]);
  });

  test("a run that throws ends the stream with an error event and keeps the partial text", async () => {
    const { registry, store, unexpected } = setup();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    const events: StreamEvent[] = [];
    stream.subscribe(0, (event) => events.push(event));
    generation.writer.text("half an ans");
    const boom = new Error("bug in the adapter");
    generation.fail(boom);
    await stream.settled;

    expect(unexpected).toEqual([boom]);
    expect(events.at(-1)).toMatchObject({ id: 2, event: "error", data: { status: "error", message: expect.any(String) } });
    expect(stream.outcome?.status).toBe("error");
    expect(store.finals).toEqual([expect.objectContaining({ parts: [{ type: "text", text: "half an ans" }], status: "error", problem: { code: "answer_failed" }, lastEventId: 2 })]);
  });

  test("an error outcome becomes an error event carrying its code, parameters and English text", async () => {
    const { registry, store } = setup();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    generation.finish({ status: "error", problem: { code: "upstream_rate_limited", params: { provider: "OpenAI" } } });
    await stream.settled;
    const events: StreamEvent[] = [];
    stream.subscribe(0, (event) => events.push(event));
    expect(events).toEqual([
      {
        id: 1,
        event: "error",
        data: {
          status: "error",
          code: "upstream_rate_limited",
          params: { provider: "OpenAI" },
          message: "OpenAI is rate-limiting requests (HTTP 429). Wait a moment, then continue or regenerate.",
          stats: {},
        },
      },
    ]);
    expect(store.finals[0]).toMatchObject({ status: "error", problem: { code: "upstream_rate_limited", params: { provider: "OpenAI" } }, lastEventId: 1 });
  });

  test("text written after the stream ended is ignored", async () => {
    const { registry } = setup();
    let leaked: StreamWriter | undefined;
    const stream = registry.start({
      messageId: "m1",
      chatId: "c1",
      run: async (writer) => {
        leaked = writer;
        writer.text("kept");
        return { status: "complete" };
      },
    });
    await stream.settled;
    leaked!.text(" too late");
    leaked!.reasoning("too late");
    leaked!.stats({ outputTokens: 1 });
    expect(plainText(stream.parts)).toBe("kept");
    expect(reasoningText(stream.parts)).toBe("");
    expect(stream.lastEventId).toBe(2);
  });

  test("start() refuses a message that is already streaming", async () => {
    const { registry } = setup();
    const generation = manualRun();
    registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    expect(() => registry.start({ messageId: "m1", chatId: "c1", run: manualRun().run })).toThrow(expect.objectContaining({ code: "answer_in_progress" }));
    generation.finish();
    await registry.get("m1")!.settled;
    // Once finished (even while retained for replay) it may be started again, e.g. by Continue.
    const again = manualRun();
    const restarted = registry.start({ messageId: "m1", chatId: "c1", startEventId: 1, run: again.run });
    expect(registry.get("m1")).toBe(restarted);
    again.finish();
    await restarted.settled;
  });

  test("hasActiveAnswerIn() is true for a chat only while one of its answers is being written", async () => {
    const { registry } = setup({ retentionMs: 60_000 });
    const first = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: first.run });
    expect(registry.hasActiveAnswerIn("c1")).toBe(true);
    expect(registry.hasActiveAnswerIn("c2")).toBe(false);
    first.finish();
    await stream.settled;
    expect(registry.get("m1"), "kept for replay").toBe(stream);
    expect(registry.hasActiveAnswerIn("c1"), "a finished answer kept for replay is not being written").toBe(false);

    // Continue starts the same message again; a stopped one and one whose row was refused end too.
    const continued = manualRun();
    const again = registry.start({ messageId: "m1", chatId: "c1", startEventId: 2, run: continued.run });
    expect(registry.hasActiveAnswerIn("c1")).toBe(true);
    await registry.stop("m1");
    await again.settled;
    expect(registry.hasActiveAnswerIn("c1")).toBe(false);

    const row = pendingStore();
    const refused = registry.start({ messageId: "m2", chatId: "c2", run: manualRun().run, stored: row.stored });
    expect(registry.hasActiveAnswerIn("c2")).toBe(true);
    row.reject(new AppError("id_taken"));
    await refused.settled;
    expect(registry.hasActiveAnswerIn("c2")).toBe(false);
  });

  test("a continued answer numbers its events after startEventId and appends to the stored text", async () => {
    const { registry, store } = setup();
    const generation = manualRun();
    const stream = registry.start({
      messageId: "m1",
      chatId: "c1",
      startEventId: 7,
      parts: [{ type: "reasoning", text: "hmm" }, { type: "text", text: "Hello" }],
      run: generation.run,
    });
    expect(stream.lastEventId).toBe(7);
    generation.writer.text(", wor");
    generation.writer.reasoning(" aha");
    generation.writer.text("ld");
    generation.finish();
    await stream.settled;

    const events: StreamEvent[] = [];
    stream.subscribe(0, (event) => events.push(event));
    // Text extends the stored text part, reasoning the stored reasoning (after a paragraph break).
    expect(events).toEqual([
      { id: 8, event: "delta", data: { part: 1, text: ", wor" } },
      { id: 9, event: "reasoning", data: { part: 0, text: "\n\n aha" } },
      { id: 10, event: "delta", data: { part: 1, text: "ld" } },
      { id: 11, event: "done", data: { status: "complete", stats: {} } },
    ]);
    expect(store.finals).toEqual([
      {
        messageId: "m1",
        parts: [
          { type: "reasoning", text: "hmm\n\n aha" },
          { type: "text", text: "Hello, world" },
        ],
        lastEventId: 11,
        status: "complete",
      },
    ]);
  });
});

describe("persisting a stream", () => {
  test("progress is saved in batches whose event id always matches their text, then once more at the end", async () => {
    const { registry, store } = setup({ persistIntervalMs: 50 });
    const tokens = Array.from({ length: 100 }, (_, i) => `t${i} `);
    const stream = registry.start({
      messageId: "m1",
      chatId: "c1",
      run: async (writer) => {
        for (const [i, token] of tokens.entries()) {
          if (i % 10 === 0) writer.reasoning(`r${i} `);
          writer.text(token);
          await sleep(3);
        }
        writer.stats({ outputTokens: tokens.length });
        return { status: "complete", stats: { outputTokens: tokens.length } };
      },
    });
    await stream.settled;

    const events: StreamEvent[] = [];
    stream.subscribe(0, (event) => events.push(event));
    const textUpTo = (id: number, kind: "delta" | "reasoning") =>
      events.flatMap((e) => (e.id <= id && e.event === kind ? [(e.data as { text: string }).text] : [])).join("");

    // A handful of writes, far fewer than one per token.
    expect(store.progress.length).toBeGreaterThanOrEqual(2);
    expect(store.progress.length).toBeLessThan(tokens.length / 3);
    let previousId = 0;
    for (const snapshot of store.progress) {
      expect(snapshot.lastEventId).toBeGreaterThan(previousId);
      previousId = snapshot.lastEventId;
      expect(plainText(snapshot.parts)).toBe(textUpTo(snapshot.lastEventId, "delta"));
      expect(reasoningText(snapshot.parts)).toBe(textUpTo(snapshot.lastEventId, "reasoning"));
    }

    const terminal = events.at(-1)!;
    expect(terminal.event).toBe("done");
    expect(store.calls.at(-1)).toBe("final");
    expect(store.finals).toEqual([
      {
        messageId: "m1",
        parts: expect.any(Array),
        lastEventId: terminal.id,
        status: "complete",
        stats: { outputTokens: 100 },
      },
    ]);
  });

  test("saves never overlap, and the final save comes after every progress save even when the store is slow", async () => {
    const store = new RecordingStore(40);
    const { registry } = setup({ persistIntervalMs: 10, store });
    const stream = registry.start({
      messageId: "m1",
      chatId: "c1",
      run: async (writer) => {
        for (let i = 0; i < 30; i++) {
          writer.text(`${i} `);
          await sleep(2);
        }
        return { status: "complete" };
      },
    });
    await stream.settled;
    expect(store.maxInFlight).toBe(1);
    expect(store.calls.filter((c) => c === "final")).toHaveLength(1);
    expect(store.calls.at(-1)).toBe("final");
    expect(plainText(store.finals[0]!.parts)).toBe(plainText(stream.parts));
  });

  test("nothing is saved between intervals when nothing changed", async () => {
    const { registry, store } = setup({ persistIntervalMs: 10 });
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    generation.writer.text("once");
    await sleep(80);
    expect(store.progress).toEqual([{ messageId: "m1", parts: [{ type: "text", text: "once" }], lastEventId: 1 }]);
    generation.finish();
    await stream.settled;
  });

  test("a failing progress save is reported and the answer is still stored at the end", async () => {
    const failing: StreamStore & { finals: unknown[] } = {
      finals: [],
      saveProgress: async () => {
        throw new Error("disk full");
      },
      async saveFinal(final) {
        this.finals.push(final);
      },
    };
    const unexpected: unknown[] = [];
    const registry = new StreamRegistry({ store: failing, persistIntervalMs: 10, retentionMs: 0, onUnexpectedError: (e) => unexpected.push(e) });
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    generation.writer.text("still here");
    await sleep(40);
    generation.finish();
    await stream.settled;
    expect(unexpected.length).toBeGreaterThanOrEqual(1);
    expect((unexpected[0] as Error).message).toBe("disk full");
    expect(failing.finals).toEqual([expect.objectContaining({ parts: [{ type: "text", text: "still here" }], status: "complete" })]);
  });
  test("a failing final save is tried again, so the answer does not stay marked as being written", async () => {
    let failuresLeft = 2;
    const flaky: StreamStore & { finals: unknown[] } = {
      finals: [],
      saveProgress: async () => {},
      async saveFinal(final) {
        if (failuresLeft-- > 0) throw new Error("database is locked");
        this.finals.push(final);
      },
    };
    const unexpected: unknown[] = [];
    const registry = new StreamRegistry({ store: flaky, persistIntervalMs: 10, retentionMs: 0, onUnexpectedError: (e) => unexpected.push(e), finalSaveRetryDelaysMs: [5, 5, 5] });
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    generation.writer.text("kept");
    generation.finish();
    await stream.settled;
    expect(unexpected.map((e) => (e as Error).message)).toEqual(["database is locked", "database is locked"]);
    expect(flaky.finals).toEqual([expect.objectContaining({ parts: [{ type: "text", text: "kept" }], status: "complete" })]);
  });

  test("a final save that keeps failing gives up after its last try and still settles the stream", async () => {
    let tries = 0;
    const broken: StreamStore = {
      saveProgress: async () => {},
      saveFinal: async () => {
        tries++;
        throw new Error("disk full");
      },
    };
    const unexpected: unknown[] = [];
    const registry = new StreamRegistry({ store: broken, persistIntervalMs: 10, retentionMs: 0, onUnexpectedError: (e) => unexpected.push(e), finalSaveRetryDelaysMs: [5, 5] });
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    generation.finish();
    await stream.settled;
    expect(tries).toBe(3);
    expect(unexpected).toHaveLength(3);
  });
});

describe("a stream that starts before its row is stored", () => {
  /** Answer m1 of chat c1, started with its row still to be stored (the test settles `row` as the send's store would), and a reader. */
  function startedBeforeStored(options: Parameters<typeof setup>[0]) {
    const { registry, store, unexpected } = setup(options);
    const row = pendingStore();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run, stored: row.stored });
    const events: StreamEvent[] = [];
    stream.subscribe(0, (event) => events.push(event));
    return { registry, store, unexpected, row, generation, stream, events };
  }

  test("readers get its tokens at once, and nothing is saved until the row is stored", async () => {
    const { store, row, generation, stream, events } = startedBeforeStored({ persistIntervalMs: 5 });
    generation.writer.text("first ");
    expect(deltaText(events)).toBe("first ");
    await sleep(40);
    generation.writer.text("second");
    generation.finish();
    await sleep(40);
    expect(store.calls, "no save before the row exists").toEqual([]);
    expect(events.at(-1)?.event).toBe("done");

    row.resolve();
    await stream.settled;
    expect(store.calls.at(-1)).toBe("final");
    expect(plainText(store.finals[0]!.parts)).toBe("first second");
  });

  test("a row that cannot be stored stops the answer with that error, saves nothing and forgets it", async () => {
    const { registry, store, unexpected, row, generation, stream, events } = startedBeforeStored({ persistIntervalMs: 5, retentionMs: 60_000 });
    generation.writer.text("too soon");
    row.reject(new AppError("id_taken"));
    await stream.settled;
    expect(generation.writer.signal.aborted, "the model's request is let go").toBe(true);
    expect(events.at(-1)).toMatchObject({ event: "error", data: { status: "error", code: "id_taken" } });
    expect(store.calls).toEqual([]);
    expect(registry.get("m1"), "gone at once, not kept for replay").toBeUndefined();
    expect(unexpected, "a refused store is not an unexpected failure").toEqual([]);
  });

  test("getIn() finds an answer only in its own chat", () => {
    const { registry } = setup();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    expect(registry.getIn("c1", "m1")).toBe(stream);
    expect(registry.getIn("c2", "m1")).toBeUndefined();
    generation.finish();
  });
});

describe("retention", () => {
  test("a finished stream is kept for retentionMs for exact replay, then forgotten", async () => {
    const { registry } = setup({ retentionMs: 100 });
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    generation.writer.text("kept for a while");
    generation.finish();
    await stream.settled;
    expect(registry.get("m1")).toBe(stream);
    expect(registry.isGenerating("m1")).toBe(false);
    const replayed: StreamEvent[] = [];
    registry.get("m1")!.subscribe(0, (event) => replayed.push(event));
    expect(deltaText(replayed)).toBe("kept for a while");
    await sleep(300);
    expect(registry.get("m1")).toBeUndefined();
  });

  test("with no retention a finished stream is forgotten at once", async () => {
    const { registry } = setup({ retentionMs: 0 });
    const generation = manualRun();
    const stream = registry.start({ messageId: "m1", chatId: "c1", run: generation.run });
    generation.finish();
    await stream.settled;
    await sleep(0);
    expect(registry.get("m1")).toBeUndefined();
  });

  test("forgetting an old stream does not drop a newer one for the same message", async () => {
    const { registry } = setup({ retentionMs: 40 });
    const first = manualRun();
    const old = registry.start({ messageId: "m1", chatId: "c1", run: first.run });
    first.finish();
    await old.settled;
    const second = manualRun();
    const newer = registry.start({ messageId: "m1", chatId: "c1", startEventId: old.lastEventId, run: second.run });
    await sleep(100);
    expect(registry.get("m1")).toBe(newer);
    second.finish();
    await newer.settled;
  });
});

describe("replaying a stream with tool activity", () => {
  /** Folds events into parts the way the browser does. */
  const fold = (events: StreamEvent[], parts: MessagePart[] = []) => events.reduce(applyEvent, parts);

  test("a reader resuming after any event id, mid-stream or after the end, ends with exactly the parts the server holds", async () => {
    const { registry } = setup();
    const generation = manualRun();
    const stream = registry.start({ messageId: "m-tools", chatId: "c1", run: generation.run });
    const live: StreamEvent[] = [];
    stream.subscribe(0, (event) => live.push(event));
    const w = generation.writer;
    const steps: (() => void)[] = [
      () => w.reasoning("Need "),
      () => w.reasoning("weather."),
      () => w.text("Checking"),
      () => w.text(" now."),
      () => w.tool({ phase: "started", toolCallId: "t1", name: "weather" }),
      () => w.tool({ phase: "arguments", toolCallId: "t1", text: '{"city":' }),
      () => w.tool({ phase: "started", toolCallId: "t2", name: "clock" }),
      () => w.tool({ phase: "arguments", toolCallId: "t1", text: '"Oslo"}' }),
      () => w.tool({ phase: "result", toolCallId: "t2", name: "clock", result: "12:00", isError: false }),
      () => w.tool({ phase: "result", toolCallId: "t1", name: "weather", result: { c: 3 }, isError: false, durationMs: 4 }),
      () => w.reasoning("Now answer."),
      () => w.text("It is "),
      () => w.text("3 °C."),
      () => w.stats({ outputTokens: 9 }),
    ];
    for (const step of steps) {
      step();
      // Mid-stream: every resume point, replayed, must equal the live events and rebuild the parts so far.
      for (let after = 0; after <= stream.lastEventId; after++) {
        const replayed: StreamEvent[] = [];
        const detach = stream.subscribe(after, (event) => replayed.push(event));
        detach();
        expect(replayed).toEqual(live.slice(after));
        expect(fold(replayed, fold(live.slice(0, after)))).toEqual(stream.snapshot());
      }
    }
    generation.finish({ status: "complete", stats: { outputTokens: 9 } });
    await stream.settled;

    expect(ids(live)).toEqual(range(1, stream.lastEventId));
    const final = fold(live);
    expect(final).toEqual(stream.snapshot());
    expect(final.map((p) => p.type)).toEqual(["reasoning", "text", "tool-call", "tool-call", "tool-result", "tool-result", "reasoning", "text"]);
    expect(final[2]).toMatchObject({ type: "tool-call", toolCallId: "t1", arguments: '{"city":"Oslo"}', status: "complete" });
    expect(final[3]).toMatchObject({ type: "tool-call", toolCallId: "t2", arguments: "", status: "complete" });
    expect(final[5]).toEqual({ type: "tool-result", toolCallId: "t1", name: "weather", result: { c: 3 }, isError: false, durationMs: 4 });
    for (let after = 0; after <= stream.lastEventId; after++) {
      const replayed: StreamEvent[] = [];
      stream.subscribe(after, (event) => replayed.push(event));
      expect(replayed).toEqual(live.slice(after));
      expect(fold(replayed, fold(live.slice(0, after)))).toEqual(final);
    }
  });

  test("a continued answer's replay extends the stored parts exactly, tool parts included", async () => {
    const { registry } = setup();
    const generation = manualRun();
    const stored: MessagePart[] = [
      { type: "text", text: "Before the tool. " },
      { type: "tool-call", toolCallId: "t0", name: "clock", arguments: "{}", status: "complete" },
      { type: "tool-result", toolCallId: "t0", name: "clock", result: "09:00", isError: false },
      { type: "text", text: "It is nine" },
    ];
    const stream = registry.start({ messageId: "m-cont", chatId: "c1", startEventId: 7, parts: stored, run: generation.run });
    const live: StreamEvent[] = [];
    stream.subscribe(7, (event) => live.push(event));
    generation.writer.text(" o'clock.");
    generation.writer.tool({ phase: "started", toolCallId: "t1", name: "clock" });
    generation.writer.text(" Still nine.");
    generation.finish();
    await stream.settled;
    expect(ids(live)).toEqual(range(8, stream.lastEventId));
    expect(fold(live, stored)).toEqual(stream.snapshot());
    expect(plainText(stream.snapshot())).toBe("Before the tool. It is nine o'clock. Still nine.");
    for (let after = 7; after <= stream.lastEventId; after++) {
      const replayed: StreamEvent[] = [];
      stream.subscribe(after, (event) => replayed.push(event));
      expect(fold(replayed, fold(live.slice(0, after - 7), stored))).toEqual(stream.snapshot());
    }
  });
});
