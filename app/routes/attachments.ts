// POST /attachments — the composer's uploads with JavaScript: the files of
// one request (field `files`) are sniffed, checked and stored as they stream
// in, before the message is sent (the page shows progress and chips). The
// answer is JSON: the stored files as message parts, and the first refusal's
// words with its status (413, 415). `intent=discard` takes an unsent upload back.
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { describe } from "~/protocol/catalogue";
import type { FilePart } from "~/protocol/parts";
import { discardUnusedAttachment } from "~/models/attachment.server";
import { filePartOf, readMessageForm } from "~/services/attachments.server";
import { asResponse, localeOf, retryAfter } from "~/utils/http.server";
import { isId } from "~/utils/id";
import { AppError } from "~/protocol/errors";

export interface UploadResponse {
  files: FilePart[];
  error?: { code: string; message: string };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  try {
    const form = await readMessageForm({ request, userId: user.id, ip: context.clientIp });
    if (form.fields.get("intent") === "discard") {
      const id = form.fields.get("attachmentId");
      if (!isId(id)) throw new AppError("malformed_id", { field: "attachmentId" });
      await discardUnusedAttachment({ userId: user.id, attachmentId: id });
      return new Response(null, { status: 204 });
    }
    const body: UploadResponse = { files: form.uploaded.map(filePartOf) };
    if (!form.refusal) return Response.json(body);
    body.error = { code: form.refusal.code, message: describe(form.refusal.problem, localeOf(request)) };
    return Response.json(body, { status: form.refusal.status, headers: retryAfter(form.refusal) });
  } catch (error) {
    throw asResponse(error, request);
  }
}

export function loader() {
  throw new Response("Not found", { status: 404 });
}
