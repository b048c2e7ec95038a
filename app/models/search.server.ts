// Full-text search over the chats a person may read (docs/decisions/075).
// The FTS5 tables `message_search` and `chat_search` (trigram tokenizer) are
// kept current by triggers in the migration, so no write path here or
// elsewhere has to remember them. Scoping is a join on chat_members: a hit
// in a chat the person is not a member of never leaves the database.
import { type SQL, sql } from "drizzle-orm";
import type { Message } from "../../drizzle/schema";
import { database } from "../db.server";

/** Where a hit starts and ends in a snippet: control characters no message text is shown with. */
export const HIT_START = "\u0002";
export const HIT_END = "\u0003";

/**
 * Writes again the `files` column of the search rows of the messages `messages`
 * selects (a subquery of message ids): each file's name and the text read from
 * it. The insert trigger writes it once, when the message is stored; a file's
 * text read later (an imported PDF), or files linked after their messages (an
 * import's batch), need it written again.
 */
export function reindexMessageFiles(messages: SQL): SQL {
  return sql`
    UPDATE message_search SET files = (
      SELECT group_concat(json_extract(p.value, '$.name') || coalesce(char(10) || b.extracted_text, ''), char(10))
      FROM message_search_rows r
      JOIN messages m ON m.id = r.message_id
      JOIN json_each(CASE WHEN json_valid(m.parts) THEN m.parts ELSE '[]' END) p
      LEFT JOIN attachments a ON a.id = json_extract(p.value, '$.attachmentId')
      LEFT JOIN blobs b ON b.id = a.blob_id
      WHERE r.id = message_search.rowid AND json_extract(p.value, '$.type') = 'file')
    WHERE rowid IN (SELECT r.id FROM message_search_rows r WHERE r.message_id IN (${messages}))`;
}

export interface SearchFilters {
  archived: "all" | "active" | "archived";
  /** Messages written at or after this time (ms). */
  since?: number;
  /** Messages written before this time (ms). */
  until?: number;
  /** Answers by this model, and the questions it answered (`provider:model`). */
  model?: string;
}

export interface MessageHit {
  messageId: string;
  chatId: string;
  chatTitle: string;
  role: Message["role"];
  model: string | null;
  createdAt: number;
  archived: boolean;
  /** The best passage, hits between HIT_START and HIT_END. */
  snippet: string;
}

export interface ChatHit {
  chatId: string;
  /** The title, hits between HIT_START and HIT_END. */
  title: string;
  updatedAt: number;
  archived: boolean;
}

function archivedCondition(filters: SearchFilters): SQL {
  if (filters.archived === "active") return sql`AND c.archived = 0`;
  if (filters.archived === "archived") return sql`AND c.archived = 1`;
  return sql``;
}

/** The filters as conditions on a message `m` in its chat `c`. */
export function messageFilters(filters: SearchFilters): SQL {
  return sql`${archivedCondition(filters)}
    ${filters.since !== undefined ? sql`AND m.created_at >= ${filters.since}` : sql``}
    ${filters.until !== undefined ? sql`AND m.created_at < ${filters.until}` : sql``}
    ${filters.model ? sql`AND (m.model = ${filters.model} OR EXISTS (SELECT 1 FROM messages a WHERE a.parent_id = m.id AND a.model = ${filters.model}))` : sql``}`;
}

/**
 * Messages matching an FTS5 expression, best first (bm25; a hit in the text
 * counts twice one in a file), `limit` from `offset`.
 */
export async function searchMessages({
  userId,
  match,
  filters,
  limit,
  offset = 0,
}: {
  userId: string;
  match: string;
  filters: SearchFilters;
  limit: number;
  offset?: number;
}): Promise<MessageHit[]> {
  // First the best matches of the whole index, ranked inside FTS5 (its own
  // `ORDER BY rank` sort, no joins per match), then the person's scope and
  // filters over those candidates. Filtering keeps the order, so when the
  // candidates hold the page the page is exact; when they run short while
  // more matches exist (another person's chats, narrow filters), the whole
  // match is scoped and ranked instead.
  const wanted = offset + limit;
  const pool = Math.max(CANDIDATES, wanted * 4);
  const fast = await rankedPage({ userId, match, filters, limit, offset, candidates: sql`SELECT rowid AS rid, rank AS score FROM message_search WHERE message_search MATCH ${match} ORDER BY rank LIMIT ${pool}` });
  const complete = fast.rows.length === limit || fast.pool < pool;
  const rows = complete ? fast.rows : (await rankedPage({ userId, match, filters, limit, offset, candidates: sql`SELECT rowid AS rid, rank AS score FROM message_search WHERE message_search MATCH ${match}` })).rows;
  return rows.map(({ pool: _pool, ...row }) => ({ ...row, archived: Boolean(row.archived) }));
}

