import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { startFakeAnthropic, type FakeServer } from "../../tests/fakes/anthropic";
import { collect } from "../../tests/fakes/script";
import { createAnthropicProvider } from "./anthropic.server";
import { UpstreamError, type LlmEvent, type StreamRequest } from "./types";
import { describe as describeProblem } from "../protocol/catalogue";
import { upstreamProblem } from "../streaming/generation.server";

let fake: FakeServer;
beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: "sk-ant-test" });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const provider = (options: { thinkingBudgetTokens?: number } = {}) =>
  createAnthropicProvider({ id: "anthropic", label: "Anthropic", apiKey: "sk-ant-test", baseURL: fake.url, ...options });

function request(overrides: Partial<StreamRequest> = {}): StreamRequest {
  return {
    model: "claude-haiku-4-5",
    messages: [{ role: "user", parts: [{ type: "text" as const, text: "Hello there" }] }],
    signal: new AbortController().signal,
    ...overrides,
  };
}

const joined = (events: LlmEvent[], type: "text" | "reasoning") =>
  events.flatMap((event) => (event.type === type ? [event.text] : [])).join("");

describe("streaming", () => {
  test("streams text deltas, then one usage event and the stop reason", async () => {
    fake.script({ text: "Hi! How can I help?", usage: { inputTokens: 21, outputTokens: 9 } });
    const { items, error } = await collect(provider().stream(request()));
    expect(error).toBeUndefined();
    expect(items.filter((event) => event.type === "text").length).toBeGreaterThan(1);
    expect(joined(items, "text")).toBe("Hi! How can I help?");
    expect(items.filter((event) => event.type === "usage")).toHaveLength(1);
    expect(items.slice(-2)).toEqual([
      { type: "usage", inputTokens: 21, outputTokens: 9 },
      { type: "finish", reason: "end_turn" },
    ]);
  });

  test("sends the system prompt at the top level and a default max_tokens", async () => {
    await collect(provider().stream(request({
      system: "Be brief.",
      messages: [
        { role: "user", parts: [{ type: "text" as const, text: "One" }] },
        { role: "assistant", parts: [{ type: "text" as const, text: "Two" }] },
        { role: "user", parts: [{ type: "text" as const, text: "Three" }] },
      ],
    })));
    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/v1/messages");
    // SDK 1.x sends the API key as a bearer token, not x-api-key.
    expect(sent.headers.authorization).toBe("Bearer sk-ant-test");
    expect(sent.headers["anthropic-version"]).toBeTruthy();
    expect(sent.body).toEqual({
      model: "claude-haiku-4-5",
      max_tokens: 4096,
      stream: true,
      system: "Be brief.",
      messages: [
        { role: "user", content: "One" },
        { role: "assistant", content: "Two" },
        { role: "user", content: "Three" },
      ],
    });
  });

  test("uses maxOutputTokens as max_tokens", async () => {
    await collect(provider().stream(request({ maxOutputTokens: 1000 })));
    expect(fake.requests[0]!.body).toMatchObject({ max_tokens: 1000 });
    expect(fake.requests[0]!.body).not.toHaveProperty("thinking");
  });

  test("extended thinking: asks for a budget and maps thinking deltas to reasoning", async () => {
    fake.script({ reasoning: "Let me think step by step.", text: "42" });
    const { items, error } = await collect(provider({ thinkingBudgetTokens: 2048 }).stream(request({ reasoning: true, maxOutputTokens: 1000 })));
    expect(error).toBeUndefined();
    expect(fake.requests[0]!.body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 2048 }, max_tokens: 3048 });
    expect(joined(items, "reasoning")).toBe("Let me think step by step.");
    expect(joined(items, "text")).toBe("42");
    const lastReasoning = items.findLastIndex((event) => event.type === "reasoning");
    expect(lastReasoning).toBeLessThan(items.findIndex((event) => event.type === "text"));
  });

  test("thinking without a limit gets the budget plus the default answer share", async () => {
    await collect(provider().stream(request({ reasoning: true })));
    expect(fake.requests[0]!.body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 4096 }, max_tokens: 8192 });
  });

  test("passes the stop reason through", async () => {
    fake.script({ text: "Cut", finishReason: "max_tokens" });
    const { items } = await collect(provider().stream(request()));
    expect(items.at(-1)).toEqual({ type: "finish", reason: "max_tokens" });
  });
});

