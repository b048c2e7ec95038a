// The in-process stream registry: one entry per assistant message being
// generated, keyed by message id. It owns the running generation, the events
// it produced (for exact replay on resume), the readers following it, and the
// batched persistence of its text.
//
// Invariants:
// - event ids are consecutive integers per message, continuing from the id
//   persisted in messages.last_event_id (so a Continue after a restart never
//   reuses an id);
// - subscribe() replays (afterId, lastId] and attaches the reader in one
//   synchronous step, so a resume can neither miss nor repeat an event;
// - readers leaving never stops the generation; only stop() aborts it.
import type { MessageStats, MessageStatus } from "../../drizzle/schema";

export type StreamEventName = "delta" | "reasoning" | "stats" | "done" | "error";

export interface StreamEvent {
  id: number;
  event: StreamEventName;
  data: unknown;
}

export type FinalStatus = Exclude<MessageStatus, "streaming">;

export interface StreamOutcome {
  status: FinalStatus;
  stats?: MessageStats;
  /** Shown to the user when status is "error" (or an interruption has a reason). */
  error?: string;
}

export interface StreamProgress {
  messageId: string;
  content: string;
  reasoning: string;
  lastEventId: number;
}

export interface StreamStore {
  saveProgress(progress: StreamProgress): Promise<void>;
  saveFinal(progress: StreamProgress & StreamOutcome): Promise<void>;
}

export interface StreamWriter {
  text(text: string): void;
  reasoning(text: string): void;
  stats(stats: MessageStats): void;
  readonly signal: AbortSignal;
}

export type StreamListener = (event: StreamEvent) => void;

// Events are stored compactly so a long answer costs little more than its
// text: a kind byte and an end offset into `content`/`reasoning` per event,
// and the few non-text payloads in a map. (bench/ measures RSS per stream.)
const KIND_DELTA = 0;
const KIND_REASONING = 1;
const KIND_OTHER = 2;

export class LiveStream {
  readonly messageId: string;
  readonly chatId: string;
  readonly firstEventId: number;
  content: string;
  reasoning: string;
  finished = false;
  outcome: StreamOutcome | undefined;
  readonly abortController = new AbortController();
  /** Resolves when the final state is persisted. */
  readonly settled: Promise<void>;

  private kinds: number[] = [];
  private ends: number[] = [];
  private others = new Map<number, { event: StreamEventName; data: unknown }>();
  private readonly baseContentLength: number;
  private readonly baseReasoningLength: number;
  private listeners = new Set<StreamListener>();
  private resolveSettled!: () => void;

