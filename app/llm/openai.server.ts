// OpenAI and OpenAI-compatible upstreams (DeepSeek, OpenRouter, Ollama, vLLM…)
// through the official SDK's Chat Completions API.
// Wire format: https://platform.openai.com/docs/api-reference/chat/streaming
//
// Abort: when `request.signal` aborts, `stream()` returns without throwing and
// without a `finish` event, and `complete()` rejects with `signal.reason`
// (an AbortError DOMException by default). Callers check `signal.aborted`.
import OpenAI from "openai";
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { isChatModel, lookupKnownModel, toModelInfo } from "./known-models";
import { logger } from "../utils/logger.server";
import { modelListing } from "./listing.server";
import { kindForStatus, parseRetryAfterMs } from "./retry.server";
import { type Completion, type ContextMessage, type ContextPart, documentText, imageLabel, type ListingFailure, UpstreamError, type LlmEvent, type LlmProvider, type ModelInfo, type StreamRequest } from "./types";

export interface OpenAIProviderOptions {
  id: string;
  label: string;
  apiKey: string;
  /** Including the /v1, e.g. https://api.deepseek.com/v1 or http://127.0.0.1:4010/v1. */
  baseURL?: string;
  /** Upstream model ids offered when the live listing fails or is empty. */
  fallbackModels?: string[];
  /** Time allowed until response headers (the whole body, for `complete()`). Default 60 s. */
  fetchTimeoutMs?: number;
  /** Extra headers, e.g. OpenRouter's HTTP-Referer / X-Title. */
  defaultHeaders?: Record<string, string>;
  /** Makes every HTTP request (the SSRF guard, for a base URL a person typed); the runtime's fetch by default. */
  fetch?: typeof fetch;
}

export type OpenAIProvider = LlmProvider & { complete(request: StreamRequest): Promise<Completion>; listingFailure(): ListingFailure | null };

export function createOpenAIProvider(options: OpenAIProviderOptions): OpenAIProvider {
  const { id: providerId, label } = options;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0, // retries are streamWithRetry's: it knows whether a token already went out
    timeout: options.fetchTimeoutMs ?? 60_000,
    defaultHeaders: options.defaultHeaders,
    logger: sdkLogger,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const fallbackModels = options.fallbackModels ?? [];

  const toError = (error: unknown, beforeFirstToken: boolean) =>
    toUpstreamError(error, { providerId, label, beforeFirstToken });

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
        const ids: string[] = [];
        for await (const model of client.models.list({ signal })) ids.push(model.id);
        return ids.filter(isChatModel).map((upstreamId) => toModelInfo({ providerId, upstreamId }));
      }, signal),

    listingFailure: listing.lastFailure,

    async *stream(request: StreamRequest): AsyncGenerator<LlmEvent> {
      const { signal } = request;
      let beforeFirstToken = true;
      let finishReason: string | undefined;
      let usage: LlmEvent | undefined;
      try {
        const chunks = await client.chat.completions.create(
          {
            model: request.model,
            messages: toMessages(request),
            stream: true,
            stream_options: { include_usage: true },
            ...maxTokensParam(request),
          },
          { signal },
        );
        // The SDK ends this loop quietly (no throw) when `signal` aborts mid-stream.
        for await (const chunk of chunks) {
          if (chunk.usage) {
            usage = { type: "usage", inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
          }
          const choice = chunk.choices[0];
          if (!choice) continue;
          // Not in OpenAI's types: DeepSeek's `reasoning_content`, OpenRouter's `reasoning`.
          const delta = choice.delta as typeof choice.delta & { reasoning_content?: string | null; reasoning?: string | null };
          const reasoning = delta.reasoning_content ?? delta.reasoning;
          if (reasoning) {
            beforeFirstToken = false;
            yield { type: "reasoning", text: reasoning };
          }
          if (delta.content) {
            beforeFirstToken = false;
            yield { type: "text", text: delta.content };
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      } catch (error) {
        if (signal.aborted) return;
        throw toError(error, beforeFirstToken);
      }
      if (signal.aborted) return;
      if (!finishReason) {
        // A proxy that closes the body cleanly mid-answer looks like success to the SDK.
        throw new UpstreamError({
          message: `The answer from ${label} was cut off (the stream ended without a finish reason)`,
          providerId,
          kind: "connection",
          beforeFirstToken,
        });
      }
      if (usage) yield usage;
      yield { type: "finish", reason: finishReason };
    },

    async complete(request: StreamRequest): Promise<Completion> {
      try {
        const completion = await client.chat.completions.create(
          { model: request.model, messages: toMessages(request), stream: false, ...maxTokensParam(request) },
          { signal: request.signal },
        );
        const text = completion.choices[0]?.message.content ?? "";
        const usage = completion.usage;
        return usage ? { text, usage: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } } : { text };
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason;
        throw toError(error, true);
      }
    },
  };
}

function toMessages(request: StreamRequest): ChatCompletionMessageParam[] {
  const system: ChatCompletionMessageParam[] = request.system ? [{ role: "system", content: request.system }] : [];
  return [...system, ...request.messages.flatMap(toChatCompletionMessages)];
}

