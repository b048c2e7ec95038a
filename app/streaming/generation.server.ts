// Runs one answer: context assembly → provider stream (with retries before the
// first token) → stream registry events → stats. Started by the send,
// regenerate and continue actions; it outlives every HTTP request.
import { type ResolvedModel, resolveModel } from "../llm/catalog.server";
import { assembleContext, CONTINUE_INSTRUCTION, type PathTurn } from "../llm/context";
import { loadContextFiles } from "../llm/context-files.server";
import { env } from "../env.server";
import { streamWithRetry } from "../llm/retry.server";
import { type LlmEvent, type LlmProvider, type ModelInfo, requestCostUsd, UpstreamError } from "../llm/types";
import { logger, scrub } from "../utils/logger.server";
import { recordAnswerPayer } from "../models/answer-payer.server";
import { type InForce, serverPrompt } from "../models/system-prompt.server";
import { getPathTurns } from "../models/message.server";
import { getCustomInstructions } from "../models/user.server";
import { AppError, type Problem } from "../protocol/errors";
import { type MessagePart, plainText } from "../protocol/parts";
import { continuedStats, type MessageStats, type StreamOutcome } from "../protocol/stream-events";
import type { LiveStream, StreamWriter } from "./registry.server";
import { streamRegistry } from "./streams.server";

const MAX_CONTEXT_MESSAGES = 400;

export interface GenerationTarget {
  chatId: string;
  assistantMessageId: string;
  /** The user message being answered. */
  parentId: string;
  modelId: string;
  systemPrompt?: string | null;
  /** Who asked for the answer: their own key for the provider pays when they have one (else the server's). */
  askedBy?: { id: string };
  /** Continue: the parts already written, which the model extends. */
  continueFrom?: { parts: MessagePart[]; lastEventId: number; stats?: MessageStats | null };
  /** The model and server prompt a send resolved, which stored who pays along with the answer. */
  prepared?: { resolved: ResolvedModel; server: InForce };
}

export async function startGeneration(target: GenerationTarget): Promise<LiveStream> {
  const turns: PathTurn[] = await getPathTurns({ chatId: target.chatId, leafId: target.parentId, limit: MAX_CONTEXT_MESSAGES });
  const written = target.continueFrom ? plainText(target.continueFrom.parts) : "";
  if (written) {
    // Not every API continues a trailing assistant turn (Anthropic prefill does, Chat Completions does not),
    // so ask for the continuation in words; the new text is appended to the stored text part.
    const partsSoFar = target.continueFrom!.parts.map((p) => (p.type === "text" ? { ...p, text: p.text.trimEnd() } : p));
    turns.push({ role: "assistant", parts: partsSoFar });
    turns.push({ role: "user", parts: [{ type: "text", text: CONTINUE_INSTRUCTION }] });
  }
  return streamRegistry().start({
    messageId: target.assistantMessageId,
    chatId: target.chatId,
    startEventId: target.continueFrom?.lastEventId ?? 0,
    parts: target.continueFrom?.parts ?? [],
    run: async (writer) => {
      const upstream = await prepareUpstream(target, turns);
      return upstream ? relay({ upstream, writer, before: target.continueFrom?.stats ?? undefined }) : modelUnavailable(target.modelId);
    },
  });
}

/** A new question and where it goes: the send stores it while its answer is already being asked for. */
export interface QuestionTarget extends Omit<GenerationTarget, "assistantMessageId" | "parentId" | "continueFrom" | "prepared"> {
  /** The message the question follows (null: the first of its chat). */
  parentId: string | null;
  question: MessagePart[];
  prepared: NonNullable<GenerationTarget["prepared"]>;
}

/**
 * The longest a new exchange waits to be stored for its answer's first token
 * (docs/decisions/119): a model that answers at once gets its first token to
 * the page before the store takes the thread; a slower one finds the rows
 * stored long before it speaks.
 */
const STORE_WITHIN_MS = 10;

/**
 * Sends waiting for their first token to be stored. While one waits, others
 * store at once: with several sends on the thread there is no idle moment to
 * give, and putting stores off only reorders the work.
 */
