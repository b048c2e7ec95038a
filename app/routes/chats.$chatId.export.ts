// GET /chats/:chatId/export?format=md|json|zip — a chat as a download, to
// whoever may read it (anyone else: 404). Markdown is the branch on screen;
// JSON the whole tree; ZIP both, with the files. The body is streamed.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { downloadResponse, exportChat, exportFormatOf } from "~/services/export.server";
import { localeOf, orRespond } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { chat } = await orRespond(request, () => requireChatAccess({ chatId: params.chatId, user, level: "read" }));
  const format = await orRespond(request, async () => exportFormatOf(new URL(request.url).searchParams.get("format") ?? "md"));
  const download = exportChat({ chatId: chat.id, title: chat.title, format, locale: localeOf(request) });
  return downloadResponse(download);
}