describe("failures", () => {
  async function failure(script: Parameters<FakeServer["script"]>[0]) {
    fake.script(script);
    const result = await collect(provider().stream(request()));
    expect(result.error).toBeInstanceOf(UpstreamError);
    return { ...result, error: result.error as UpstreamError };
  }

  test("a 429 becomes a rate_limited error carrying Retry-After", async () => {
    const { error } = await failure({ status: 429, retryAfter: 3 });
    expect(error).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 3000, beforeFirstToken: true, providerId: "anthropic" });
    expect(error.message).toContain("rate limit");
  });

  test("529 overloaded is a retryable server error", async () => {
    const { error } = await failure({ status: 529 });
    expect(error).toMatchObject({ kind: "server", status: 529 });
    expect(error.retryable).toBe(true);
  });

  test("a 400 is a client error", async () => {
    const { error } = await failure({ status: 400, errorMessage: "messages: roles must alternate" });
    expect(error).toMatchObject({ kind: "client", status: 400 });
    expect(error.message).toContain("roles must alternate");
    // The person reads the provider's own words once, in the catalogue's sentence.
    expect(error.detail).toBe("messages: roles must alternate");
    expect(describeProblem(upstreamProblem(error, "Anthropic", "server"), "en")).toBe("Anthropic rejected the request (HTTP 400): messages: roles must alternate");
  });

  test("an error event mid-stream is a server error after the first token", async () => {
    const { items, error } = await failure({ text: "a b c", errorAfterTokens: 2 });
    expect(joined(items, "text")).toBe("a b ");
    expect(error).toMatchObject({ kind: "server", beforeFirstToken: false });
    expect(error.message).toContain("Overloaded");
  });

  test("an error event before any token is retryable", async () => {
    const { error } = await failure({ errorAfterTokens: 0 });
    expect(error).toMatchObject({ kind: "server", beforeFirstToken: true });
  });

  test("a connection reset mid-stream keeps the tokens and says the answer had started", async () => {
    const { items, error } = await failure({ text: "one two three four", resetAfterTokens: 3 });
    expect(items.map((event) => event.type)).toEqual(["text", "text", "text"]);
    expect(error).toMatchObject({ kind: "connection", beforeFirstToken: false });
  });

  test("a malformed event is a malformed error", async () => {
    const { error } = await failure({ text: "a b", malformedAfterTokens: 1 });
    expect(error).toMatchObject({ kind: "malformed", beforeFirstToken: false });
  });

  test("a stream that ends before message_stop is reported as cut off", async () => {
    const { error } = await failure({ text: "a b c", truncateAfterTokens: 1 });
    expect(error).toMatchObject({ kind: "connection", beforeFirstToken: false });
    expect(error.message).toContain("cut off");
  });
});

describe("abort", () => {
  test("aborting mid-stream ends quietly and closes the upstream connection", async () => {
    fake.script({ text: "one two three four five six seven", tokenDelayMs: 50 });
    const controller = new AbortController();
    const seen: LlmEvent[] = [];
    for await (const event of provider().stream(request({ signal: controller.signal }))) {
      seen.push(event);
      if (seen.length === 3) controller.abort();
    }
    expect(seen.map((event) => event.type)).toEqual(["text", "text", "text"]);
    await vi.waitFor(() => expect(fake.requests[0]!.outcome).toBe("client_closed"));
    expect(fake.openExchanges).toBe(0);
  });
});

describe("listModels", () => {
  test("lists models with their display names and known flags", async () => {
    const models = await provider().listModels();
    expect(models.map((model) => [model.id, model.label])).toEqual([
      ["anthropic:claude-haiku-4-5-20251001", "Claude Haiku 4.5"],
      ["anthropic:claude-opus-4-1-20250805", "Claude Opus 4.1"],
      ["anthropic:claude-3-5-haiku-20241022", "Claude Haiku 3.5"],
    ]);
    expect(models[0]).toMatchObject({ reasoning: true, vision: true, contextWindow: 200_000, inputPricePerMTok: 1, outputPricePerMTok: 5 });
    expect(models[2]).toMatchObject({ reasoning: false, vision: false });
  });

  test("falls back to the configured models when the listing fails", async () => {
    const closed = await startFakeAnthropic();
    await closed.close();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const fallback = createAnthropicProvider({ id: "anthropic", label: "Anthropic", apiKey: "k", baseURL: closed.url, fallbackModels: ["claude-sonnet-4-5"] });
    expect(await fallback.listModels()).toEqual([expect.objectContaining({ upstreamId: "claude-sonnet-4-5", label: "Claude Sonnet 4.5", reasoning: true })]);
    expect(fallback.listingFailure()).toEqual({ reason: "unreachable" });
    warn.mockRestore();
  });

  test("says the server's key was refused when the listing is, until a listing works", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const refused = createAnthropicProvider({ id: "anthropic", label: "Anthropic", apiKey: "sk-ant-wrong", baseURL: fake.url, fallbackModels: ["claude-sonnet-4-5"] });
    expect((await refused.listModels()).map((model) => model.upstreamId)).toEqual(["claude-sonnet-4-5"]);
    expect(refused.listingFailure()).toEqual({ reason: "rejected", status: 401 });
    warn.mockRestore();
    const good = provider();
    await good.listModels();
    expect(good.listingFailure()).toBeNull();
  });
});

describe("complete", () => {
  test("returns the text of a non-streamed message, without thinking", async () => {
    fake.script({ text: "Greeting exchange", usage: { inputTokens: 57, outputTokens: 4 } });
    const title = await provider().complete(request({ system: "Name this chat.", maxOutputTokens: 30, reasoning: true }));
    expect(title).toEqual({ text: "Greeting exchange", usage: { inputTokens: 57, outputTokens: 4 } });
    expect(fake.requests[0]!.body).toMatchObject({ system: "Name this chat.", max_tokens: 30 });
    expect(fake.requests[0]!.body).not.toHaveProperty("thinking");
    expect(fake.requests[0]!.body.stream).toBeFalsy();
  });
});
