// Messages form a tree per chat (parent_id); the page shows one path through
// it, from the root to the chat's active leaf. Ownership is checked through
// the chat: callers pass a chat they already fetched with getChat({ userId }).
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { type Chat, chats, type Message, type MessageStats, messages } from "../../drizzle/schema";
import { type Database, database, prepared } from "../db.server";
import { DEFAULT_CHAT_TITLE } from "./chat.server";
import { createId } from "../utils/id";

export const MESSAGES_PAGE_SIZE = 50;

export type PathMessage = Message & {
  /** Ids of this message and its siblings, oldest first (for ‹ 2/3 › navigation). */
  siblingIds: string[];
};

export interface PathPage {
  messages: PathMessage[];
  /** Id of the oldest message shown, when older ones exist ("load earlier" starts above it). */
  earlierCursor: string | null;
}

/**
 * One page of the path ending at `leafId` (or above `before`): a recursive
 * walk up parent_id that stops after `limit` rows, so it costs O(page) index
 * lookups however large the chat or its other branches are.
 */
export async function getPathPage({
  chatId,
  leafId,
  before,
  limit = MESSAGES_PAGE_SIZE,
}: {
  chatId: string;
  leafId: string | null;
  before?: string | null;
  limit?: number;
}): Promise<PathPage> {
  const start = before ?? leafId;
  if (!start) return { messages: [], earlierCursor: null };
  const skip = before ? 1 : 0;
  const result = await database().all<{ id: string; depth: number }>(sql`
    ${pathUp({ chatId, from: start, maxDepth: limit + skip })}
    SELECT id, depth FROM path WHERE depth >= ${skip} ORDER BY depth DESC`);
  const hasEarlier = result.length > limit;
  const ids = result.slice(hasEarlier ? 1 : 0).map((r) => r.id);
  if (ids.length === 0) return { messages: [], earlierCursor: null };
  const rows = await database().select().from(messages).where(inArray(messages.id, ids));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const siblings = await siblingIdsByParent({ chatId, parentIds: rows.map((r) => r.parentId) });
  const page = ids.map((id) => {
    const row = byId.get(id)!;
    return { ...row, siblingIds: siblings.get(row.parentId ?? "") ?? [row.id] };
  });
  return { messages: page, earlierCursor: hasEarlier ? ids[0]! : null };
}

/**
 * What a model is shown: role, text and status of the newest `limit` messages
 * on the path ending at `leafId`, root first — one query (the page's sibling
 * lists are not needed here).
 */
export async function getPathTurns({
  chatId,
  leafId,
  limit,
}: {
  chatId: string;
  leafId: string;
  limit: number;
}): Promise<Pick<Message, "role" | "content" | "status">[]> {
  return database().all<Pick<Message, "role" | "content" | "status">>(sql`
    ${pathUp({ chatId, from: leafId, maxDepth: limit - 1 })}
    SELECT m.role, m.content, m.status FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth DESC`);
}

/**
 * `path(id, parent_id, depth)`: `from` (depth 0) and its ancestors up to
 * `maxDepth`, walking parent_id — O(depth) index lookups however large the
 * chat or its other branches are.
 */
function pathUp({ chatId, from, maxDepth }: { chatId: string; from: string; maxDepth: number }) {
  return sql`
    WITH RECURSIVE path(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM messages WHERE id = ${from} AND chat_id = ${chatId}
      UNION ALL
      SELECT m.id, m.parent_id, path.depth + 1
      FROM messages m JOIN path ON m.id = path.parent_id
      WHERE path.depth < ${maxDepth}
    )`;
}

async function siblingIdsByParent({
  chatId,
  parentIds,
}: {
  chatId: string;
  parentIds: (string | null)[];
}): Promise<Map<string, string[]>> {
  const real = [...new Set(parentIds.filter((p): p is string => p !== null))];
  const conditions = [];
  if (real.length > 0) conditions.push(inArray(messages.parentId, real));
  if (parentIds.includes(null)) conditions.push(isNull(messages.parentId));
  const map = new Map<string, string[]>();
  if (conditions.length === 0) return map;
  const rows = await database()
    .select({ id: messages.id, parentId: messages.parentId })
    .from(messages)
    .where(and(eq(messages.chatId, chatId), conditions.length === 1 ? conditions[0] : sql`(${conditions[0]} OR ${conditions[1]})`))
    .orderBy(messages.id);
  for (const row of rows) {
    const key = row.parentId ?? "";
    map.set(key, [...(map.get(key) ?? []), row.id]);
  }
  return map;
}

