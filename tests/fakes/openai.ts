// A fake OpenAI-compatible upstream speaking the real Chat Completions wire format:
// https://platform.openai.com/docs/api-reference/chat/streaming
// Reasoning deltas follow DeepSeek (`delta.reasoning_content`) or OpenRouter (`delta.reasoning`).
import {
  echoReply,
  estimateTokens,
  interruptionAt,
  lastUserText,
  openAIContentError,
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

// o3-mini reads text only: the model a user picks by mistake for an image.
export const DEFAULT_OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o", "o4-mini", "o3-mini", "text-embedding-3-small"];

/** `url` ends in /v1, as the OpenAI SDK's baseURL expects. */
export function startFakeOpenAI(options: FakeServerOptions = {}): Promise<FakeServer> {
  return startScriptedServer(
    { models: DEFAULT_OPENAI_MODELS, ...options },
    { pathPrefix: "/v1", handle: handleOpenAI },
  );
}

async function handleOpenAI(exchange: Exchange): Promise<void> {
  const { request, res } = exchange;
  const key = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
  if (exchange.revokedKeys.has(key)) {
    // OpenAI quotes the key with its middle masked; some compatible servers quote it whole. The fake quotes it
    // whole: the worst case, which Parley must keep out of its pages and logs.
    return sendError(exchange, 401, `Incorrect API key provided: ${key}. You can find your API key in your account settings.`, "invalid_request_error", "invalid_api_key");
  }
  if (exchange.apiKey && request.headers.authorization !== `Bearer ${exchange.apiKey}`) {
    return sendError(exchange, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
  }
  if (request.method === "GET" && request.path === "/v1/models") {
    request.outcome = "completed";
    return sendJson(res, 200, {
      object: "list",
      data: exchange.models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "parley-fake" })),
    }, requestIdHeader(request.id));
  }
  if (request.method === "POST" && request.path === "/v1/chat/completions") return chatCompletion(exchange);
  if (request.method === "POST" && request.path === "/v1/moderations") return moderation(exchange);
  if (request.method === "POST" && request.path === "/v1/embeddings") return embeddings(exchange);
  return sendError(exchange, 404, `Unknown request URL: ${request.method} ${request.path}.`, "invalid_request_error", "unknown_url");
}

async function chatCompletion(exchange: Exchange): Promise<void> {
  const body = exchange.request.body;
  if (typeof body?.model !== "string" || !Array.isArray(body.messages) || body.messages.length === 0) {
    return sendError(exchange, 400, "'model' and a non-empty 'messages' are required.", "invalid_request_error", null);
  }
  const contentError = openAIContentError(body.messages);
  if (contentError) return sendError(exchange, 400, contentError, "invalid_request_error", null);
  const script = exchange.takeScript();
  if (script.status) return scriptedError(exchange, script);
  if (script.stallBeforeHeaders) return exchange.writer.stall();

  const answerTokens = script.tokens ?? splitTokens(script.text ?? echoReply(lastUserText(body.messages)));
  const reasoningTokens = script.reasoning ? splitTokens(script.reasoning) : [];
  const usage = {
    prompt_tokens: script.usage?.inputTokens ?? estimateTokens(JSON.stringify(body.messages)),
    completion_tokens: script.usage?.outputTokens ?? answerTokens.length + reasoningTokens.length,
    total_tokens: 0,
  };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  const finishReason = script.finishReason ?? "stop";
  const id = `chatcmpl-fake${exchange.request.id}`;
  const created = Math.floor(Date.now() / 1000);

  if (body.stream !== true) {
    exchange.request.outcome = "completed";
    const reasoningField = script.reasoningField ?? "reasoning_content";
    return sendJson(exchange.res, 200, {
      id,
      object: "chat.completion",
      created,
      model: body.model,
      choices: [{
        index: 0,
        message: {
          role: "assistant",
          content: answerTokens.join(""),
          refusal: null,
          ...(script.reasoning ? { [reasoningField]: script.reasoning } : {}),
        },
        logprobs: null,
        finish_reason: finishReason,
      }],
      ...(script.noUsage ? {} : { usage }),
    }, requestIdHeader(exchange.request.id));
  }

  const includeUsage = body.stream_options?.include_usage === true && !script.noUsage;
  const chunk = (choices: unknown[], chunkUsage: unknown = null) =>
    `data: ${JSON.stringify({
      id,
      object: "chat.completion.chunk",
      created,
      model: body.model,
      system_fingerprint: "fp_fake",
      choices,
      // With include_usage every chunk carries `usage: null` except the last.
      ...(includeUsage ? { usage: chunkUsage } : {}),
    })}\n\n`;
  const delta = (fields: Record<string, unknown>) => chunk([{ index: 0, delta: fields, logprobs: null, finish_reason: null }]);

  const { writer } = exchange;
  writer.openEventStream(requestIdHeader(exchange.request.id));
  if (!(await writer.write(delta({ role: "assistant", content: "", refusal: null })))) return;

  const steps = [
    ...reasoningTokens.map((token) => reasoningDelta(script, token)),
    ...answerTokens.map((token) => ({ content: token })),
  ];
  for (const [index, fields] of steps.entries()) {
    const interruption = interruptionAt(script, index);
    if (interruption) return interrupt(exchange, interruption, script);
    if (!(await writer.pause(index === 0 ? script.firstTokenDelayMs ?? 0 : script.tokenDelayMs ?? 0))) return;
    if (!(await writer.write(delta(fields)))) return;
  }
  const interruption = interruptionAt(script, steps.length);
  if (interruption) return interrupt(exchange, interruption, script);

  await writer.write(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]));
  if (includeUsage) await writer.write(chunk([], usage));
  await writer.write("data: [DONE]\n\n");
  exchange.request.outcome = "completed";
  writer.end();
}

