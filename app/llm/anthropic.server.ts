// Anthropic's Messages API through the official SDK.
// Wire format: https://docs.anthropic.com/en/docs/build-with-claude/streaming
//
// We call `messages.create({ stream: true })` and read the raw events rather
// than `messages.stream()`: the helper rebuilds a full Message snapshot on every
// event and reports failures through an event emitter, while the raw stream
// gives exactly the deltas we forward and the same quiet-on-abort behaviour as
// the OpenAI adapter (the SDK's Stream returns without throwing once aborted).
//
// Abort: `stream()` returns without throwing and without `finish`;
// `complete()` rejects with `signal.reason`. Callers check `signal.aborted`.
import Anthropic from "@anthropic-ai/sdk";
import { lookupKnownModel, toModelInfo } from "./known-models";
import { logger } from "../utils/logger.server";
import { modelListing } from "./listing.server";
import { kindForStatus, parseRetryAfterMs } from "./retry.server";
import { type Completion, type ContextMessage, type ContextPart, documentText, imageLabel, type ListingFailure, UpstreamError, type LlmEvent, type LlmProvider, type ModelInfo, type StreamRequest } from "./types";

export interface AnthropicProviderOptions {
  id: string;
  label: string;
  apiKey: string;
  /** Without /v1: the SDK appends /v1/messages. */
  baseURL?: string;
  fallbackModels?: string[];
  /** Time allowed until response headers (the whole body, for `complete()`). Default 60 s. */
  fetchTimeoutMs?: number;
  /** Extended thinking budget when `request.reasoning` is set (Anthropic's minimum is 1024). Default 4096. */
  thinkingBudgetTokens?: number;
  /** Makes every HTTP request (the SSRF guard, for a base URL a person typed); the runtime's fetch by default. */
  fetch?: typeof fetch;
}

export type AnthropicProvider = LlmProvider & { complete(request: StreamRequest): Promise<Completion>; listingFailure(): ListingFailure | null };

