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
