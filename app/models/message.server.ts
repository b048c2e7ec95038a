// Messages form a tree per chat (parent_id); the page shows one path through
// it, from the root to the chat's active leaf. Access is checked through the
// chat: callers hold a chat they got from requireChatAccess.
import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { type Chat, chats, type Message, type MessageStats, messages } from "../../drizzle/schema";
import { type Database, database, prepared } from "../db.server";
import { AppError, type Problem } from "../protocol/errors";
import { type MessagePart, plainText } from "../protocol/parts";
import { parseParts } from "../protocol/parts-schema";
import { chatIdTaken, DEFAULT_CHAT_TITLE } from "./chat.server";
import { fallbackTitle } from "../utils/fallback-title";
import { createId } from "../utils/id";
import { linkAfterPrevious } from "./attachment.server";
import { payerOfNewAnswer, type PayerRecord } from "./answer-payer.server";
import { requestOfNewAnswer } from "./answer-request.server";

/**
 * Messages on a page of a chat (the newest, and each earlier one). Opening a
 * long chat in a new tab lays out the whole first page in one task; at 30 it
 * stays under 50 ms on a 2-core machine, at 50 it did not (docs/decisions/117).
 */
export const MESSAGES_PAGE_SIZE = 30;
/** Deeper than any path a chat has: a walk that needs the whole path (a fork, a switch) asks for this much. */
export const MAX_PATH_DEPTH = 100_000;

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
 * The page to open on `messageId` after a switch to it: the `before` cursor
 * of the page that ends with the message right after it on the path ending
 * at `leafId` (the version and what answers it, in view at the page's end),
 * or null when the latest page already shows it.
 */
export async function cursorShowing({ chatId, leafId, messageId, limit = MESSAGES_PAGE_SIZE }: { chatId: string; leafId: string; messageId: string; limit?: number }): Promise<string | null> {
  // The whole path up: a switch is rare, and a path is walked by index one message at a time.
  const rows = await database().all<{ id: string }>(sql`
    ${pathUp({ chatId, from: leafId, maxDepth: MAX_PATH_DEPTH })}
    SELECT id FROM path ORDER BY depth`);
  const depth = rows.findIndex((row) => row.id === messageId);
  return depth < limit ? null : rows[depth - 2]!.id;
}

export type PathTurn = Pick<Message, "role" | "parts" | "status">;

/**
 * What a model is shown: role, parts and status of the newest `limit`
 * messages on the path ending at `leafId`, root first — one query (the page's
 * sibling lists are not needed here).
 */
export async function getPathTurns({ chatId, leafId, limit }: { chatId: string; leafId: string; limit: number }): Promise<PathTurn[]> {
  const rows = await database().all<{ id: string; role: Message["role"]; parts: string; status: Message["status"] }>(sql`
    ${pathUp({ chatId, from: leafId, maxDepth: limit - 1 })}
    SELECT m.id, m.role, m.parts, m.status FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth DESC`);
  return rows.map((row) => ({ role: row.role, status: row.status, parts: parseParts(JSON.parse(row.parts), row.id) }));
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

const nowMs = sql`(unixepoch('subsec') * 1000)`;

export interface ExchangeIds {
  userMessageId: string;
  assistantMessageId: string;
}

/** Ids for a new question and its answer, when the browser did not choose them. */
export function newExchangeIds(): ExchangeIds {
  return { userMessageId: createId(), assistantMessageId: createId() };
}

/**
 * Stores a user message under `parentId` and an empty streaming answer under
 * it, and makes the answer the chat's active leaf — atomically, and only if no
 * other answer is streaming in this chat (`answer_in_progress` otherwise).
 * The browser may choose the ids (so it can open the answer's stream while
 * the send is on its way); an id already used is `id_taken`.
 */
export async function createExchange({
  chatId,
  parentId,
  parts,
  attachmentIds = [],
  model,
  instanceId,
  ids = newExchangeIds(),
  records,
}: {
  chatId: string;
  parentId: string | null;
  parts: MessagePart[];
  /** Attachments the user message uses (its `file` parts). */
  attachmentIds?: string[];
  model: string;
  instanceId: string | null;
  ids?: ExchangeIds;
  records?: NewAnswerRecords;
}): Promise<ExchangeIds> {
  // One id for both messages would store the question alone (the answer's insert finds its id taken).
  if (ids.userMessageId === ids.assistantMessageId) throw new AppError("id_taken");
  const db = database();
  const [insertedUser] = await db.batch([
    ...exchangeStatements(db, { chatId, parentId, parts, attachmentIds, model, instanceId, ...ids }),
    ...newAnswerRecords(db, { chatId, ...ids, records }),
  ]);
  if (insertedUser.rowsAffected === 0) throw await whyNotInserted([ids.userMessageId, ids.assistantMessageId]);
  return ids;
}

/** An insert guarded by "no answer streaming and no such id" did nothing: say which. */
async function whyNotInserted(ids: string[]): Promise<AppError> {
  const taken = await database().select({ id: messages.id }).from(messages).where(inArray(messages.id, ids)).limit(1);
  return new AppError(taken.length > 0 ? "id_taken" : "answer_in_progress");
}

/**
 * A new chat, its owner's membership and its first exchange in one
 * transaction (the new-chat form): one commit on the send path. With
 * `maxChats` (0: no limit), the chat is stored only while its owner has fewer:
 * the count is part of the insert, so chats started at once cannot pass the
 * limit together (`chats_limit_reached` otherwise).
 */
export async function createChatWithExchange({
  chatId = createId(),
  ids = newExchangeIds(),
  userId,
  parts,
  attachmentIds = [],
  model,
  instanceId,
  maxChats = 0,
  records,
  title = DEFAULT_CHAT_TITLE,
}: {
  /** Chosen by the caller when it asks for the answer before the chat is stored. */
  chatId?: string;
  /** Shown until the chat is named (by its first answer or by its owner). */
  title?: string;
  ids?: ExchangeIds;
  userId: string;
  parts: MessagePart[];
  attachmentIds?: string[];
  model: string;
  instanceId: string | null;
  maxChats?: number;
  records?: NewAnswerRecords;
}): Promise<{ chat: Chat } & ExchangeIds> {
  const db = database();
  const [insertedChat] = await db.batch([
    insertChatWithinLimit(db, { chatId, userId, model, title, maxChats }),
    db.run(sql`INSERT INTO chat_members (chat_id, user_id, role) SELECT ${chatId}, ${userId}, 'owner' WHERE changes() = 1`),
    // The exchange's first insert finds no chat (and writes nothing) when the limit refused it.
    // Only into the chat just stored: an id the browser chose may be another chat's, which must not get these messages.
    ...exchangeStatements(db, { chatId, parentId: null, parts, attachmentIds, model, instanceId, ...ids, afterPrevious: true }),
    ...newAnswerRecords(db, { chatId, ...ids, records }),
  ]);
  if (insertedChat.rowsAffected === 0) {
    if (await chatIdTaken({ chatId })) throw new AppError("id_taken");
    throw new AppError("chats_limit_reached", { params: { max: maxChats } });
  }
  const chat = await db.query.chats.findFirst({ where: eq(chats.id, chatId) });
  return { chat: chat!, ...ids };
}

/**
 * Inserts a chat of `userId`'s unless they own `maxChats` already (0: no limit); one statement, so the count holds under
 * concurrency. An id already used inserts nothing either.
 */
export function insertChatWithinLimit(
  db: Database,
  { chatId, userId, model, title, maxChats, systemPrompt = null, titleSet = false, activeLeafId = null }: {
    chatId: string; userId: string; model: string; title: string; maxChats: number; systemPrompt?: string | null; titleSet?: boolean; activeLeafId?: string | null;
  },
) {
  return db.run(sql`
    INSERT INTO chats (id, user_id, model, title, system_prompt, title_set, active_leaf_id)
    SELECT ${chatId}, ${userId}, ${model}, ${title}, ${systemPrompt}, ${titleSet ? 1 : 0}, ${activeLeafId}
    WHERE (${maxChats} = 0 OR (SELECT count(*) FROM chats WHERE user_id = ${userId}) < ${maxChats})
      AND NOT EXISTS (SELECT 1 FROM chats WHERE id = ${chatId})`);
}

function exchangeStatements(
  db: Database,
  { chatId, parentId, parts, attachmentIds, model, instanceId, userMessageId, assistantMessageId, afterPrevious = false }: {
    chatId: string; parentId: string | null; parts: MessagePart[]; attachmentIds: string[]; model: string; instanceId: string | null; userMessageId: string; assistantMessageId: string;
    /** Only if the statement before these wrote its row (the new chat's membership). */
    afterPrevious?: boolean;
  },
) {
  // Each statement runs only if the one before it wrote its row (changes() is
  // the previous statement's count): a refused question writes nothing at all,
  // whatever already exists under the ids a browser chose.
  return [
    db.run(sql`
      INSERT INTO messages (id, chat_id, parent_id, role, parts, content, status)
      SELECT ${userMessageId}, ${chatId}, ${parentId}, 'user', ${JSON.stringify(parts)}, ${plainText(parts)}, 'complete'
      WHERE ${afterPrevious ? sql`changes() = 1` : sql`1`}
        AND EXISTS (SELECT 1 FROM chats WHERE id = ${chatId})
        AND NOT EXISTS (SELECT 1 FROM messages WHERE chat_id = ${chatId} AND status = 'streaming')
        AND NOT EXISTS (SELECT 1 FROM messages WHERE id IN (${userMessageId}, ${assistantMessageId}))`),
    db.run(sql`
      INSERT INTO messages (id, chat_id, parent_id, role, status, model, instance_id)
      SELECT ${assistantMessageId}, ${chatId}, ${userMessageId}, 'assistant', 'streaming', ${model}, ${instanceId}
      WHERE changes() = 1 AND NOT EXISTS (SELECT 1 FROM messages WHERE id = ${assistantMessageId})`),
    db.run(sql`
      UPDATE chats SET active_leaf_id = ${assistantMessageId}, updated_at = ${nowMs}, model = ${model}
      WHERE id = ${chatId} AND changes() = 1`),
    // Last, so a refused question links nothing (the chat update above changed no row).
    linkAfterPrevious(db, { messageId: userMessageId, attachmentIds }),
  ] as const;
}

/**
 * What is stored with a new answer, in the batch that stores it (one commit
 * before the first token): who pays, and the request the answers-per-window
 * limit counts when no such limit had to count it first.
 */
export interface NewAnswerRecords {
  payer: PayerRecord;
  request?: { userId: string; now: number };
}

function newAnswerRecords(db: Database, { chatId, userMessageId, assistantMessageId, records }: ExchangeIds & { chatId: string; records?: NewAnswerRecords }) {
  if (!records) return [];
  // Only once this answer to this question is in this chat: a send refused for ids other messages hold records nothing.
  const when = sql`EXISTS (SELECT 1 FROM messages WHERE id = ${assistantMessageId} AND chat_id = ${chatId} AND parent_id = ${userMessageId} AND role = 'assistant')`;
  return [
    payerOfNewAnswer(db, { messageId: assistantMessageId, record: records.payer, when }),
    ...(records.request ? requestOfNewAnswer(db, { messageId: assistantMessageId, ...records.request, when }) : []),
  ];
}

/** A new streaming answer to an existing user message (regenerate): a sibling of earlier answers. */
export async function createAnswer({
  chatId,
  parentId,
  model,
  instanceId,
  assistantMessageId = createId(),
}: {
  chatId: string;
  parentId: string;
  model: string;
  instanceId: string | null;
  assistantMessageId?: string;
}): Promise<{ assistantMessageId: string }> {
  const db = database();
  const [inserted] = await db.batch([
    db.run(sql`
      INSERT INTO messages (id, chat_id, parent_id, role, status, model, instance_id)
      SELECT ${assistantMessageId}, ${chatId}, ${parentId}, 'assistant', 'streaming', ${model}, ${instanceId}
      WHERE NOT EXISTS (SELECT 1 FROM messages WHERE chat_id = ${chatId} AND status = 'streaming')
        AND NOT EXISTS (SELECT 1 FROM messages WHERE id = ${assistantMessageId})`),
    // Only after this batch's own insert (changes() is the previous statement's count).
    db.run(sql`
      UPDATE chats SET active_leaf_id = ${assistantMessageId}, updated_at = ${nowMs}, model = ${model}
      WHERE id = ${chatId} AND changes() = 1`),
  ]);
  if (inserted.rowsAffected === 0) throw await whyNotInserted([assistantMessageId]);
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
  const db = database();
  const [reopened] = await db.batch([
    db.run(sql`
      UPDATE messages SET status = 'streaming', problem = NULL, instance_id = ${instanceId}, updated_at = ${nowMs}
      WHERE id = ${messageId} AND chat_id = ${chatId} AND role = 'assistant' AND status IN ('interrupted', 'error')
        AND NOT EXISTS (SELECT 1 FROM messages WHERE chat_id = ${chatId} AND status = 'streaming')`),
    // The answer being continued is what the chat shows (same transaction: never a leaf that is not streaming).
    db.run(sql`
      UPDATE chats SET active_leaf_id = ${messageId}, updated_at = ${nowMs}
      WHERE id = ${chatId} AND EXISTS (SELECT 1 FROM messages WHERE id = ${messageId} AND status = 'streaming')`),
  ]);
  if (reopened.rowsAffected === 0) throw new AppError("answer_in_progress");
}

export interface StreamSnapshot {
  messageId: string;
  parts: MessagePart[];
  lastEventId: number;
}

export async function saveStreamProgress({ messageId, parts, lastEventId }: StreamSnapshot): Promise<void> {
  await database()
    .update(messages)
    .set({ parts, content: plainText(parts), lastEventId, updatedAt: nowMs as unknown as number })
    .where(eq(messages.id, messageId));
}

export async function saveStreamFinal({
  messageId,
  parts,
  lastEventId,
  status,
  stats,
  requestStats = stats,
  problem,
}: StreamSnapshot & { status: Message["status"]; stats?: MessageStats; requestStats?: MessageStats; problem?: Problem }): Promise<void> {
  const db = database();
  // A shutdown ends the process before a new chat's title is asked for (that waits for the answer's end): the chat
  // is named after its first message now, as after a crash.
  const titles = problem?.code === "interrupted_by_shutdown" ? await fallbackTitles(db, sql`c.id = (SELECT chat_id FROM messages WHERE id = ${messageId})`) : [];
  await db.batch([
    db
      .update(messages)
      .set({ parts, content: plainText(parts), lastEventId, status, stats: stats ?? null, problem: problem ?? null, updatedAt: nowMs as unknown as number })
      .where(eq(messages.id, messageId)),
    db.run(sql`UPDATE chats SET updated_at = ${nowMs} WHERE id = (SELECT chat_id FROM messages WHERE id = ${messageId})`),
    // What this request to the model cost, against whoever asked (only answers that reached a provider have a payer row).
    db.run(sql`INSERT INTO usage_records (id, message_id, user_id, model, provider, paid_by, status, input_tokens, output_tokens, cost_usd)
      SELECT ${createId()}, p.message_id,
        coalesce(p.asked_by, (SELECT c.user_id FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = ${messageId})), coalesce(${requestStats?.model ?? null}, (SELECT model FROM messages WHERE id = ${messageId}), ''),
        p.provider, p.paid_by, ${status}, ${requestStats?.inputTokens ?? 0}, ${requestStats?.outputTokens ?? 0}, ${requestStats?.costUsd ?? 0}
      FROM answer_payers p WHERE p.message_id = ${messageId}`),
    ...titles,
  ]);
}

/**
 * Statements naming the chats `which` picks (a condition on `c`, the chats)
 * that have no title yet after their first message, for a chat whose first
 * answer ended without its title being asked for. Each keeps a title set
 * meanwhile (by its owner, or by a model).
 */
async function fallbackTitles(db: Database, which: SQL) {
  const untitled = await db.all<{ chatId: string; firstMessage: string | null }>(sql`
    SELECT c.id AS chatId,
      (SELECT first.content FROM messages AS first WHERE first.chat_id = c.id AND first.role = 'user' ORDER BY first.created_at, first.id LIMIT 1) AS firstMessage
    FROM chats AS c
    WHERE c.title_set = 0 AND ${which}`);
  return untitled.flatMap(({ chatId, firstMessage }) => {
    const title = fallbackTitle(firstMessage ?? "");
    return title ? [db.run(sql`UPDATE chats SET title = ${title}, title_set = 1 WHERE id = ${chatId} AND title_set = 0`)] : [];
  });
}

/**
 * At startup: answers left `streaming` by a dead process keep their persisted
 * text and become `interrupted` (with a Continue action). On a fleet, only
 * this machine's own answers (or ones with no machine recorded). The answer's
 * terminal event gets the next id (see the stream route's eventsFromDatabase).
 * A new chat whose first answer was cut short this way never got its title
 * (that waits for the answer's end): it is named after its first message.
 */
export async function interruptOrphanedStreams({ instanceId, except = [] }: { instanceId: string | null; except?: readonly string[] }): Promise<number> {
  const db = database();
  // `except`: answers this process is writing itself (a check made after it started serving).
  const notMine = except.length > 0 ? sql` AND messages.id NOT IN (${sql.join(except.map((id) => sql`${id}`), sql`, `)})` : sql``;
  const ours = sql`(instance_id IS NULL OR instance_id = ${instanceId ?? ""} OR ${instanceId === null ? 1 : 0})${notMine}`;
  const titles = await fallbackTitles(db, sql`EXISTS (SELECT 1 FROM messages WHERE messages.chat_id = c.id AND messages.status = 'streaming' AND ${ours})`);
  const [result] = await db.batch([
    db.run(sql`
      UPDATE messages SET status = 'interrupted', problem = ${JSON.stringify({ code: "interrupted_by_restart" } satisfies Problem)},
          last_event_id = last_event_id + 1, updated_at = ${nowMs}
      WHERE status = 'streaming' AND ${ours}`),
    ...titles,
  ]);
  return result.rowsAffected;
}
