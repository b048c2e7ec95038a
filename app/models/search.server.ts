// Full-text search over the chats a person may read (docs/decisions/075).
// The FTS5 tables `message_search` and `chat_search` (trigram tokenizer) are
// kept current by triggers in the migration, so no write path here or
// elsewhere has to remember them. Scoping is a join on chat_members: a hit
// in a chat the person is not a member of never leaves the database.
// The index holds text folded for search (docs/decisions/174): its hits are
// marked on the text as written before they leave this module.
import { type SQL, sql } from "drizzle-orm";
import type { Message } from "../../drizzle/schema";
import { database } from "../db.server";
import { foldSql, foldWithSources } from "../utils/search-fold";

/** Where a hit starts and ends in a snippet: control characters no message text is shown with. */
export const HIT_START = "\u0002";
export const HIT_END = "\u0003";

/** SQL: the files of the message `m` (an alias) as the index reads them, before folding: each file's name, and the text read from it. */
function filesText(m: string): string {
  return `(SELECT group_concat(json_extract(p.value, '$.name') || coalesce(char(10) || b.extracted_text, ''), char(10))
      FROM json_each(CASE WHEN json_valid(${m}.parts) THEN ${m}.parts ELSE '[]' END) p
      LEFT JOIN attachments a ON a.id = json_extract(p.value, '$.attachmentId')
      LEFT JOIN blobs b ON b.id = a.blob_id
      WHERE json_extract(p.value, '$.type') = 'file')`;
}

/**
 * Writes again the `files` column of the search rows of the messages `messages`
 * selects (a subquery of message ids): each file's name and the text read from
 * it. The insert trigger writes it once, when the message is stored; a file's
 * text read later (an imported PDF), or files linked after their messages (an
 * import's batch), need it written again.
 */
