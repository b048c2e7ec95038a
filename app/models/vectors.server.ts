// Messages' embeddings for search by meaning (docs/decisions/103), in a
// libSQL vector column with a vector index, in the same database file.
//
// The table is made when the first vectors arrive, for their length: a vector
// column has one fixed length, and it is the model's. Which model filled it
// is kept in app_settings; configuring another model empties it, and the
// indexer fills it again (vectors of two models cannot be compared).
// Each row's INTEGER PRIMARY KEY is the rowid the vector index points at
// (VACUUM may renumber the implicit rowids of other tables, never these).
// A message deleted in any way (branch, chat, account) takes its vector with
// it (ON DELETE CASCADE).
import { sql } from "drizzle-orm";
import { database } from "../db.server";
import { readSetting, writeSetting } from "./app-setting.server";
import { type MessageHit, messageFilters, type SearchFilters } from "./search.server";

const SPACE_KEY = "search.vectors";

export interface VectorSpace {
  model: string;
  dimensions: number;
}

function asSpace(value: unknown): VectorSpace | null {
  const space = value as Partial<VectorSpace> | undefined;
  return typeof space?.model === "string" && typeof space.dimensions === "number" ? { model: space.model, dimensions: space.dimensions } : null;
}

/**
 * The vector index's settings. Its neighbours' vectors are kept as 8-bit
 * numbers and each row keeps 32 of them: against libSQL's defaults (full
 * floats, more neighbours) that measured 4.8 times smaller and 3.7 times
 * faster to insert, with the same top 20 found 98% of the time (ADR 103).
 */
const INDEX_SETTINGS = "'metric=cosine', 'compress_neighbors=float8', 'max_neighbors=32'";

/** The model and length the stored vectors have, or null when there are none. */
export async function vectorSpace(): Promise<VectorSpace | null> {
  return asSpace(await readSetting({ key: SPACE_KEY }));
}

/**
 * Makes the table hold vectors of `space`: made if missing, emptied and made
 * again if it held another model's (or another length's).
 */
export async function prepareVectorSpace(space: VectorSpace): Promise<void> {
  const current = await vectorSpace();
  if (current?.model === space.model && current.dimensions === space.dimensions) return;
  if (!Number.isInteger(space.dimensions) || space.dimensions < 1 || space.dimensions > 65_536) throw new Error(`an embedding of ${space.dimensions} numbers cannot be stored`);
  await database().batch([
    database().run(sql`DROP TABLE IF EXISTS message_vectors`),
    database().run(
      sql.raw(`CREATE TABLE message_vectors (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
        chars INTEGER NOT NULL,
        embedding F32_BLOB(${space.dimensions}) NOT NULL
      )`),
    ),
    database().run(sql.raw(`CREATE INDEX message_vectors_ann ON message_vectors (libsql_vector_idx(embedding, ${INDEX_SETTINGS}))`)),
  ]);
  await writeSetting({ key: SPACE_KEY, value: space, changedBy: null });
}

/** Forgets every vector (the embeddings model was switched off or changed). */
export async function dropVectors(): Promise<void> {
  await database().run(sql`DROP TABLE IF EXISTS message_vectors`);
  await writeSetting({ key: SPACE_KEY, value: {}, changedBy: null });
}

export interface PendingMessage {
  id: string;
  content: string;
}

/**
 * Messages whose vector is missing or out of date (an answer continued since),
 * newest first: what is searched for most is what was written lately. Answers
 * still being written wait until they end. `skip`: ids that failed for good
 * in this process.
 */
export async function messagesWithoutVectors({ limit, skip = [] }: { limit: number; skip?: readonly string[] }): Promise<PendingMessage[]> {
  const hasTable = (await vectorSpace()) !== null;
  const skipped = skip.length ? sql`AND m.id NOT IN (${sql.join(skip.map((id) => sql`${id}`), sql`, `)})` : sql``;
  return database().all<PendingMessage>(
    hasTable
      ? sql`SELECT m.id AS id, m.content AS content FROM messages m LEFT JOIN message_vectors v ON v.message_id = m.id
          WHERE m.status != 'streaming' AND m.content != '' AND (v.id IS NULL OR v.chars != length(m.content)) ${skipped}
          ORDER BY m.created_at DESC LIMIT ${limit}`
      : sql`SELECT m.id AS id, m.content AS content FROM messages m WHERE m.status != 'streaming' AND m.content != '' ${skipped}
          ORDER BY m.created_at DESC LIMIT ${limit}`,
  );
}

