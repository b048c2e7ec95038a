// How a stored file leaves the server, whichever way it was reached (a chat
// one may read, a shared link): the type sniffed from the bytes at upload;
// only raster images inline, everything else (text, code, SVG, HTML, PDFs)
// as a download, and nothing served here may run.
import type { ServedAttachment } from "../models/attachment.server";
import { readBlob } from "../models/attachment.server";
import { kindOf } from "../services/file-kind";

/** `Content-Disposition` with the name in UTF-8 (RFC 6266) and a plain-ASCII fallback for old clients. */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * The file's bytes, streamed chunk by chunk, under its content hash as ETag.
 * `cacheControl` says how long a browser may keep them without asking
 * again; `headers` are added to every answer (304 included).
 */
export function attachmentResponse(
  request: Request,
  { attachment, sha256 }: ServedAttachment,
  { cacheControl, headers = {} }: { cacheControl: string; headers?: Record<string, string> },
): Response {
  const etag = `"${sha256}"`;
  const caching = { ETag: etag, "Cache-Control": cacheControl, ...headers };
  if (request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers: caching });

  const kind = kindOf(attachment.mediaType);
  const inline = kind === "image" && new URL(request.url).searchParams.get("download") === null;
  const chunks = readBlob({ attachmentId: attachment.id });
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": kind === "text" ? "text/plain; charset=utf-8" : attachment.mediaType,
      "Content-Length": String(attachment.size),
      "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", attachment.name),
      // Opened on its own, a file is a sandboxed document with nothing allowed to load or run.
      "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'",
      ...caching,
    },
  });
}
