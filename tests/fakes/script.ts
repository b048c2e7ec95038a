// Shared machinery of the fake upstream servers (openai.ts, anthropic.ts):
// the script a test queues for the next request, request recording, the
// control endpoints, and a paced writer that never busy-waits.
// Plain node:http so it runs under Node (vitest) and Bun (serve.ts, e2e, bench).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** What the fake does with one generation request. Every field is optional. */
export interface FakeScript {
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
  /** Parsed JSON body (undefined when empty or not JSON; see `rawBody`). */
  body: any;
  rawBody: string;
  receivedAt: number;
  /** "open" until the exchange ends; "client_closed" means the client left before the end. */
  outcome: "open" | "completed" | "rejected" | "reset" | "client_closed" | "server_closed";
}

export interface FakeServerOptions {
  port?: number;
  host?: string;
  /** Used when the queue is empty; defaults to `{}` (echo). */
  defaultScript?: FakeScript;
  /** Model ids served by GET /v1/models. */
  models?: string[];
  /** When set, requests must carry this key (401 otherwise). */
  apiKey?: string;
  /** Oldest recordings are dropped past this (benchmarks send many requests). */
  maxRecordedRequests?: number;
}

export interface FakeServer {
  /** Base URL to give the SDK. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Queue scripts, one per future generation request, first in first out. */
  script(...scripts: FakeScript[]): void;
  setDefaultScript(script: FakeScript): void;
  /** Clears the queue, the recordings and the default script. */
  reset(): void;
  /** Exchanges still streaming (or stalled). */
  readonly openExchanges: number;
  close(): Promise<void>;
}

/** One request in flight, handed to a protocol's handler. */
export interface Exchange {
  request: RecordedRequest;
  res: ServerResponse;
  /** Shifts the queue (or returns the default script). Call once per generation request. */
  takeScript(): FakeScript;
  models: string[];
  apiKey?: string;
  writer: PacedWriter;
}

export type ProtocolHandler = (exchange: Exchange) => Promise<void>;

export async function startScriptedServer(
  options: FakeServerOptions,
  { pathPrefix, handle }: { pathPrefix: string; handle: ProtocolHandler },
): Promise<FakeServer> {
  const queue: FakeScript[] = [];
  let defaultScript: FakeScript = options.defaultScript ?? {};
  const requests: RecordedRequest[] = [];
  const maxRecorded = options.maxRecordedRequests ?? 10_000;
  const sockets = new Set<Socket>();
  const open = new Set<RecordedRequest>();
  let nextId = 1;
  let closing = false;

  const server = createServer(async (req, res) => {
    const rawBody = await readBody(req).catch(() => undefined);
    if (rawBody === undefined) return; // the client left while sending the body
    const path = (req.url ?? "/").split("?")[0]!;
    // Control endpoints answer under the SDK base URL too (…/v1/__script).
    const controlPath = /^(?:\/v1)?(\/__\w+)$/.exec(path)?.[1];
    if (controlPath) return control(controlPath, req.method ?? "GET", rawBody, res);

    const request: RecordedRequest = {
      id: nextId++,
      method: req.method ?? "GET",
      path,
      headers: flattenHeaders(req),
      body: parseJson(rawBody),
      rawBody,
      receivedAt: Date.now(),
      outcome: "open",
    };
    requests.push(request);
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    open.add(request);
    const writer = new PacedWriter(res);
    void writer.closed.then(() => {
      open.delete(request);
      if (request.outcome === "open") request.outcome = closing ? "server_closed" : "client_closed";
    });
    const takeScript = () => queue.shift() ?? defaultScript;
    try {
      await handle({ request, res, takeScript, models: options.models ?? [], apiKey: options.apiKey, writer });
    } catch (error) {
      // A fake must never take the test runner down; surface it as a 500.
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error) } });
      else res.destroy();
    }
  });

  function control(path: string, method: string, rawBody: string, res: ServerResponse) {
    const body = parseJson(rawBody);
    if (method === "POST" && path === "/__script") {
      queue.push(...(Array.isArray(body) ? body : [body ?? {}]));
      return sendJson(res, 200, { queued: queue.length });
    }
    if (method === "POST" && path === "/__default") {
      defaultScript = body ?? {};
      return sendJson(res, 200, { ok: true });
    }
    if (method === "GET" && path === "/__requests") return sendJson(res, 200, requests);
    if (method === "POST" && path === "/__reset") {
      handleApi.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (method === "GET" && path === "/__health") return sendJson(res, 200, { ok: true, open: open.size });
    sendJson(res, 404, { error: `no control endpoint ${method} ${path}` });
  }

  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // 1,000+ clients may connect at once: the default backlog (511) can overflow.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1", backlog: 4096 }, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : Number(options.port);
  const host = options.host ?? "127.0.0.1";

  const handleApi: FakeServer = {
    url: `http://${host}:${port}${pathPrefix}`,
    port,
    requests,
    script: (...scripts) => void queue.push(...scripts),
    setDefaultScript: (script) => void (defaultScript = script),
    reset() {
      queue.length = 0;
      requests.length = 0;
      defaultScript = options.defaultScript ?? {};
    },
    get openExchanges() {
      return open.size;
    },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
    },
  };
  return handleApi;
}

/**
 * Writes to a response with backpressure and abortable pauses. Every method
 * reports `false` once the connection is gone, so handlers just stop.
 */
export class PacedWriter {
  readonly closed: Promise<void>;
  private isClosed = false;
  private wake?: () => void;
  private lastFlush: Promise<void> = Promise.resolve();

  constructor(private readonly res: ServerResponse) {
    this.closed = new Promise((resolve) => {
      res.once("close", () => {
        this.isClosed = true;
        this.wake?.();
        resolve();
      });
    });
  }

  get alive(): boolean {
    return !this.isClosed && !this.res.destroyed;
  }

  openEventStream(headers: Record<string, string> = {}): void {
    this.res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      ...headers,
    });
    // Real upstreams flush headers before the first token; SDKs resolve `create()` on them.
    this.res.flushHeaders();
  }

  async write(chunk: string): Promise<boolean> {
    if (!this.alive) return false;
    let accepted = false;
    const flushed = new Promise<void>((resolve) => {
      accepted = this.res.write(chunk, () => resolve());
    });
    this.lastFlush = Promise.race([flushed, this.closed]);
    if (accepted) return true;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      this.res.once("drain", resolve);
    });
    this.wake = undefined;
    return this.alive;
  }

  async pause(ms: number): Promise<boolean> {
    if (ms <= 0 || !this.alive) return this.alive;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    return this.alive;
  }

  /** Go silent until the client leaves or the server closes. */
  stall(): Promise<void> {
    return this.closed;
  }

  end(): void {
    if (this.alive) this.res.end();
  }

  /** Drop the TCP connection mid-response, as a crashing proxy would, once what was written has left. */
  async reset(): Promise<void> {
    await this.lastFlush;
    (this.res.socket ?? this.res).destroy();
  }
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
  const last = [...messages].reverse().find((message) => message.role === "user");
  if (typeof last?.content === "string") return last.content;
  if (Array.isArray(last?.content)) {
    return last.content.map((part: { type?: string; text?: string }) => (part.type === "text" ? part.text ?? "" : "")).join("");
  }
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

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): any {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
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
