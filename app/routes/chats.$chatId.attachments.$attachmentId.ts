// GET /chats/:chatId/attachments/:attachmentId — a file a message of this
// chat uses, to whoever may read the chat (how it is served:
// utils/attachment-response.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { attachmentInChat } from "~/models/attachment.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { attachmentResponse } from "~/utils/attachment-response.server";
import { codeResponse, orRespond } from "~/utils/http.server";
import { isId } from "~/utils/id";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { chat } = await orRespond(request, () => requireChatAccess({ chatId: params.chatId, user, level: "read" }));
  const attachmentId = params.attachmentId;
  if (!isId(attachmentId)) return codeResponse("attachment_not_found", request);
  const found = await attachmentInChat({ chatId: chat.id, attachmentId });
  if (!found) return codeResponse("attachment_not_found", request);
  // Only whoever may read the chat sees it: no copy is kept, so none is left on a shared computer after logging out.
  return attachmentResponse(request, found, { cacheControl: "private, no-store" });
}
