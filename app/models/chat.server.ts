// Chats, always scoped to their owner (STYLE.md §5): every function takes the
// userId, so a foreign chat id simply finds nothing.
import { and, desc, eq, sql } from "drizzle-orm";
import { type Chat, chats } from "../../drizzle/schema";
import { database, prepared } from "../db.server";
import { createId } from "../utils/id";

export const CHATS_PAGE_SIZE = 20;
export const DEFAULT_CHAT_TITLE = "New chat";

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
  const [chat] = await database()
    .insert(chats)
    .values({ id: createId(), userId, model, title, titleSet: title !== DEFAULT_CHAT_TITLE })
    .returning();
  return chat!;
}

const chatById = prepared((db) =>
  db.query.chats.findFirst({ where: and(eq(chats.id, sql.placeholder("chatId")), eq(chats.userId, sql.placeholder("userId"))) }).prepare(),
);

export async function getChat({ chatId, userId }: { chatId: string; userId: string }): Promise<Chat | undefined> {
  return chatById().execute({ chatId, userId });
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

type ChatPatch = Partial<Pick<Chat, "title" | "pinned" | "archived" | "model" | "titleSet" | "systemPrompt" | "activeLeafId">>;

/** Returns false when the chat does not exist or belongs to someone else. */
export async function updateChat({ chatId, userId, patch }: { chatId: string; userId: string; patch: ChatPatch }): Promise<boolean> {
  const result = await database()
    .update(chats)
    .set(patch)
    .where(and(eq(chats.id, chatId), eq(chats.userId, userId)));
  return result.rowsAffected > 0;
}

export async function renameChat({ chatId, userId, title }: { chatId: string; userId: string; title: string }) {
  return updateChat({ chatId, userId, patch: { title, titleSet: true } });
}

export async function deleteChat({ chatId, userId }: { chatId: string; userId: string }): Promise<boolean> {
  const result = await database()
    .delete(chats)
    .where(and(eq(chats.id, chatId), eq(chats.userId, userId)));
  return result.rowsAffected > 0;
}

/** Sets the auto-generated title unless the user named the chat meanwhile. */
export async function setGeneratedTitle({ chatId, title }: { chatId: string; title: string }): Promise<void> {
  await database()
    .update(chats)
    .set({ title, titleSet: true })
    .where(and(eq(chats.id, chatId), eq(chats.titleSet, false)));
}

export async function touchChat({ chatId }: { chatId: string }): Promise<void> {
  await database()
    .update(chats)
    .set({ updatedAt: sql`(unixepoch('subsec') * 1000)` })
    .where(eq(chats.id, chatId));
}
