import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useMoment } from "~/components/ui/moment";
import { formatNumber, useLocale, useTranslation } from "~/i18n/i18n";
import { requireUser } from "~/auth/session.server";
import { FormAlert } from "~/components/ui/Field";
import { HighlightedText } from "~/components/search/HighlightedText";
import { QuickSwitcher } from "~/components/search/QuickSwitcher";
import { isolate } from "~/i18n/isolate";
import { metaT, pageTitle } from "~/i18n/meta";
import { Trans } from "~/i18n/Trans";
import { inLanguage, listModelGroups, modelNameIn } from "~/llm/catalog.server";
import { describe } from "~/protocol/catalogue";
import { AppError } from "~/protocol/errors";
import { SEARCH_MAX_CHARS } from "~/services/search-limits";
import { parseSearchQuery, search, type SearchQuery, type SearchResults } from "~/services/search.server";
import { localeOf, retryAfter } from "~/utils/http.server";
import { asDateFieldValue } from "~/utils/date-field";
import { messageHref } from "~/utils/message-link";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const search = metaT(matches)("search.title");
  return pageTitle(data?.q ? `${isolate(data.q)} · ${search}` : search);
};

/** A refused search's Retry-After (429) reaches the response, for the page and the quick switcher alike. */
export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const wait = loaderHeaders.get("Retry-After");
  return wait ? { "Retry-After": wait } : new Headers();
};

const DEFAULT_QUERY: SearchQuery = { q: "", page: 1, archived: "all", in: "all", view: "page" };

