// Retrying an upstream stream, and the small vocabulary the adapters share to
// classify failures (status → kind, Retry-After → ms).
//
// A stream is retried only while nothing of the answer has reached the caller:
// once a text or reasoning token was yielded, a retry would repeat or
// contradict it, so the error propagates and the caller keeps the partial answer.
import { UpstreamError, type LlmEvent } from "./types";

export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  error: UpstreamError;
}

export interface StreamWithRetryOptions {
  /** Stop: ends the iteration quietly (no error), whether streaming or waiting to retry. */
  signal?: AbortSignal;
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** First backoff step; doubles per attempt, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Ceiling of the exponential backoff. Default 8 s. */
  maxDelayMs?: number;
  /**
   * A Retry-After is honoured in full (retrying sooner only earns another 429);
   * one asking for longer than this is not worth a person's wait: give up. Default 30 s.
   */
  maxRetryAfterMs?: number;
  /** Silence that long, before the first event or between events, is a timeout. Default 60 s. */
  idleTimeoutMs?: number;
  /** Named in the timeout errors this wrapper raises itself. */
  providerId?: string;
  onRetry?(info: RetryInfo): void;
  /** Jitter source, injectable for tests. Default Math.random. */
  random?: () => number;
}

/**
 * Opens one attempt. `signal` combines the caller's Stop with this wrapper's
 * own abort (idle timeout, consumer gone): pass it to the provider's `stream()`.
 */
export type OpenStream = (attempt: { signal: AbortSignal; attempt: number }) => AsyncIterable<LlmEvent>;

const IDLE = Symbol("idle");
const ABORTED = Symbol("aborted");

export async function* streamWithRetry(openStream: OpenStream, options: StreamWithRetryOptions = {}): AsyncGenerator<LlmEvent> {
  const {
    signal,
    maxAttempts = 3,
    baseDelayMs = 500,
    maxDelayMs = 8_000,
    maxRetryAfterMs = 30_000,
    idleTimeoutMs = 60_000,
    providerId = "upstream",
    random = Math.random,
  } = options;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) return;
    const attemptController = new AbortController();
    const attemptSignal = signal ? AbortSignal.any([signal, attemptController.signal]) : attemptController.signal;
    // Settles the pending wait when Stop is pressed, without one listener per event.
    let interrupt: ((reason: typeof ABORTED) => void) | undefined;
    const onAbort = () => interrupt?.(ABORTED);
    signal?.addEventListener("abort", onAbort, { once: true });

    let yieldedToken = false;
    let iterator: AsyncIterator<LlmEvent> | undefined;
    let failure: unknown;
    try {
      iterator = openStream({ signal: attemptSignal, attempt })[Symbol.asyncIterator]();
      while (true) {
        const result = await new Promise<IteratorResult<LlmEvent> | typeof IDLE | typeof ABORTED>((resolve, reject) => {
          if (signal?.aborted) return resolve(ABORTED);
          interrupt = resolve;
          const timer = setTimeout(() => resolve(IDLE), idleTimeoutMs);
          iterator!.next().then(
            (value) => (clearTimeout(timer), resolve(value)),
            (error: unknown) => (clearTimeout(timer), reject(error)),
          );
        });
        interrupt = undefined;
        if (result === ABORTED) return;
        if (result === IDLE) {
          throw new UpstreamError({
            message: `${providerId} sent nothing for ${idleTimeoutMs >= 1000 ? `${Math.round(idleTimeoutMs / 1000)} s` : `${idleTimeoutMs} ms`}`,
            providerId,
            kind: "timeout",
            beforeFirstToken: !yieldedToken,
          });
        }
        if (result.done) return;
        if (result.value.type === "text" || result.value.type === "reasoning") yieldedToken = true;
        yield result.value;
      }
    } catch (error) {
      failure = error;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      // Releases the upstream request whatever happened: error, timeout, or the consumer leaving.
      attemptController.abort();
      void Promise.resolve(iterator?.return?.()).catch(() => undefined);
    }

    if (signal?.aborted) return;
    if (!(failure instanceof UpstreamError)) throw failure;
    if (yieldedToken || !failure.retryable || attempt >= maxAttempts) throw failure;
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxRetryAfterMs) throw failure;

    const delayMs = retryDelayMs({ attempt, error: failure, baseDelayMs, maxDelayMs, random });
    options.onRetry?.({ attempt, delayMs, error: failure });
    if (!(await sleep(delayMs, signal))) return;
  }
}

/**
 * A provider that said it is busy (429, 503, 529) without saying for how long
 * gets a few seconds, not half of one, before it is asked again: asked at
 * once, it answers the same, and every attempt is spent in a second.
 */
const BUSY_STEPS = 4;

/** Exponential backoff with "equal jitter", never shorter than the upstream's Retry-After. */
export function retryDelayMs({
  attempt,
  error,
  baseDelayMs,
  maxDelayMs,
  random = Math.random,
}: {
  attempt: number;
  error: UpstreamError;
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}): number {
  const busy = error.kind === "rate_limited" || error.status === 503 || error.status === 529;
  const backoff = Math.min(maxDelayMs, baseDelayMs * (busy ? BUSY_STEPS : 1) * 2 ** (attempt - 1));
  const jittered = backoff / 2 + (random() * backoff) / 2;
  return Math.round(Math.max(jittered, error.retryAfterMs ?? 0));
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function kindForStatus(status: number): UpstreamError["kind"] {
  if (status === 429) return "rate_limited";
  if (status === 408) return "timeout";
  if (status >= 500) return "server"; // includes Anthropic's 529 "overloaded"
  return "client";
}

/**
 * Milliseconds the upstream asked us to wait: `retry-after-ms` (OpenAI,
 * non-standard) or `Retry-After` as delay-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). Undefined when absent or unparsable.
 */
export function parseRetryAfterMs(headers: Headers | undefined | null, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get("retry-after-ms");
  if (milliseconds !== null && milliseconds.trim() !== "" && Number.isFinite(Number(milliseconds))) {
    return Math.max(0, Number(milliseconds));
  }
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