/** Candidate matches beyond which the search scopes the whole match (see searchMessages). */
const CANDIDATES = 200;

type HitRow = Omit<MessageHit, "archived"> & { archived: number; pool: number; body: string };

/** Characters of a passage shown before its first hit, and in all. */
const PASSAGE_BEFORE = 60;
const PASSAGE_CHARS = 240;

/**
 * About PASSAGE_CHARS characters of `marked` (hits between HIT_START and
 * HIT_END) around its first hit, cut between words, with "…" where text was
 * left out; null when it holds no hit.
 */
export function passageAround(marked: string): string | null {
  const first = marked.indexOf(HIT_START);
  if (first === -1) return null;
  let start = Math.max(0, first - PASSAGE_BEFORE);
  // Begin at a word: after the first space past the cut (never past the hit).
  if (start > 0) {
    const space = marked.slice(start, first).search(/\s/);
    start = space === -1 ? first : start + space + 1;
  }
  let end = Math.min(marked.length, start + PASSAGE_CHARS);
  if (end < marked.length) {
    const space = marked.slice(first, end).search(/\s\S*$/);
    if (space > 0) end = first + space;
  }
  let passage = marked.slice(start, end);
  // A hit cut at the end is closed, so the marks stay paired.
  if (passage.lastIndexOf(HIT_START) > passage.lastIndexOf(HIT_END)) passage += HIT_END;
  return `${start > 0 ? "…" : ""}${passage}${end < marked.length ? "…" : ""}`;
}

async function rankedPage({ userId, match, filters, limit, offset, candidates }: { userId: string; match: string; filters: SearchFilters; limit: number; offset: number; candidates: SQL }): Promise<{ rows: HitRow[]; pool: number }> {
  // Snippets last, for the page's rows only: SQLite computes every output
  // column of every row before it sorts, and a snippet is the costly one.
  // CROSS JOIN keeps the second MATCH to a lookup by rowid.
  const rows = await database().all<HitRow>(sql`
    WITH candidates AS (${candidates}),
    page AS (
      SELECT cand.rid, cand.score, m.id AS messageId, m.chat_id AS chatId, c.title AS chatTitle, m.role AS role, m.model AS model,
        m.created_at AS createdAt, c.archived AS archived
      FROM candidates cand
      JOIN message_search_rows r ON r.id = cand.rid
      JOIN messages m ON m.id = r.message_id
      JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ${userId}
      JOIN chats c ON c.id = m.chat_id
      WHERE 1 ${messageFilters(filters)}
      ORDER BY cand.score, m.created_at DESC
      LIMIT ${limit} OFFSET ${offset}
    )
    SELECT page.messageId, page.chatId, page.chatTitle, page.role, page.model, page.createdAt, page.archived,
      snippet(message_search, -1, ${HIT_START}, ${HIT_END}, '…', 64) AS snippet,
      highlight(message_search, 0, ${HIT_START}, ${HIT_END}) AS body,
      (SELECT count(*) FROM candidates) AS pool
    FROM page CROSS JOIN message_search ON message_search.rowid = page.rid
    WHERE message_search MATCH ${match}
    ORDER BY page.score, page.createdAt DESC`);
  for (const row of rows) {
    // FTS5's snippet is at most 64 tokens, and a trigram index's token is a character: about one line of a
    // result. A hit in the message's own words gets a passage around its first hit instead; one found only
    // in its files' text keeps the index's snippet (that text may be a whole book).
    row.snippet = passageAround(row.body) ?? row.snippet;
    delete (row as Partial<HitRow>).body;
  }
  return { rows, pool: rows[0]?.pool ?? (await database().all<{ n: number }>(sql`WITH candidates AS (${candidates}) SELECT count(*) AS n FROM candidates`))[0]!.n };
}

/** A chat found by its title, in a period: one with a message written in it (its life overlaps the period). */
function chatDateCondition(filters: SearchFilters): SQL {
  return sql`${filters.since !== undefined ? sql`AND c.updated_at >= ${filters.since}` : sql``}
    ${filters.until !== undefined ? sql`AND c.created_at < ${filters.until}` : sql``}`;
}

