// The in-process stream registry: one entry per assistant message being
// generated, keyed by message id. It owns the running generation, the events
// it produced (for exact replay on resume), the readers following it, and the
// batched persistence of its parts.
//
// Invariants:
// - event ids are consecutive integers per message, continuing from the id
//   persisted in messages.last_event_id (so a Continue after a restart never
//   reuses an id);
// - subscribe() replays (afterId, lastId] and attaches the reader in one
//   synchronous step, so a resume can neither miss nor repeat an event;
// - readers leaving never stops the generation; only stop() aborts it.
import { AppError, type Problem } from "../protocol/errors";
import { logger } from "../utils/logger.server";
import { appendText, type MessagePart } from "../protocol/parts";
import {
  type MessageStats,
  type StreamEvent,
  type StreamEventData,
  type StreamOutcome,
  terminalEvent,
  type ToolActivity,
} from "../protocol/stream-events";

export type { StreamEvent, StreamOutcome } from "../protocol/stream-events";

export interface StreamProgress {
  messageId: string;
  parts: MessagePart[];
  lastEventId: number;
}

export interface StreamStore {
  saveProgress(progress: StreamProgress): Promise<void>;
  saveFinal(progress: StreamProgress & StreamOutcome): Promise<void>;
}

/** What a tool call reports while it runs; the registry assigns part indexes. */
export type ToolReport =
  | { phase: "started"; toolCallId: string; name: string }
  | { phase: "arguments"; toolCallId: string; text: string }
  | { phase: "result"; toolCallId: string; name: string; result: unknown; isError: boolean; durationMs?: number };

export interface StreamWriter {
  text(text: string): void;
  reasoning(text: string): void;
  tool(report: ToolReport): void;
  /** The model is asked again after a failure before its first token. */
  retrying(retry: StreamEventData["retry"]): void;
  stats(stats: MessageStats): void;
  readonly signal: AbortSignal;
}

export type StreamListener = (event: StreamEvent) => void;

// Events are stored compactly so a long answer costs little more than its
// text: per text event a kind byte, the part it extends and an end offset
// into that part, and the few other events in a map. (bench/ measures RSS per
// stream.)
const KIND_DELTA = 0;
const KIND_REASONING = 1;
const KIND_OTHER = 2;

function copyParts(parts: readonly MessagePart[]): MessagePart[] {
  return parts.map((part) => ({ ...part }));
}

export class LiveStream {
  readonly messageId: string;
  readonly chatId: string;
  readonly firstEventId: number;
  /** The answer so far. Text parts grow in place; read it, never change it from outside. */
  readonly parts: MessagePart[];
  finished = false;
  outcome: StreamOutcome | undefined;
  readonly abortController = new AbortController();
  /** Resolves when the final state is persisted. */
  readonly settled: Promise<void>;

  private kinds: number[] = [];
  private partIndexes: number[] = [];
  private ends: number[] = [];
  private others = new Map<number, StreamEvent>();
  /** Text length of each part this stream started with (Continue extends the stored answer). */
  private readonly baseLengths: number[];
  /** A Continue: the stream started with the stored answer's parts. */
  private readonly continuing: boolean;
  private reasoningResumed = false;
  /** Why the model is being asked again, and when (ms since the epoch), until its first output: a page rendered meanwhile shows it too. */
  retrying: { retry: StreamEventData["retry"]; at: number } | undefined;
  private listeners = new Set<StreamListener>();
  private resolveSettled!: () => void;

