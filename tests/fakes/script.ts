// What a test asks a fake upstream to do with its next request (FakeScript),
// what the fake records, and the protocol-neutral helpers openai.ts and
// anthropic.ts share. The HTTP plumbing lives in server.ts.

/** What the fake does with one generation request. Every field is optional. */
export interface FakeScript {
  /**
   * Only a streaming request with a user message containing this text takes
   * the script (parallel tests sharing one fake each use their own marker; a
   * non-streaming title request never takes it). Without it: the next request.
   */
  match?: string;
  /** The answer; defaults to the echo of the last user message (see `echoReply`). */
  text?: string;
  /** Explicit token split of the answer (overrides `text`). */
  tokens?: string[];
  /** Reasoning streamed before the answer (Anthropic: a `thinking` block). */
  reasoning?: string;
  /** OpenAI only: DeepSeek's `reasoning_content` (default) or OpenRouter's `reasoning`. */
  reasoningField?: "reasoning_content" | "reasoning";
  /** Pause before every token after the first, in ms (timers, never a busy loop). */
  tokenDelayMs?: number;
  /** Pause before the first token, in ms (default 0). */
  firstTokenDelayMs?: number;
  usage?: { inputTokens?: number; outputTokens?: number };
  /** OpenAI only: leave usage out of the response, as some compatible servers do. */
  noUsage?: boolean;
  /** Default "stop" (OpenAI) / "end_turn" (Anthropic). */
  finishReason?: string;
  /** Answer with this HTTP error status instead (429, 500, 503, 529, 400…). */
  status?: number;
  /** `Retry-After` header sent with `status` (seconds, or an HTTP date). */
  retryAfter?: string | number;
  /** `retry-after-ms` header sent with `status`. */
  retryAfterMs?: number;
  errorMessage?: string;
  /** The following fields count tokens sent (reasoning, then answer), before the Nth is sent. */
  /** Destroy the socket after N tokens. */
  resetAfterTokens?: number;
  /** Go silent after N tokens until the client leaves or the fake closes (0: right after the headers). */
  stallAfterTokens?: number;
  /** Accept the request and never send headers. */
  stallBeforeHeaders?: boolean;
  /** Send a data line that is not JSON after N tokens, then end. */
  malformedAfterTokens?: number;
  /** Send the protocol's in-stream error (Anthropic `event: error`, OpenAI `data: {"error":…}`) after N tokens. */
  errorAfterTokens?: number;
  /** End the response cleanly after N tokens, without the protocol's end markers. */
  truncateAfterTokens?: number;
}

export interface RecordedRequest {
  id: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body (undefined when empty or not JSON; see `rawBody`); tests read the fields they expect. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index into arbitrary provider request bodies
  body: any;
  rawBody: string;
  receivedAt: number;
  /** "open" until the exchange ends; "client_closed" means the client left before the end. */
  outcome: "open" | "completed" | "rejected" | "reset" | "client_closed" | "server_closed";
}



/** Splits text into word-ish tokens whose concatenation is the text. */
export function splitTokens(text: string): string[] {
  return text.match(/\s+|\S+\s*/g) ?? [];
}

/** The deterministic default answer e2e tests can predict. */
export function echoReply(lastUserText: string): string {
  return `Echo: ${lastUserText.trim()}`;
}

/** Text of the last user message; content may be a string or an array of parts (OpenAI) or blocks (Anthropic). */
export function lastUserText(messages: Array<{ role?: string; content?: unknown }>): string {
  return textOf([...messages].reverse().find((message) => message.role === "user")?.content);
}

/** Every user message's text, joined (a Continue request's last user message is the instruction, not the prompt). */
export function userTexts(messages: Array<{ role?: string; content?: unknown }>): string {
  return messages
    .filter((message) => message.role === "user")
    .map((message) => textOf(message.content))
    .join("\n");
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part: { type?: string; text?: string }) => (part.type === "text" ? part.text ?? "" : "")).join("");
  return "";
}

