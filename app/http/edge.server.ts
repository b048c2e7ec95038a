// Everything a request meets before Remix, and every response on its way
// out: static files, the request checks that keep malformed requests from
// reaching an action (405, 415, 400), the CSRF check, the security headers
// every response carries (docs/decisions/019, 020) and compression (026).
// server.ts calls handleHttp through the server build, so there is one copy
// of every module.
import path from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import ipaddr from "ipaddr.js";
import { isCrossOriginRequest } from "../auth/csrf.server";
import { action as fastSendAction } from "../routes/chats.$chatId.messages";
import { loader as answerStreamLoader } from "../routes/chats.$chatId.messages.$messageId.stream";
import { logger } from "../utils/logger.server";
import { compressResponse, isCompressible, negotiateEncoding } from "./compression.server";

/** Hashed build output never changes under the same name: cache it for a year. */
const IMMUTABLE = "public, max-age=31536000, immutable";
const PAGE_METHODS = new Set(["GET", "HEAD", "POST"]);
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];
/** The largest url-encoded form read (a 32,000-character message of 3-byte characters, percent-encoded, is under 1 MiB). */
const MAX_URLENCODED_BYTES = 8 * 1024 * 1024;

export interface StaticFiles {
  dir: string;
  names: Set<string>;
}

/** The client build, listed once: it does not change while the server runs, so a request costs no file-system lookup. */
export function listStaticFiles(dir: string): StaticFiles {
  const names = new Set([...new Bun.Glob("**/*").scanSync({ cwd: dir, onlyFiles: true, dot: false })].map((name) => "/" + name.split(path.sep).join("/")));
  return { dir, names };
}

/** Where the build put a precompressed copy of a file (vite.config.ts). */
const PRECOMPRESSED = { br: ".br", gzip: ".gz" } as const;

function serveStatic(files: StaticFiles, pathname: string, acceptEncoding: string | null): Response | null {
  if (pathname === "/" || pathname.endsWith("/")) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // Malformed percent-encoding names no file of ours.
    return null;
  }
  if (decoded.includes("\0")) return null;
  const file = path.join(files.dir, decoded);
  // path.join normalises "..": anything that resolves outside the folder is not ours to serve.
  if (!file.startsWith(files.dir + path.sep) || !files.names.has(decoded)) return null;
  const body = Bun.file(file);
  const headers: Record<string, string> = { "Cache-Control": decoded.startsWith("/assets/") ? IMMUTABLE : "public, max-age=3600", "Content-Type": body.type };
  if (!isCompressible(body.type)) return new Response(body, { headers });
  headers.Vary = "Accept-Encoding";
  const encoding = negotiateEncoding(acceptEncoding);
  if (encoding && files.names.has(decoded + PRECOMPRESSED[encoding])) {
    return new Response(Bun.file(file + PRECOMPRESSED[encoding]), { headers: { ...headers, "Content-Encoding": encoding } });
  }
  return new Response(body, { headers });
}

function plain(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

function isHttps(request: Request, url: URL): boolean {
  return url.protocol === "https:" || request.headers.get("X-Forwarded-Proto") === "https";
}

/** The policy for documents (scripts need the nonce) and for everything else (nothing runs). */
export function contentSecurityPolicy(nonce: string | null): string {
  const common = ["frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'"];
  if (nonce === null) return ["default-src 'none'", ...common].join("; ");
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // KaTeX positions math with style attributes; no script can be injected through a style.
    "style-src 'self' 'unsafe-inline'",
    // Model output may not load remote images by itself.
    // blob: shows the thumbnails of files picked for upload (object URLs made by the page itself).
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // A picked file's preview may be read back through its object URL.
    "connect-src 'self' blob:",
    ...common,
  ].join("; ");
}

/**
 * The headers every response carries. A response from a route that already
 * set a policy (the document, with its nonce) keeps it; anything that is not
 * a public static file depends on the session and must not be stored.
 */
export function withSecurityHeaders(response: Response, { request, url, isStatic }: { request: Request; url: URL; isStatic: boolean }): Response {
  const headers = response.headers;
  if (!headers.has("Content-Security-Policy")) headers.set("Content-Security-Policy", contentSecurityPolicy(null));
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "same-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Resource-Policy", "same-origin");
  if (isHttps(request, url)) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  // A route may let the browser keep a response (an attachment's bytes never change), never a shared cache.
  if (!isStatic && !(headers.get("Cache-Control") ?? "").startsWith("private, max-age=")) {
    const isStream = (headers.get("Content-Type") ?? "").startsWith("text/event-stream");
    headers.set("Cache-Control", isStream ? "private, no-store, no-transform" : "private, no-store");
  }
  return response;
}

/**
 * Refuses what no route can answer sensibly, before Remix sees it: unknown
 * methods (405), a POST whose body is not a form (415), cross-site writes (403).
 */
