// A fake Anthropic upstream speaking the real Messages streaming format:
// https://docs.anthropic.com/en/docs/build-with-claude/streaming
// (message_start, ping, content_block_start/delta/stop, message_delta, message_stop, error).
import {
  echoReply,
  estimateTokens,
  interruptionAt,
  anthropicContentError,
  lastUserText,
  retryHeaders,
  splitTokens,
  type FakeScript,
} from "./script";
import {
  sendJson,
  startScriptedServer,
  type Exchange,
  type FakeServer,
  type FakeServerOptions,
} from "./server";

export type { FakeScript, RecordedRequest } from "./script";
export type { FakeServer, FakeServerOptions } from "./server";

export const DEFAULT_ANTHROPIC_MODELS = ["claude-haiku-4-5-20251001", "claude-opus-4-1-20250805", "claude-3-5-haiku-20241022"];

/** `url` has no /v1: the Anthropic SDK appends /v1/messages itself. */
export function startFakeAnthropic(options: FakeServerOptions = {}): Promise<FakeServer> {
  return startScriptedServer(
    { models: DEFAULT_ANTHROPIC_MODELS, ...options },
    { pathPrefix: "", handle: handleAnthropic },
  );
}

async function handleAnthropic(exchange: Exchange): Promise<void> {
  const { request, res } = exchange;
  // The API takes `x-api-key`; SDK 1.x sends the key as `Authorization: Bearer` instead.
  const key = request.headers["x-api-key"] ?? request.headers.authorization?.replace(/^Bearer /, "");
  if (key && exchange.revokedKeys.has(key)) {
    return sendError(exchange, 401, "authentication_error", `invalid x-api-key: ${key}`);
  }
  if (exchange.apiKey && key !== exchange.apiKey) {
    return sendError(exchange, 401, "authentication_error", "invalid x-api-key");
  }
  if (request.method === "GET" && request.path === "/v1/models") {
    request.outcome = "completed";
    const data = exchange.models.map((id) => ({
      type: "model",
      id,
      display_name: displayName(id),
      created_at: "2025-01-01T00:00:00Z",
    }));
    return sendJson(res, 200, {
      data,
      has_more: false,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
    }, requestIdHeader(request.id));
  }
  if (request.method === "POST" && request.path === "/v1/messages") return messages(exchange);
  return sendError(exchange, 404, "not_found_error", `Not found: ${request.method} ${request.path}`);
}