  constructor(init: { messageId: string; chatId: string; startEventId: number; content: string; reasoning: string }) {
    this.messageId = init.messageId;
    this.chatId = init.chatId;
    this.firstEventId = init.startEventId + 1;
    this.content = init.content;
    this.reasoning = init.reasoning;
    this.baseContentLength = init.content.length;
    this.baseReasoningLength = init.reasoning.length;
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  /** Id of the newest event, or the id this stream continues from. */
  get lastEventId(): number {
    return this.firstEventId + this.kinds.length - 1;
  }

  get readerCount(): number {
    return this.listeners.size;
  }

  /** The event with this id, rebuilt from the compact log. */
  eventAt(id: number): StreamEvent {
    const index = id - this.firstEventId;
    const kind = this.kinds[index];
    if (kind === KIND_OTHER) return { id, ...this.others.get(id)! };
    const source = kind === KIND_DELTA ? this.content : this.reasoning;
    let start = kind === KIND_DELTA ? this.baseContentLength : this.baseReasoningLength;
    for (let i = index - 1; i >= 0; i--) {
      if (this.kinds[i] === kind) {
        start = this.ends[i]!;
        break;
      }
    }
    return { id, event: kind === KIND_DELTA ? "delta" : "reasoning", data: { text: source.slice(start, this.ends[index]) } };
  }

  /**
   * Replays every event after `afterEventId`, then follows live events until a
   * terminal one. Returns the function that detaches the reader.
   */
  subscribe(afterEventId: number, listener: StreamListener): () => void {
    for (let id = Math.max(afterEventId + 1, this.firstEventId); id <= this.lastEventId; id++) listener(this.eventAt(id));
    if (this.finished) return () => {};
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Internal: append an event and fan it out. */
  push(kind: number, event: StreamEventName, data: unknown, end = 0): StreamEvent {
    this.kinds.push(kind);
    this.ends.push(end);
    const id = this.lastEventId;
    if (kind === KIND_OTHER) this.others.set(id, { event, data });
    const built: StreamEvent = { id, event, data };
    for (const listener of this.listeners) {
      try {
        listener(built);
      } catch {
        // A reader whose connection is gone throws on write: drop it, keep generating.
        this.listeners.delete(listener);
      }
    }
    return built;
  }

  markSettled(): void {
    this.listeners.clear();
    this.resolveSettled();
  }
}

export interface StartOptions {
  messageId: string;
  chatId: string;
  /** messages.last_event_id of the row: new ids continue after it. */
  startEventId?: number;
  /** Text already stored for this message (Continue appends to it). */
  content?: string;
  reasoning?: string;
  run: (writer: StreamWriter) => Promise<StreamOutcome>;
}

export class StreamRegistry {
  private streams = new Map<string, LiveStream>();
  private readonly store: StreamStore;
  private readonly persistIntervalMs: number;
  private readonly retentionMs: number;
  private readonly onUnexpectedError: (error: unknown) => void;

  constructor(options: {
    store: StreamStore;
    persistIntervalMs: number;
    retentionMs: number;
    onUnexpectedError?: (error: unknown) => void;
  }) {
    this.store = options.store;
    this.persistIntervalMs = options.persistIntervalMs;
    this.retentionMs = options.retentionMs;
    this.onUnexpectedError = options.onUnexpectedError ?? ((error) => console.error(error));
  }

  get(messageId: string): LiveStream | undefined {
    return this.streams.get(messageId);
  }

  /** Streams still generating (finished ones kept for resume are excluded). */
  activeStreams(): LiveStream[] {
    return [...this.streams.values()].filter((s) => !s.finished);
  }

  isGenerating(messageId: string): boolean {
    const stream = this.streams.get(messageId);
    return stream !== undefined && !stream.finished;
  }

  start(options: StartOptions): LiveStream {
    const existing = this.streams.get(options.messageId);
    if (existing && !existing.finished) throw new Error(`message ${options.messageId} is already streaming`);
    const stream = new LiveStream({
      messageId: options.messageId,
      chatId: options.chatId,
      startEventId: options.startEventId ?? 0,
      content: options.content ?? "",
      reasoning: options.reasoning ?? "",
    });
    this.streams.set(options.messageId, stream);
    void this.drive(stream, options.run);
    return stream;
  }

  /** Explicit Stop: cancels the upstream request. Resolves once the final state is stored. */
  async stop(messageId: string): Promise<boolean> {
    const stream = this.streams.get(messageId);
    if (!stream || stream.finished) return false;
    stream.abortController.abort(new Error("stopped by user"));
    await stream.settled;
    return true;
  }

  /** Shutdown: stop everything and wait for it to be stored. */
  async stopAll(reason = "server shutting down"): Promise<void> {
    const active = this.activeStreams();
    for (const stream of active) stream.abortController.abort(new Error(reason));
    await Promise.all(active.map((s) => s.settled));
  }

  private async drive(stream: LiveStream, run: StartOptions["run"]): Promise<void> {
    let dirty = false;
    let persisting: Promise<void> = Promise.resolve();
    const progress = (): StreamProgress => ({
      messageId: stream.messageId,
      content: stream.content,
      reasoning: stream.reasoning,
      lastEventId: stream.lastEventId,
    });
    // Batched persistence (DEVELOPERS.md: per-token writes are slow on libSQL):
    // a crash loses at most one interval of text.
    const timer = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      const snapshot = progress();
      persisting = persisting.then(() => this.store.saveProgress(snapshot)).catch(this.onUnexpectedError);
    }, this.persistIntervalMs);

    const writer: StreamWriter = {
      signal: stream.abortController.signal,
      text: (text) => {
        if (!text || stream.finished) return;
        stream.content += text;
        dirty = true;
        stream.push(KIND_DELTA, "delta", { text }, stream.content.length);
      },
      reasoning: (text) => {
        if (!text || stream.finished) return;
        stream.reasoning += text;
        dirty = true;
        stream.push(KIND_REASONING, "reasoning", { text }, stream.reasoning.length);
      },
      stats: (stats) => {
        if (stream.finished) return;
        stream.push(KIND_OTHER, "stats", stats);
      },
    };

    let outcome: StreamOutcome;
    try {
      outcome = await run(writer);
    } catch (error) {
      this.onUnexpectedError(error);
      outcome = { status: "error", error: "The answer failed unexpectedly. Try regenerating it." };
    }
    clearInterval(timer);
    stream.outcome = outcome;
    // The terminal event gets the next id and is persisted with the text.
    const terminal =
      outcome.status === "error"
        ? { event: "error" as const, data: { message: outcome.error ?? "The answer failed.", status: outcome.status, stats: outcome.stats ?? {} } }
        : { event: "done" as const, data: { status: outcome.status, stats: outcome.stats ?? {}, ...(outcome.error ? { reason: outcome.error } : {}) } };
    stream.push(KIND_OTHER, terminal.event, terminal.data);
    stream.finished = true;
    try {
      await persisting;
      await this.store.saveFinal({ ...progress(), ...outcome });
    } catch (error) {
      this.onUnexpectedError(error);
    }
    stream.markSettled();
    // Keep the finished stream a while so readers that reconnect get an exact replay.
    if (this.retentionMs > 0) {
      const retention = setTimeout(() => this.forget(stream), this.retentionMs);
      retention.unref?.();
    } else {
      this.forget(stream);
    }
  }

  private forget(stream: LiveStream): void {
    if (this.streams.get(stream.messageId) === stream) this.streams.delete(stream.messageId);
  }
}
