// GET /attachments/:attachmentId — a file to the person who uploaded it, for
// the composer's thumbnail of a draft's image after a reload (the browser's
// own copy is gone then). Anyone else gets a 404, as for a file that does not
// exist; how it is served: utils/attachment-response.server.ts.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { attachmentOfUploader } from "~/models/attachment.server";
import { attachmentResponse } from "~/utils/attachment-response.server";
import { codeResponse } from "~/utils/http.server";
import { isId } from "~/utils/id";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const attachmentId = params.attachmentId;
  if (!isId(attachmentId)) return codeResponse("attachment_not_found", request);
  const found = await attachmentOfUploader({ userId: user.id, attachmentId });
  if (!found) return codeResponse("attachment_not_found", request);
  return attachmentResponse(request, found, { cacheControl: "private, no-store" });
}