async function messages(exchange: Exchange): Promise<void> {
  const body = exchange.request.body;
  if (typeof body?.model !== "string" || !Array.isArray(body.messages) || body.messages.length === 0) {
    return sendError(exchange, 400, "invalid_request_error", "model and a non-empty messages are required");
  }
  if (typeof body.max_tokens !== "number") {
    return sendError(exchange, 400, "invalid_request_error", "max_tokens: Field required");
  }
  const contentError = anthropicContentError(body.messages);
  if (contentError) return sendError(exchange, 400, "invalid_request_error", contentError);
  const thinking = body.thinking?.type === "enabled" || body.thinking?.type === "adaptive";
  if (body.thinking?.type === "enabled" && !(body.max_tokens > body.thinking.budget_tokens)) {
    return sendError(exchange, 400, "invalid_request_error", "`max_tokens` must be greater than `thinking.budget_tokens`");
  }
  const script = exchange.takeScript();
  if (script.status) return scriptedError(exchange, script);
  if (script.stallBeforeHeaders) return exchange.writer.stall();

  const userText = lastUserText(body.messages);
  const answerTokens = script.tokens ?? splitTokens(script.text ?? echoReply(userText));
  // Thinking blocks only exist when the request enabled thinking, as upstream.
  const reasoning = thinking ? script.reasoning ?? `Considering: ${userText.trim()}` : undefined;
  const reasoningTokens = reasoning ? splitTokens(reasoning) : [];
  const inputTokens = script.usage?.inputTokens ?? estimateTokens(JSON.stringify([body.system ?? "", body.messages]));
  const outputTokens = script.usage?.outputTokens ?? answerTokens.length + reasoningTokens.length;
  const stopReason = script.finishReason ?? "end_turn";
  const id = `msg_fake${exchange.request.id}`;

  if (body.stream !== true) {
    exchange.request.outcome = "completed";
    return sendJson(exchange.res, 200, {
      id,
      type: "message",
      role: "assistant",
      model: body.model,
      content: [
        ...(reasoning ? [{ type: "thinking", thinking: reasoning, signature: "fake-signature" }] : []),
        { type: "text", text: answerTokens.join("") },
      ],
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: outputTokens },
    }, requestIdHeader(exchange.request.id));
  }

  const event = (name: string, data: Record<string, unknown>) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  const { writer } = exchange;
  writer.openEventStream(requestIdHeader(exchange.request.id));
  const opened = await writer.write(
    event("message_start", {
      message: {
        id, type: "message", role: "assistant", model: body.model, content: [],
        stop_reason: null, stop_sequence: null,
        usage: { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    }) + event("ping", {}),
  );
  if (!opened) return;

  const blocks: Array<{ kind: "thinking" | "text"; tokens: string[] }> = [
    ...(reasoningTokens.length > 0 ? [{ kind: "thinking" as const, tokens: reasoningTokens }] : []),
    { kind: "text", tokens: answerTokens },
  ];
  let sent = 0;
  for (const [index, block] of blocks.entries()) {
    const start = block.kind === "thinking"
      ? { type: "thinking", thinking: "", signature: "" }
      : { type: "text", text: "" };
    if (!(await writer.write(event("content_block_start", { index, content_block: start })))) return;
    for (const token of block.tokens) {
      const interruption = interruptionAt(script, sent);
      if (interruption) return interrupt(exchange, interruption, script, event);
      if (!(await writer.pause(sent === 0 ? script.firstTokenDelayMs ?? 0 : script.tokenDelayMs ?? 0))) return;
      const delta = block.kind === "thinking" ? { type: "thinking_delta", thinking: token } : { type: "text_delta", text: token };
      if (!(await writer.write(event("content_block_delta", { index, delta })))) return;
      sent++;
    }
    if (block.kind === "thinking") {
      const signature = { type: "signature_delta", signature: "ZmFrZS1zaWduYXR1cmU=" };
      if (!(await writer.write(event("content_block_delta", { index, delta: signature })))) return;
    }
    if (!(await writer.write(event("content_block_stop", { index })))) return;
  }
  const interruption = interruptionAt(script, sent);
  if (interruption) return interrupt(exchange, interruption, script, event);

  await writer.write(
    event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } })
      + event("message_stop", {}),
  );
  exchange.request.outcome = "completed";
  writer.end();
}

async function interrupt(
  exchange: Exchange,
  interruption: string,
  script: FakeScript,
  event: (name: string, data: Record<string, unknown>) => string,
): Promise<void> {
  const { writer, request } = exchange;
  if (interruption === "reset") {
    request.outcome = "reset";
    return writer.reset(script.tokenDelayMs);
  }
  if (interruption === "stall") return writer.stall();
  if (interruption === "malformed") await writer.write(`event: content_block_delta\ndata: {"type":"content_block_delta","index":\n\n`);
  if (interruption === "error") {
    await writer.write(event("error", { error: { type: "overloaded_error", message: script.errorMessage ?? "Overloaded" } }));
  }
  request.outcome = "completed";
  writer.end();
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function scriptedError(exchange: Exchange, script: FakeScript): void {
  const status = script.status!;
  const type = ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  const message = script.errorMessage ?? (status === 429 ? "Number of requests has exceeded your rate limit" : `Fake ${type}`);
  sendError(exchange, status, type, message, retryHeaders(script));
}

function sendError(exchange: Exchange, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  exchange.request.outcome = "rejected";
  sendJson(exchange.res, status, { type: "error", error: { type, message } }, {
    ...requestIdHeader(exchange.request.id),
    ...headers,
  });
}

function requestIdHeader(id: number): Record<string, string> {
  return { "request-id": `req_fake${id}` };
}

/** "claude-haiku-4-5-20251001" → "Claude Haiku 4.5". */
function displayName(id: string): string {
  const words = id.replace(/-\d{8}$/, "").split("-");
  const name = words.filter((word) => !/^\d+$/.test(word)).map((word) => word[0]!.toUpperCase() + word.slice(1));
  const version = words.filter((word) => /^\d+$/.test(word)).join(".");
  return [...name, version].filter(Boolean).join(" ");
}