let storesWaiting = 0;

/**
 * Asks the model for the answer to a new question and stores the exchange
 * (`store`, with `ids`) while that request is on its way (docs/decisions/115);
 * the context is the stored path to `parentId` and the question itself, which
 * is what the stored path to the question would be.
 *
 * `readerInParallel`: the page chose the ids and opened the answer's stream
 * with the send. Then the answer starts at once, and the store runs after its
 * first token has gone out, or after STORE_WITHIN_MS (docs/decisions/119); the
 * answer's own saves wait for it. Otherwise nobody can read the answer before
 * the send is answered, so the store comes first, while the model thinks.
 *
 * When the exchange cannot be stored, the request is cancelled, an answer
 * already started ends with that error and is forgotten, and the error goes on.
 */
export async function askWhileStoring<T>(
  target: QuestionTarget,
  { assistantMessageId, readerInParallel }: { assistantMessageId: string; readerInParallel: boolean },
  store: () => Promise<T>,
): Promise<T> {
  const registry = streamRegistry();
  // One answer at a time in a chat: the store would refuse too (the answer's row says it is being written), but
  // an answer started here may not be stored yet.
  if (registry.hasActiveAnswerIn(target.chatId)) throw new AppError("answer_in_progress");
  // An id already in memory (a send tried again with the ids the page chose) is taken, stored or about to be.
  if (registry.get(assistantMessageId)) throw new AppError("id_taken");
  const earlier = target.parentId ? await getPathTurns({ chatId: target.chatId, leafId: target.parentId, limit: MAX_CONTEXT_MESSAGES - 1 }) : [];
  const turns: PathTurn[] = [...earlier, { role: "user", status: "complete", parts: target.question }];
  const upstream = (await prepareUpstream(target, turns))!;
  const cancel = new AbortController();
  const startedAt = performance.now();
  const events = withHeadStart(upstream.open(cancel.signal));
  const answer = (writer: StreamWriter) => relay({ upstream, writer, startedAt, firstAttempt: { events, cancel } });

  let storeNow = () => {};
  let stored: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const firstTokenFirst = readerInParallel && storesWaiting === 0;
  if (firstTokenFirst) {
    const due = new Promise<void>((resolve) => (storeNow = resolve));
    const rowStored = new Promise<void>((resolve, reject) => (stored = { resolve, reject }));
    let stream: LiveStream;
    try {
      stream = registry.start({
        messageId: assistantMessageId,
        chatId: target.chatId,
        stored: rowStored,
        run: async (writer) => {
          try {
            return await answer(untilFirstOutput(writer, () => (stream.readerCount > 0 ? setTimeout(storeNow, 0) : storeNow())));
          } finally {
            storeNow();
          }
        },
      });
    } catch (error) {
      // The same ids sent twice at once: the other send has them.
      cancel.abort(error);
      throw error;
    }
    storesWaiting++;
    const timer = setTimeout(storeNow, STORE_WITHIN_MS);
    try {
      await due;
    } finally {
      storesWaiting--;
      clearTimeout(timer);
    }
  } else {
    // The model's client sends its request a few promise steps later: let it go out before the store takes the thread.
    await new Promise((resolve) => setImmediate(resolve));
  }
  try {
    const result = await store();
    stored?.resolve();
    if (!firstTokenFirst) registry.start({ messageId: assistantMessageId, chatId: target.chatId, run: answer });
    return result;
  } catch (error) {
    stored?.reject(error);
    cancel.abort(error);
    throw error;
  }
}

/**
 * `writer`, calling `then` once, when its first token or tool event has been
 * handed to the readers. A task later the readers' bytes have left: a
 * `then` that takes the thread should wait for that.
 */
function untilFirstOutput(writer: StreamWriter, then: () => void): StreamWriter {
  let waiting = true;
  const after =
    <A extends unknown[]>(write: (...args: A) => void) =>
    (...args: A) => {
      write(...args);
      if (waiting) {
        waiting = false;
        then();
      }
    };
  return { signal: writer.signal, text: after(writer.text), reasoning: after(writer.reasoning), tool: after(writer.tool), retrying: writer.retrying, stats: writer.stats };
}