/** Anthropic requires max_tokens; this is the answer's share when the request names none. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

type CreateParams = Anthropic.MessageCreateParamsStreaming;

export function createAnthropicProvider(options: AnthropicProviderOptions): AnthropicProvider {
  const { id: providerId, label } = options;
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0, // retries are streamWithRetry's: it knows whether a token already went out
    timeout: options.fetchTimeoutMs ?? 60_000,
    logger: sdkLogger,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const fallbackModels = options.fallbackModels ?? [];
  const thinkingBudget = options.thinkingBudgetTokens ?? 4096;

  const toError = (error: unknown, beforeFirstToken: boolean) =>
    toUpstreamError(error, { providerId, label, beforeFirstToken });

  function params(request: StreamRequest): Omit<CreateParams, "stream"> {
    const answerTokens = request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    const base = {
      model: request.model,
      messages: request.messages.flatMap(toAnthropicMessages),
      ...(request.system ? { system: request.system } : {}),
    };
    if (!request.reasoning) return { ...base, max_tokens: answerTokens };
    // Thinking tokens count against max_tokens, which must exceed the budget.
    const thinking: CreateParams["thinking"] = lookupKnownModel(request.model)?.adaptiveThinking
      ? { type: "adaptive" }
      : { type: "enabled", budget_tokens: thinkingBudget };
    return { ...base, max_tokens: thinkingBudget + answerTokens, thinking };
  }

  const listing = modelListing({
    label,
    fallback: () => fallbackModels.map((upstreamId) => toModelInfo({ providerId, upstreamId })),
    toError: (error) => toError(error, true),
  });

  return {
    id: providerId,
    label,

    listModels: (signal?: AbortSignal): Promise<ModelInfo[]> =>
      listing.list(async () => {
        const models: ModelInfo[] = [];
        for await (const model of client.models.list({}, { signal })) {
          // Newer API versions describe capabilities; older ones (and the fake) don't.
          const described = model as Partial<Anthropic.ModelInfo> & { id: string; display_name: string };
          models.push(toModelInfo({
            providerId,
            upstreamId: model.id,
            label: model.display_name,
            overrides: {
              contextWindow: described.max_input_tokens ?? undefined,
              vision: described.capabilities?.image_input?.supported,
              pdf: described.capabilities?.pdf_input?.supported,
              reasoning: described.capabilities?.thinking?.supported,
            },
          }));
        }
        return models;
      }, signal),

    listingFailure: listing.lastFailure,

    async *stream(request: StreamRequest): AsyncGenerator<LlmEvent> {
      const { signal } = request;
      let beforeFirstToken = true;
      let inputTokens = 0;
      let outputTokens = 0;
      let stopReason: string | undefined;
      let stopped = false;
      try {
        const events = await client.messages.create({ ...params(request), stream: true }, { signal });
        for await (const event of events) {
          switch (event.type) {
            case "message_start": {
              const usage = event.message.usage;
              inputTokens = usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
              outputTokens = usage.output_tokens;
              break;
            }
            case "content_block_delta":
              if (event.delta.type === "text_delta" && event.delta.text) {
                beforeFirstToken = false;
                yield { type: "text", text: event.delta.text };
              } else if (event.delta.type === "thinking_delta" && event.delta.thinking) {
                beforeFirstToken = false;
                yield { type: "reasoning", text: event.delta.thinking };
              }
              break;
            case "message_delta":
              // Usage here is cumulative; input_tokens only appears in newer API versions.
              stopReason = event.delta.stop_reason ?? stopReason;
              outputTokens = event.usage.output_tokens ?? outputTokens;
              if (event.usage.input_tokens != null) {
                inputTokens = event.usage.input_tokens + (event.usage.cache_creation_input_tokens ?? 0) + (event.usage.cache_read_input_tokens ?? 0);
              }
              break;
            case "message_stop":
              stopped = true;
              break;
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        throw toError(error, beforeFirstToken);
      }
      if (signal.aborted) return;
      if (!stopped) {
        throw new UpstreamError({
          message: `The answer from ${label} was cut off (the stream ended before message_stop)`,
          providerId,
          kind: "connection",
          beforeFirstToken,
        });
      }
      yield { type: "usage", inputTokens, outputTokens };
      yield { type: "finish", reason: stopReason ?? "end_turn" };
    },

    async complete(request: StreamRequest): Promise<Completion> {
      try {
        const message = await client.messages.create({ ...params({ ...request, reasoning: false }), stream: false }, { signal: request.signal });
        const { usage } = message;
        return {
          text: message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join(""),
          // Counted as the stream counts it: a prompt read from or written to the cache is input too.
          usage: { inputTokens: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0), outputTokens: usage.output_tokens },
        };
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        throw toError(error, true);
      }
    },
  };
}

function toUpstreamError(
  error: unknown,
  { providerId, label, beforeFirstToken }: { providerId: string; label: string; beforeFirstToken: boolean },
): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const common = { providerId, beforeFirstToken, cause: error };
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return new UpstreamError({ ...common, kind: "timeout", message: `${label} did not answer in time` });
  }
  if (error instanceof Anthropic.APIConnectionError) {
    return new UpstreamError({ ...common, kind: "connection", unreached: true, message: `Could not reach ${label}: ${describeCause(error)}` });
  }
  if (error instanceof Anthropic.APIError) {
    if (error.status !== undefined) {
      return new UpstreamError({
        ...common,
        kind: kindForStatus(error.status),
        status: error.status,
        retryAfterMs: parseRetryAfterMs(error.headers),
        message: `${label} answered ${error.status}: ${error.apiMessage ?? error.message}`,
        detail: error.apiMessage ?? error.message,
      });
    }
    // An `event: error` after the 200, e.g. overloaded_error: no status, only a type.
    const kind = error.type === "rate_limit_error" ? "rate_limited"
      : error.type === "invalid_request_error" || error.type === "authentication_error" || error.type === "permission_error" ? "client"
      : "server";
    // overloaded_error is what Anthropic answers with HTTP 529 before a stream: said and retried the same way.
    const status = error.type === "overloaded_error" ? 529 : undefined;
    return new UpstreamError({ ...common, kind, status, message: `${label} failed mid-answer: ${error.apiMessage ?? error.message}` });
  }
  if (error instanceof SyntaxError) {
    return new UpstreamError({ ...common, kind: "malformed", message: `${label} sent an unreadable event: ${error.message}` });
  }
  // Reading the body failed: undici's "terminated", Bun's ECONNRESET…
  return new UpstreamError({ ...common, kind: "connection", message: `Lost the connection to ${label}: ${describeCause(error)}` });
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const text = (value: unknown) => (value instanceof Error ? value.message : String(value));
  return cause ? `${text(error)} (${text(cause)})` : text(error);
}

/**
 * The SDK logs an unparsable SSE line at error level, then throws; the throw
 * becomes an UpstreamError the caller reports, so the log is only a warning.
 */
