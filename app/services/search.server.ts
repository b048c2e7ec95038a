// Search: what a person types, turned into a full-text query over the chats
// they may read (docs/decisions/075) and, when an embeddings model is set up,
// a search by meaning fused with it by reciprocal rank (docs/decisions/103).
// Words are folded as the index folds its text (docs/decisions/174).
// Every search with words counts against the `search` rate limit.
import { z } from "zod";
import { embed, embeddingsModel, type EmbeddingsModel } from "../llm/embeddings.server";
import {
  chatTitlesContaining,
  type ChatHit,
  countChatTitles,
  countChatTitlesContaining,
  HIT_END,
  HIT_START,
  type MessageHit,
  messagesContaining,
  type SearchFilters,
  searchChatTitles,
  searchMessages,
  SHORT_WORDS_SCANNED,
} from "../models/search.server";
import { nearestMessages, type NearHit, vectorSpace } from "../models/vectors.server";
import { logger } from "../utils/logger.server";
import { AppError, type ErrorCode } from "../protocol/errors";
import { readableSnippet, segmentsOf, type Segment } from "../utils/highlight";
import { indexedLength, searchForms } from "../utils/search-fold";
import { consume } from "./limits.server";
import { MIN_TERM_CHARS, SEARCH_MAX_CHARS } from "./search-limits";

export { MIN_TERM_CHARS, SEARCH_MAX_CHARS, SHORT_WORDS_SCANNED };
export const SEARCH_PAGE_SIZE = 20;
/** Chats found by their title above the messages of the first page; the rest are a link away (`in=chats`). */
export const CHATS_ABOVE_MESSAGES = 8;
/** Chats found by their title in the quick switcher. */
const CHATS_IN_QUICK = 5;
/** Pages of messages: far enough for any search worth paging through; a message page costs more the deeper it is. */
const MESSAGE_PAGES = 50;
/** Pages of chats found by their title: every chat anyone keeps (100,000), since each is one a person may be looking for. */
const CHAT_PAGES = 5_000;
const MAX_TERMS = 12;
const DAY_MS = 86_400_000;

const code = (c: ErrorCode) => c;
const date = z
  .string()
  .trim()
  .transform((s) => s || undefined)
  .refine((s) => s === undefined || (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))), code("search_date_invalid"))
  .optional();

/** The search page's query string (and the quick switcher's). Unknown fields are ignored. */
export const searchQuerySchema = z
  .object({
    // Control characters (a NUL pasted or put in the address) are nothing a person means to find: they separate words.
    q: z
      .string()
      .max(SEARCH_MAX_CHARS, code("search_query_too_long"))
      .default("")
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is matched here
      .transform((s) => s.replace(/[\u0000-\u001f\u007f]/g, " ")),
    page: z.coerce.number().int().min(1).max(CHAT_PAGES).catch(1),
    /** `chats`: only the chats found by their title, all of them a page at a time; else everything found. */
    in: z.enum(["all", "chats"]).catch("all"),
    archived: z.enum(["all", "active", "archived"]).catch("all"),
    from: date,
    to: date,
    // A model id (`provider:model`); anything else in the address filters nothing.
    model: z
      .string()
      .max(200)
      .trim()
      .optional()
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
      .transform((s) => (s && /^[a-z0-9_.-]+:[^\s\u0000-\u001f\u007f\ufffd]+$/i.test(s) ? s : undefined)),
    /** The quick switcher's request: fewer results, no paging. */
    view: z.enum(["page", "quick"]).catch("page"),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: code("search_dates_reversed"), path: ["to"] })
  // A page of messages past the last one allowed is the first, as any other page number out of range.
  .transform((q) => (q.in !== "chats" && q.page > MESSAGE_PAGES ? { ...q, page: 1 } : q));

export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** Parses the query string; a value a person can fix is an AppError naming the field. */
export function parseSearchQuery(params: URLSearchParams): SearchQuery {
  const parsed = searchQuerySchema.safeParse(Object.fromEntries(params));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const issueCode = issue.message === "search_query_too_long" || issue.message === "search_dates_reversed" ? issue.message : "search_date_invalid";
  const field = String(issue.path[0] ?? "q");
  throw new AppError(issueCode, { field, params: issueCode === "search_query_too_long" ? { max: SEARCH_MAX_CHARS } : issueCode === "search_date_invalid" ? { field } : undefined });
}