const messageById = prepared((db) =>
  db.query.messages.findFirst({ where: and(eq(messages.id, sql.placeholder("messageId")), eq(messages.chatId, sql.placeholder("chatId"))) }).prepare(),
);

export async function getMessage({ chatId, messageId }: { chatId: string; messageId: string }): Promise<Message | undefined> {
  return messageById().execute({ chatId, messageId });
}

/** The id of the answer being written in a chat, if any (at most one per chat; it is always a leaf). */
export async function streamingMessageId({ chatId }: { chatId: string }): Promise<string | undefined> {
  const row = await database().query.messages.findFirst({
    where: and(eq(messages.chatId, chatId), sql`status = 'streaming'`),
    columns: { id: true },
  });
  return row?.id;
}

export class ChatBusyError extends Error {
  constructor() {
    super("An answer is still being written in this chat. Wait for it or stop it first.");
  }
}

const nowMs = sql`(unixepoch('subsec') * 1000)`;

/**
 * Stores a user message under `parentId` and an empty streaming answer under
 * it, and makes the answer the chat's active leaf — atomically, and only if no
 * other answer is streaming in this chat (ChatBusyError otherwise).
 */
export async function createExchange({
  chatId,
  parentId,
  content,
  model,
  instanceId,
}: {
  chatId: string;
  parentId: string | null;
  content: string;
  model: string;
  instanceId: string | null;
}): Promise<{ userMessageId: string; assistantMessageId: string }> {
  const userMessageId = createId();
  const assistantMessageId = createId();
  const db = database();
  const [insertedUser] = await db.batch(exchangeStatements(db, { chatId, parentId, content, model, instanceId, userMessageId, assistantMessageId }));
  if (insertedUser.rowsAffected === 0) throw new ChatBusyError();
  return { userMessageId, assistantMessageId };
}

/**
 * A new chat and its first exchange in one transaction (the new-chat form):
 * one commit on the send path instead of two.
 */
export async function createChatWithExchange({
  userId,
  content,
  model,
  instanceId,
}: {
  userId: string;
  content: string;
  model: string;
  instanceId: string | null;
}): Promise<{ chat: Chat; userMessageId: string; assistantMessageId: string }> {
  const chatId = createId();
  const userMessageId = createId();
  const assistantMessageId = createId();
  const db = database();
  const [[chat]] = await db.batch([
    db.insert(chats).values({ id: chatId, userId, model, title: DEFAULT_CHAT_TITLE }).returning(),
    ...exchangeStatements(db, { chatId, parentId: null, content, model, instanceId, userMessageId, assistantMessageId }),
  ]);
  return { chat: chat!, userMessageId, assistantMessageId };
}

function exchangeStatements(
  db: Database,
  { chatId, parentId, content, model, instanceId, userMessageId, assistantMessageId }: {
    chatId: string; parentId: string | null; content: string; model: string; instanceId: string | null; userMessageId: string; assistantMessageId: string;
  },
) {
  return [
    db.run(sql`
      INSERT INTO messages (id, chat_id, parent_id, role, content, status)
      SELECT ${userMessageId}, ${chatId}, ${parentId}, 'user', ${content}, 'complete'
      WHERE NOT EXISTS (SELECT 1 FROM messages WHERE chat_id = ${chatId} AND status = 'streaming')`),
    db.run(sql`
      INSERT INTO messages (id, chat_id, parent_id, role, status, model, instance_id)
      SELECT ${assistantMessageId}, ${chatId}, ${userMessageId}, 'assistant', 'streaming', ${model}, ${instanceId}
      WHERE EXISTS (SELECT 1 FROM messages WHERE id = ${userMessageId})`),
    db.run(sql`
      UPDATE chats SET active_leaf_id = ${assistantMessageId}, updated_at = ${nowMs}, model = ${model}
      WHERE id = ${chatId} AND EXISTS (SELECT 1 FROM messages WHERE id = ${assistantMessageId})`),
  ] as const;
}