const sdkLogger = {
  error: (message: unknown, ...details: unknown[]) => logger.warn(String(message), { details: details.map(String) }),
  warn: (message: unknown, ...details: unknown[]) => logger.warn(String(message), { details: details.map(String) }),
  info: (message: unknown, ...details: unknown[]) => logger.info(String(message), { details: details.map(String) }),
  debug: (message: unknown, ...details: unknown[]) => logger.debug(String(message), { details: details.map(String) }),
};

/**
 * A context message as the turns the Messages API accepts: an answer that
 * used tools is split where its results come, because tool_result blocks may
 * only stand in a user turn (assistant: text + tool_use, user: tool_result,
 * assistant: the text written after the results).
 */
export function toAnthropicMessages(message: ContextMessage): Anthropic.MessageParam[] {
  if (message.role === "user") return [toAnthropicMessage(message)];
  const turns: ContextMessage[] = [];
  for (const part of message.parts) {
    const role = part.type === "tool-result" ? "user" : "assistant";
    const last = turns.at(-1);
    if (last?.role === role) last.parts.push(part);
    else turns.push({ role, parts: [part] });
  }
  return turns.map(toAnthropicMessage);
}

/**
 * One context message as Anthropic content blocks. A turn of plain text stays
 * a string; tool calls become `tool_use` blocks (with parsed input) and tool
 * results `tool_result` blocks, which the Messages API expects in a user turn.
 */
export function toAnthropicMessage(message: ContextMessage): Anthropic.MessageParam {
  if (message.parts.every((p) => p.type === "text")) {
    return { role: message.role, content: message.parts.map((p) => (p.type === "text" ? p.text : "")).join("") };
  }
  const blocks: Anthropic.ContentBlockParam[] = message.parts.flatMap((part): Anthropic.ContentBlockParam | Anthropic.ContentBlockParam[] => {
    switch (part.type) {
      case "text":
        return { type: "text", text: part.text };
      case "image": {
        const image: Anthropic.ContentBlockParam = { type: "image", source: { type: "base64", media_type: part.mediaType as Anthropic.Base64ImageSource["media_type"], data: part.data } };
        // Each image after its name: "the second photo" and "diagram.png" mean something.
        return part.name ? [{ type: "text", text: imageLabel(part.name) }, image] : [image];
      }
      case "document":
        return documentBlock(part);
      case "tool-call":
        return { type: "tool_use", id: part.toolCallId, name: part.name, input: parseToolInput(part.arguments) };
      case "tool-result":
        return { type: "tool_result", tool_use_id: part.toolCallId, content: JSON.stringify(part.result ?? null), is_error: part.isError };
    }
  });
  return { role: message.role, content: blocks };
}

/**
 * An attached document as Anthropic's document block: a PDF itself when the
 * model reads PDFs, else its text (a text source); a document with no text at
 * all is named in a text block.
 */
function documentBlock(part: Extract<ContextPart, { type: "document" }>): Anthropic.ContentBlockParam {
  if (part.data && part.mediaType === "application/pdf") {
    return { type: "document", title: part.name, source: { type: "base64", media_type: "application/pdf", data: part.data } };
  }
  if (part.text) return { type: "document", title: part.name, source: { type: "text", media_type: "text/plain", data: part.text } };
  return { type: "text", text: documentText(part) };
}

/** A model's tool arguments are JSON text; Anthropic wants an object (a broken one is sent as {}). */
function parseToolInput(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    // Arguments cut off mid-stream are not valid JSON; the call is still shown to the model.
    return {};
  }
}