// A phrase in straight or typographic quotes ("…", “…”, «…», „…“), else a word.
const TERMS = /"([^"]*)"|“([^”]*)”|«([^»]*)»|„([^“”]*)[“”]|(\S+)/g;
// What a sentence puts around a word (a question mark, a comma, quotes, brackets, in Chinese and Japanese too), not the word itself.
const SENTENCE_MARKS = String.raw`[.,;:!?…'"“”«»„‘’()[\]{}、。，．；：？！「」『』（）【】〈〉《》]+`;
const AROUND_A_WORD = new RegExp(`^${SENTENCE_MARKS}|${SENTENCE_MARKS}$`, "g");

/** The words and "quoted phrases" of a query, as typed (at most twelve): `tundra?` looks for tundra. */
export function termsOf(q: string): string[] {
  const terms: string[] = [];
  for (const found of q.matchAll(TERMS)) {
    const phrase = found[1] ?? found[2] ?? found[3] ?? found[4];
    const term = phrase !== undefined ? phrase.trim() : found[5]!.replace(AROUND_A_WORD, "");
    if (term) terms.push(term);
  }
  return terms.slice(0, MAX_TERMS);
}

/** Letters of Chinese, Japanese and Korean: scripts whose words are mostly of one or two characters. */
const SHORT_WORD_SCRIPTS = /^(?:(?=[\p{L}\p{M}])[\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}\p{Script_Extensions=Hangul}])+$/u;

/** What a query's terms ask the index for, and for the words too short for it. */
export interface SearchWords {
  /** An FTS5 expression that finds every term long enough for the trigram index, or null when none is. */
  match: string | null;
  /**
   * Words of one or two characters in Chinese, Japanese or Korean (most of
   * their words are): each in its forms, one of which a message's own text
   * must hold.
   */
  short: string[][];
}

/**
 * The terms as the index is asked for them. Each term is looked for in each of
 * its forms (searchForms: composed, decomposed, compatibility, all folded as
 * the index folds its text), any of which may match; each form is quoted as a
 * phrase, so nothing a person types is read as FTS5 syntax. A term whose
 * composed form is shorter than three characters is too short for the trigram
 * index: left out (a piece that short would match everything beside other
 * words), or, in Chinese, Japanese or Korean, a short word.
 */
export function searchWords(terms: string[]): SearchWords {
  const groups: string[] = [];
  const short: string[][] = [];
  for (const term of terms) {
    const forms = searchForms(term);
    if (!forms.length) continue;
    if (indexedLength(forms[0]!) >= MIN_TERM_CHARS) {
      const phrases = forms.filter((form) => indexedLength(form) >= MIN_TERM_CHARS).map((form) => `"${form.replaceAll('"', '""')}"`);
      groups.push(phrases.length === 1 ? phrases[0]! : `(${phrases.join(" OR ")})`);
    } else if (SHORT_WORD_SCRIPTS.test(forms[0]!)) short.push(forms);
  }
  return { match: groups.length ? groups.join(" ") : null, short };
}

export interface ChatResult extends Omit<ChatHit, "title"> {
  title: Segment[];
}
export interface MessageResult extends Omit<MessageHit, "snippet" | "chatTitle"> {
  chatTitle: string;
  snippet: Segment[];
  /** What found it: its words, its meaning, or both. */
  found: "words" | "meaning" | "both";
}

/**
 * Search by meaning: `on`; `off` (no embeddings model set up: words only);
 * `unavailable` (set up, but the endpoint failed for this query: words only).
 */
export type MeaningSearch = "on" | "off" | "unavailable";

export interface SearchResults {
  q: string;
  chats: ChatResult[];
  messages: MessageResult[];
  page: number;
  hasMore: boolean;
  /**
   * How many chats were found by their title in all: on the chats' own pages,
   * and on the first page when there are more than it shows; else (and in the
   * quick switcher) null.
   */
  chatsFound: number | null;
  /** True when no word had three characters (nor was a short word in Chinese, Japanese or Korean): the words of messages were not searched. */
  tooShort: boolean;
  /**
   * Short words in Chinese, Japanese or Korean are read in the messages of the
   * most recently active chats, this many in all (SHORT_WORDS_SCANNED), when
   * older chats were left unread for them; else null.
   */
  shortWordsUpTo: number | null;
  meaning: MeaningSearch;
}