function reasoningDelta(script: FakeScript, token: string): Record<string, unknown> {
  // DeepSeek sends `content: null` beside reasoning; OpenRouter sends an empty string.
  return script.reasoningField === "reasoning"
    ? { content: "", reasoning: token }
    : { content: null, reasoning_content: token };
}

async function interrupt(exchange: Exchange, interruption: string, script: FakeScript): Promise<void> {
  const { writer, request } = exchange;
  if (interruption === "reset") {
    request.outcome = "reset";
    return writer.reset(script.tokenDelayMs);
  }
  if (interruption === "stall") return writer.stall();
  if (interruption === "malformed") await writer.write(`data: {"id":"chatcmpl-broken","choices":[{"delta":\n\n`);
  if (interruption === "error") {
    // How OpenAI reports a failure after the 200 has gone out.
    await writer.write(`data: ${JSON.stringify({
      error: { message: script.errorMessage ?? "The server had an error while processing your request.", type: "server_error", param: null, code: null },
    })}\n\n`);
  }
  request.outcome = "completed";
  writer.end();
}

function scriptedError(exchange: Exchange, script: FakeScript): void {
  const status = script.status!;
  const [type, code, message] =
    status === 429 ? ["requests", "rate_limit_exceeded", "Rate limit reached for requests."]
    : status >= 500 ? ["server_error", null, "The server had an error while processing your request. Sorry about that!"]
    : ["invalid_request_error", null, "Invalid request."];
  sendError(exchange, status, script.errorMessage ?? message, type, code, retryHeaders(script));
}

function sendError(
  exchange: Exchange,
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers: Record<string, string> = {},
): void {
  exchange.request.outcome = "rejected";
  sendJson(exchange.res, status, { error: { message, type, param: null, code } }, {
    ...requestIdHeader(exchange.request.id),
    ...headers,
  });
}

function requestIdHeader(id: number): Record<string, string> {
  return { "x-request-id": `req_fake${id}` };
}

// https://platform.openai.com/docs/api-reference/moderations/object — the omni models' categories.
const MODERATION_CATEGORIES = [
  "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm",
  "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic",
] as const;

/** What a multi-modal moderation input says, as text: its text, or an image's decoded bytes (a data URL); null when malformed. */
function moderationContent(item: unknown): string | null {
  if (typeof item !== "object" || item === null) return null;
  const part = item as { type?: unknown; text?: unknown; image_url?: { url?: unknown } };
  if (part.type === "text" && typeof part.text === "string") return part.text;
  if (part.type === "image_url" && typeof part.image_url?.url === "string") {
    const data = /^data:image\/(?:png|jpeg|gif|webp);base64,([A-Za-z0-9+/=]+)$/.exec(part.image_url.url);
    // The fake reads a marker inside the image's bytes (a PNG text chunk, say); a remote URL passes.
    return data ? Buffer.from(data[1]!, "base64").toString("latin1") : part.image_url.url.startsWith("http") ? "" : null;
  }
  return null;
}

/**
 * POST /v1/moderations: one result per string input, and one for a whole
 * multi-modal array (text and image_url objects, as the omni models take).
 * An input holding the marker `[[flag:<category>]]` (in an image: in its
 * bytes) is flagged in that category; anything else passes.
 */
