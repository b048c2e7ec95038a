// The one vocabulary of answer stream events (docs/decisions/014). The stream
// registry emits them, the SSE route writes them, the browser folds them into
// an answer with applyEvent, and the fakes, tests and benchmarks read them
// with the same types. An event's id is its SSE `id:`, consecutive per answer.
import { describe } from "./catalogue";
import type { ErrorCode, ErrorParams, Problem } from "./errors";
import type { MessagePart } from "./parts";

export interface MessageStats {
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** Milliseconds from the request to the first token. */
  timeToFirstTokenMs?: number;
  tokensPerSecond?: number;
  durationMs?: number;
  /** USD, estimated from the catalog's prices. */
  costUsd?: number;
  finishReason?: string;
  retries?: number;
  /** Messages at the start of the conversation that were not sent: they did not fit in the model's context window. */
  leftOutMessages?: number;
  /** Images in what was sent that the model cannot see: it was given only their names. */
  unseenImages?: number;
}

export const messageStatuses = ["streaming", "complete", "interrupted", "error"] as const;
export type MessageStatus = (typeof messageStatuses)[number];
export type FinalStatus = Exclude<MessageStatus, "streaming">;

/** Tool activity: a call starts, its arguments stream in, its result arrives. */
export type ToolActivity =
  | { phase: "started"; part: number; toolCallId: string; name: string; /** ms since the epoch */ startedAt: number }
  | { phase: "arguments"; part: number; toolCallId: string; text: string }
  | { phase: "result"; part: number; toolCallId: string; name: string; result: unknown; isError: boolean; durationMs?: number; /** ms since the epoch */ endedAt: number };

export interface StreamEventData {
  /** The whole answer so far; sent when resuming from a point the server no longer holds event by event. */
  snapshot: { parts: MessagePart[] };
  /** More answer text, appended to part `part` (a new text part when it does not exist yet). */
  delta: { part: number; text: string };
  /** More reasoning, appended to part `part` the same way. */
  reasoning: { part: number; text: string };
  tool: ToolActivity;
  /**
   * The model failed before its first token and is asked again: attempt
   * `attempt` of `maxAttempts` starts `delayMs` after this event (a length of
   * time, not a moment: the reader's clock may differ from the server's).
   * `problem` says what went wrong; the next token or the end replaces it.
   */
  retry: { attempt: number; maxAttempts: number; delayMs: number; problem: Problem };
  /** Usage and timing, sent once before the end. */
  stats: MessageStats;
  /** The answer ended; `reason` says why when it was cut short. */
  done: { status: "complete" | "interrupted"; stats: MessageStats; reason?: Problem; message?: string };
  /** The answer failed; the partial answer is kept. `message` is English text for people. */
  error: { status: "error"; code: ErrorCode; params?: ErrorParams; message: string; stats: MessageStats };
}

export type StreamEventName = keyof StreamEventData;
export const STREAM_EVENT_NAMES: readonly StreamEventName[] = ["snapshot", "delta", "reasoning", "tool", "retry", "stats", "done", "error"];

export type StreamEvent = { [K in StreamEventName]: { id: number; event: K; data: StreamEventData[K] } }[StreamEventName];
export type StreamEventOf<K extends StreamEventName> = Extract<StreamEvent, { event: K }>;

/**
 * The stats of an answer continued by another request: tokens, cost and time
 * add up; the first token is the answer's first; the model, the speed, the
 * finish, the retries and what was left out of the context are the latest
 * request's.
 */
export function continuedStats(before: MessageStats, after: MessageStats): MessageStats {
  const sum = (key: "inputTokens" | "outputTokens" | "costUsd" | "durationMs") =>
    before[key] === undefined && after[key] === undefined ? {} : { [key]: (before[key] ?? 0) + (after[key] ?? 0) };
  const { tokensPerSecond, finishReason, retries, leftOutMessages, unseenImages } = after;
  return {
    model: after.model ?? before.model,
    ...sum("inputTokens"),
    ...sum("outputTokens"),
    ...sum("costUsd"),
    ...sum("durationMs"),
    ...(before.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: before.timeToFirstTokenMs } : after.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: after.timeToFirstTokenMs } : {}),
    ...(tokensPerSecond !== undefined ? { tokensPerSecond } : {}),
    ...(finishReason !== undefined ? { finishReason } : {}),
    ...(retries !== undefined ? { retries } : {}),
    ...(leftOutMessages !== undefined ? { leftOutMessages } : {}),
    ...(unseenImages !== undefined ? { unseenImages } : {}),
  };
}

