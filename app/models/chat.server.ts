// Chats. Reading or changing one starts with requireChatAccess
// (chat-access.server.ts), which checks the caller's membership; the
// functions here then take the chat's id. The list is the user's own chats.
import { and, desc, eq, sql } from "drizzle-orm";
import { type Chat, chatMembers, chats } from "../../drizzle/schema";
import { database } from "../db.server";
import type { Locale } from "../protocol/catalogue";
import { createId } from "../utils/id";
import { attachmentIdsInChat, attachmentIdsInChats, cleanupStatements } from "./attachment.server";
import { type NewUsageRecord, usageRecordStatement } from "./usage.server";

export const CHATS_PAGE_SIZE = 20;
/** The words Parley writes into a chat's title, in the language of the person the chat is made for. */
export const TITLE_WORDS = {
  en: { untitled: "New chat", copy: "fork" },
  ru: { untitled: "Новый чат", copy: "ответвление" },
} satisfies Record<Locale, { untitled: string; copy: string }>;
export const DEFAULT_CHAT_TITLE = TITLE_WORDS.en.untitled;

export type ChatListItem = Pick<Chat, "id" | "title" | "pinned" | "archived" | "updatedAt" | "model">;

export async function createChat({
  userId,
  model,
  title = DEFAULT_CHAT_TITLE,
}: {
  userId: string;
  model: string;
  title?: string;
}): Promise<Chat> {
  const db = database();
  const id = createId();
  const [[chat]] = await db.batch([
    db.insert(chats).values({ id, userId, model, title, titleSet: title !== DEFAULT_CHAT_TITLE }).returning(),
    db.insert(chatMembers).values({ chatId: id, userId, role: "owner" }),
  ]);
  return chat!;
}

/** Does any chat, anyone's, hold this id? (Only to refuse an id a browser chose; it says nothing to the browser.) */
export async function chatIdTaken({ chatId }: { chatId: string }): Promise<boolean> {
  return (await database().query.chats.findFirst({ columns: { id: true }, where: eq(chats.id, chatId) })) !== undefined;
}

/** Pinned first, then most recent activity; `pages` pages of 20 ("load more" asks for one more page). */
export async function listChats({
  userId,
  archived = false,
  pages = 1,
}: {
  userId: string;
  archived?: boolean;
  pages?: number;
}): Promise<{ chats: ChatListItem[]; hasMore: boolean }> {
  const limit = CHATS_PAGE_SIZE * pages;
  const rows = await database()
    .select({
      id: chats.id,
      title: chats.title,
      pinned: chats.pinned,
      archived: chats.archived,
      updatedAt: chats.updatedAt,
      model: chats.model,
    })
    .from(chats)
    .where(and(eq(chats.userId, userId), eq(chats.archived, archived)))
    .orderBy(desc(chats.pinned), desc(chats.updatedAt), desc(chats.id))
    .limit(limit + 1);
  return { chats: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** The model of the chat `userId` was last active in (a message sent or answered), if they have any chat. */
export async function lastChatModel({ userId }: { userId: string }): Promise<string | null> {
  const row = await database().query.chats.findFirst({ columns: { model: true }, where: eq(chats.userId, userId), orderBy: [desc(chats.updatedAt), desc(chats.id)] });
  return row?.model ?? null;
}

type ChatPatch = Partial<Pick<Chat, "title" | "pinned" | "archived" | "model" | "titleSet" | "systemPrompt" | "activeLeafId">>;

/** Changes a chat the caller was granted access to (requireChatAccess). */
export async function updateChat({ chatId, patch }: { chatId: string; patch: ChatPatch }): Promise<void> {
  await database().update(chats).set(patch).where(eq(chats.id, chatId));
}

/** Deletes a chat, its messages and its memberships (ON DELETE CASCADE). */
export async function deleteChat({ chatId }: { chatId: string }): Promise<void> {
  const db = database();
  const used = await attachmentIdsInChat({ chatId });
  // Files no other chat uses go with it, in the same transaction.
  await db.batch([db.delete(chats).where(eq(chats.id, chatId)), ...cleanupStatements(db, used)]);
}

/** How many chats a person owns: in their list, and archived. */
export async function countChats({ userId }: { userId: string }): Promise<{ listed: number; archived: number }> {
  const [row] = await database()
    .select({ listed: sql<number>`coalesce(sum(${chats.archived} = 0), 0)`, archived: sql<number>`coalesce(sum(${chats.archived} = 1), 0)` })
    .from(chats)
    .where(eq(chats.userId, userId));
  return { listed: Number(row?.listed ?? 0), archived: Number(row?.archived ?? 0) };
}

/** A list of ids as one SQL value (any number of them, where bound parameters run out). */
const idsIn = (ids: string[]) => sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;

/**
 * Archives every chat in a person's list, as archiving each would: a pinned
 * one keeps its pin, to have it back on Unarchive. Returns the ids archived.
 */
export async function archiveListedChats({ userId }: { userId: string }): Promise<string[]> {
  const rows = await database()
    .update(chats)
    .set({ archived: true })
    .where(and(eq(chats.userId, userId), eq(chats.archived, false)))
    .returning({ id: chats.id });
  return rows.map((row) => row.id);
}

/** Brings back to the list those of `chatIds` that are `userId`'s own and archived; returns how many. */
export async function unarchiveChats({ userId, chatIds }: { userId: string; chatIds: string[] }): Promise<number> {
  if (chatIds.length === 0) return 0;
  const rows = await database()
    .update(chats)
    .set({ archived: false })
    .where(and(eq(chats.userId, userId), eq(chats.archived, true), sql`${chats.id} IN ${idsIn(chatIds)}`))
    .returning({ id: chats.id });
  return rows.length;
}

/**
 * Deletes those of `chatIds` that `userId` owns, as deleteChat deletes one
 * (messages, memberships and shared links by ON DELETE CASCADE, files no
 * other chat uses), all in one transaction. Returns how many went.
 */
export async function deleteChatsOf({ userId, chatIds }: { userId: string; chatIds: string[] }): Promise<number> {
  if (chatIds.length === 0) return 0;
  const db = database();
  const used = await attachmentIdsInChats({ chatIds });
  const [removed] = await db.batch([db.run(sql`DELETE FROM chats WHERE user_id = ${userId} AND id IN ${idsIn(chatIds)}`), ...cleanupStatements(db, used)]);
  return removed.rowsAffected;
}

/**
 * Sets the auto-generated title unless the user named the chat meanwhile,
 * and records the request that asked a model for it (`request`, also when
 * its title is not used) in the same transaction.
 */
export async function setGeneratedTitle({ chatId, title, request }: { chatId: string; title: string; request?: NewUsageRecord }): Promise<void> {
  const db = database();
  // Nothing visible to name it by (a first message of invisible characters): the chat keeps its "New chat".
  if (!title) {
    if (request) await usageRecordStatement(db, request);
    return;
  }
  const naming = db
    .update(chats)
    .set({ title, titleSet: true })
    .where(and(eq(chats.id, chatId), eq(chats.titleSet, false)));
  if (request) await db.batch([naming, usageRecordStatement(db, request)]);
  else await naming;
}