export function reindexMessageFiles(messages: SQL): SQL {
  return sql`
    UPDATE message_search SET files = ${sql.raw(foldSql(`(SELECT ${filesText("m")} FROM message_search_rows r JOIN messages m ON m.id = r.message_id WHERE r.id = message_search.rowid)`))}
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
 * counts twice one in a file), `limit` from `offset`. `containing`: words too
 * short for the index that each message's own text must hold too, each in
 * one of its forms (see messagesContaining).
 */
export async function searchMessages({
  userId,
  match,
  containing = [],
  filters,
  limit,
  offset = 0,
}: {
  userId: string;
  match: string;
  containing?: string[][];
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
  const page = { userId, match, containing, filters, limit, offset };
  const fast = await rankedPage({ ...page, candidates: sql`SELECT rowid AS rid, rank AS score FROM message_search WHERE message_search MATCH ${match} ORDER BY rank LIMIT ${pool}` });
  const complete = fast.rows.length === limit || fast.pool < pool;
  const rows = complete ? fast.rows : (await rankedPage({ ...page, candidates: sql`SELECT rowid AS rid, rank AS score FROM message_search WHERE message_search MATCH ${match}` })).rows;
  return rows.map(({ pool: _pool, ...row }) => ({ ...row, archived: Boolean(row.archived) }));
}

/** Candidate matches beyond which the search scopes the whole match (see searchMessages). */
const CANDIDATES = 200;

type HitRow = Omit<MessageHit, "archived"> & { archived: number; pool: number; body: string; original: string };

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

/** A piece of a text: [start, end) in UTF-16 units. */
type Range = [start: number, end: number];

/** `marked` without its hit marks, and where its hits are in that text. */
function unmarked(marked: string): { text: string; hits: Range[] } {
  let text = "";
  const hits: Range[] = [];
  let from = -1;
  for (let i = 0; i < marked.length; i++) {
    const unit = marked[i]!;
    if (unit === HIT_START) from = text.length;
    else if (unit === HIT_END) {
      if (from !== -1 && text.length > from) hits.push([from, text.length]);
      from = -1;
    } else text += unit;
  }
  if (from !== -1 && text.length > from) hits.push([from, text.length]);
  return { text, hits };
}

/** `text` with each of `hits` between HIT_START and HIT_END; hits that overlap or touch are one. */
function withHits(text: string, hits: readonly Range[]): string {
  const sorted = [...hits].filter(([start, end]) => end > start).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let out = "";
  let at = 0;
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]![0];
    let end = sorted[i]![1];
    while (i + 1 < sorted.length && sorted[i + 1]![0] <= end) end = Math.max(end, sorted[++i]![1]);
    out += `${text.slice(at, start)}${HIT_START}${text.slice(start, end)}${HIT_END}`;
    at = end;
  }
  return out + text.slice(at);
}

/**
 * The hits of `marked`, the index's copy of `original` with its hits marked,
 * placed on `original`: the copy is folded (ß is ss there, a vowel mark is
 * gone), so its places are not the original's. Null when the index holds
 * other text than `original` (an answer continued since it was indexed).
 */
function hitsOnOriginal(marked: string, original: string): Range[] | null {
  const { text, hits } = unmarked(marked);
  if (text === original) return hits;
  const folded = foldWithSources(original);
  if (folded.text !== text) return null;
  return hits.map(([start, end]) => [folded.start[start]!, folded.end[end - 1]!]);
}

/** Every place in `text` where one of `forms` is (ASCII letters in any case when `anyCase`, as LIKE reads them). */
function occurrences(text: string, forms: readonly string[], { anyCase = false } = {}): Range[] {
  const asciiLower = (s: string) => (anyCase ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);
  const haystack = asciiLower(text);
  const found: Range[] = [];
  for (const form of forms) {
    const needle = asciiLower(form);
    if (!needle) continue;
    for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) found.push([i, i + needle.length]);
  }
  return found;
}

/** Every place in `text` where one of `forms` is, as the index reads it (folded), placed on `text`. */
function foldedOccurrences(text: string, forms: readonly string[]): Range[] {
  const folded = foldWithSources(text);
  return occurrences(folded.text, forms, { anyCase: true }).map(([start, end]) => [folded.start[start]!, folded.end[end - 1]!]);
}

/**
 * `original` with the hits of the index's `marked` copy, and every place
 * holding one of the forms of `containing`; the index's own marked copy when
 * it holds other text.
 */
function markedOriginal(marked: string, original: string, containing: readonly string[][]): string {
  const hits = hitsOnOriginal(marked, original);
  if (!hits) return marked;
  return withHits(original, [...hits, ...containing.flatMap((forms) => occurrences(original, forms))]);
}

/**
 * `snippet` (FTS5's snippet() of the index's folded copy of `original`, "…"
 * where it was cut) as the same piece of `original`, hits kept; `snippet`
 * itself when that piece is not found.
 */
function snippetOnOriginal(snippet: string, original: string): string {
  const { text, hits } = unmarked(snippet);
  if (original.includes(text)) return snippet;
  const folded = foldWithSources(original);
  // The cut's "…" is not the text's, unless the text has it there.
  for (const [before, after] of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ] as const) {
    const cutBefore = before === 1 && text.startsWith("…");
    const cutAfter = after === 1 && text.endsWith("…");
    if ((before === 1 && !cutBefore) || (after === 1 && !cutAfter)) continue;
    const piece = text.slice(before, text.length - after);
    const at = piece ? folded.text.indexOf(piece) : -1;
    if (at === -1) continue;
    const from = folded.start[at]!;
    const to = folded.end[at + piece.length - 1]!;
    const placed = hits
      .map(([start, end]): Range => [Math.max(start - before, 0), Math.min(end - before, piece.length)])
      .filter(([start, end]) => end > start)
      .map(([start, end]): Range => [folded.start[at + start]! - from, folded.end[at + end - 1]! - from]);
    return `${before ? "…" : ""}${withHits(original.slice(from, to), placed)}${after ? "…" : ""}`;
  }
  return snippet;
}

async function rankedPage({
  userId,
  match,
  containing,
  filters,
  limit,
  offset,
  candidates,
}: {
  userId: string;
  match: string;
  containing: string[][];
  filters: SearchFilters;
  limit: number;
  offset: number;
  candidates: SQL;
}): Promise<{ rows: HitRow[]; pool: number }> {
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
      WHERE 1 ${messageFilters(filters)} ${containsAll(containing)}
      ORDER BY cand.score, m.created_at DESC
      LIMIT ${limit} OFFSET ${offset}
    )
    SELECT page.messageId, page.chatId, page.chatTitle, page.role, page.model, page.createdAt, page.archived,
      snippet(message_search, -1, ${HIT_START}, ${HIT_END}, '…', 64) AS snippet,
      highlight(message_search, 0, ${HIT_START}, ${HIT_END}) AS body,
      (SELECT content FROM messages WHERE id = page.messageId) AS original,
      (SELECT count(*) FROM candidates) AS pool
    FROM page CROSS JOIN message_search ON message_search.rowid = page.rid
    WHERE message_search MATCH ${match}
    ORDER BY page.score, page.createdAt DESC`);
  // FTS5's snippet is at most 64 tokens, and a trigram index's token is a character: about one line of a
  // result. A hit in the message's own words gets a passage around its first hit instead; one found only
  // in its files' text keeps the index's snippet (that text may be a whole book), placed on the text as read.
  const inFiles: HitRow[] = [];
  for (const row of rows) {
    const passage = passageAround(markedOriginal(row.body, row.original, containing));
    if (passage !== null) row.snippet = passage;
    else inFiles.push(row);
    delete (row as Partial<HitRow>).body;
    delete (row as Partial<HitRow>).original;
  }
  if (inFiles.length) {
    const files = await filesOf(inFiles.map((row) => row.messageId));
    for (const row of inFiles) row.snippet = snippetOnOriginal(row.snippet, files.get(row.messageId) ?? "");
  }
  return { rows, pool: rows[0]?.pool ?? (await database().all<{ n: number }>(sql`WITH candidates AS (${candidates}) SELECT count(*) AS n FROM candidates`))[0]!.n };
}

