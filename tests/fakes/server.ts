// The HTTP side shared by the fake upstreams: listening, request recording,
// the control endpoints (/__script, /__requests…), and a paced writer that
// never busy-waits. Plain node:http so it runs under Node (vitest) and Bun
// (serve.ts for e2e and benchmarks).
import { userTexts } from "./script";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FakeScript, RecordedRequest } from "./script";

export interface FakeServerOptions {
  port?: number;
  host?: string;
  /** Used when the queue is empty; defaults to `{}` (echo). */
  defaultScript?: FakeScript;
  /** Model ids served by GET /v1/models. */
  models?: string[];
  /** When set, requests must carry this key (401 otherwise). */
  apiKey?: string;
  /** Keys answered with 401 as revoked (more can be added with POST /__revoke). */
  revokedKeys?: string[];
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
  /** Answers every later request carrying `key` with 401, as for a revoked key. */
  revoke(key: string): void;
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
  /** Keys to answer with 401 (revoked). */
  revokedKeys: ReadonlySet<string>;
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
  const revokedKeys = new Set(options.revokedKeys ?? []);
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
    const takeScript = () => {
      const body = request.body as { stream?: boolean; messages?: Array<{ role?: string; content?: unknown }> } | undefined;
      const text = userTexts(body?.messages ?? []);
      const index = queue.findIndex((script) => script.match === undefined || (body?.stream === true && text.includes(script.match)));
      return index === -1 ? defaultScript : queue.splice(index, 1)[0]!;
    };
    try {
      await handle({ request, res, takeScript, models: options.models ?? [], apiKey: options.apiKey, revokedKeys, writer });
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
    if (method === "POST" && path === "/__revoke" && typeof body?.key === "string") {
      revokedKeys.add(body.key);
      return sendJson(res, 200, { ok: true });
    }
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
    revoke: (key) => void revokedKeys.add(key),
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

  /**
   * Drop the TCP connection mid-response, as a crashing proxy would, once what was written has left and `gapMs`
   * (where the next token would have come) has passed. Bun's fetch loses bytes that reach it in the same read as a
   * premature close, so a drop right on the heels of the last token would race the client's read of it.
   */
  async reset(gapMs = 0): Promise<void> {
    await this.lastFlush;
    await this.pause(gapMs);
    (this.res.socket ?? this.res).destroy();
  }
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see RecordedRequest.body
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