/**
 * Starts reading `events` at once (for a model's client, that sends the
 * request); the first result is kept for whoever iterates later.
 */
function withHeadStart<T>(events: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = events[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | undefined = iterator.next();
  // Read (and reported) by the reader; a request cancelled before anyone reads it rejects unseen.
  first.catch(() => undefined);
  const ahead: AsyncIterator<T> = {
    next: () => {
      const pending = first;
      first = undefined;
      return pending ?? iterator.next();
    },
    return: async (value?: unknown) => (await iterator.return?.(value)) ?? { done: true, value: undefined },
  };
  return { [Symbol.asyncIterator]: () => ahead };
}

function modelUnavailable(modelId: string): StreamOutcome {
  return { status: "error", problem: { code: "model_unavailable", params: { model: modelId } } };
}

/** What an answer is asked with: the provider, the model and the assembled request (a new one per attempt). */
interface Upstream {
  provider: LlmProvider;
  model: ModelInfo;
  /** Whose key the model is asked with: a refused key is the server's to fix, or the person's own. */
  paidBy: "server" | "user";
  /** The assembled request's size, estimated: its input when the provider reports no usage. */
  inputTokens: number;
  /** What the model is not given of the conversation: said under the answer. */
  leftOut: Pick<MessageStats, "leftOutMessages" | "unseenImages">;
  open(signal: AbortSignal): AsyncIterable<LlmEvent>;
}

/** Resolves the model and assembles the context; null when the model is no longer available. */
async function prepareUpstream(
  target: Pick<GenerationTarget, "modelId" | "systemPrompt" | "askedBy" | "prepared"> & { assistantMessageId?: string },
  turns: PathTurn[],
): Promise<Upstream | null> {
  const resolved = target.prepared?.resolved ?? (await resolveModel(target.modelId, { viewer: target.askedBy }));
  if (!resolved) return null;
  const { provider, model, payer } = resolved;
  const server = target.prepared ? target.prepared.server : await serverPrompt();
  // Recorded before the upstream is asked: usage is counted against whose key it is even if the answer fails.
  // A send stored it with the answer already.
  const messageId = target.assistantMessageId;
  if (!target.prepared && messageId) {
    await recordAnswerPayer({ messageId, provider: provider.id, payer, askedBy: target.askedBy?.id ?? null, systemPromptVersion: server?.version ?? null }).catch(
      (error: unknown) => logger.warn("could not record who pays for an answer", { messageId, error }),
    );
  }
  const files = await loadContextFiles({ turns, model });
  // A chat's own system prompt wins; without one, the custom instructions of whoever asked (Settings → Preferences).
  const systemPrompt = target.systemPrompt?.trim() || (target.askedBy ? await getCustomInstructions({ userId: target.askedBy.id }) : null);
  const context = assembleContext({ path: turns, files, systemPrompt, serverPrompt: server?.text, contextWindow: model.contextWindow });
  return {
    provider,
    model,
    paidBy: payer.paidBy,
    inputTokens: context.inputTokens,
    leftOut: {
      ...(context.trimmed > 0 ? { leftOutMessages: context.trimmed } : {}),
      ...(context.unseenImages > 0 ? { unseenImages: context.unseenImages } : {}),
    },
    open: (signal) => provider.stream({ model: model.upstreamId, messages: context.messages, system: context.system, signal, reasoning: model.reasoning }),
  };
}

/**
 * Relays the model's answer into the registry's writer: retries before the
 * first token, stats, and the outcome. `firstAttempt`: a request already on
 * its way (askWhileStoring), used as the first attempt; it is cancelled when
 * the answer ends, also when it ended (stopped at once) before using it.
 */
async function relay(options: RelayOptions): Promise<StreamOutcome> {
  try {
    return await relayEvents(options);
  } finally {
    options.firstAttempt?.cancel.abort();
  }
}

interface RelayOptions {
  upstream: Upstream;
  writer: StreamWriter;
  /** When the model was asked (the first-token time in the stats counts from it). */
  startedAt?: number;
  firstAttempt?: { events: AsyncIterable<LlmEvent>; cancel: AbortController };
  /** The stats of the answer's earlier requests (a continued answer): what it shows adds this one's to them. */
  before?: MessageStats;
}

/** Why a provider stops at the output limit: OpenAI and compatible servers "length", Anthropic "max_tokens". */
const LENGTH_LIMIT_REASONS = new Set(["length", "max_tokens"]);

/** The shortest stretch from first token to end over which an answer's tokens per second are worth stating. */
const MIN_SECONDS_FOR_SPEED = 0.5;

/**
 * Tokens per second from the first token to the end, to a tenth; none when
 * the tokens came in one burst (a cache, a buffering proxy): 20,000 tok/s
 * over a few milliseconds says nothing about the model.
 */
export function answerSpeed(outputTokens: number, generationSeconds: number): number | undefined {
  if (generationSeconds < MIN_SECONDS_FOR_SPEED || outputTokens <= 1) return undefined;
  return Math.round((outputTokens / generationSeconds) * 10) / 10;
}

async function relayEvents({ upstream, writer, startedAt = performance.now(), firstAttempt, before }: RelayOptions): Promise<StreamOutcome> {
  const { model, provider } = upstream;
  let firstTokenAt: number | undefined;
  const stats: MessageStats = { model: model.id, ...upstream.leftOut };
  let outputTokens = 0;
  let estimatedOutput = 0;
  let usageReported = false;
  try {
    // Retries happen only before the first token (then the error reaches the user with the partial answer kept).
    const events = streamWithRetry(
      ({ signal, attempt }) => {
        if (attempt > 1 || !firstAttempt) return upstream.open(signal);
        // The request already on its way is this attempt's: Stop, shutdown and the idle timeout cancel it.
        if (signal.aborted) firstAttempt.cancel.abort(signal.reason);
        else signal.addEventListener("abort", () => firstAttempt.cancel.abort(signal.reason), { once: true });
        return firstAttempt.events;
      },
      {
        signal: writer.signal,
        maxAttempts: env().UPSTREAM_MAX_ATTEMPTS,
        idleTimeoutMs: env().UPSTREAM_IDLE_TIMEOUT_MS,
        providerId: provider.id,
        onRetry: ({ attempt, delayMs, error }) => {
          stats.retries = attempt;
          logger.warn("retrying upstream", { provider: provider.id, attempt, delayMs, kind: error.kind, status: error.status });
          // The reader sees why nothing has come yet, and when the next try starts.
          writer.retrying({ attempt: attempt + 1, maxAttempts: env().UPSTREAM_MAX_ATTEMPTS, delayMs, problem: upstreamProblem(error, provider.label, upstream.paidBy) });
        },
      },
    );
    for await (const event of events) {
      if (writer.signal.aborted) break;
      switch (event.type) {
        case "text":
        case "reasoning":
          firstTokenAt ??= performance.now();
          estimatedOutput++;
          if (event.type === "text") writer.text(event.text);
          else writer.reasoning(event.text);
          break;
        case "usage":
          usageReported = true;
          stats.inputTokens = event.inputTokens;
          outputTokens = event.outputTokens;
          break;
        case "finish":
          stats.finishReason = event.reason;
          break;
      }
    }
  } catch (error) {
    // A request that failed before the model wrote anything was refused or never answered: no prompt was billed.
    finishStats(writer.signal.aborted || firstTokenAt !== undefined);
    if (writer.signal.aborted) return stopped();
    const problem: Problem =
      error instanceof UpstreamError
        ? upstreamProblem(error, provider.label, upstream.paidBy)
        : { code: "answer_failed", params: { detail: `${provider.label} failed: ${error instanceof Error ? error.message : String(error)}` } };
    if (problem.code === "server_key_refused" && error instanceof UpstreamError) logger.warn("the provider refused the server's key", { provider: provider.label, status: error.status, detail: error.detail });
    return ended({ status: "error", problem });
  }
  finishStats(true);
  if (writer.signal.aborted) return stopped();
  // Cut off at the model's output limit: not a whole answer, and Continue goes on from it.
  if (stats.finishReason !== undefined && LENGTH_LIMIT_REASONS.has(stats.finishReason)) return ended({ status: "interrupted", problem: { code: "answer_length_limit" } });
  return ended({ status: "complete" });

  function stopped(): StreamOutcome {
    stats.finishReason = "stopped";
    // Stop and shutdown abort with an AppError saying which (see the registry).
    const reason: unknown = writer.signal.reason;
    return ended({ status: "interrupted", problem: { code: reason instanceof AppError ? reason.code : "stopped" } });
  }

  /** The outcome with its stats, told to the readers: a continued answer's add up, its usage record is this request's. */
  function ended(outcome: Omit<StreamOutcome, "stats" | "requestStats">): StreamOutcome {
    const shown = before ? continuedStats(before, stats) : stats;
    writer.stats(shown);
    return { ...outcome, stats: shown, ...(before ? { requestStats: stats } : {}) };
  }

  /** `promptBilled`: the model took the request in, so its input counts even when the provider never said how much. */
  function finishStats(promptBilled: boolean) {
    const endedAt = performance.now();
    // Providers report usage at the end of a stream: one cut short (Stop, shutdown, a failure mid-answer) is billed
    // for the whole prompt all the same, and the limits and the usage report count it as estimated.
    if (!usageReported && promptBilled) stats.inputTokens = upstream.inputTokens;
    stats.durationMs = Math.round(endedAt - startedAt);
    if (firstTokenAt !== undefined) stats.timeToFirstTokenMs = Math.round(firstTokenAt - startedAt);
    stats.outputTokens = outputTokens || estimatedOutput;
    const generationSeconds = firstTokenAt !== undefined ? (endedAt - firstTokenAt) / 1000 : 0;
    const speed = answerSpeed(stats.outputTokens, generationSeconds);
    if (speed !== undefined) stats.tokensPerSecond = speed;
    const costUsd = requestCostUsd(model, { inputTokens: stats.inputTokens ?? 0, outputTokens: stats.outputTokens });
    if (costUsd !== undefined) stats.costUsd = costUsd;
  }
}

/**
 * An upstream failure as a code the user can read in their language. A key
 * the provider refuses (401, 403) says whose key it is: one's own is fixed in
 * Settings, the server's by whoever runs it.
 */
export function upstreamProblem(error: UpstreamError, providerLabel: string, paidBy: Upstream["paidBy"]): Problem {
  const params = { provider: providerLabel, ...(error.status ? { status: error.status } : {}) };
  // The provider's own advice ("find your API key in your account settings") is for whoever holds the key: the
  // person for their own key; for the server's, whoever runs it (it is logged where the answer ends), and the person
  // is told whom to ask.
  // The provider's words may quote a key (the one sent, or any other it was given): none of this server's reach the page.
  const detail = scrub(error.detail);
  if (error.kind === "client" && (error.status === 401 || error.status === 403)) return paidBy === "user" ? { code: "own_key_refused", params: { ...params, detail } } : { code: "server_key_refused", params };
  switch (error.kind) {
    case "rate_limited":
      // The wait the provider names, if it does (past the attempts, or longer than Parley waits by itself).
      return { code: "upstream_rate_limited", params: error.retryAfterMs ? { ...params, seconds: Math.ceil(error.retryAfterMs / 1000) } : params };
    case "server":
      return { code: "upstream_server_error", params };
    case "timeout":
      return { code: "upstream_timeout", params };
    case "connection":
      // Nothing ever came back: the server was not reached (nothing listening, no such host), not a connection lost.
      return { code: error.unreached ? "upstream_unreachable" : "upstream_connection_lost", params };
    case "malformed":
      return { code: "upstream_malformed", params };
    case "client":
      return { code: "upstream_rejected", params: { ...params, detail } };
  }
}
