// POST /chats/:chatId/messages — the page's fast send (docs/decisions/084).
// The page's script posts the composer's form here with the ids it chose
// (userMessageId, answerId) and the message it follows (parentId: the last one
// the page shows), and opens the answer's stream at the same time.
// It is the chat page's own send (runChatAction); the answer is JSON:
// `{ ok: true, answerId }`, or the failure the composer shows (`FormFailure`,
// with its status and Retry-After). A stranger's or missing chat is a 404; a
// session that ended answers 401 with where to log in and come back to the
// chat (the script goes there; the draft stays saved). The HTTP edge serves this
// route without Remix's router; without JavaScript the composer posts to the
// chat page instead.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getSessionUser } from "~/auth/session.server";
import { runChatAction } from "~/routes/chats.$chatId/actions.server";
import { codeResponse } from "~/utils/http.server";
import { isId } from "~/utils/id";

export async function action({ request, params, context }: ActionFunctionArgs): Promise<Response> {
  const user = await getSessionUser(request);
  if (!user) {
    const chat = isId(params.chatId) ? `/chats/${params.chatId}` : "/chats";
    return Response.json({ logIn: `/login?${new URLSearchParams({ redirectTo: chat, expired: "1" })}` }, { status: 401 });
  }
  const result = await runChatAction({ request, user, chatId: params.chatId, ip: context.clientIp, fastSend: true });
  if (result instanceof Response) return result;
  if ("ok" in result) return Response.json(result);
  return Response.json(result.data, result.init ?? undefined);
}

/** Nothing to read here: the chat is its page. */
export function loader({ request }: LoaderFunctionArgs): Response {
  return codeResponse("not_found", request);
}
