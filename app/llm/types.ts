// The provider-neutral contract every LLM adapter implements. Adapters
// translate these into their SDK's request shapes and their SDK's wire events
// back into LlmEvents; nothing above app/llm/ ever sees an SDK type.

export type ChatRole = "user" | "assistant";

/** What a model is shown of a message part (context.ts maps stored parts to these). */
export type ContextPart =
  | { type: "text"; text: string }
  /** An image; `name`, when it has one, is said just before it, so a message can refer to its images by name. */
  | { type: "image"; mediaType: string; /** base64 */ data: string; name?: string }
  /**
   * An attached document: a text or code file (its text), or a PDF (its text
   * layer, and the file itself as base64 for models that read PDFs).
   */
  | { type: "document"; name: string; mediaType: string; text: string | null; data?: string }
  | { type: "tool-call"; toolCallId: string; name: string; /** JSON text */ arguments: string }
  | { type: "tool-result"; toolCallId: string; name: string; result: unknown; isError: boolean };

export interface ContextMessage {
  role: ChatRole;
  parts: ContextPart[];
}

/** The text parts of a context message, joined (for models and helpers that only read text). */
export function contextText(message: ContextMessage): string {
  let out = "";
  for (const part of message.parts) if (part.type === "text") out += part.text;
  return out;
}

/**
 * A document as text, for APIs without document blocks: its name, then its
 * text fenced off so the model can tell the file from the question.
 */
