// Search: what a person types, turned into a full-text query over the chats
// they may read (docs/decisions/075). Every search with words counts against
// the `search` rate limit.
import { z } from "zod";
import { chatTitlesContaining, type ChatHit, type MessageHit, type SearchFilters, searchChatTitles, searchMessages } from "../models/search.server";
import { AppError, type ErrorCode } from "../protocol/errors";
import { segmentsOf, type Segment } from "../utils/highlight";
import { consume } from "./limits.server";
import { MIN_TERM_CHARS, SEARCH_MAX_CHARS } from "./search-limits";

export { MIN_TERM_CHARS, SEARCH_MAX_CHARS };
export const SEARCH_PAGE_SIZE = 20;
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
    q: z.string().max(SEARCH_MAX_CHARS, code("search_query_too_long")).default(""),
    page: z.coerce.number().int().min(1).max(50).catch(1),
    archived: z.enum(["all", "active", "archived"]).catch("all"),
    from: date,
    to: date,
    model: z.string().max(200).trim().optional().transform((s) => s || undefined),
    /** The quick switcher's request: fewer results, no paging. */
    view: z.enum(["page", "quick"]).catch("page"),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: code("search_date_invalid"), path: ["to"] });

export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** Parses the query string; a value a person can fix is an AppError naming the field. */
export function parseSearchQuery(params: URLSearchParams): SearchQuery {
  const parsed = searchQuerySchema.safeParse(Object.fromEntries(params));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const issueCode = issue.message === "search_query_too_long" ? "search_query_too_long" : "search_date_invalid";
  throw new AppError(issueCode, { field: String(issue.path[0] ?? "q"), params: issueCode === "search_query_too_long" ? { max: SEARCH_MAX_CHARS } : undefined });
}

/** The words and "quoted phrases" of a query, as typed (at most twelve). */
export function termsOf(q: string): string[] {
  const terms: string[] = [];
  for (const found of q.matchAll(/"([^"]*)"|(\S+)/g)) {
    const term = (found[1] ?? found[2] ?? "").trim();
    if (term) terms.push(term);
  }
  return terms.slice(0, MAX_TERMS);
}

/**
 * An FTS5 expression that finds every term (each quoted as a phrase, so
 * nothing a person types is read as FTS5 syntax), or null when no term is
 * long enough for the trigram index.
 */
export function matchExpression(terms: string[]): string | null {
  const usable = terms.filter((t) => [...t].length >= MIN_TERM_CHARS);
  return usable.length ? usable.map((t) => `"${t.replaceAll('"', '""')}"`).join(" ") : null;
}

export interface ChatResult extends Omit<ChatHit, "title"> {
  title: Segment[];
}
export interface MessageResult extends Omit<MessageHit, "snippet" | "chatTitle"> {
  chatTitle: string;
  snippet: Segment[];
}

export interface SearchResults {
  q: string;
  chats: ChatResult[];
  messages: MessageResult[];
  page: number;
  hasMore: boolean;
  /** True when no word had three characters: titles were searched, messages were not. */
  tooShort: boolean;
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
 * Searches the chats `user` may read: titles (on the first page) and
 * messages, best first. An empty query is no search (and is not counted).
 */
export async function search({ user, ip, query }: { user: { id: string }; ip?: string | null; query: SearchQuery }): Promise<SearchResults> {
  const q = query.q.trim();
  const quick = query.view === "quick";
  const page = quick ? 1 : query.page;
  const empty: SearchResults = { q, chats: [], messages: [], page, hasMore: false, tooShort: false };
  if (!q) return empty;
  await consume({ action: "search", user, ip });
  const filters = filtersOf(query);
  const match = matchExpression(termsOf(q));
  const chatLimit = quick ? 5 : 8;
  if (!match) {
    const chats = page === 1 ? await chatTitlesContaining({ userId: user.id, text: q, filters, limit: chatLimit }) : [];
    return { ...empty, chats: chats.map(asChatResult), tooShort: true };
  }
  const messageLimit = quick ? 8 : SEARCH_PAGE_SIZE;
  const [chats, messages] = await Promise.all([
    page === 1 ? searchChatTitles({ userId: user.id, match, filters, limit: chatLimit }) : Promise.resolve([]),
    searchMessages({ userId: user.id, match, filters, limit: messageLimit + 1, offset: (page - 1) * messageLimit }),
  ]);
  return {
    ...empty,
    chats: chats.map(asChatResult),
    messages: messages.slice(0, messageLimit).map((m) => ({ ...m, snippet: segmentsOf(m.snippet) })),
    hasMore: !quick && messages.length > messageLimit,
  };
}

function asChatResult(hit: ChatHit): ChatResult {
  return { ...hit, title: segmentsOf(hit.title) };
}