function moderation(exchange: Exchange): void {
  const { request, res } = exchange;
  const body = request.body;
  const raw: unknown = body?.input;
  const multiModal = Array.isArray(raw) && raw.length > 0 && raw.every((item) => typeof item === "object");
  let inputs: string[];
  if (typeof raw === "string") inputs = [raw];
  else if (multiModal) {
    const contents = raw.map(moderationContent);
    if (contents.some((content) => content === null)) return sendError(exchange, 400, "Invalid value for 'input': each item must be a text or image_url object.", "invalid_request_error", "input");
    inputs = [contents.join("\n")];
  } else if (Array.isArray(raw) && raw.every((item) => typeof item === "string")) inputs = raw as string[];
  else inputs = [];
  if (typeof body?.model !== "string" || inputs.length === 0) {
    return sendError(exchange, 400, "'input' and 'model' are required.", "invalid_request_error", null);
  }
  const results = inputs.map((text) => {
    const marked = new Set([...text.matchAll(/\[\[flag:([a-z/-]+)\]\]/g)].map((match) => match[1]));
    const categories = Object.fromEntries(MODERATION_CATEGORIES.map((category) => [category, marked.has(category)]));
    return {
      flagged: MODERATION_CATEGORIES.some((category) => marked.has(category)),
      categories,
      category_scores: Object.fromEntries(MODERATION_CATEGORIES.map((category) => [category, marked.has(category) ? 0.98 : 0.0001])),
      category_applied_input_types: Object.fromEntries(MODERATION_CATEGORIES.map((category) => [category, multiModal ? ["text", "image"] : ["text"]])),
    };
  });
  request.outcome = "completed";
  sendJson(res, 200, { id: `modr-fake${request.id}`, model: body.model, results }, requestIdHeader(request.id));
}

/**
 * Words the fake embeddings model takes for one meaning: a text about a car
 * and a question about an automobile land near each other, which no search
 * by words would find.
 */
const MEANINGS: string[][] = [
  ["car", "cars", "automobile", "automobiles", "vehicle", "vehicles", "машина", "автомобиль"],
  ["doctor", "physician", "medic", "врач", "доктор"],
  ["ocean", "sea", "seas", "oceans", "море", "океан"],
  ["happy", "joyful", "glad", "cheerful", "радостный"],
  ["buy", "purchase", "acquire", "купить"],
  ["fast", "quick", "rapid", "speedy", "быстрый"],
];
const MEANING_OF = new Map(MEANINGS.flatMap((words) => words.map((word) => [word, words[0]!] as const)));

/** Which of `dimensions` numbers a meaning adds to (FNV-1a of the word). */
function dimensionOf(word: string, dimensions: number): number {
  let hash = 0x811c9dc5;
  for (const char of word) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  return hash % dimensions;
}

/** The fake model's vector of a text: one count per meaning of its words, of unit length. */
export function fakeEmbedding(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/\p{L}[\p{L}\p{N}]*/gu) ?? []) {
    if (word.length < 3) continue;
    vector[dimensionOf(MEANING_OF.get(word) ?? word, dimensions)]! += 1;
  }
  const length = Math.hypot(...vector);
  // A text without words still gets a direction, as real models give one.
  if (length === 0) vector[0] = 1;
  return length === 0 ? vector : vector.map((value) => value / length);
}

/**
 * POST /v1/embeddings (https://platform.openai.com/docs/api-reference/embeddings/create):
 * a string or an array of strings, `dimensions` and `encoding_format`
 * ("float", or "base64": little-endian float32s, which the SDK asks for by
 * default). An input holding `[[embeddings:fail]]` makes the whole request
 * fail with 500, as an overloaded endpoint does.
 */
function embeddings(exchange: Exchange): void {
  const { request, res } = exchange;
  const body = request.body;
  const raw: unknown = body?.input;
  const inputs = typeof raw === "string" ? [raw] : Array.isArray(raw) && raw.every((item) => typeof item === "string") ? (raw as string[]) : null;
  if (typeof body?.model !== "string" || !inputs || inputs.length === 0 || inputs.some((input) => input === "")) {
    return sendError(exchange, 400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "invalid_request_error", null);
  }
  if (body.dimensions !== undefined && !(Number.isInteger(body.dimensions) && (body.dimensions as number) >= 1)) {
    return sendError(exchange, 400, "Invalid value for 'dimensions'.", "invalid_request_error", "dimensions");
  }
  if (inputs.some((input) => input.includes("[[embeddings:fail]]"))) {
    return sendError(exchange, 500, "The server had an error while processing your request.", "server_error", null);
  }
  const dimensions = (body.dimensions as number | undefined) ?? 64;
  const base64 = body.encoding_format === "base64";
  const tokens = inputs.reduce((sum, input) => sum + estimateTokens(input), 0);
  request.outcome = "completed";
  sendJson(res, 200, {
    object: "list",
    data: inputs.map((input, index) => {
      const vector = fakeEmbedding(input, dimensions);
      return { object: "embedding", index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector };
    }),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  }, requestIdHeader(request.id));
}