function filtersOf(query: SearchQuery): SearchFilters {
  return {
    archived: query.archived,
    ...(query.from ? { since: Date.parse(`${query.from}T00:00:00Z`) } : {}),
    // "To" is inclusive: up to the end of that day.
    ...(query.to ? { until: Date.parse(`${query.to}T00:00:00Z`) + DAY_MS } : {}),
    ...(query.model ? { model: query.model } : {}),
  };
}

/**
 * Searches the chats `user` may read: titles (the first few, on the first
 * page) and messages, best first; or, with `in: "chats"`, titles only, a page
 * at a time. An empty query is no search (and is not counted). The quick
 * switcher searches words only: it asks at every pause in typing.
 */
export async function search({ user, ip, query }: { user: { id: string }; ip?: string | null; query: SearchQuery }): Promise<SearchResults> {
  const q = query.q.trim();
  const quick = query.view === "quick";
  const page = quick ? 1 : query.page;
  const model = quick ? null : embeddingsModel().model;
  const empty: SearchResults = { q, chats: [], messages: [], page, hasMore: false, chatsFound: null, tooShort: false, shortWordsUpTo: null, meaning: model ? "on" : "off" };
  if (!q) return empty;
  await consume({ action: "search", user, ip });
  const filters = filtersOf(query);
  const { match, short } = searchWords(termsOf(q));
  const tooShort = !match && !short.length;
  if (!quick && query.in === "chats") return { ...empty, ...(await chatsByTitle({ userId: user.id, q, match, filters, page })), tooShort };
  const chatLimit = quick ? CHATS_IN_QUICK : CHATS_ABOVE_MESSAGES;
  const messageLimit = quick ? 8 : SEARCH_PAGE_SIZE;
  const offset = (page - 1) * messageLimit;
  // With meaning too, both lists are fused from their tops: each is asked for everything up to this page.
  const wordsPage = { userId: user.id, filters, limit: model ? offset + messageLimit + 1 : messageLimit + 1, offset: model ? 0 : offset };
  const [chats, byWords, byMeaning] = await Promise.all([
    // One more than shown: whether the page links to the rest.
    page !== 1 ? Promise.resolve([]) : titleHits({ userId: user.id, q, match, filters, limit: chatLimit + 1, offset: 0 }),
    match
      ? searchMessages({ ...wordsPage, match, containing: short }).then((hits) => ({ hits, unread: false }))
      : short.length
        ? messagesContaining({ ...wordsPage, containing: short })
        : Promise.resolve({ hits: [], unread: false }),
    model ? searchByMeaning({ model, userId: user.id, q, filters, limit: offset + messageLimit + 1 }) : Promise.resolve(null),
  ]);
  const meaning: MeaningSearch = !model ? "off" : byMeaning ? "on" : "unavailable";
  const results = byMeaning ? fuse(byWords.hits, byMeaning).slice(offset) : byWords.hits.map((hit) => asMessageResult(hit, "words"));
  const moreChats = !quick && chats.length > chatLimit;
  return {
    ...empty,
    chats: chats.slice(0, chatLimit).map(asChatResult),
    messages: results.slice(0, messageLimit),
    hasMore: !quick && results.length > messageLimit,
    chatsFound: moreChats ? await countTitleHits({ userId: user.id, q, match, filters }) : null,
    tooShort,
    shortWordsUpTo: byWords.unread ? SHORT_WORDS_SCANNED : null,
    meaning,
  };
}

type TitleSearch = { userId: string; q: string; match: string | null; filters: SearchFilters };

/** Chats found by their title: by the index, or by the text itself (folded alike) when no word is long enough for it. */
function titleHits({ userId, q, match, filters, limit, offset }: TitleSearch & { limit: number; offset: number }): Promise<ChatHit[]> {
  return match ? searchChatTitles({ userId, match, filters, limit, offset }) : chatTitlesContaining({ userId, forms: searchForms(q), filters, limit, offset });
}

function countTitleHits({ userId, q, match, filters }: TitleSearch): Promise<number> {
  return match ? countChatTitles({ userId, match, filters }) : countChatTitlesContaining({ userId, forms: searchForms(q), filters });
}