  constructor(init: { messageId: string; chatId: string; startEventId: number; parts: MessagePart[] }) {
    this.messageId = init.messageId;
    this.chatId = init.chatId;
    this.firstEventId = init.startEventId + 1;
    this.parts = copyParts(init.parts);
    this.baseLengths = this.parts.map((part) => ("text" in part ? part.text.length : 0));
    this.continuing = this.parts.length > 0;
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  /** Id of the newest event, or the id this stream continues from. */
  get lastEventId(): number {
    return this.firstEventId + this.kinds.length - 1;
  }

  get readerCount(): number {
    return this.listeners.size;
  }

  /** A copy of the parts, safe to keep or serialise while generation goes on. */
  snapshot(): MessagePart[] {
    return copyParts(this.parts);
  }

  /** The event with this id, rebuilt from the compact log. */
  eventAt(id: number): StreamEvent {
    const index = id - this.firstEventId;
    const kind = this.kinds[index];
    if (kind === KIND_OTHER) return this.others.get(id)!;
    const partIndex = this.partIndexes[index]!;
    let start = this.baseLengths[partIndex] ?? 0;
    for (let i = index - 1; i >= 0; i--) {
      if (this.kinds[i] !== KIND_OTHER && this.partIndexes[i] === partIndex) {
        start = this.ends[i]!;
        break;
      }
    }
    const part = this.parts[partIndex] as { text: string };
    const data = { part: partIndex, text: part.text.slice(start, this.ends[index]) };
    return kind === KIND_DELTA ? { id, event: "delta", data } : { id, event: "reasoning", data };
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

  /** Internal: append text to the answer and fan out its event. */
  pushText(kind: typeof KIND_DELTA | typeof KIND_REASONING, text: string): void {
    this.retrying = undefined;
    const type = kind === KIND_DELTA ? "text" : "reasoning";
    const { partIndex, added } = this.continuing ? this.continueInto(type, text) : { partIndex: appendText(this.parts, type, text), added: text };
    this.kinds.push(kind);
    this.partIndexes.push(partIndex);
    this.ends.push((this.parts[partIndex] as { text: string }).text.length);
    const id = this.lastEventId;
    const data = { part: partIndex, text: added };
    this.fanOut(kind === KIND_DELTA ? { id, event: "delta", data } : { id, event: "reasoning", data });
  }

  /**
   * On Continue the words go on where the stored answer left them: its text
   * in its last text part (the sentence it broke off), its reasoning in its
   * last reasoning part after a paragraph break, so the answer reads as one
   * reasoning block and one text, not two of each glued or split. Only the
   * words after the answer's last other part (a tool call, an image) are
   * gone on: what came before it stays before it.
   */
  private continueInto(type: "text" | "reasoning", text: string): { partIndex: number; added: string } {
    const barrier = this.parts.findLastIndex((part) => part.type !== "text" && part.type !== "reasoning");
    const found = this.parts.findLastIndex((part) => part.type === type);
    const partIndex = found > barrier ? found : -1;
    if (partIndex < 0) return { partIndex: appendText(this.parts, type, text), added: text };
    const part = this.parts[partIndex] as { text: string };
    const added = type === "reasoning" && !this.reasoningResumed && part.text.length > 0 ? `\n\n${text}` : text;
    if (type === "reasoning") this.reasoningResumed = true;
    part.text += added;
    return { partIndex, added };
  }

  /** Internal: append any other event (its id is filled in here) and fan it out. */
  pushOther(build: (id: number) => StreamEvent): StreamEvent {
    this.kinds.push(KIND_OTHER);
    this.partIndexes.push(-1);
    this.ends.push(0);
    const event = build(this.lastEventId);
    this.others.set(event.id, event);
    this.fanOut(event);
    return event;
  }

  private fanOut(event: StreamEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A reader whose connection is gone throws on write: drop it, keep generating.
        this.listeners.delete(listener);
      }
    }
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
  /** Parts already stored for this message (Continue extends them). */
  parts?: MessagePart[];
  run: (writer: StreamWriter) => Promise<StreamOutcome>;
  /**
   * Settles when the answer's row is stored, for an answer that starts before
   * its row exists (a new exchange is stored after its first token,
   * docs/decisions/119). Nothing is saved before it resolves; when it
   * rejects, the answer ends with that error and is forgotten at once.
   */
  stored?: Promise<void>;
}

export class StreamRegistry {
  private streams = new Map<string, LiveStream>();
  /** Answers being written per chat: a send asks this before every answer, and finished streams stay a while for resume. */
  private generatingIn = new Map<string, number>();
  /** Answers whose end the readers have but the database does not yet, per chat. */
  private storingEndIn = new Map<string, Set<LiveStream>>();
  /** Readers that asked for an answer before its send arrived (ids chosen by the browser). */
  private waiters = new Map<string, Set<(stream: LiveStream) => void>>();
  private readonly store: StreamStore;
  private readonly persistIntervalMs: number;
  private readonly retentionMs: number;
  private readonly onUnexpectedError: (error: unknown) => void;
  private readonly finalSaveRetryDelaysMs: readonly number[];

