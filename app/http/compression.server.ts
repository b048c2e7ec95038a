// Response compression (docs/decisions/026). Text goes out as brotli or gzip,
// whichever the browser accepts (brotli first); build output was compressed
// at build time (vite.config.ts writes `.br` and `.gz` beside each file), so
// serving it costs no CPU; pages and data are compressed as they leave.
// Server-sent events are never compressed: a compressor holds bytes back
// until it has enough, and an answer's tokens must leave as they come.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export type Encoding = "br" | "gzip";

/** Bodies below this gain little (headers and framing cost about as much as compression saves). */
export const MIN_COMPRESSIBLE_BYTES = 1024;

/** Types worth compressing: text of every kind, JSON, scripts, SVG. Remix's single-fetch data (`.data`) is text/x-script. */
export function isCompressible(contentType: string | null): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "text/event-stream") return false;
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type === "application/javascript" ||
    type === "application/manifest+json" ||
    type === "application/xml" ||
    type === "image/svg+xml" ||
    type.endsWith("+json")
  );
}

/**
 * The encoding to answer with, from an Accept-Encoding header (RFC 9110
 * §12.5.3): brotli when accepted, else gzip, else none. `q=0` refuses an
 * encoding; `*` stands for any encoding not named.
 */
export function negotiateEncoding(acceptEncoding: string | null): Encoding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const item of acceptEncoding.split(",")) {
    const [name, ...params] = item.trim().toLowerCase().split(";");
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split("=");
      if (key === "q") q = Number(value);
    }
    weights.set(name, Number.isFinite(q) ? q : 0);
  }
  const weight = (encoding: string) => weights.get(encoding) ?? (encoding === "gzip" ? weights.get("x-gzip") : undefined) ?? weights.get("*") ?? 0;
  const br = weight("br");
  const gzip = weight("gzip");
  if (br > 0 && br >= gzip) return "br";
  if (gzip > 0) return "gzip";
  return null;
}

/** Adds Accept-Encoding to Vary (a cache must not hand a compressed body to a client that did not ask for one). */
export function varyOnEncoding(headers: Headers): void {
  const vary = headers.get("Vary");
  if (!vary) headers.set("Vary", "Accept-Encoding");
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) headers.set("Vary", `${vary}, Accept-Encoding`);
}

export function compressBytes(body: Uint8Array, encoding: Encoding): Uint8Array<ArrayBuffer> {
  // Dynamic responses: brotli at quality 5 compresses better than gzip -6 at about its speed (11, the default, is for build time).
  if (encoding === "br") return brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  return gzipSync(body, { level: 6 });
}

/**
 * The response compressed for this request when it should be: a compressible
 * type, not an event stream, not already encoded, big enough. Pages and data
 * are rendered whole before they leave (Parley's loaders defer nothing), so
 * the body is read, then compressed in one piece.
 */
export async function compressResponse(request: Request, response: Response): Promise<Response> {
  if (!response.body || response.status === 204 || response.status === 304 || request.method === "HEAD") return response;
  if (response.headers.has("Content-Encoding") || !isCompressible(response.headers.get("Content-Type"))) return response;
  // A stored file (Content-Disposition) leaves as its own bytes, streamed, under an ETag of those bytes.
  if (response.headers.has("Content-Disposition")) return response;
  varyOnEncoding(response.headers);
  const encoding = negotiateEncoding(request.headers.get("Accept-Encoding"));
  if (!encoding) return response;
  const declared = Number(response.headers.get("Content-Length") ?? Number.NaN);
  if (declared < MIN_COMPRESSIBLE_BYTES) return response;
  const body = new Uint8Array(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  if (body.length < MIN_COMPRESSIBLE_BYTES) return new Response(body, { status: response.status, statusText: response.statusText, headers });
  const compressed = compressBytes(body, encoding);
  headers.set("Content-Encoding", encoding);
  const etag = headers.get("ETag");
  if (etag && !etag.startsWith("W/")) headers.set("ETag", `W/${etag}`);
  headers.set("Content-Length", String(compressed.length));
  return new Response(compressed, { status: response.status, statusText: response.statusText, headers });
}
