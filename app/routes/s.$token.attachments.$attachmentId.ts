// GET /s/:token/attachments/:attachmentId — a file a shared snapshot shows,
// to anyone holding the link, for as long as the share exists. A revoked,
// unknown or malformed token and a file the snapshot does not show are the
// same 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentInShare } from "~/models/attachment.server";
import { shareByToken } from "~/services/sharing.server";
import { attachmentResponse } from "~/utils/attachment-response.server";
import { codeResponse, orRespond } from "~/utils/http.server";
import { isId } from "~/utils/id";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const share = await orRespond(request, () => shareByToken({ token: params.token }));
  const attachmentId = params.attachmentId;
  const found = isId(attachmentId) ? await attachmentInShare({ shareId: share.id, attachmentId }) : undefined;
  if (!found) return codeResponse("not_found", request);
  // The browser may keep the bytes but asks again each time (a cheap 304
  // while the share lives): a revoked link stops serving them at once, and
  // no shared cache holds them (docs/decisions/071).
  return attachmentResponse(request, found, { cacheControl: "private, max-age=0, must-revalidate", headers: { "X-Robots-Tag": "noindex" } });
}