/**
 * The search page (`/search?q=`, a GET form that works without JavaScript),
 * its pages of every chat found by its title (`in=chats`), and the quick
 * switcher's results (`view=quick`, fetched as data).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const params = new URL(request.url).searchParams;
  const quick = params.get("view") === "quick";
  const models = quick ? [] : inLanguage(await listModelGroups({ viewer: user }), localeOf(request)).map((g) => ({ label: g.label, models: g.models.map((m) => ({ id: m.id, label: m.label })) }));
  let query = DEFAULT_QUERY;
  try {
    query = parseSearchQuery(params);
    const results = await search({ user, ip: context.clientIp, query });
    return { ...results, query, models, formerModel: query.model ? modelNameIn(query.model, localeOf(request)) : null, error: null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const failed: SearchResults = { q: typeof params.get("q") === "string" ? params.get("q")!.slice(0, SEARCH_MAX_CHARS) : "", chats: [], messages: [], page: 1, hasMore: false, chatsFound: null, tooShort: false, shortWordsUpTo: null, meaning: "off" };
    // The filters come back as they were sent, so the form shows what to correct.
    const sent = (name: string) => params.get(name)?.slice(0, 200) || undefined;
    const archived = sent("archived");
    const typed: SearchQuery = { ...query, q: failed.q, from: asDateFieldValue(sent("from")), to: asDateFieldValue(sent("to")), model: sent("model"), archived: archived === "active" || archived === "archived" ? archived : "all" };
    return data(
      { ...failed, query: typed, models, formerModel: null, error: { message: describe(error.problem, localeOf(request)), field: error.field ?? null } },
      { status: error.status, headers: retryAfter(error) },
    );
  }
}


export default function SearchPage() {
  const moment = useMoment();
  const dateOf = (ms: number) => moment(ms, { dateOnly: true });
  const { q, chats, messages, page, hasMore, chatsFound, tooShort, shortWordsUpTo, meaning, query, models, formerModel, error } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const locale = useLocale();
  // On the pages of chats found by their title, the links stay among them.
  const chatsOnly = query.in === "chats";
  /** This search, with its filters: page `n` of everything found, or of the chats found by their title. */
  const searchHref = ({ page: n = 1, inChats = chatsOnly }: { page?: number; inChats?: boolean }) => {
    const params = new URLSearchParams({ q });
    if (inChats) params.set("in", "chats");
    if (query.archived !== "all") params.set("archived", query.archived);
    if (query.from) params.set("from", query.from);
    if (query.to) params.set("to", query.to);
    if (query.model) params.set("model", query.model);
    if (n > 1) params.set("page", String(n));
    return `/search?${params}`;
  };
  const pageHref = (n: number) => searchHref({ page: n });
  const filtered = query.archived !== "all" || Boolean(query.from || query.to || query.model);
  // A refused date: the filters open on it, it takes the focus, and the error describes it.
  const dateRefused = (field: "from" | "to") =>
    error?.field === field ? { "aria-invalid": true, "aria-describedby": "search-error", autoFocus: true } : {};
  const nothing = q && !error && chats.length === 0 && messages.length === 0;
  return (
    <main id="main" tabIndex={-1} className="outline-none mx-auto w-full max-w-3xl p-6">
      <QuickSwitcher />
      <p className="mb-6 text-sm">
        <Link to="/chats" className="inline-block py-1 text-sky-400 hover:underline">
          {t("sidebar.backToChats")}
        </Link>
      </p>
      <h1 className="mb-4 text-2xl font-semibold">{t("search.title")}</h1>
      <Form method="get" action="/search" role="search" className="mb-6 space-y-3" key={`${q}|${query.archived}|${query.from}|${query.to}|${query.model}`}>
        <div className="flex gap-2">
          <label htmlFor="search-q" className="sr-only">
            {t("search.label")}
          </label>
          <input
            id="search-q"
            type="search"
            name="q"
            defaultValue={q}
            dir="auto"
            maxLength={SEARCH_MAX_CHARS}
            placeholder={t("search.placeholder")}
            // Opened to search (no query yet): ready to type.
            autoFocus={!q}
            aria-invalid={error?.field === "q" ? true : undefined}
            className="min-w-0 flex-1 rounded-md border border-zinc-700 bg-zinc-800 px-3 py-2"
          />
          <button type="submit" className="rounded-md bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500">
            {t("search.title")}
          </button>
        </div>
        <details open={filtered || error?.field === "from" || error?.field === "to"} className="text-sm">
          <summary className="cursor-pointer text-zinc-400 hover:text-zinc-200">{t("search.filters")}</summary>
          <div className="mt-2 grid gap-3 sm:grid-cols-2">
            <label className="flex flex-col gap-1 text-zinc-300">
              {t("search.chats")}
              <select name="archived" defaultValue={query.archived} className="rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1.5">
                <option value="all">{t("search.activeAndArchived")}</option>
                <option value="active">{t("search.activeOnly")}</option>
                <option value="archived">{t("search.archivedOnly")}</option>
              </select>
            </label>
            <label className="flex flex-col gap-1 text-zinc-300">
              {t("composer.model")}
              <select name="model" defaultValue={query.model ?? ""} className="rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1.5">
                <option value="">{t("search.anyModel")}</option>
                {/* A model the page does not offer (turned off since, or typed in the address) is still what filters: it is shown. */}
                {query.model && !models.some((g) => g.models.some((m) => m.id === query.model)) ? <option value={query.model}>{formerModel ?? query.model}</option> : null}
                {models.map((group) => (
                  <optgroup key={group.label} label={group.label}>
                    {group.models.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.label}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1 text-zinc-300">
              {t("search.from")}
              <input type="date" name="from" defaultValue={query.from ?? ""} {...dateRefused("from")} className="rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1.5" />
            </label>
            <label className="flex flex-col gap-1 text-zinc-300">
              {t("search.until")}
              <input type="date" name="to" defaultValue={query.to ?? ""} {...dateRefused("to")} className="rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1.5" />
            </label>
          </div>
        </details>
      </Form>
      {error ? <FormAlert id="search-error">{error.message}</FormAlert> : null}
      {q && !error && chatsOnly ? (
        <p className="mb-4 text-sm">
          <Link to={searchHref({ inChats: false })} className="inline-block py-1 text-sky-400 hover:underline">
            <Trans i18nKey="search.everythingFound" values={{ q }} />
          </Link>
        </p>
      ) : null}
      {/* These notes say how messages were searched; the chats' own pages list none. */}
      {q && !error && !chatsOnly && meaning !== "on" ? (
        <p className="mb-4 text-sm text-zinc-400" data-testid="search-meaning">
          {meaning === "off" ? t("search.meaningOff") : t("search.meaningUnavailable")}
        </p>
      ) : null}
      {tooShort && !chatsOnly ? (
        <p role="status" className="mb-4 text-sm text-zinc-400" data-testid="search-too-short">
          {meaning === "on" ? t("search.tooShortMeaning") : t("search.tooShort")}
        </p>
      ) : null}
      {shortWordsUpTo !== null && !chatsOnly ? (
        <p className="mb-4 text-sm text-zinc-400" data-testid="search-short-words">
          {t("search.shortWordsRecent", { messages: formatNumber(shortWordsUpTo, locale) })}
        </p>
      ) : null}
      {!q && !error ? (
        <p className="text-sm text-zinc-400" data-testid="search-hint">
          {t("search.hint")} {meaning === "on" ? t("search.hintMeaning") : null}
        </p>
      ) : null}
      {nothing ? (
        <p role="status" className="text-zinc-400" data-testid="search-nothing">
          {page > 1 ? (
            // Past the last page (an old link, a page number typed in): the matches are on the pages before.
            <>
              {t("search.noMorePages")}{" "}
              <Link to={pageHref(1)} className="text-sky-400 underline hover:text-sky-300">
                {t("search.firstPage")}
              </Link>
            </>
          ) : filtered ? (
            <>
              <Trans i18nKey="search.nothingFiltered" values={{ q }} />{" "}
              <Link to={`/search?${new URLSearchParams(chatsOnly ? { q, in: "chats" } : { q })}`} className="text-sky-400 underline hover:text-sky-300">
                {t("search.withoutFilters")}
              </Link>
            </>
          ) : (
            <Trans i18nKey="search.nothing" values={{ q }} />
          )}
        </p>
      ) : null}
      {chats.length ? (
        <section aria-labelledby="search-chats" className="mb-6">
          <h2 id="search-chats" className="mb-2 text-xs uppercase tracking-wide text-zinc-500">
            {chatsOnly && chatsFound !== null ? t("search.chatsFound", { count: chatsFound }) : t("search.chats")}
          </h2>
          <ul className="space-y-1" data-testid="search-chats">
            {chats.map((chat) => (
              <li key={chat.chatId}>
                <Link to={`/chats/${chat.chatId}`} className="flex items-baseline gap-3 rounded-md px-2 py-1.5 hover:bg-zinc-800/60">
                  <span dir="auto" className="min-w-0 flex-1 truncate" data-testid="search-chat-title">
                    <HighlightedText segments={chat.title} />
                  </span>
                  {chat.archived ? <span className="text-xs text-zinc-500">{t("search.archived")}</span> : null}
                  <span className="text-xs text-zinc-500">{dateOf(chat.updatedAt)}</span>
                </Link>
              </li>
            ))}
          </ul>
          {!chatsOnly && chatsFound !== null ? (
            <p className="mt-2 px-2 text-sm">
              <Link to={searchHref({ inChats: true })} className="inline-block py-1 text-sky-400 hover:underline">
                {t("search.allChats", { count: chatsFound })}
              </Link>
            </p>
          ) : null}
        </section>
      ) : null}
      {messages.length ? (
        <section aria-labelledby="search-messages">
          <h2 id="search-messages" className="mb-2 text-xs uppercase tracking-wide text-zinc-500">
            {t("search.messages")}
          </h2>
          <ol className="space-y-2" data-testid="search-messages">
            {messages.map((hit) => (
              <li key={hit.messageId}>
                <Link to={messageHref(hit)} className="block rounded-lg border border-zinc-800 px-3 py-2 hover:border-zinc-600 hover:bg-zinc-900">
                  <span className="flex items-baseline gap-2 text-xs text-zinc-500">
                    <span dir="auto" className="min-w-0 flex-1 truncate font-medium text-zinc-300">
                      {hit.chatTitle}
                    </span>
                    {hit.archived ? <span>{t("search.archived")}</span> : null}
                    {hit.found === "meaning" ? (
                      <span className="rounded bg-sky-500/15 px-1.5 text-sky-300" title={t("search.byMeaningLabel")} data-testid="found-by-meaning">
                        {t("search.byMeaning")}
                      </span>
                    ) : null}
                    <span>{hit.role === "user" ? t("search.question") : t("search.answer")}</span>
                    <span>{dateOf(hit.createdAt)}</span>
                  </span>
                  <span dir="auto" className="mt-1 block whitespace-pre-line break-words text-sm text-zinc-200" data-testid="search-snippet">
                    <HighlightedText segments={hit.snippet} />
                  </span>
                </Link>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {/* Past the last page the way back is to the first (above): "previous" would lead to another empty page. */}
      {(page > 1 && !nothing) || hasMore ? (
        <nav aria-label={t("search.pages")} className="mt-6 flex justify-between text-sm">
          {page > 1 && !nothing ? (
            <Link to={pageHref(page - 1)} className="text-sky-400 hover:underline">
              {t("search.previous")}
            </Link>
          ) : (
            <span />
          )}
          {hasMore ? (
            <Link to={pageHref(page + 1)} className="text-sky-400 hover:underline">
              {t("search.next")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </main>
  );
}
