// Branch operations on a chat's message tree. Callers have checked access
// with requireChatAccess. Each change of more than one row is one batch (one
// transaction): a crash never leaves a chat pointing at a deleted message.
import { and, eq, sql } from "drizzle-orm";
import { type Chat, chats, type Message, messages } from "../../drizzle/schema";
import { database } from "../db.server";
import { AppError, type Problem } from "../protocol/errors";
import { attachmentIdsOf, plainText } from "../protocol/parts";
import { cleanChatTitle, TITLE_MAX } from "../utils/chat-title";
import { createId } from "../utils/id";
import { typedLength } from "../utils/typed-text";
import { attachmentIdsInChat, cleanupStatements } from "./attachment.server";
import type { Locale } from "../protocol/catalogue";
import { TITLE_WORDS } from "./chat.server";
import { insertChatWithinLimit } from "./message.server";

/**
 * The leaf to show below `messageId`: at each level the most recently active
 * child (created or switched to). One recursive query, O(depth) index lookups.
 */
export async function mostRecentLeaf({ messageId }: { messageId: string }): Promise<string> {
  const rows = await database().all<{ id: string }>(sql`
    WITH RECURSIVE down(id, depth) AS (
      SELECT ${messageId}, 0
      UNION ALL
      SELECT (SELECT m.id FROM messages m WHERE m.parent_id = down.id ORDER BY m.active_at DESC, m.id DESC LIMIT 1), depth + 1
      FROM down WHERE down.id IS NOT NULL
    )
    SELECT id FROM down WHERE id IS NOT NULL ORDER BY depth DESC LIMIT 1`);
  return rows[0]?.id ?? messageId;
}

/** Shows the branch through `messageId` and remembers it (reload keeps it). */
export async function switchToBranch({ chatId, messageId }: { chatId: string; messageId: string }): Promise<string> {
  const db = database();
  // The leaf below a message does not depend on the message's own active_at, so it can be read first.
  const leaf = await mostRecentLeaf({ messageId });
  await db.batch([
    db.update(messages).set({ activeAt: sql`(unixepoch('subsec') * 1000)` as unknown as number }).where(and(eq(messages.id, messageId), eq(messages.chatId, chatId))),
    db.update(chats).set({ activeLeafId: leaf }).where(eq(chats.id, chatId)),
  ]);
  return leaf;
}

/** True when `ancestorId` is `messageId` or lies on its path to the root. */
export async function isOnPath({ messageId, ancestorId }: { messageId: string; ancestorId: string }): Promise<boolean> {
  const rows = await database().all<{ found: number }>(sql`
    WITH RECURSIVE up(id, parent_id) AS (
      SELECT id, parent_id FROM messages WHERE id = ${messageId}
      UNION ALL
      SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent_id
    )
    SELECT 1 AS found FROM up WHERE id = ${ancestorId} LIMIT 1`);
  return rows.length > 0;
}

/** The message that follows `messageId` on the path ending at `leafId` (its answer, or the next question), if any. */
export async function followerOnPath({ leafId, messageId }: { leafId: string; messageId: string }): Promise<string | null> {
  const rows = await database().all<{ id: string }>(sql`
    WITH RECURSIVE up(id, parent_id) AS (
      SELECT id, parent_id FROM messages WHERE id = ${leafId}
      UNION ALL
      SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent_id
    )
    SELECT id FROM up WHERE parent_id = ${messageId} LIMIT 1`);
  return rows[0]?.id ?? null;
}

/**
 * Deletes a message and everything below it (ON DELETE CASCADE on parent_id).
 * If the chat is showing that branch, it moves to the newest remaining
 * sibling's branch, else to the parent — in the same transaction as the
 * delete, decided there from the chat's current leaf (not the `chat` read
 * when access was checked, which another request may have changed since).
 */
export async function deleteBranch({ chat, messageId }: { chat: Chat; messageId: string }): Promise<void> {
  const db = database();
  const target = await db.query.messages.findFirst({ where: and(eq(messages.id, messageId), eq(messages.chatId, chat.id)) });
  if (!target) return;
  const sibling = await db.all<{ id: string }>(sql`
    SELECT id FROM messages WHERE chat_id = ${chat.id} AND parent_id IS ${target.parentId} AND id <> ${messageId}
    ORDER BY active_at DESC, id DESC LIMIT 1`);
  const next = sibling[0] ? await mostRecentLeaf({ messageId: sibling[0].id }) : target.parentId;
  const used = await attachmentIdsInChat({ chatId: chat.id });
  await db.batch([
    db.run(sql`
      UPDATE chats SET active_leaf_id = ${next}
      WHERE id = ${chat.id} AND EXISTS (
        WITH RECURSIVE up(id, parent_id) AS (
          SELECT id, parent_id FROM messages WHERE id = (SELECT active_leaf_id FROM chats WHERE id = ${chat.id})
          UNION ALL
          SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent_id
        )
        SELECT 1 FROM up WHERE id = ${messageId})`),
    db.delete(messages).where(eq(messages.id, messageId)),
    // Files only the deleted messages used go with them.
    ...cleanupStatements(db, used),
  ]);
}

