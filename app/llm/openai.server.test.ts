import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { startFakeOpenAI, type FakeServer } from "../../tests/fakes/openai";
import { collect } from "../../tests/fakes/script";
import { createOpenAIProvider } from "./openai.server";
import { UpstreamError, type StreamRequest } from "./types";
import { describe as describeProblem } from "../protocol/catalogue";
import { upstreamProblem } from "../streaming/generation.server";

let fake: FakeServer;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: "sk-test" });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const provider = () => createOpenAIProvider({ id: "openai", label: "OpenAI", apiKey: "sk-test", baseURL: fake.url });

function request(overrides: Partial<StreamRequest> = {}): StreamRequest {
  return {
    model: "gpt-4o-mini",
    messages: [{ role: "user", parts: [{ type: "text" as const, text: "Hello there" }] }],
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe("streaming", () => {
  test("streams the answer as text events, then usage and the finish reason", async () => {
    fake.script({ text: "Hi! How can I help?", usage: { inputTokens: 12, outputTokens: 6 } });
    const { items, error } = await collect(provider().stream(request()));
    expect(error).toBeUndefined();
    const text = items.filter((event) => event.type === "text");
    expect(text.length).toBeGreaterThan(1);
    expect(text.map((event) => event.text).join("")).toBe("Hi! How can I help?");
    expect(items.slice(-2)).toEqual([
      { type: "usage", inputTokens: 12, outputTokens: 6 },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("sends the system prompt first, the model, include_usage and max_tokens", async () => {
    await collect(provider().stream(request({
      system: "Be brief.",
      maxOutputTokens: 300,
      messages: [
        { role: "user", parts: [{ type: "text" as const, text: "One" }] },
        { role: "assistant", parts: [{ type: "text" as const, text: "Two" }] },
        { role: "user", parts: [{ type: "text" as const, text: "Three" }] },
      ],
    })));
    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe("Bearer sk-test");
    expect(sent.body).toMatchObject({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 300,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "One" },
        { role: "assistant", content: "Two" },
        { role: "user", content: "Three" },
      ],
    });
  });

  test("omits max_tokens when no limit is asked, and uses max_completion_tokens for o-series models", async () => {
    await collect(provider().stream(request()));
    await collect(provider().stream(request({ model: "o4-mini", maxOutputTokens: 500 })));
    expect(fake.requests[0]!.body).not.toHaveProperty("max_tokens");
    expect(fake.requests[1]!.body).toMatchObject({ max_completion_tokens: 500 });
    expect(fake.requests[1]!.body).not.toHaveProperty("max_tokens");
  });

  test("maps DeepSeek's reasoning_content to reasoning events before the answer", async () => {
    fake.script({ reasoning: "Let me think about it.", text: "42", reasoningField: "reasoning_content" });
    const { items } = await collect(provider().stream(request({ model: "deepseek-reasoner" })));
    const reasoning = items.filter((event) => event.type === "reasoning").map((event) => event.text).join("");
    expect(reasoning).toBe("Let me think about it.");
    expect(items.findIndex((event) => event.type === "reasoning")).toBeLessThan(items.findIndex((event) => event.type === "text"));
    expect(items.filter((event) => event.type === "text").map((event) => event.text).join("")).toBe("42");
  });

  test("maps OpenRouter's reasoning field to reasoning events", async () => {
    fake.script({ reasoning: "Weighing options.", text: "Done", reasoningField: "reasoning" });
    const { items } = await collect(provider().stream(request()));
    expect(items.filter((event) => event.type === "reasoning").map((event) => event.text).join("")).toBe("Weighing options.");
    expect(items.filter((event) => event.type === "text").map((event) => event.text).join("")).toBe("Done");
  });

  test("passes the upstream's finish reason through", async () => {
    fake.script({ text: "Truncated because", finishReason: "length" });
    const { items } = await collect(provider().stream(request()));
    expect(items.at(-1)).toEqual({ type: "finish", reason: "length" });
  });

  test("echoes the last user message by default (what e2e tests rely on)", async () => {
    const { items } = await collect(provider().stream(request({ messages: [{ role: "user", parts: [{ type: "text" as const, text: "ping" }] }] })));
    expect(items.filter((event) => event.type === "text").map((event) => event.text).join("")).toBe("Echo: ping");
  });
});

describe("failures", () => {
  async function failure(script: Parameters<FakeServer["script"]>[0], overrides: Partial<StreamRequest> = {}) {
    fake.script(script);
    const result = await collect(provider().stream(request(overrides)));
    expect(result.error).toBeInstanceOf(UpstreamError);
    return { ...result, error: result.error as UpstreamError };
  }

  test("a 429 becomes a rate_limited error carrying Retry-After", async () => {
    const { error } = await failure({ status: 429, retryAfter: 7 });
    expect(error).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 7000, beforeFirstToken: true, providerId: "openai" });
    // The person learns how long the provider asks to wait, when it says.
    expect(describeProblem(upstreamProblem(error, "OpenAI", "server"), "en")).toBe("OpenAI is rate-limiting requests (HTTP 429) and asks to wait 7 seconds. Continue or regenerate after that.");
    expect(describeProblem(upstreamProblem(new UpstreamError({ message: "x", providerId: "openai", kind: "rate_limited", status: 429, retryAfterMs: 3_600_000, beforeFirstToken: true }), "OpenAI", "server"), "ru")).toBe(
      "OpenAI ограничивает частоту запросов (HTTP 429) и просит подождать 60 минут. После этого нажмите «Продолжить» или «Ответить заново».",
    );
    expect(error.retryable).toBe(true);
  });

  test("retry-after-ms wins over Retry-After", async () => {
    const { error } = await failure({ status: 429, retryAfter: 7, retryAfterMs: 250 });
    expect(error.retryAfterMs).toBe(250);
  });

  test("a 503 is a retryable server error", async () => {
    const { error } = await failure({ status: 503 });
    expect(error).toMatchObject({ kind: "server", status: 503, beforeFirstToken: true });
  });

  test("a wrong API key is a client error, not retryable", async () => {
    const wrongKey = createOpenAIProvider({ id: "openai", label: "OpenAI", apiKey: "sk-wrong", baseURL: fake.url });
    const { error } = await collect(wrongKey.stream(request()));
    expect(error).toMatchObject({ kind: "client", status: 401 });
    expect((error as UpstreamError).retryable).toBe(false);
    // The person reads the provider's own words once, in the catalogue's sentence: no "OpenAI answered 401".
    // A refused key says whose it is, and who can fix it.
    const said = describeProblem(upstreamProblem(error as UpstreamError, "OpenAI", "server"), "en");
    expect(said).toBe("OpenAI did not accept this server's key (HTTP 401). Whoever runs the server needs to check it; meanwhile, pick another model.");
    expect(said).not.toContain("answered");
    expect(describeProblem(upstreamProblem(error as UpstreamError, "OpenAI", "user"), "en")).toBe(
      "OpenAI did not accept the key (HTTP 401): Incorrect API key provided. Check it on Settings → API keys, then regenerate.",
    );
    expect(describeProblem(upstreamProblem(error as UpstreamError, "OpenAI", "user"), "ru")).toBe(
      "OpenAI не принял ключ (HTTP 401): Incorrect API key provided. Проверьте его в разделе «Настройки → API-ключи», затем нажмите «Ответить заново».",
    );
  });

  test("a connection reset after tokens keeps them and says the answer had started", async () => {
    const { items, error } = await failure({ text: "one two three four five", resetAfterTokens: 2 });
    expect(items.map((event) => event.type)).toEqual(["text", "text"]);
    expect(error).toMatchObject({ kind: "connection", beforeFirstToken: false });
    expect(fake.requests[0]!.outcome).toBe("reset");
  });

  test("a reset before any token is a retryable connection error", async () => {
    const { error } = await failure({ resetAfterTokens: 0 });
    expect(error).toMatchObject({ kind: "connection", beforeFirstToken: true, unreached: false });
    expect(upstreamProblem(error as UpstreamError, "OpenAI", "server").code).toBe("upstream_connection_lost");
  });

  test("a malformed data line is a malformed error", async () => {
    const { items, error } = await failure({ text: "a b c", malformedAfterTokens: 1 });
    expect(items).toEqual([{ type: "text", text: "a " }]);
    expect(error).toMatchObject({ kind: "malformed", beforeFirstToken: false });
    expect(error.retryable).toBe(false);
  });

  test("an error event mid-stream is a server error", async () => {
    const { error } = await failure({ text: "a b c", errorAfterTokens: 2, errorMessage: "boom" });
    expect(error).toMatchObject({ kind: "server", beforeFirstToken: false });
    expect(error.message).toContain("boom");
  });

  test("a stream that ends without a finish reason is reported as cut off", async () => {
    const { error } = await failure({ text: "a b c", truncateAfterTokens: 2 });
    expect(error).toMatchObject({ kind: "connection", beforeFirstToken: false });
    expect(error.message).toContain("cut off");
  });

  test("no response headers within fetchTimeoutMs is a timeout", async () => {
    fake.script({ stallBeforeHeaders: true });
    const impatient = createOpenAIProvider({ id: "openai", label: "OpenAI", apiKey: "sk-test", baseURL: fake.url, fetchTimeoutMs: 200 });
    const { error } = await collect(impatient.stream(request()));
    expect(error).toMatchObject({ kind: "timeout", beforeFirstToken: true });
  });

  test("an unreachable upstream is a connection error", async () => {
    const closed = await startFakeOpenAI();
    await closed.close();
    const unreachable = createOpenAIProvider({ id: "openai", label: "OpenAI", apiKey: "k", baseURL: closed.url });
    const { error } = await collect(unreachable.stream(request()));
    expect(error).toMatchObject({ kind: "connection", beforeFirstToken: true, unreached: true });
    // Said as a server not reached, not as a connection lost.
    expect(describeProblem({ ...upstreamProblem(error as UpstreamError, "OpenAI", "server"), params: { provider: "OpenAI", continuable: false } }, "en")).toBe(
      "Could not reach OpenAI: its server may be down, or its address wrong. Regenerate to try again.",
    );
    expect(upstreamProblem(error as UpstreamError, "OpenAI", "server").code).toBe("upstream_unreachable");
  });
});

describe("abort", () => {
  test("aborting mid-stream ends the iteration quietly and closes the upstream connection", async () => {
    fake.script({ text: "one two three four five six seven eight", tokenDelayMs: 50 });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const event of provider().stream(request({ signal: controller.signal }))) {
      seen.push(event.type);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toEqual(["text", "text"]);
    await vi.waitFor(() => expect(fake.requests[0]!.outcome).toBe("client_closed"));
  });

  test("an already aborted signal yields nothing and throws nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    const { items, error } = await collect(provider().stream(request({ signal: controller.signal })));
    expect(items).toEqual([]);
    expect(error).toBeUndefined();
  });
});

describe("listModels", () => {
  test("lists chat models with flags from the known-model table", async () => {
    const models = await provider().listModels();
    expect(models.map((model) => model.upstreamId)).toEqual(["gpt-4o-mini", "gpt-4o", "o4-mini", "o3-mini"]);
    expect(models[0]).toMatchObject({ id: "openai:gpt-4o-mini", providerId: "openai", label: "GPT-4o mini", vision: true, contextWindow: 128_000, inputPricePerMTok: 0.15 });
    expect(models[2]).toMatchObject({ reasoning: true, contextWindow: 200_000 });
    expect(models[3]).toMatchObject({ vision: false, pdf: false });
    expect(fake.requests[0]).toMatchObject({ method: "GET", path: "/v1/models" });
  });

  test("unknown models get conservative defaults", async () => {
    const custom = await startFakeOpenAI({ models: ["llama3.1:8b"] });
    try {
      const models = await createOpenAIProvider({ id: "ollama", label: "Ollama", apiKey: "x", baseURL: custom.url }).listModels();
      expect(models).toEqual([expect.objectContaining({ id: "ollama:llama3.1:8b", label: "llama3.1:8b", contextWindow: 128_000, vision: false, reasoning: false })]);
    } finally {
      await custom.close();
    }
  });

  test("falls back to the configured models when the listing fails, and throws without them", async () => {
    const closed = await startFakeOpenAI();
    await closed.close();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const withFallback = createOpenAIProvider({ id: "ds", label: "DeepSeek", apiKey: "k", baseURL: closed.url, fallbackModels: ["deepseek-chat", "deepseek-reasoner"] });
    const models = await withFallback.listModels();
    expect(models.map((model) => [model.upstreamId, model.reasoning])).toEqual([["deepseek-chat", false], ["deepseek-reasoner", true]]);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
    const without = createOpenAIProvider({ id: "ds", label: "DeepSeek", apiKey: "k", baseURL: closed.url });
    await expect(without.listModels()).rejects.toMatchObject({ kind: "connection" });
  });

  test("a listing that runs out of time falls back to the configured models too; one given up on by its caller does not", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const baseURL = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const slow = createOpenAIProvider({ id: "lmstudio", label: "LM Studio", apiKey: "k", baseURL, fallbackModels: ["fallback-lm"] });
      expect((await slow.listModels(AbortSignal.timeout(200))).map((model) => model.upstreamId)).toEqual(["fallback-lm"]);
      const left = new AbortController();
      const listing = slow.listModels(left.signal);
      left.abort(new Error("the page was left"));
      await expect(listing).rejects.toThrow("the page was left");
      // Without a configured list, running out of time is the caller's to tell.
      await expect(createOpenAIProvider({ id: "lmstudio", label: "LM Studio", apiKey: "k", baseURL }).listModels(AbortSignal.timeout(200))).rejects.toMatchObject({ name: "TimeoutError" });
    } finally {
      warn.mockRestore();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("listingFailure", () => {
  test("says why the last listing failed, whether or not a configured list stood in, until one succeeds", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const closed = await startFakeOpenAI();
    await closed.close();
    try {
      const fallbackModels = ["gpt-4o-mini"];
      const good = provider();
      expect(good.listingFailure()).toBeNull();
      await good.listModels();
      expect(good.listingFailure()).toBeNull();

      const refused = createOpenAIProvider({ id: "openai", label: "OpenAI", apiKey: "sk-wrong", baseURL: fake.url, fallbackModels });
      expect((await refused.listModels()).map((model) => model.upstreamId)).toEqual(["gpt-4o-mini"]);
      expect(refused.listingFailure()).toEqual({ reason: "rejected", status: 401 });

      // A base URL that reaches some other web server: it answers, but not with a model list.
      const elsewhere = createOpenAIProvider({ id: "deepseek", label: "DeepSeek", apiKey: "sk-test", baseURL: `${fake.url}/not-the-api`, fallbackModels });
      await elsewhere.listModels();
      expect(elsewhere.listingFailure()).toEqual({ reason: "failed", status: 404 });

      // Nothing listening, and no configured list: the failure is thrown, and remembered too.
      const down = createOpenAIProvider({ id: "ollama", label: "Ollama", apiKey: "k", baseURL: closed.url });
      await expect(down.listModels()).rejects.toMatchObject({ kind: "connection" });
      expect(down.listingFailure()).toEqual({ reason: "unreachable" });

      // Given up on by its caller: that says nothing of the provider.
      const left = new AbortController();
      left.abort(new Error("the page was left"));
      await expect(good.listModels(left.signal)).rejects.toThrow("the page was left");
      expect(good.listingFailure()).toBeNull();

      // A server that fails once, then lists: the listing that works clears what the last one said.
      let asked = 0;
      const flaky = createHttpServer((_request, response) => {
        asked += 1;
        response.writeHead(asked === 1 ? 503 : 200, { "Content-Type": "application/json" });
        response.end(JSON.stringify(asked === 1 ? { error: { message: "busy", type: "server_error" } } : { object: "list", data: [{ id: "gpt-4o", object: "model", created: 1, owned_by: "x" }] }));
      });
      await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
      try {
        const mended = createOpenAIProvider({ id: "openai", label: "OpenAI", apiKey: "k", baseURL: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/v1`, fallbackModels });
        await mended.listModels();
        expect(mended.listingFailure()).toEqual({ reason: "failed", status: 503 });
        expect((await mended.listModels()).map((model) => model.upstreamId)).toEqual(["gpt-4o"]);
        expect(mended.listingFailure()).toBeNull();
      } finally {
        await new Promise((resolve) => flaky.close(resolve));
      }
    } finally {
      warn.mockRestore();
    }
  });
});

describe("complete", () => {
  test("returns the whole answer of a non-streamed request, and the tokens the provider says it used", async () => {
    fake.script({ text: "A short title", usage: { inputTokens: 42, outputTokens: 3 } });
    const title = await provider().complete(request({ system: "Name this chat.", maxOutputTokens: 20 }));
    expect(title).toEqual({ text: "A short title", usage: { inputTokens: 42, outputTokens: 3 } });
    expect(fake.requests[0]!.body).toMatchObject({ model: "gpt-4o-mini", max_tokens: 20, messages: [{ role: "system", content: "Name this chat." }, { role: "user", content: "Hello there" }] });
    expect(fake.requests[0]!.body.stream).toBeFalsy();
  });

  test("says nothing of tokens when a compatible server reports none", async () => {
    fake.script({ text: "A short title", noUsage: true });
    expect(await provider().complete(request())).toEqual({ text: "A short title" });
  });

  test("rejects with an UpstreamError on failure", async () => {
    fake.script({ status: 500 });
    await expect(provider().complete(request())).rejects.toMatchObject({ name: "UpstreamError", kind: "server", status: 500 });
  });
});