/** How an answer ended, as the generation reports it and the database stores it. */
export interface StreamOutcome {
  status: FinalStatus;
  /** The answer's stats: over all of its requests to the model when it was continued. */
  stats?: MessageStats;
  /** What this request alone used, when the answer had earlier ones (a continued answer): its usage record. */
  requestStats?: MessageStats;
  /** Why it failed or was cut short (absent for a complete answer). */
  problem?: Problem;
}

/** The terminal event for an outcome: the only place `done` and `error` are built. */
export function terminalEvent(id: number, outcome: StreamOutcome): StreamEvent {
  const stats = outcome.stats ?? {};
  if (outcome.status === "error") {
    const problem = outcome.problem ?? { code: "answer_failed" as const };
    return {
      id,
      event: "error",
      data: { status: "error", code: problem.code, ...(problem.params ? { params: problem.params } : {}), message: describe(problem), stats },
    };
  }
  return {
    id,
    event: "done",
    data: { status: outcome.status, stats, ...(outcome.problem ? { reason: outcome.problem, message: describe(outcome.problem) } : {}) },
  };
}

export function isTerminal(event: { event: string }): boolean {
  return event.event === "done" || event.event === "error";
}

/** The outcome a terminal event reports (the browser's view of how the answer ended). */
export function outcomeOf(event: StreamEventOf<"done"> | StreamEventOf<"error">): StreamOutcome {
  if (event.event === "error") {
    return { status: "error", stats: event.data.stats, problem: { code: event.data.code, ...(event.data.params ? { params: event.data.params } : {}) } };
  }
  return { status: event.data.status, stats: event.data.stats, ...(event.data.reason ? { problem: event.data.reason } : {}) };
}

/**
 * Folds one event into an answer's parts and returns the new array (the
 * input is not changed, so React state can hold it). Stats and terminal
 * events leave the parts as they are.
 */
export function applyEvent(parts: readonly MessagePart[], event: StreamEvent): MessagePart[] {
  switch (event.event) {
    case "snapshot":
      return event.data.parts.map((p) => ({ ...p }));
    case "delta":
    case "reasoning": {
      const type = event.event === "delta" ? "text" : "reasoning";
      const next = parts.slice();
      const existing = next[event.data.part];
      next[event.data.part] = existing && existing.type === type ? { ...existing, text: existing.text + event.data.text } : { type, text: event.data.text };
      return next;
    }
    case "tool": {
      const next = parts.slice();
      const activity = event.data;
      if (activity.phase === "started") {
        next[activity.part] = { type: "tool-call", toolCallId: activity.toolCallId, name: activity.name, arguments: "", status: "running", startedAt: activity.startedAt };
      } else if (activity.phase === "arguments") {
        const call = next[activity.part];
        if (call?.type === "tool-call") next[activity.part] = { ...call, arguments: call.arguments + activity.text };
      } else {
        const callIndex = next.findIndex((p) => p.type === "tool-call" && p.toolCallId === activity.toolCallId);
        const call = next[callIndex];
        if (call?.type === "tool-call") next[callIndex] = { ...call, status: activity.isError ? "error" : "complete", endedAt: activity.endedAt };
        next[activity.part] = {
          type: "tool-result",
          toolCallId: activity.toolCallId,
          name: activity.name,
          result: activity.result,
          isError: activity.isError,
          ...(activity.durationMs !== undefined ? { durationMs: activity.durationMs } : {}),
        };
      }
      return next;
    }
    default:
      return parts as MessagePart[];
  }
}

/**
 * Reads one SSE message into a typed event (the browser and the tests use
 * it). Unknown event names and unreadable data are null: a newer server's
 * additions must not break an older page.
 */
export function parseStreamEvent(name: string, data: string, id: string | number): StreamEvent | null {
  if (!(STREAM_EVENT_NAMES as readonly string[]).includes(name)) return null;
  const numericId = Number(id);
  if (!Number.isSafeInteger(numericId)) return null;
  try {
    return { id: numericId, event: name, data: JSON.parse(data) } as StreamEvent;
  } catch {
    // Not JSON: treat like an unknown event rather than failing the whole stream.
    return null;
  }
}