/** A rough, deterministic prompt token count (~4 characters per token). */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export type Interruption = "reset" | "stall" | "malformed" | "error" | "truncate";

/** What, if anything, must happen instead of sending token number `sent` (0-based). */
export function interruptionAt(script: FakeScript, sent: number): Interruption | undefined {
  if (script.resetAfterTokens === sent) return "reset";
  if (script.stallAfterTokens === sent) return "stall";
  if (script.malformedAfterTokens === sent) return "malformed";
  if (script.errorAfterTokens === sent) return "error";
  if (script.truncateAfterTokens === sent) return "truncate";
  return undefined;
}

export function retryHeaders(script: FakeScript): Record<string, string> {
  const headers: Record<string, string> = {};
  if (script.retryAfter !== undefined) headers["retry-after"] = String(script.retryAfter);
  if (script.retryAfterMs !== undefined) headers["retry-after-ms"] = String(script.retryAfterMs);
  return headers;
}


/** Drains an async iterable, keeping what came before a failure (test helper). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) items.push(item);
    return { items };
  } catch (error) {
    return { items, error };
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * What the real Chat Completions API refuses in `messages[].content` arrays
 * (400 invalid_request_error): unknown part types, an image that is not an
 * http(s) or base64 data URL of a supported image type. Returns the error text.
 */
export function openAIContentError(messages: Array<{ content?: unknown }>): string | null {
  for (const [m, message] of messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    for (const [p, part] of (message.content as Array<Record<string, unknown>>).entries()) {
      const where = `messages[${m}].content[${p}]`;
      if (part.type === "text") {
        if (typeof part.text !== "string") return `Invalid type for '${where}.text': expected a string.`;
      } else if (part.type === "image_url") {
        const url = (part.image_url as { url?: unknown } | undefined)?.url;
        const data = typeof url === "string" ? /^data:(image\/(?:png|jpeg|gif|webp));base64,(.*)$/s.exec(url) : null;
        if (typeof url !== "string" || (!data && !/^https?:\/\//.test(url))) return `Invalid '${where}.image_url.url': expected a URL or a base64 data URL of a PNG, JPEG, GIF or WebP image.`;
        if (data && !BASE64.test(data[2]!)) return `Invalid '${where}.image_url.url': the base64 data is malformed.`;
      } else if (part.type !== "file" && part.type !== "input_audio") {
        return `Invalid value: '${String(part.type)}'. Supported values are: 'text', 'image_url', 'input_audio', and 'file'.`;
      }
    }
  }
  return null;
}

/**
 * What the real Messages API refuses in content blocks (400
 * invalid_request_error): images of another type or not base64, documents
 * that are neither a base64 PDF nor plain text, an empty text document.
 */
export function anthropicContentError(messages: Array<{ content?: unknown }>): string | null {
  for (const [m, message] of messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    for (const [b, block] of (message.content as Array<Record<string, unknown>>).entries()) {
      const where = `messages.${m}.content.${b}`;
      const source = block.source as { type?: string; media_type?: string; data?: unknown } | undefined;
      if (block.type === "image") {
        if (source?.type !== "base64" || !["image/jpeg", "image/png", "image/gif", "image/webp"].includes(source.media_type ?? "")) {
          return `${where}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
        }
        if (typeof source.data !== "string" || !BASE64.test(source.data)) return `${where}.image.source.base64.data: invalid base64 data`;
      } else if (block.type === "document") {
        const pdf = source?.type === "base64" && source.media_type === "application/pdf" && typeof source.data === "string" && BASE64.test(source.data);
        const text = source?.type === "text" && source.media_type === "text/plain" && typeof source.data === "string" && source.data.length > 0;
        if (!pdf && !text) return `${where}.document.source: a document must be a base64 application/pdf or non-empty text/plain source`;
      } else if (!["text", "tool_use", "tool_result", "thinking", "redacted_thinking"].includes(String(block.type))) {
        return `${where}.type: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags`;
      }
    }
  }
  return null;
}