function chatModelCondition(filters: SearchFilters): SQL {
  return filters.model ? sql`AND (c.model = ${filters.model} OR EXISTS (SELECT 1 FROM messages a WHERE a.chat_id = c.id AND a.model = ${filters.model}))` : sql``;
}

/** The chats `userId` may read whose title matches an FTS5 expression, within the filters: a FROM clause. */
function titlesMatching({ userId, match, filters }: { userId: string; match: string; filters: SearchFilters }): SQL {
  return sql`FROM chat_search s
    JOIN chat_search_rows r ON r.id = s.rowid
    JOIN chats c ON c.id = r.chat_id
    JOIN chat_members cm ON cm.chat_id = c.id AND cm.user_id = ${userId}
    WHERE chat_search MATCH ${match}
      ${archivedCondition(filters)}
      ${chatModelCondition(filters)}
      ${chatDateCondition(filters)}`;
}

/** The chats `userId` may read whose title contains `text`, within the filters: a FROM clause. */
function titlesContaining({ userId, text, filters }: { userId: string; text: string; filters: SearchFilters }): SQL {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`FROM chat_members cm JOIN chats c ON c.id = cm.chat_id
    WHERE cm.user_id = ${userId} AND c.title LIKE ${pattern} ESCAPE '\\'
      ${archivedCondition(filters)}
      ${chatModelCondition(filters)}
      ${chatDateCondition(filters)}`;
}

/**
 * Chats whose title matches an FTS5 expression, best first, `limit` from
 * `offset`. The chat's id ends the order so that equal titles keep one order
 * from page to page: none is shown twice, none skipped.
 */
export async function searchChatTitles({ userId, match, filters, limit, offset = 0 }: { userId: string; match: string; filters: SearchFilters; limit: number; offset?: number }): Promise<ChatHit[]> {
  const rows = await database().all<Omit<ChatHit, "archived"> & { archived: number }>(sql`
    SELECT c.id AS chatId, highlight(chat_search, 0, ${HIT_START}, ${HIT_END}) AS title, c.updated_at AS updatedAt, c.archived AS archived
    ${titlesMatching({ userId, match, filters })}
    ORDER BY bm25(chat_search), c.updated_at DESC, c.id
    LIMIT ${limit} OFFSET ${offset}`);
  return rows.map((row) => ({ ...row, archived: Boolean(row.archived) }));
}

/** How many chats searchChatTitles finds in all. */
export async function countChatTitles({ userId, match, filters }: { userId: string; match: string; filters: SearchFilters }): Promise<number> {
  const [row] = await database().all<{ n: number }>(sql`SELECT count(*) AS n ${titlesMatching({ userId, match, filters })}`);
  return row!.n;
}

/**
 * Chats whose title contains `text` (too short for the trigram index: one or
 * two characters), most recent first, `limit` from `offset`. LIKE folds the
 * case of ASCII letters only.
 */
export async function chatTitlesContaining({ userId, text, filters, limit, offset = 0 }: { userId: string; text: string; filters: SearchFilters; limit: number; offset?: number }): Promise<ChatHit[]> {
  const rows = await database().all<{ chatId: string; title: string; updatedAt: number; archived: number }>(sql`
    SELECT c.id AS chatId, c.title AS title, c.updated_at AS updatedAt, c.archived AS archived
    ${titlesContaining({ userId, text, filters })}
    ORDER BY c.updated_at DESC, c.id
    LIMIT ${limit} OFFSET ${offset}`);
  return rows.map((row) => ({ chatId: row.chatId, title: markAll(row.title, text), updatedAt: row.updatedAt, archived: Boolean(row.archived) }));
}

/** How many chats chatTitlesContaining finds in all. */
export async function countChatTitlesContaining({ userId, text, filters }: { userId: string; text: string; filters: SearchFilters }): Promise<number> {
  const [row] = await database().all<{ n: number }>(sql`SELECT count(*) AS n ${titlesContaining({ userId, text, filters })}`);
  return row!.n;
}

/** Marks each occurrence of `text` in `title` as the index would (case folded). */
function markAll(title: string, text: string): string {
  const lower = title.toLowerCase();
  const needle = text.toLowerCase();
  if (!needle || lower.length !== title.length) return title;
  let out = "";
  let at = 0;
  for (let i = lower.indexOf(needle); i !== -1; i = lower.indexOf(needle, at)) {
    out += `${title.slice(at, i)}${HIT_START}${title.slice(i, i + needle.length)}${HIT_END}`;
    at = i + needle.length;
  }
  return out + title.slice(at);
}
