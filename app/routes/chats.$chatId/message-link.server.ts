// A link to one message (`/chats/:id?message=<id>`, from search): the chat
// opens on the branch that holds it, with the message on the page.
import type { Chat } from "../../../drizzle/schema";
import type { AccessLevel } from "~/models/chat-access.server";
import { getMessage, getPathPage, type PathPage } from "~/models/message.server";
import { followerOnPath, isOnPath, mostRecentLeaf, switchToBranch } from "~/models/tree.server";

/**
 * The page of the path that shows `messageId`. When the message is on
 * another branch, a person who may write switches the chat to it (as the
 * ‹ › arrows would: their next message continues that branch); a reader
 * sees that branch without changing what the chat shows others. When the
 * message lies further up than one page, the page ends at it ("Back to the
 * latest messages" leads down again) with the message that follows it (a
 * question's answer, an answer's next question), so what was found is read
 * with its reply. A message that is gone (deleted since
 * the search) shows the chat as it is.
 */
export async function pageShowing({ chat, level, messageId }: { chat: Chat; level: AccessLevel; messageId: string }): Promise<{ page: PathPage; viewingEarlier: boolean }> {
  const target = await getMessage({ chatId: chat.id, messageId });
  let leafId = chat.activeLeafId;
  if (target && !(leafId && (await isOnPath({ messageId: leafId, ancestorId: target.id })))) {
    leafId = level === "read" ? await mostRecentLeaf({ messageId: target.id }) : await switchToBranch({ chatId: chat.id, messageId: target.id });
  }
  const page = await getPathPage({ chatId: chat.id, leafId });
  if (!target || page.messages.some((m) => m.id === target.id)) return { page, viewingEarlier: false };
  const follower = leafId ? await followerOnPath({ leafId, messageId: target.id }) : null;
  return { page: await getPathPage({ chatId: chat.id, leafId: follower ?? target.id }), viewingEarlier: true };
}
