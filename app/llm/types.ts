// The provider-neutral contract every LLM adapter implements (STYLE.md §6).
// Adapters translate their SDK's wire events into these; nothing above
// app/llm/ ever sees an SDK type.

export type ChatRole = "user" | "assistant";

export interface ContextMessage {
  role: ChatRole;
  content: string;
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
  tools: boolean;
  reasoning: boolean;
  contextWindow: number;
  /** USD per million tokens, when known. */
  inputPricePerMTok?: number;
  outputPricePerMTok?: number;
}

export interface LlmProvider {
  id: string;
  label: string;
  /** Live listing where the upstream has one; adapters fall back to a configured list. */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  stream(request: StreamRequest): AsyncIterable<LlmEvent>;
  /**
   * One short non-streamed answer (chat titles). Rejects with an UpstreamError,
   * or with `signal.reason` once aborted. No retries.
   */
  complete?(request: StreamRequest): Promise<string>;
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

  constructor(options: {
    message: string;
    providerId: string;
    kind: UpstreamError["kind"];
    status?: number;
    retryAfterMs?: number;
    beforeFirstToken: boolean;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = "UpstreamError";
    this.providerId = options.providerId;
    this.kind = options.kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.beforeFirstToken = options.beforeFirstToken;
  }

  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "connection" || this.kind === "timeout";
  }
}
