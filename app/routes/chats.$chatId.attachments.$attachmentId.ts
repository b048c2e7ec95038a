// GET /chats/:chatId/attachments/:attachmentId — a file a message of this
// chat uses, to whoever may read the chat. The type is the one sniffed from
// the bytes at upload; only raster images are shown inline, everything else
// (text, code, SVG, HTML, PDFs) downloads, and nothing served here may run.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { attachmentInChat, readBlob } from "~/models/attachment.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { kindOf } from "~/services/file-kind";
import { codeResponse, orRespond } from "~/utils/http.server";
import { isId } from "~/utils/id";

/** `Content-Disposition` with the name in UTF-8 (RFC 6266) and a plain-ASCII fallback for old clients. */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { chat } = await orRespond(request, () => requireChatAccess({ chatId: params.chatId, user, level: "read" }));
  const attachmentId = params.attachmentId;
  if (!isId(attachmentId)) return codeResponse("attachment_not_found", request);
  const found = await attachmentInChat({ chatId: chat.id, attachmentId });
  if (!found) return codeResponse("attachment_not_found", request);
  const { attachment, sha256 } = found;
  const etag = `"${sha256}"`;
  // The bytes under an id never change: a browser may keep them, a shared cache may not.
  const caching = { ETag: etag, "Cache-Control": "private, max-age=31536000, immutable" };
  if (request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers: caching });

  const kind = kindOf(attachment.mediaType);
  const inline = kind === "image" && new URL(request.url).searchParams.get("download") === null;
  const chunks = readBlob({ attachmentId });
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