  constructor(options: {
    store: StreamStore;
    persistIntervalMs: number;
    retentionMs: number;
    onUnexpectedError?: (error: unknown) => void;
    /**
     * Pauses before each new try of the final save. A final save that fails
     * (a busy database) would leave the answer marked as being written until
     * the next start, so it is tried again before giving up.
     */
    finalSaveRetryDelaysMs?: readonly number[];
  }) {
    this.store = options.store;
    this.persistIntervalMs = options.persistIntervalMs;
    this.retentionMs = options.retentionMs;
    this.finalSaveRetryDelaysMs = options.finalSaveRetryDelaysMs ?? [100, 500, 2000];
    this.onUnexpectedError = options.onUnexpectedError ?? ((error) => logger.error("stream failure", { error }));
  }

  get(messageId: string): LiveStream | undefined {
    return this.streams.get(messageId);
  }

  /**
   * The stream for `messageId` when it is an answer of `chatId`. Pages ask
   * this way: an answer starts before its row is stored (docs/decisions/119),
   * under an id the browser chose, and only its own chat may see it.
   */
  getIn(chatId: string, messageId: string): LiveStream | undefined {
    const stream = this.streams.get(messageId);
    return stream?.chatId === chatId ? stream : undefined;
  }

  /**
   * The stream for `messageId` once it starts, or undefined after `timeoutMs`:
   * the browser opens an answer's stream in parallel with the send that
   * creates it, so the stream request may arrive first.
   */
  waitFor(messageId: string, timeoutMs: number, signal?: AbortSignal): Promise<LiveStream | undefined> {
    const existing = this.streams.get(messageId);
    if (existing || timeoutMs <= 0) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const waiters = this.waiters.get(messageId) ?? new Set();
      this.waiters.set(messageId, waiters);
      const done = (stream: LiveStream | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiters.get(messageId) === waiters) this.waiters.delete(messageId);
        resolve(stream);
      };
      const onAbort = () => done(undefined);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      waiters.add(done);
    });
  }

  /** Streams still generating (finished ones kept for resume are excluded). */
  activeStreams(): LiveStream[] {
    return [...this.streams.values()].filter((s) => !s.finished);
  }

  /** Whether an answer in `chatId` is being written here. */
  hasActiveAnswerIn(chatId: string): boolean {
    return this.generatingIn.has(chatId);
  }

  /**
   * Settles once the answers of `chatId` that ended here have their end
   * stored (readers get the end first). A person acting on an answer the
   * moment it ends (Continue, the next message) would otherwise find it still
   * being written in the database. Nothing to wait for: undefined.
   */
  endsStoredIn(chatId: string): Promise<unknown> | undefined {
    const storing = this.storingEndIn.get(chatId);
    return storing ? Promise.all([...storing].map((stream) => stream.settled)) : undefined;
  }

  isGenerating(messageId: string): boolean {
    const stream = this.streams.get(messageId);
    return stream !== undefined && !stream.finished;
  }

  start(options: StartOptions): LiveStream {
    const existing = this.streams.get(options.messageId);
    if (existing && !existing.finished) throw new AppError("answer_in_progress");
    const stream = new LiveStream({
      messageId: options.messageId,
      chatId: options.chatId,
      startEventId: options.startEventId ?? 0,
      parts: options.parts ?? [],
    });
    this.streams.set(options.messageId, stream);
    this.generatingIn.set(stream.chatId, (this.generatingIn.get(stream.chatId) ?? 0) + 1);
    void this.drive(stream, options.run, options.stored);
    const waiters = this.waiters.get(options.messageId);
    if (waiters) for (const resolve of [...waiters]) resolve(stream);
    return stream;
  }

  /** Explicit Stop: cancels the upstream request. Resolves once the final state is stored. */
  async stop(messageId: string): Promise<boolean> {
    const stream = this.streams.get(messageId);
    if (!stream || stream.finished) return false;
    stream.abortController.abort(new AppError("stopped"));
    await stream.settled;
    return true;
  }

  /** Shutdown: stop everything and wait for it to be stored. */
  async stopAll(): Promise<void> {
    const active = this.activeStreams();
    for (const stream of active) stream.abortController.abort(new AppError("interrupted_by_shutdown"));
    await Promise.all(active.map((s) => s.settled));
  }

  private async drive(stream: LiveStream, run: StartOptions["run"], stored: Promise<void> = Promise.resolve()): Promise<void> {
    let dirty = false;
    // A row that could not be stored: the answer stops, says why, and leaves nothing behind.
    let notStored: AppError | undefined;
    let persisting: Promise<void> = stored.catch((error: unknown) => {
      notStored = error instanceof AppError ? error : new AppError("answer_failed", { cause: error });
      this.forget(stream);
      stream.abortController.abort(notStored);
    });
    const progress = (): StreamProgress => ({ messageId: stream.messageId, parts: stream.snapshot(), lastEventId: stream.lastEventId });
    // Batched persistence (per-token writes are slow on libSQL): a crash loses
    // at most one interval of text.
    const timer = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      const snapshot = progress();
      persisting = persisting.then(() => (notStored ? undefined : this.store.saveProgress(snapshot))).catch(this.onUnexpectedError);
    }, this.persistIntervalMs);

    const toolEvent = (report: ToolReport) => {
      // Tool calls and results are parts of their own, appended in order.
      stream.pushOther((id) => {
        let activity: ToolActivity;
        if (report.phase === "started") {
          const startedAt = Date.now();
          stream.parts.push({ type: "tool-call", toolCallId: report.toolCallId, name: report.name, arguments: "", status: "running", startedAt });
          activity = { ...report, part: stream.parts.length - 1, startedAt };
        } else if (report.phase === "arguments") {
          const index = stream.parts.findIndex((p) => p.type === "tool-call" && p.toolCallId === report.toolCallId);
          const call = stream.parts[index];
          if (call?.type === "tool-call") call.arguments += report.text;
          activity = { ...report, part: index };
        } else {
          const endedAt = Date.now();
          const call = stream.parts.find((p) => p.type === "tool-call" && p.toolCallId === report.toolCallId);
          if (call?.type === "tool-call") {
            call.status = report.isError ? "error" : "complete";
            call.endedAt = endedAt;
          }
          stream.parts.push({
            type: "tool-result",
            toolCallId: report.toolCallId,
            name: report.name,
            result: report.result,
            isError: report.isError,
            ...(report.durationMs !== undefined ? { durationMs: report.durationMs } : {}),
          });
          activity = { ...report, part: stream.parts.length - 1, endedAt };
        }
        return { id, event: "tool", data: activity satisfies StreamEventData["tool"] };
      });
    };

    const writer: StreamWriter = {
      signal: stream.abortController.signal,
      text: (text) => {
        if (!text || stream.finished) return;
        dirty = true;
        stream.pushText(KIND_DELTA, text);
      },
      reasoning: (text) => {
        if (!text || stream.finished) return;
        dirty = true;
        stream.pushText(KIND_REASONING, text);
      },
      tool: (report) => {
        if (stream.finished) return;
        dirty = true;
        stream.retrying = undefined;
        toolEvent(report);
      },
      retrying: (retry) => {
        if (stream.finished) return;
        stream.retrying = { retry, at: Date.now() + retry.delayMs };
        stream.pushOther((id) => ({ id, event: "retry", data: retry }));
      },
      stats: (stats) => {
        if (stream.finished) return;
        stream.pushOther((id) => ({ id, event: "stats", data: stats }));
      },
    };

    let outcome: StreamOutcome;
    try {
      outcome = await run(writer);
    } catch (error) {
      this.onUnexpectedError(error);
      outcome = { status: "error", problem: { code: "answer_failed" } satisfies Problem };
    }
    clearInterval(timer);
    if (notStored) outcome = { status: "error", problem: { code: notStored.code, ...(notStored.params ? { params: notStored.params } : {}) } };
    stream.outcome = outcome;
    // Known as storing its end before any reader learns of the end (a reader may act on it at once).
    const storing = this.storingEndIn.get(stream.chatId) ?? new Set<LiveStream>();
    this.storingEndIn.set(stream.chatId, storing.add(stream));
    void stream.settled.then(() => {
      storing.delete(stream);
      if (storing.size === 0 && this.storingEndIn.get(stream.chatId) === storing) this.storingEndIn.delete(stream.chatId);
    });
    // The terminal event gets the next id and is persisted with the parts.
    stream.pushOther((id) => terminalEvent(id, outcome));
    stream.finished = true;
    const generating = (this.generatingIn.get(stream.chatId) ?? 1) - 1;
    if (generating > 0) this.generatingIn.set(stream.chatId, generating);
    else this.generatingIn.delete(stream.chatId);
    await persisting;
    if (notStored) {
      stream.markSettled();
      return;
    }
    const final = { ...progress(), ...outcome };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.saveFinal(final);
        break;
      } catch (error) {
        this.onUnexpectedError(error);
        const delay = this.finalSaveRetryDelaysMs[attempt];
        if (delay === undefined) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
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