/** A new streaming answer to an existing user message (regenerate): a sibling of earlier answers. */
export async function createAnswer({
  chatId,
  parentId,
  model,
  instanceId,
}: {
  chatId: string;
  parentId: string;
  model: string;
  instanceId: string | null;
}): Promise<{ assistantMessageId: string }> {
  const assistantMessageId = createId();
  const db = database();
  const [inserted] = await db.batch([
    db.run(sql`
      INSERT INTO messages (id, chat_id, parent_id, role, status, model, instance_id)
      SELECT ${assistantMessageId}, ${chatId}, ${parentId}, 'assistant', 'streaming', ${model}, ${instanceId}
      WHERE NOT EXISTS (SELECT 1 FROM messages WHERE chat_id = ${chatId} AND status = 'streaming')`),
    db.run(sql`
      UPDATE chats SET active_leaf_id = ${assistantMessageId}, updated_at = ${nowMs}, model = ${model}
      WHERE id = ${chatId} AND EXISTS (SELECT 1 FROM messages WHERE id = ${assistantMessageId})`),
  ]);
  if (inserted.rowsAffected === 0) throw new ChatBusyError();
  return { assistantMessageId };
}

/** Marks an interrupted or failed answer as streaming again (Continue). */
export async function reopenAnswer({
  chatId,
  messageId,
  instanceId,
}: {
  chatId: string;
  messageId: string;
  instanceId: string | null;
}): Promise<void> {
  const result = await database().run(sql`
    UPDATE messages SET status = 'streaming', error = NULL, instance_id = ${instanceId}, updated_at = ${nowMs}
    WHERE id = ${messageId} AND chat_id = ${chatId} AND role = 'assistant' AND status IN ('interrupted', 'error')
      AND NOT EXISTS (SELECT 1 FROM messages WHERE chat_id = ${chatId} AND status = 'streaming')`);
  if (result.rowsAffected === 0) throw new ChatBusyError();
}

export async function saveStreamProgress({
  messageId,
  content,
  reasoning,
  lastEventId,
}: {
  messageId: string;
  content: string;
  reasoning: string;
  lastEventId: number;
}): Promise<void> {
  await database()
    .update(messages)
    .set({ content, reasoning, lastEventId, updatedAt: nowMs as unknown as number })
    .where(eq(messages.id, messageId));
}

export async function saveStreamFinal({
  messageId,
  content,
  reasoning,
  lastEventId,
  status,
  stats,
  error,
}: {
  messageId: string;
  content: string;
  reasoning: string;
  lastEventId: number;
  status: Message["status"];
  stats?: MessageStats;
  error?: string;
}): Promise<void> {
  const db = database();
  await db.batch([
    db
      .update(messages)
      .set({ content, reasoning, lastEventId, status, stats: stats ?? null, error: error ?? null, updatedAt: nowMs as unknown as number })
      .where(eq(messages.id, messageId)),
    db.run(sql`UPDATE chats SET updated_at = ${nowMs} WHERE id = (SELECT chat_id FROM messages WHERE id = ${messageId})`),
  ]);
}

/**
 * At startup: answers left `streaming` by a dead process keep their persisted
 * text and become `interrupted` (with a Continue action). On a fleet, only
 * this machine's own answers (or ones with no machine recorded). The answer's
 * terminal event gets the next id (see the stream route's eventsFromDatabase).
 */
export async function interruptOrphanedStreams({ instanceId }: { instanceId: string | null }): Promise<number> {
  const result = await database().run(sql`
    UPDATE messages SET status = 'interrupted', error = 'The server restarted while this answer was being written.',
        last_event_id = last_event_id + 1, updated_at = ${nowMs}
    WHERE status = 'streaming' AND (instance_id IS NULL OR instance_id = ${instanceId ?? ""} OR ${instanceId === null ? 1 : 0})`);
  return result.rowsAffected;
}