export type ForkSource = Pick<Message, "id" | "role" | "parts" | "status" | "model" | "stats" | "problem"> & {
  /** When the original was written: a copy keeps it (absent: now). */
  createdAt?: number;
};

/** A copy's title: the original's, cut to leave room for the word that says it is a copy when it says so. */
function copyTitle(title: string, { marked, locale }: { marked: boolean; locale: Locale }): string {
  const mark = marked ? ` (${TITLE_WORDS[locale].copy})` : "";
  return `${cleanChatTitle(title, { max: TITLE_MAX - typedLength(mark) }) || TITLE_WORDS[locale].untitled}${mark}`;
}

/**
 * Copies the path root → `messageId` into a new chat owned by `userId`
 * (independent copies, new ids): one batch with the chat and its membership.
 */
export async function forkChat({
  chat,
  userId,
  path,
  maxChats = 0,
  locale = "en",
  marked = true,
}: {
  /** Whether the title says it is a copy ("(fork)"): a fork of one's own chat does; a share continued by someone else keeps its title. */
  marked?: boolean;
  /** The copier's language: the copy's title says it is one in their words. */
  locale?: Locale;
  /** What the copy inherits: a chat, or a shared snapshot continued by someone else. */
  chat: Pick<Chat, "title" | "model" | "systemPrompt">;
  userId: string;
  path: (Omit<ForkSource, "id" | "stats"> & { stats?: ForkSource["stats"] })[];
  /** The copier's chats limit (0: none), counted by the statement that stores the copy. */
  maxChats?: number;
}): Promise<string> {
  const db = database();
  const chatId = createId();
  const ids = path.map(() => createId());
  const forkedWhileStreaming: Problem = { code: "forked_while_streaming" };
  const now = Date.now();
  // One transaction: the chat's insert counts the copier's chats, and every
  // later statement writes only when the chat was stored (a refused copy writes nothing).
  const chatStored = sql`EXISTS (SELECT 1 FROM chats WHERE id = ${chatId})`;
  const [inserted] = await db.batch([
    insertChatWithinLimit(db, {
      chatId,
      userId,
      title: copyTitle(chat.title, { marked, locale }),
      model: chat.model,
      systemPrompt: chat.systemPrompt,
      titleSet: true,
      activeLeafId: ids.at(-1) ?? null,
      maxChats,
    }),
    db.run(sql`INSERT INTO chat_members (chat_id, user_id, role) SELECT ${chatId}, ${userId}, 'owner' WHERE ${chatStored}`),
    ...path.map((m, i) => {
      // A fork of an answer still being written keeps what exists so far.
      const streaming = m.status === "streaming";
      return db.run(sql`
        INSERT INTO messages (id, chat_id, parent_id, role, parts, content, status, model, stats, problem, last_event_id, created_at)
        SELECT ${ids[i]!}, ${chatId}, ${i === 0 ? null : ids[i - 1]!}, ${m.role}, ${JSON.stringify(m.parts)}, ${plainText(m.parts)},
          ${streaming ? "interrupted" : m.status}, ${m.model}, ${m.stats ? JSON.stringify(m.stats) : null},
          ${streaming ? JSON.stringify(forkedWhileStreaming) : m.problem ? JSON.stringify(m.problem) : null}, 2, ${m.createdAt ?? now}
        WHERE ${chatStored}`);
    }),
    // The copy uses the same files (the bytes are stored once).
    ...path.flatMap((m, i) => {
      const attachmentIds = attachmentIdsOf(m.parts);
      return attachmentIds.length
        ? [db.run(sql`
            INSERT OR IGNORE INTO message_attachments (message_id, attachment_id)
            SELECT ${ids[i]!}, value FROM json_each(${JSON.stringify(attachmentIds)}) WHERE ${chatStored}`)]
        : [];
    }),
  ]);
  if (inserted.rowsAffected === 0) throw new AppError("chats_limit_reached", { params: { max: maxChats } });
  return chatId;
}