function refuse(request: Request): Response | null {
  if (!PAGE_METHODS.has(request.method)) return plain(405, "This address does not accept that method.", { Allow: "GET, HEAD, POST" });
  if (request.method === "POST") {
    const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!FORM_TYPES.includes(type)) return plain(415, "Send this form as application/x-www-form-urlencoded or multipart/form-data.");
    // The server accepts bodies large enough for a message's files, which come as multipart (read as they stream);
    // a url-encoded form is read whole, and words alone never need this much.
    if (type === FORM_TYPES[0] && Number(request.headers.get("Content-Length") ?? 0) > MAX_URLENCODED_BYTES) {
      return plain(413, "This form is too large. Shorten the text and send it again.");
    }
  }
  if (isCrossOriginRequest(request)) return plain(403, "Cross-site form submissions are not accepted. Reload the page and try again.");
  return null;
}

export interface HttpContext {
  remix: (request: Request, context: AppLoadContext) => Promise<Response>;
  staticFiles: StaticFiles;
  disableIdleTimeout: () => void;
  /** The socket's address as Bun reports it. */
  socketIp: string | undefined;
  /**
   * The header the reverse proxy in front of Parley names the client in (CLIENT_IP_HEADER; on Fly,
   * Fly-Client-IP): the proxy is the socket's peer for everyone. Unset: the socket's address.
   */
  clientIpHeader: string | undefined;
}

/**
 * The client's address: from the proxy's header when there is one, else the
 * socket's. A list (X-Forwarded-For) gives its last entry, the one the proxy
 * next to Parley added: those before it are whatever the client sent. A
 * header that is missing or holds no address leaves the socket's.
 */
export function clientAddress(request: Request, { socketIp, clientIpHeader }: Pick<HttpContext, "socketIp" | "clientIpHeader">): string | undefined {
  if (!clientIpHeader) return socketIp;
  const named = request.headers.get(clientIpHeader)?.split(",").at(-1)?.trim() ?? "";
  return ipaddr.isValid(named) ? ipaddr.process(named).toString() : socketIp;
}

/**
 * The two requests on the way to every first token — the page's send and
 * the answer's stream — are served here by their route modules, without
 * Remix's router, which flattens and ranks the whole route tree again for
 * each request (docs/decisions/040, 084). What a route throws (a redirect to
 * log in, a 404) is answered as Remix would answer it.
 */
const FAST_SEND_PATH = /^\/chats\/([^/]+)\/messages$/;
const ANSWER_STREAM_PATH = /^\/chats\/([^/]+)\/messages\/([^/]+)\/stream$/;

async function atTheEdge(request: Request, url: URL, context: AppLoadContext): Promise<Response | null> {
  try {
    if (request.method === "POST") {
      const send = FAST_SEND_PATH.exec(url.pathname);
      return send ? await fastSendAction({ request, params: { chatId: send[1]! }, context }) : null;
    }
    const stream = request.method === "GET" ? ANSWER_STREAM_PATH.exec(url.pathname) : null;
    return stream ? await answerStreamLoader({ request, params: { chatId: stream[1]!, messageId: stream[2]! }, context }) : null;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export async function handleHttp(request: Request, context: HttpContext): Promise<Response> {
  let url: URL;
  try {
    url = new URL(request.url);
    if (!url.host) throw new Error("no host");
  } catch {
    // An HTTP/1.0 request without Host (or a garbled one) has no URL to route.
    return plain(400, "Bad request: the Host header is missing or malformed.");
  }
  const done = (response: Response, isStatic = false) => compressResponse(request, withSecurityHeaders(response, { request, url, isStatic }));
  // A path with a broken %-escape names nothing; Remix would log three lines for it.
  if (!decodable(url.pathname)) return done(plain(400, "Bad request: the address has a malformed %-escape."));
  if (request.method === "GET" || request.method === "HEAD") {
    const file = serveStatic(context.staticFiles, url.pathname, request.headers.get("Accept-Encoding"));
    if (file) return done(file, true);
    // A stale hashed asset (an old page after a deploy) is a plain 404, not an HTML page; no cache may keep
    // the 404, since the file may exist after the next deploy.
    if (url.pathname.startsWith("/assets/")) return done(plain(404, "Not found"));
  }
  // Remix's pre-single-fetch data requests: nothing here speaks them, and Remix would log a warning for each.
  if (url.searchParams.has("_data")) return done(plain(404, "Not found"));
  const refused = refuse(request);
  if (refused) return done(refused);
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const clientIp = clientAddress(request, context);
  const loadContext: AppLoadContext = { disableIdleTimeout: context.disableIdleTimeout, nonce, clientIp };
  try {
    return await done((await atTheEdge(request, url, loadContext)) ?? (await context.remix(request, loadContext)));
  } catch (error) {
    logger.error("request failed", { method: request.method, path: url.pathname, error });
    return done(plain(500, "Something went wrong on our side. Try again in a moment."));
  }
}

/**
 * Bun's last resort, for an error that escaped handleHttp: one log line and a
 * plain 500 that still carries the security headers (there is no request to
 * read here, so no HSTS).
 */
export function lastResort(error: unknown): Response {
  logger.error("request failed outside the handler", { error });
  const response = plain(500, "Something went wrong on our side. Try again in a moment.");
  return withSecurityHeaders(response, { request: new Request("http://parley.invalid/"), url: new URL("http://parley.invalid/"), isStatic: false });
}