export function documentText(part: Extract<ContextPart, { type: "document" }>): string {
  if (part.text === null || part.text.trim() === "") {
    const why = part.mediaType === "application/pdf" ? "no text could be read from this PDF (it may be a scan)" : "the file is empty";
    return `[Attached file “${part.name}”: ${why}]`;
  }
  const fence = "`".repeat(Math.max(3, ...[...part.text.matchAll(/`{3,}/g)].map((m) => m[0].length + 1)));
  return `Attached file “${part.name}”${part.mediaType === "application/pdf" ? " (text of the PDF)" : ""}:\n${fence}\n${part.text}\n${fence}`;
}

/** An abort because a time limit ran out (AbortSignal.timeout), as a signal's reason or as the cause of what fetch or an SDK threw. */
export function timedOut(error: unknown): boolean {
  // A DOMException need not be an Error in every runtime: read the name of whatever was thrown.
  for (let current: unknown = error, depth = 0; typeof current === "object" && current !== null && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    if ((current as { name?: unknown }).name === "TimeoutError") return true;
  }
  return false;
}

/** What is said just before an image with a name. */
export function imageLabel(name: string): string {
  return `Attached image “${name}”:`;
}

/** A user turn of plain text (titles, tests). */
export function userText(text: string): ContextMessage {
  return { role: "user", parts: [{ type: "text", text }] };
}

export interface StreamRequest {
  /** The provider's own model id, e.g. "gpt-4o-mini" or "claude-sonnet-4-5". */
  model: string;
  /** The conversation along the active path, oldest first, ending with a user turn. */
  messages: ContextMessage[];
  system?: string;
  /** Aborted only by an explicit Stop (or shutdown); never by a reader leaving. */
  signal: AbortSignal;
  maxOutputTokens?: number;
  /**
   * Ask for the model's reasoning (Anthropic extended thinking). Only set it
   * for models whose ModelInfo says `reasoning: true`; adapters whose upstream
   * reasons unprompted (DeepSeek, OpenRouter) stream reasoning regardless.
   */
  reasoning?: boolean;
}

export type LlmEvent =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "usage"; inputTokens: number; outputTokens: number }
  /** The upstream said why it stopped ("stop", "length", "end_turn", …). */
  | { type: "finish"; reason: string };

export interface ModelInfo {
  /** Globally unique: `${providerId}:${upstreamModelId}`. */
  id: string;
  providerId: string;
  upstreamId: string;
  label: string;
  vision: boolean;
  /** Reads PDFs itself (pages as images and text); other models get the PDF's text. */
  pdf: boolean;
  tools: boolean;
  reasoning: boolean;
  contextWindow: number;
  /** USD per million tokens, when known. */
  inputPricePerMTok?: number;
  outputPricePerMTok?: number;
}

/** What a request cost in USD at the model's catalog prices; none when the catalog has no price for it. */
export function requestCostUsd(model: ModelInfo, { inputTokens, outputTokens }: { inputTokens: number; outputTokens: number }): number | undefined {
  if (model.inputPricePerMTok === undefined || model.outputPricePerMTok === undefined) return undefined;
  return (inputTokens * model.inputPricePerMTok + outputTokens * model.outputPricePerMTok) / 1_000_000;
}

export interface LlmProvider {
  id: string;
  label: string;
  /** Live listing where the upstream has one; adapters fall back to a configured list. */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Why the last listing failed (its configured list stood in, or none was left), until one succeeds: for the admin area, and for a send to a model it could not list. */
  listingFailure?(): ListingFailure | null;
  stream(request: StreamRequest): AsyncIterable<LlmEvent>;
  /**
   * One short non-streamed answer (chat titles). Rejects with an UpstreamError,
   * or with `signal.reason` once aborted. No retries.
   */
  complete?(request: StreamRequest): Promise<Completion>;
}

/** A non-streamed answer: its text, and the tokens the provider says it used (some compatible servers say nothing). */
export interface Completion {
  text: string;
  usage?: { inputTokens: number; outputTokens: number };
}

/** Why a provider's model list could not be read: its key refused, nothing answering, or anything else. */
export interface ListingFailure {
  reason: "rejected" | "unreachable" | "failed";
  /** The HTTP status, when there was one. */
  status?: number;
}

/** Why a composer's model is missing from its picker, when its provider's list could not be read: for the picker to say. */
export interface UnlistedModel {
  model: string;
  /** The provider's label in the page's language. */
  provider: string;
  reason: ListingFailure["reason"];
}

/** What a failed listing says to the admin; `error` is what the adapter made of the failure. */
export function listingFailureOf(error: unknown): ListingFailure {
  if (timedOut(error)) return { reason: "unreachable" };
  if (!(error instanceof UpstreamError)) return { reason: "failed" };
  if (error.status === 401 || error.status === 403) return { reason: "rejected", status: error.status };
  if (error.kind === "connection" || error.kind === "timeout") return { reason: "unreachable" };
  return { reason: "failed", ...(error.status ? { status: error.status } : {}) };
}

/**
 * An upstream failure with enough detail to decide on a retry and to tell the
 * user something they can act on. `status` is the HTTP status when there was
 * one; `retryAfterMs` comes from the Retry-After header.
 */
export class UpstreamError extends Error {
  readonly providerId: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** True when no byte of the answer had reached us (safe to retry). */
  readonly beforeFirstToken: boolean;
  readonly kind: "rate_limited" | "server" | "client" | "connection" | "timeout" | "malformed";
  /** A connection error before any answer from the server: it was not reached at all (nothing listening, no such host). */
  readonly unreached: boolean;
  /** Where the provider's own words start in the message (after "OpenAI answered 400: "). */
  private readonly detailStart: number;

  constructor(options: {
    message: string;
    /** The provider's own words, which `message` ends with. */
    detail?: string;
    providerId: string;
    kind: UpstreamError["kind"];
    status?: number;
    retryAfterMs?: number;
    beforeFirstToken: boolean;
    unreached?: boolean;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = "UpstreamError";
    this.providerId = options.providerId;
    this.kind = options.kind;
    this.unreached = options.unreached ?? false;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.beforeFirstToken = options.beforeFirstToken;
    this.detailStart = options.detail && options.message.endsWith(options.detail) ? options.message.length - options.detail.length : 0;
  }

  /**
   * The provider's own words, for the person: without the provider's name and
   * the status, which the catalogue's sentence says already. Read from the
   * message, so a key cut out of the message (keepingSecret) is cut out here too.
   */
  get detail(): string {
    return this.message.slice(this.detailStart);
  }

  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "connection" || this.kind === "timeout";
  }
}
