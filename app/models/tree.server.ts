// Branch operations on a chat's message tree (issue: conversation trees).
// Callers have already checked that the chat belongs to the user.
import { and, eq, sql } from "drizzle-orm";
import { chats, messages } from "../../drizzle/schema";
import { database } from "../db.server";
import { createId } from "../utils/id";
import { type Chat } from "../../drizzle/schema";

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
  await db.update(messages).set({ activeAt: sql`(unixepoch('subsec') * 1000)` as unknown as number }).where(and(eq(messages.id, messageId), eq(messages.chatId, chatId)));
  const leaf = await mostRecentLeaf({ messageId });
  await db.update(chats).set({ activeLeafId: leaf }).where(eq(chats.id, chatId));
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

/**
 * Deletes a message and everything below it (ON DELETE CASCADE on parent_id).
 * If the chat was showing that branch, it moves to the newest remaining
 * sibling's branch, else to the parent.
 */
export async function deleteBranch({ chat, messageId }: { chat: Chat; messageId: string }): Promise<void> {
  const db = database();
  const target = await db.query.messages.findFirst({ where: and(eq(messages.id, messageId), eq(messages.chatId, chat.id)) });
  if (!target) return;
  const showingIt = chat.activeLeafId !== null && (await isOnPath({ messageId: chat.activeLeafId, ancestorId: messageId }));
  await db.delete(messages).where(eq(messages.id, messageId));
  if (!showingIt) return;
  const sibling = await db.all<{ id: string }>(sql`
    SELECT id FROM messages WHERE chat_id = ${chat.id} AND parent_id IS ${target.parentId} ORDER BY active_at DESC, id DESC LIMIT 1`);
  const next = sibling[0] ? await mostRecentLeaf({ messageId: sibling[0].id }) : target.parentId;
  await db.update(chats).set({ activeLeafId: next }).where(eq(chats.id, chat.id));
}

/** Copies the path root → `messageId` into a new chat of the same user (independent copies, new ids). */
export async function forkChat({
  chat,
  path,
}: {
  chat: Chat;
  path: { id: string; parentId: string | null; role: "user" | "assistant"; content: string; reasoning: string; status: string; model: string | null; stats: unknown; error: string | null }[];
}): Promise<string> {
  const db = database();
  const chatId = createId();
  const ids = new Map(path.map((m) => [m.id, createId()]));
  const leaf = path.length ? ids.get(path[path.length - 1]!.id)! : null;
  await db.batch([
    db.insert(chats).values({
      id: chatId,
      userId: chat.userId,
      title: `${chat.title} (fork)`.slice(0, 120),
      model: chat.model,
      systemPrompt: chat.systemPrompt,
      titleSet: true,
      activeLeafId: leaf,
    }),
    ...path.map((m, i) =>
      db.insert(messages).values({
        id: ids.get(m.id)!,
        chatId,
        parentId: i === 0 ? null : ids.get(path[i - 1]!.id)!,
        role: m.role,
        content: m.content,
        reasoning: m.reasoning,
        // A fork of an answer still being written keeps what exists so far.
        status: m.status === "streaming" ? "interrupted" : (m.status as "complete"),
        model: m.model,
        stats: (m.stats ?? null) as never,
        error: m.status === "streaming" ? "Forked while this answer was being written." : m.error,
        lastEventId: 2,
      }),
    ),
  ]);
  return chatId;
}
