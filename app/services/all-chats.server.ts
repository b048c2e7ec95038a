// All of a person's chats at once (Settings → Your data): archive every chat
// in the list, bring exactly those back (Undo), or delete every chat. Each
// acts on the signed-in person's own chats only: ids a form sends back are
// matched against the owner in the statement that uses them.
import { z } from "zod";
import { archiveListedChats, countChats, deleteChatsOf, unarchiveChats } from "../models/chat.server";
import { chatIdsOwnedBy, type PublicUser } from "../models/user.server";
import type { ErrorCode } from "../protocol/errors";
import { isId } from "../utils/id";
import { stopAnswersIn } from "./settings.server";

const code = (c: ErrorCode) => c;

/**
 * The chats an archive-all put away, as its Undo form carries them back: ids
 * separated by spaces. There is no cap of its own: the url-encoded body is
 * (app/http/edge.server.ts), far above any account's chats.
 */
const archivedIds = z
  .string({ required_error: code("malformed_id") })
  .transform((list) => [...new Set(list.split(/[\s,]+/).filter(Boolean))])
  .pipe(z.array(z.string().refine(isId, code("malformed_id"))).min(1, code("malformed_id")));

/** The page's forms about all chats; the import beside them is a multipart upload of its own. */
export const allChatsSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("archive-all") }),
  z.object({ intent: z.literal("undo-archive-all"), chatIds: archivedIds }),
  // A box to tick, checked here: an unticked form deletes nothing, with or without JavaScript.
  z.object({ intent: z.literal("delete-all"), confirm: z.literal("yes", { errorMap: () => ({ message: code("confirmation_required") }) }) }),
]);

export type AllChatsIntent = z.infer<typeof allChatsSchema>["intent"];

/** How many chats the person owns: in their list (what archive-all takes), and archived. */
export async function chatCounts({ user }: { user: Pick<PublicUser, "id"> }): Promise<{ listed: number; archived: number }> {
  return countChats({ userId: user.id });
}

/**
 * Archives every chat in the person's list, pinned ones too (they keep their
 * pin, as when archived one by one); answers being written go on. Returns the
 * ids archived: exactly what Undo brings back.
 */
export async function archiveAllChats({ user }: { user: Pick<PublicUser, "id"> }): Promise<string[]> {
  return archiveListedChats({ userId: user.id });
}

/** Undo of archiveAllChats: those of `chatIds` that are the person's own and still archived go back to the list. */
export async function undoArchiveAll({ user, chatIds }: { user: Pick<PublicUser, "id">; chatIds: string[] }): Promise<number> {
  return unarchiveChats({ userId: user.id, chatIds });
}

/**
 * Deletes every chat the person owns, archived ones too, as deleting each
 * would: the answers being written in them (and the titles they would ask
 * for) are stopped first, so nothing writes to rows that are gone; then one
 * transaction takes the chats, their messages, shared links and the files no
 * other chat uses. A chat started meanwhile in another tab stays. Returns how
 * many went.
 */
export async function deleteAllChats({ user }: { user: Pick<PublicUser, "id"> }): Promise<number> {
  const chatIds = await chatIdsOwnedBy({ userId: user.id });
  if (chatIds.length === 0) return 0;
  await stopAnswersIn({ chatIds: new Set(chatIds) });
  return deleteChatsOf({ userId: user.id, chatIds });
}
