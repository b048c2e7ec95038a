import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { startFakeAnthropic } from "../../tests/fakes/anthropic";
import { startFakeOpenAI } from "../../tests/fakes/openai";
import { collect, type FakeScript } from "../../tests/fakes/script";
import type { FakeServer } from "../../tests/fakes/server";
import { createAnthropicProvider } from "./anthropic.server";
import { createOpenAIProvider } from "./openai.server";
import { parseRetryAfterMs, retryDelayMs, streamWithRetry, type RetryInfo, type StreamWithRetryOptions } from "./retry.server";
import { UpstreamError, type LlmEvent, type LlmProvider } from "./types";

let openaiFake: FakeServer;
let anthropicFake: FakeServer;
let openai: LlmProvider;
let anthropic: LlmProvider;
beforeAll(async () => {
  [openaiFake, anthropicFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  openai = createOpenAIProvider({ id: "openai", label: "OpenAI", apiKey: "k", baseURL: openaiFake.url });
  anthropic = createAnthropicProvider({ id: "anthropic", label: "Anthropic", apiKey: "k", baseURL: anthropicFake.url });
});
afterAll(() => Promise.all([openaiFake.close(), anthropicFake.close()]));
beforeEach(() => {
  openaiFake.reset();
  anthropicFake.reset();
});

/** Short delays so the suite stays fast; each test overrides what it probes. */
function retrying(provider: LlmProvider, options: StreamWithRetryOptions & { model?: string } = {}) {
  const retries: RetryInfo[] = [];
  const stream = streamWithRetry(
    ({ signal }) => provider.stream({ model: options.model ?? "gpt-4o-mini", messages: [{ role: "user", parts: [{ type: "text" as const, text: "Hi" }] }], signal }),
    { baseDelayMs: 10, maxDelayMs: 50, idleTimeoutMs: 2_000, providerId: provider.id, onRetry: (info) => retries.push(info), ...options },
  );
  return { stream, retries };
}

const text = (events: LlmEvent[]) => events.flatMap((event) => (event.type === "text" ? [event.text] : [])).join("");

describe("retrying before the first token", () => {
  test("a 429 with Retry-After is retried after at least that long, then succeeds", async () => {
    openaiFake.script({ status: 429, retryAfter: 1 }, { text: "Recovered" });
    const { stream, retries } = retrying(openai);
    const started = Date.now();
    const { items, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(text(items)).toBe("Recovered");
    expect(openaiFake.requests).toHaveLength(2);
    expect(retries).toEqual([expect.objectContaining({ attempt: 1, delayMs: 1000, error: expect.objectContaining({ kind: "rate_limited" }) })]);
    const secondAfter = openaiFake.requests[1]!.receivedAt - openaiFake.requests[0]!.receivedAt;
    expect(secondAfter).toBeGreaterThanOrEqual(990);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  test("a 500 is retried with backoff and the retry's answer streams through", async () => {
    anthropicFake.script({ status: 500 }, { text: "Second time lucky" });
    const { stream, retries } = retrying(anthropic, { model: "claude-haiku-4-5" });
    const { items, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(text(items)).toBe("Second time lucky");
    expect(items.at(-1)).toEqual({ type: "finish", reason: "end_turn" });
    expect(anthropicFake.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
  });

  test("gives up after maxAttempts with the last error", async () => {
    openaiFake.script({ status: 503 }, { status: 503 }, { status: 503 }, { text: "never reached" });
    const { stream, retries } = retrying(openai, { maxAttempts: 3 });
    const { items, error } = await collect(stream);
    expect(items).toEqual([]);
    expect(error).toMatchObject({ kind: "server", status: 503 });
    expect(openaiFake.requests).toHaveLength(3);
    expect(retries.map((retry) => retry.attempt)).toEqual([1, 2]);
  });

  test("a Retry-After beyond maxRetryAfterMs gives up at once", async () => {
    openaiFake.script({ status: 429, retryAfter: 120 }, { text: "never reached" });
    const { stream, retries } = retrying(openai, { maxRetryAfterMs: 30_000 });
    const { error } = await collect(stream);
    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 120_000 });
    expect(openaiFake.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  test("client errors and malformed streams are not retried", async () => {
    openaiFake.script({ status: 400 }, { malformedAfterTokens: 0 }, { text: "never reached" });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    expect((await collect(retrying(openai).stream)).error).toMatchObject({ kind: "client" });
    expect((await collect(retrying(openai).stream)).error).toMatchObject({ kind: "malformed" });
    expect(openaiFake.requests).toHaveLength(2);
    vi.mocked(console.warn).mockRestore();
  });

  test("a connection reset before any token is retried", async () => {
    openaiFake.script({ resetAfterTokens: 0 }, { text: "Fine now" });
    const { items, error } = await collect(retrying(openai).stream);
    expect(error).toBeUndefined();
    expect(text(items)).toBe("Fine now");
  });
});

describe("after the first token", () => {
  test("a reset mid-stream propagates with the partial answer and is not retried", async () => {
    openaiFake.script({ text: "one two three four", resetAfterTokens: 2 }, { text: "a retry would say this" });
    const { stream, retries } = retrying(openai);
    const { items, error } = await collect(stream);
    expect(text(items)).toBe("one two ");
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: "connection", beforeFirstToken: false });
    expect(retries).toEqual([]);
    expect(openaiFake.requests).toHaveLength(1);
  });

  test("an Anthropic overloaded event mid-stream propagates without retry", async () => {
    anthropicFake.script({ text: "one two three", errorAfterTokens: 1 }, { text: "unused" });
    const { items, error } = await collect(retrying(anthropic, { model: "claude-haiku-4-5" }).stream);
    expect(text(items)).toBe("one ");
    expect(error).toMatchObject({ kind: "server", beforeFirstToken: false });
    expect(anthropicFake.requests).toHaveLength(1);
  });
});

describe("idle timeout", () => {
  test("an upstream that goes silent after some tokens is a timeout, and its connection is closed", async () => {
    openaiFake.script({ text: "one two three", stallAfterTokens: 2 });
    const started = Date.now();
    const { items, error } = await collect(retrying(openai, { idleTimeoutMs: 300 }).stream);
    expect(text(items)).toBe("one two ");
    expect(error).toMatchObject({ kind: "timeout", beforeFirstToken: false, providerId: "openai" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await vi.waitFor(() => expect(openaiFake.requests[0]!.outcome).toBe("client_closed"));
  });

  test("silence before the first token times out and is retried", async () => {
    anthropicFake.script({ stallAfterTokens: 0 }, { text: "Awake" });
    const { stream, retries } = retrying(anthropic, { model: "claude-haiku-4-5", idleTimeoutMs: 200 });
    const { items, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(text(items)).toBe("Awake");
    expect(retries[0]!.error).toMatchObject({ kind: "timeout", beforeFirstToken: true });
    await vi.waitFor(() => expect(anthropicFake.requests[0]!.outcome).toBe("client_closed"));
  });

  test("no response headers at all also times out", async () => {
    const stalls: FakeScript[] = [{ stallBeforeHeaders: true }, { stallBeforeHeaders: true }];
    openaiFake.script(...stalls);
    const { error } = await collect(retrying(openai, { idleTimeoutMs: 150, maxAttempts: 2 }).stream);
    expect(error).toMatchObject({ kind: "timeout", beforeFirstToken: true });
    expect(openaiFake.requests).toHaveLength(2);
  });

  test("a slow but steady stream is not a timeout", async () => {
    openaiFake.script({ text: "a b c d e", tokenDelayMs: 60 });
    const { items, error } = await collect(retrying(openai, { idleTimeoutMs: 200 }).stream);
    expect(error).toBeUndefined();
    expect(text(items)).toBe("a b c d e");
  });
});

describe("stop", () => {
  test("aborting mid-stream ends quietly and the upstream sees the connection closed", async () => {
    openaiFake.script({ text: "one two three four five six", tokenDelayMs: 40 });
    const controller = new AbortController();
    const seen: LlmEvent[] = [];
    for await (const event of retrying(openai, { signal: controller.signal }).stream) {
      seen.push(event);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toHaveLength(2);
    await vi.waitFor(() => expect(openaiFake.requests[0]!.outcome).toBe("client_closed"));
  });

  test("aborting while waiting to retry ends quietly without another attempt", async () => {
    openaiFake.script({ status: 429, retryAfter: 10 }, { text: "never reached" });
    const controller = new AbortController();
    const { stream } = retrying(openai, { signal: controller.signal, onRetry: () => setTimeout(() => controller.abort(), 20) });
    const started = Date.now();
    const { items, error } = await collect(stream);
    expect(items).toEqual([]);
    expect(error).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(openaiFake.requests).toHaveLength(1);
  });

  test("a consumer that stops reading releases the upstream connection", async () => {
    openaiFake.script({ text: "one two three four five six", tokenDelayMs: 40 });
    for await (const event of retrying(openai).stream) {
      expect(event.type).toBe("text");
      break;
    }
    await vi.waitFor(() => expect(openaiFake.requests[0]!.outcome).toBe("client_closed"));
  });
});

describe("retryDelayMs", () => {
  const error = (retryAfterMs?: number) =>
    new UpstreamError({ message: "x", providerId: "p", kind: "server", beforeFirstToken: true, retryAfterMs });

  test("doubles per attempt within [half, full] of the step, capped at maxDelayMs", () => {
    const delays = (random: number) =>
      [1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs({ attempt, error: error(), baseDelayMs: 500, maxDelayMs: 8000, random: () => random }));
    expect(delays(0)).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    expect(delays(1)).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  test("a provider that says it is busy (429, 503, 529) without Retry-After waits four steps, still within the ceiling", () => {
    const busy = (kind: UpstreamError["kind"], status?: number) =>
      [1, 2, 3].map((attempt) =>
        retryDelayMs({ attempt, error: new UpstreamError({ message: "x", providerId: "p", kind, status, beforeFirstToken: true }), baseDelayMs: 500, maxDelayMs: 8000, random: () => 0 }),
      );
    expect(busy("rate_limited", 429)).toEqual([1000, 2000, 4000]);
    expect(busy("server", 529)).toEqual([1000, 2000, 4000]);
    expect(busy("server", 503)).toEqual([1000, 2000, 4000]);
    expect(busy("server", 500)).toEqual([250, 500, 1000]);
  });

  test("never retries sooner than Retry-After", () => {
    expect(retryDelayMs({ attempt: 1, error: error(12_000), baseDelayMs: 500, maxDelayMs: 8000 })).toBe(12_000);
  });
});

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2025-06-01T12:00:00Z");
  const parse = (headers: Record<string, string>) => parseRetryAfterMs(new Headers(headers), now);

  test("reads delay-seconds, HTTP dates and retry-after-ms", () => {
    expect(parse({ "retry-after": "3" })).toBe(3000);
    expect(parse({ "retry-after": "1.5" })).toBe(1500);
    expect(parse({ "retry-after": "Sun, 01 Jun 2025 12:00:20 GMT" })).toBe(20_000);
    expect(parse({ "retry-after": "Sun, 01 Jun 2025 11:00:00 GMT" })).toBe(0);
    expect(parse({ "retry-after-ms": "250", "retry-after": "3" })).toBe(250);
  });

  test("ignores absent or unparsable values", () => {
    expect(parse({})).toBeUndefined();
    expect(parse({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});