/** The files' text of each of `messageIds` as the index reads it before folding: names, and the text read from them. */
async function filesOf(messageIds: string[]): Promise<Map<string, string>> {
  const rows = await database().all<{ id: string; files: string | null }>(sql`
    SELECT m.id AS id, ${sql.raw(filesText("m"))} AS files FROM messages m WHERE m.id IN (${sql.join(messageIds.map((id) => sql`${id}`), sql`, `)})`);
  return new Map(rows.map((row) => [row.id, row.files ?? ""]));
}

/** A message `m`'s own text holds, for each of `containing`, one of its forms. */
function containsAll(containing: readonly string[][]): SQL {
  return sql.join(
    containing.map((forms) => sql`AND (${sql.join(forms.map((form) => sql`instr(m.content, ${form}) > 0`), sql` OR `)})`),
    sql` `,
  );
}

/** Messages read per search for words too short for the index: the newest chats' first, so the cost is bounded (docs/decisions/174). */
export const SHORT_WORDS_SCANNED = 10_000;
/** Chats whose messages are read at a time, each a statement of its own so other requests get the database in between. */
const CHATS_A_TIME = 50;

/**
 * Messages whose own text holds, for each of `containing`, one of its forms:
 * words of one or two characters in Chinese, Japanese or Korean, too short
 * for the trigram index. Read chat by chat, most recently active first (in a
 * chat, newest first), until `offset + limit` are found or about `scanLimit`
 * messages were read; `unread` says the reading stopped there, with chats
 * left that may hold more.
 */