/**
 * One context message in Chat Completions' shape: plain text stays a string
 * (what every compatible server accepts); images make a content array; tool
 * calls ride on the assistant turn and each tool result is a `tool` message.
 */
export function toChatCompletionMessages(message: ContextMessage): ChatCompletionMessageParam[] {
  if (message.role === "user") return userTurn(message.parts);
  // An answer that used tools: each stretch of text and calls is an assistant
  // turn, each call's result a tool message after it, in the order they came.
  const out: ChatCompletionMessageParam[] = [];
  let stretch: ContextPart[] = [];
  const flush = () => {
    if (stretch.length > 0) out.push(...assistantTurn(stretch));
    stretch = [];
  };
  for (const part of message.parts) {
    if (part.type === "tool-result") {
      flush();
      out.push({ role: "tool", tool_call_id: part.toolCallId, content: JSON.stringify(part.result ?? null) });
    } else stretch.push(part);
  }
  flush();
  return out;
}

function textOf(parts: ContextPart[]): string {
  return parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
}

/** Chat Completions has no document type every compatible server reads: documents go as text, in order. */
function withDocumentsAsText(parts: ContextPart[]): ContextPart[] {
  return parts.map((p) => (p.type === "document" ? { type: "text", text: documentText(p) + "\n\n" } : p));
}

function assistantTurn(parts: ContextPart[]): ChatCompletionMessageParam[] {
  const text = textOf(parts);
  const calls = parts.flatMap((p) =>
    p.type === "tool-call" ? [{ id: p.toolCallId, type: "function" as const, function: { name: p.name, arguments: p.arguments || "{}" } }] : [],
  );
  if (!text && calls.length === 0) return [];
  return [{ role: "assistant", content: text || null, ...(calls.length ? { tool_calls: calls } : {}) }];
}

function userTurn(original: ContextPart[]): ChatCompletionMessageParam[] {
  const parts = withDocumentsAsText(original);
  const results: ChatCompletionMessageParam[] = parts.flatMap((p) =>
    p.type === "tool-result" ? [{ role: "tool" as const, tool_call_id: p.toolCallId, content: JSON.stringify(p.result ?? null) }] : [],
  );
  if (!parts.some((p) => p.type === "image")) {
    const text = textOf(parts);
    return [...results, ...(text ? [{ role: "user" as const, content: text }] : [])];
  }
  // In the message's order, each image after its name: "the second photo" and "diagram.png" mean something.
  const content: ChatCompletionContentPart[] = [];
  let text = "";
  const flush = () => {
    if (text) content.push({ type: "text", text });
    text = "";
  };
  for (const part of parts) {
    if (part.type === "text") text += part.text;
    else if (part.type === "image") {
      if (part.name) text += `${text && !text.endsWith("\n") ? "\n\n" : ""}${imageLabel(part.name)}`;
      flush();
      content.push({ type: "image_url", image_url: { url: `data:${part.mediaType};base64,${part.data}` } });
    }
  }
  flush();
  return [...results, { role: "user", content }];
}

/** o-series and GPT-5 reject `max_tokens`; compatible servers mostly only know `max_tokens`. */
function maxTokensParam(request: StreamRequest): { max_tokens?: number; max_completion_tokens?: number } {
  if (request.maxOutputTokens === undefined) return {};
  return lookupKnownModel(request.model)?.maxCompletionTokensParam
    ? { max_completion_tokens: request.maxOutputTokens }
    : { max_tokens: request.maxOutputTokens };
}

function toUpstreamError(
  error: unknown,
  { providerId, label, beforeFirstToken }: { providerId: string; label: string; beforeFirstToken: boolean },
): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const common = { providerId, beforeFirstToken, cause: error };
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new UpstreamError({ ...common, kind: "timeout", message: `${label} did not answer in time` });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new UpstreamError({ ...common, kind: "connection", unreached: true, message: `Could not reach ${label}: ${describeCause(error)}` });
  }
  if (error instanceof OpenAI.APIError) {
    if (error.status !== undefined) {
      // The SDK's message starts with the status; the body's own words do not.
      return new UpstreamError({
        ...common,
        kind: kindForStatus(error.status),
        status: error.status,
        retryAfterMs: parseRetryAfterMs(error.headers),
        message: `${label} answered ${error.status}: ${bodyMessage(error)}`,
        detail: bodyMessage(error),
      });
    }
    // An `{"error": …}` event after the 200: no status, only the body's code.
    const kind = error.code === "rate_limit_exceeded" ? "rate_limited" : "server";
    return new UpstreamError({ ...common, kind, message: `${label} failed mid-answer: ${error.message}` });
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

/** What an OpenAI-style error body says (`error.message`), else the SDK's message without its leading status. */
function bodyMessage(error: InstanceType<typeof OpenAI.APIError>): string {
  const said = (error.error as { message?: unknown } | undefined)?.message;
  return typeof said === "string" && said ? said : error.message.replace(/^\d{3}\s+/, "");
}