/** Of these messages and the ones they answer, those whose vector is missing or out of date (an answer that just ended, and its question). */
export async function theseWithoutVectors({ ids }: { ids: readonly string[] }): Promise<PendingMessage[]> {
  if (ids.length === 0) return [];
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  const hasTable = (await vectorSpace()) !== null;
  return database().all<PendingMessage>(sql`SELECT m.id AS id, m.content AS content FROM messages m
    ${hasTable ? sql`LEFT JOIN message_vectors v ON v.message_id = m.id` : sql``}
    WHERE (m.id IN (${list}) OR m.id IN (SELECT parent_id FROM messages WHERE id IN (${list})))
      AND m.status != 'streaming' AND m.content != ''
      ${hasTable ? sql`AND (v.id IS NULL OR v.chars != length(m.content))` : sql``}`);
}

/** Stores vectors (one batch). A message deleted meanwhile is left out; one changed meanwhile is taken again later. */
export async function storeVectors(rows: { messageId: string; chars: number; vector: Float32Array }[]): Promise<void> {
  if (rows.length === 0) return;
  const db = database();
  const statements = rows.map(({ messageId, chars, vector }) =>
    db.run(sql`INSERT INTO message_vectors (message_id, chars, embedding)
      SELECT ${messageId}, ${chars}, ${blobOf(vector)} WHERE EXISTS (SELECT 1 FROM messages WHERE id = ${messageId})
      ON CONFLICT(message_id) DO UPDATE SET chars = excluded.chars, embedding = excluded.embedding`),
  );
  await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}

function blobOf(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** How far the index has come: messages with an up-to-date vector, of those that can have one. */
export async function vectorProgress(): Promise<{ indexed: number; total: number }> {
  const [totals] = await database().all<{ total: number }>(sql`SELECT count(*) AS total FROM messages WHERE status != 'streaming' AND content != ''`);
  if ((await vectorSpace()) === null) return { indexed: 0, total: totals!.total };
  const [done] = await database().all<{ indexed: number }>(
    sql`SELECT count(*) AS indexed FROM message_vectors v JOIN messages m ON m.id = v.message_id WHERE v.chars = length(m.content)`,
  );
  return { indexed: done!.indexed, total: totals!.total };
}

/** Nearest vectors looked at per search, before the person's scope and filters. */
const NEAREST = 200;
/**
 * Farther than this (cosine distance, 0 same direction to 2 opposite) a
 * message is not about the query at all, whatever the model.
 */
export const MAX_DISTANCE = 0.75;

export type NearHit = Omit<MessageHit, "snippet"> & { distance: number; content: string };

/**
 * Messages nearest to `vector` in meaning, in the chats `userId` may read,
 * nearest first. The vector index finds the nearest of all messages; the scope
 * and filters then keep the person's. The caller has read `vectorSpace()`:
 * the table exists and `vector` has its length.
 */
export async function nearestMessages({ userId, vector, filters, limit }: { userId: string; vector: Float32Array; filters: SearchFilters; limit: number }): Promise<NearHit[]> {
  const query = blobOf(vector);
  const rows = await database().all<Omit<NearHit, "archived"> & { archived: number }>(sql`
    SELECT m.id AS messageId, m.chat_id AS chatId, c.title AS chatTitle, m.role AS role, m.model AS model, m.created_at AS createdAt,
      c.archived AS archived, substr(m.content, 1, 400) AS content, vector_distance_cos(v.embedding, ${query}) AS distance
    FROM vector_top_k('message_vectors_ann', ${query}, ${NEAREST}) t
    JOIN message_vectors v ON v.id = t.id
    JOIN messages m ON m.id = v.message_id
    JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ${userId}
    JOIN chats c ON c.id = m.chat_id
    WHERE m.status != 'streaming' ${messageFilters(filters)}
    ORDER BY distance
    LIMIT ${limit}`);
  return rows.filter((row) => row.distance <= MAX_DISTANCE).map((row) => ({ ...row, archived: Boolean(row.archived) }));
}