export async function messagesContaining({
  userId,
  containing,
  filters,
  limit,
  offset = 0,
  scanLimit = SHORT_WORDS_SCANNED,
}: {
  userId: string;
  containing: string[][];
  filters: SearchFilters;
  limit: number;
  offset?: number;
  scanLimit?: number;
}): Promise<{ hits: MessageHit[]; unread: boolean }> {
  const chats = await database().all<{ id: string }>(sql`
    SELECT c.id AS id FROM chat_members cm JOIN chats c ON c.id = cm.chat_id
    WHERE cm.user_id = ${userId} ${archivedCondition(filters)} ${chatDateCondition(filters)}
    ORDER BY c.updated_at DESC, c.id`);
  const found: (MessageHit & { content: string })[] = [];
  let read = 0;
  let next = 0;
  while (next < chats.length && found.length < offset + limit && read < scanLimit) {
    const batch = sql.join(
      chats.slice(next, next + CHATS_A_TIME).map((chat) => sql`${chat.id}`),
      sql`, `,
    );
    next += CHATS_A_TIME;
    const [counted] = await database().all<{ n: number }>(sql`SELECT count(*) AS n FROM messages WHERE chat_id IN (${batch})`);
    read += counted!.n;
    const rows = await database().all<Omit<MessageHit, "archived" | "snippet"> & { archived: number; content: string }>(sql`
      SELECT m.id AS messageId, m.chat_id AS chatId, c.title AS chatTitle, m.role AS role, m.model AS model, m.created_at AS createdAt,
        c.archived AS archived, m.content AS content
      FROM messages m JOIN chats c ON c.id = m.chat_id
      WHERE m.chat_id IN (${batch}) AND m.status != 'streaming' ${messageFilters(filters)} ${containsAll(containing)}
      ORDER BY c.updated_at DESC, c.id, m.created_at DESC, m.id
      LIMIT ${offset + limit - found.length}`);
    for (const row of rows) found.push({ ...row, archived: Boolean(row.archived), snippet: "" });
  }
  const hits = found.slice(offset, offset + limit).map(({ content, ...hit }) => ({
    ...hit,
    snippet: passageAround(withHits(content, containing.flatMap((forms) => occurrences(content, forms)))) ?? content.slice(0, PASSAGE_CHARS),
  }));
  return { hits, unread: found.length < offset + limit && next < chats.length };
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

/** The chats `userId` may read whose title, folded as the index folds it, contains one of `forms`, within the filters: a FROM clause. */
function titlesContaining({ userId, forms, filters }: { userId: string; forms: string[]; filters: SearchFilters }): SQL {
  const title = sql.raw(foldSql("c.title"));
  const patterns = forms.map((form) => `%${form.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return sql`FROM chat_members cm JOIN chats c ON c.id = cm.chat_id
    WHERE cm.user_id = ${userId} AND (${sql.join(
      patterns.map((pattern) => sql`${title} LIKE ${pattern} ESCAPE '\\'`),
      sql` OR `,
    )})
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
  const rows = await database().all<Omit<ChatHit, "archived"> & { archived: number; original: string }>(sql`
    SELECT c.id AS chatId, highlight(chat_search, 0, ${HIT_START}, ${HIT_END}) AS title, c.title AS original, c.updated_at AS updatedAt, c.archived AS archived
    ${titlesMatching({ userId, match, filters })}
    ORDER BY bm25(chat_search), c.updated_at DESC, c.id
    LIMIT ${limit} OFFSET ${offset}`);
  return rows.map(({ original, ...row }) => {
    const hits = hitsOnOriginal(row.title, original);
    return { ...row, title: hits ? withHits(original, hits) : row.title, archived: Boolean(row.archived) };
  });
}

/** How many chats searchChatTitles finds in all. */
export async function countChatTitles({ userId, match, filters }: { userId: string; match: string; filters: SearchFilters }): Promise<number> {
  const [row] = await database().all<{ n: number }>(sql`SELECT count(*) AS n ${titlesMatching({ userId, match, filters })}`);
  return row!.n;
}

/**
 * Chats whose title contains one of `forms` (a query too short for the
 * trigram index, in its folded forms: see searchForms), most recent first,
 * `limit` from `offset`. LIKE folds the case of ASCII letters only.
 */
export async function chatTitlesContaining({ userId, forms, filters, limit, offset = 0 }: { userId: string; forms: string[]; filters: SearchFilters; limit: number; offset?: number }): Promise<ChatHit[]> {
  if (!forms.length) return [];
  const rows = await database().all<{ chatId: string; title: string; updatedAt: number; archived: number }>(sql`
    SELECT c.id AS chatId, c.title AS title, c.updated_at AS updatedAt, c.archived AS archived
    ${titlesContaining({ userId, forms, filters })}
    ORDER BY c.updated_at DESC, c.id
    LIMIT ${limit} OFFSET ${offset}`);
  return rows.map((row) => ({ chatId: row.chatId, title: withHits(row.title, foldedOccurrences(row.title, forms)), updatedAt: row.updatedAt, archived: Boolean(row.archived) }));
}

/** How many chats chatTitlesContaining finds in all. */
export async function countChatTitlesContaining({ userId, forms, filters }: { userId: string; forms: string[]; filters: SearchFilters }): Promise<number> {
  if (!forms.length) return 0;
  const [row] = await database().all<{ n: number }>(sql`SELECT count(*) AS n ${titlesContaining({ userId, forms, filters })}`);
  return row!.n;
}