/** One page of the chats found by their title, with how many there are in all. */
async function chatsByTitle({ page, ...search }: TitleSearch & { page: number }): Promise<Pick<SearchResults, "chats" | "hasMore" | "chatsFound">> {
  const [chats, found] = await Promise.all([titleHits({ ...search, limit: SEARCH_PAGE_SIZE + 1, offset: (page - 1) * SEARCH_PAGE_SIZE }), countTitleHits(search)]);
  return { chats: chats.slice(0, SEARCH_PAGE_SIZE).map(asChatResult), hasMore: chats.length > SEARCH_PAGE_SIZE, chatsFound: found };
}

/** Query vectors already asked for (the same words searched again, the next page): the endpoint is not asked twice. */
const queryVectors = new Map<string, Float32Array>();
const QUERY_VECTORS_KEPT = 200;
/** A search waits this long for the query's vector; past it, words only. */
const QUERY_EMBEDDING_TIMEOUT_MS = 5_000;

/** Messages near the query in meaning, or null when that cannot be searched right now (the page says so). */
async function searchByMeaning({ model, userId, q, filters, limit }: { model: EmbeddingsModel; userId: string; q: string; filters: SearchFilters; limit: number }): Promise<NearHit[] | null> {
  const space = await vectorSpace();
  // Nothing indexed with this model yet (the backfill has not begun): nothing to compare with.
  if (space?.model !== model.id) return [];
  const key = `${model.id}\n${q}`;
  let vector = queryVectors.get(key);
  if (!vector) {
    try {
      [vector] = await embed(model, [q], { timeoutMs: QUERY_EMBEDDING_TIMEOUT_MS });
    } catch (error) {
      logger.warn("search by meaning is unavailable for a query: the embeddings endpoint failed", { model: model.id, error: error instanceof Error ? error.message : String(error) });
      return null;
    }
    queryVectors.set(key, vector!);
    if (queryVectors.size > QUERY_VECTORS_KEPT) queryVectors.delete(queryVectors.keys().next().value!);
  }
  if (vector!.length !== space.dimensions) return null;
  return nearestMessages({ userId, vector: vector!, filters, limit: Math.min(limit, 200) });
}

/** Reciprocal rank fusion's constant: how much the first places count over the next ones (60, as in its paper). */
const RRF_K = 60;

/**
 * One ranking from several (reciprocal rank fusion): each id scores the sum of
 * 1 / (RRF_K + its place) over the lists holding it; ties keep the first
 * list's order. https://plg.uwaterloo.ca/~gvcormac/cormacksigir09-rrf.pdf
 */
export function reciprocalRankFusion(lists: readonly (readonly string[])[]): string[] {
  const scores = new Map<string, { score: number; first: number }>();
  lists.forEach((list, listIndex) =>
    list.forEach((id, place) => {
      const entry = scores.get(id) ?? { score: 0, first: listIndex * 1e6 + place };
      entry.score += 1 / (RRF_K + place + 1);
      scores.set(id, entry);
    }),
  );
  return [...scores.entries()].sort((a, b) => b[1].score - a[1].score || a[1].first - b[1].first).map(([id]) => id);
}

function fuse(byWords: MessageHit[], byMeaning: NearHit[]): MessageResult[] {
  const words = new Map(byWords.map((hit) => [hit.messageId, hit]));
  const meaning = new Map(byMeaning.map((hit) => [hit.messageId, hit]));
  return reciprocalRankFusion([byWords.map((hit) => hit.messageId), byMeaning.map((hit) => hit.messageId)]).map((id) => {
    const hit = words.get(id);
    if (hit) return asMessageResult(hit, meaning.has(id) ? "both" : "words");
    const near = meaning.get(id)!;
    // Found by meaning only: no word to mark; the message's beginning is its snippet.
    const { distance: _distance, content, ...rest } = near;
    return { ...rest, snippet: [{ text: plainSnippet(content), hit: false }], found: "meaning" };
  });
}

function plainSnippet(content: string): string {
  const text = readableSnippet(content.replaceAll(HIT_START, "").replaceAll(HIT_END, ""));
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

function asMessageResult(hit: MessageHit, found: MessageResult["found"]): MessageResult {
  return { ...hit, snippet: segmentsOf(readableSnippet(hit.snippet)), found };
}

function asChatResult(hit: ChatHit): ChatResult {
  return { ...hit, title: segmentsOf(hit.title) };
}
