import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { type ClientActionFunctionArgs, type ClientLoaderFunctionArgs, Form, isRouteErrorResponse, Link, type ShouldRevalidateFunction, useActionData, useLoaderData, useNavigate, useParams, useRevalidator, useRouteError, useSearchParams } from "@remix-run/react";
import { useHydrated } from "remix-utils/use-hydrated";
import { useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useMoment } from "~/components/ui/moment";
import { useTranslation } from "~/i18n/i18n";
import { isolate } from "~/i18n/isolate";
import { metaT, pageTitle } from "~/i18n/meta";
import { ChatHeader } from "~/components/chat/ChatHeader";
import { cachedChat, loadChat, loadingChat } from "~/components/chat/chat-cache";
import { Icon } from "~/components/ui/Icon";
import { useDismissibleDetails } from "~/components/ui/Popover";
import { requireUser } from "~/auth/session.server";
import { Composer } from "~/components/chat/Composer";
import { moveDraftToNewChat, newChatArrived, newChatNeverArrived, newChatSending, readDraft, useDraftStorageKeys } from "~/components/chat/drafts";
import { noteChatShown, wasShownHere } from "~/components/chat/gone-chats";
import type { FilePart } from "~/protocol/parts";
import { ShareLink } from "~/components/chat/ShareLink";
import { toPickerGroups } from "~/components/chat/ModelPicker";
import { AssistantMessage, type MessageView, StreamingElsewhere, UserMessage } from "~/components/chat/MessageItem";
import { ScrollToBottom } from "~/components/chat/ScrollToBottom";
import { FormAlert } from "~/components/ui/Field";
import { backHere } from "~/components/chat/back-here";
import { neverArrived, unlessUnreachable } from "~/components/chat/not-reached";
import { useOptimisticSend } from "~/components/chat/useOptimisticSend";
import { renderTextParts } from "~/components/markdown/html.server";
import { env } from "~/env.server";
import { inLanguage, listModelGroups, namesOfModelsNotOffered, unlistedModelOf } from "~/llm/catalog.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { getMessage, getPathPage, streamingMessageId } from "~/models/message.server";
import { needsMathStyles } from "~/components/markdown/math-styles";
import { pageShowing } from "./message-link.server";
import { streamRegistry } from "~/streaming/streams.server";
import { isId } from "~/utils/id";
import { shareOfChat } from "~/services/sharing.server";
import { codeResponse, localeOf, orRespond, publicOrigin } from "~/utils/http.server";
import { type ChatActionResult, runChatAction } from "./actions.server";

// A chat that is not there (deleted, or never the reader's) says so in its tab, as any missing page does.
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => (data ? pageTitle(isolate(data.chat.title)) : pageTitle(metaT(matches)("errorPage.title")));

/** A refused send's Retry-After (429) reaches the page's response, without JavaScript too. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const access = await orRespond(request, () => requireChatAccess({ chatId: params.chatId, user, level: "read" }));
  const { chat, level } = access;
  const url = new URL(request.url);
  const before = url.searchParams.get("before");
  if (before !== null && !isId(before)) throw codeResponse("malformed_id", request);
  const wanted = url.searchParams.get("message");
  if (wanted !== null && !isId(wanted)) throw codeResponse("malformed_id", request);
  const { page, viewingEarlier } = wanted ? await pageShowing({ chat, level, messageId: wanted }) : { page: await getPathPage({ chatId: chat.id, leafId: chat.activeLeafId, before }), viewingEarlier: before !== null };
  // Nothing before that message: another chat's (or no one's) is not found; the chat's first has the chat to show.
  if (before !== null && page.messages.length === 0) {
    if (!(await getMessage({ chatId: chat.id, messageId: before }))) throw codeResponse("message_not_found", request);
    throw redirect(`/chats/${chat.id}`);
  }
  const registry = streamRegistry();
  const locale = localeOf(request);
  // A streaming answer is shown as the registry has it right now, with the id
  // of its newest event: the browser resumes exactly after it.
  const messages: MessageView[] = page.messages.map((m) => {
    const view: MessageView = {
      id: m.id,
      role: m.role,
      parts: m.parts,
      status: m.status,
      model: m.model,
      stats: m.stats,
      problem: m.problem,
      lastEventId: m.lastEventId,
      parentId: m.parentId,
      siblingIds: m.siblingIds,
      createdAt: m.createdAt,
    };
    const live = registry.getIn(chat.id, m.id);
    // Answers arrive as the HTML the server made of them (kept once finished), so the page does not parse their markdown.
    if (!live) return m.role === "assistant" ? { ...view, rendered: renderTextParts(m.parts, { status: m.status, locale }) } : view;
    const parts = live.snapshot();
    return {
      ...view,
      parts,
      rendered: renderTextParts(parts, { status: live.finished ? (live.outcome?.status ?? m.status) : "streaming", locale }),
      lastEventId: live.lastEventId,
      status: live.finished ? (live.outcome?.status ?? m.status) : "streaming",
      stats: live.finished ? (live.outcome?.stats ?? m.stats) : m.stats,
      problem: live.finished ? (live.outcome?.problem ?? m.problem) : m.problem,
      // What is left of the wait, as of this page.
      ...(live.retrying && !live.finished ? { retrying: { ...live.retrying.retry, delayMs: Math.max(0, live.retrying.at - Date.now()) } } : {}),
    };
  });
  // An answer still being written on a branch the user is not looking at: it
  // keeps going (and blocks a new send), so say where it is.
  // (When the leaf itself is streaming there is nothing else to look for.)
  const leafStreaming = messages.some((m) => m.id === chat.activeLeafId && m.status === "streaming");
  const streamingId = leafStreaming ? undefined : await streamingMessageId({ chatId: chat.id });
  const elsewhere = streamingId && streamingId !== chat.activeLeafId ? { id: streamingId, lastEventId: registry.getIn(chat.id, streamingId)?.lastEventId ?? 0 } : null;
  const groups = inLanguage(await listModelGroups({ viewer: user }), locale);
  return {
    chat: { id: chat.id, title: chat.title, pinned: chat.pinned, archived: chat.archived, model: chat.model, systemPrompt: chat.systemPrompt },
    level,
    // The shared link is its owner's to see and manage (null for everyone else).
    share: await shareOfChat({ access }),
    origin: publicOrigin(request),
    locale,
    messages,
    needsMathStyles: needsMathStyles(messages.map((m) => m.rendered)),
    earlierCursor: page.earlierCursor,
    viewingEarlier,
    elsewhere,
    models: toPickerGroups(groups),
    // Answers by a model no longer offered, and the chat's own model when it is not, keep a readable name.
    formerModels: namesOfModelsNotOffered([chat.model, ...messages.map((m) => m.model)], groups, locale),
    // The chat's model missing because its provider's list could not be read (a server of one's own that is down).
    unlistedModel: await unlistedModelOf(chat.model, groups, { viewer: user, locale }),
    maxChars: env().MAX_MESSAGE_CHARS,
    maxFileBytes: env().MAX_FILE_BYTES,
    maxFiles: env().MAX_FILES_PER_MESSAGE,
  };
}

type ChatData = Awaited<ReturnType<typeof loader>>;

/**
 * Moving to another chat shows what this page last knew of it at once (a
 * chat seen before, or one the pointer rested on in the list) and asks the
 * server again once it is shown; a chat whose prefetch is still under way
 * waits for that load; anything else waits for the server
 * (components/chat/chat-cache.ts). The chat already on screen always asks
 * the server: that is a reload of its data after a send or an action.
 */
export async function clientLoader({ request, serverLoader }: ClientLoaderFunctionArgs): Promise<ChatData & { fromMemory?: true }> {
  const url = new URL(request.url);
  const key = url.pathname + url.search;
  const onScreen = key === window.location.pathname + window.location.search;
  if (!onScreen) {
    const remembered = cachedChat<ChatData>(key);
    if (remembered) return { ...remembered, fromMemory: true };
    // The pointer rested on it and its load is still under way: that load is the server's answer.
    const underWay = loadingChat<ChatData>(key);
    if (underWay) {
      const data = await underWay.catch(() => undefined);
      if (data) return data;
    }
  }
  return loadChat(key, () => serverLoader<typeof loader>());
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  return runChatAction({ request, user, chatId: params.chatId, ip: context.clientIp });
}

/**
 * With JavaScript: Stop, Regenerate or any other form that cannot reach the server says so above the composer; one
 * that comes back to this page is done here (back-here.ts).
 */
export async function clientAction({ request, serverAction }: ClientActionFunctionArgs) {
  return unlessUnreachable(() => backHere(request, () => serverAction<typeof action>()), "action_not_reached");
}

/**
 * A send posted by the page's script (with browser-chosen ids) is followed
 * over its stream, and the page reloads its data when the answer ends: no
 * reload of the whole page right after the send.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, actionResult, defaultShouldRevalidate }) =>
  formData?.get("answerId") || neverArrived(actionResult) ? false : defaultShouldRevalidate;

export default function ChatPage() {
  const data = useLoaderData<typeof clientLoader>();
  // The message a link named (from search): ringed (MessageItem's FOUND_RING).
  const [searchParams] = useSearchParams();
  const foundId = searchParams.get("message");
  // Without JavaScript, reloading every second (which goes back to the newest words) can be paused to read.
  const reloadsPaused = searchParams.get("updates") === "paused";
  const { chat, messages: stored, earlierCursor, viewingEarlier, elsewhere, models, formerModels, unlistedModel, maxChars, maxFileBytes, maxFiles, level, locale, share, origin } = data;
  // Shown from memory: now ask the server for the chat as it is (once for these data), after the frame that shows
  // it (starting the request re-renders the page for its loading state).
  const revalidator = useRevalidator();
  const revalidatorRef = useRef(revalidator);
  revalidatorRef.current = revalidator;
  useEffect(() => {
    if (!data.fromMemory) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => revalidatorRef.current.revalidate());
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [data]);
  // Up: a new chat's first message sent to this chat arrived (its draft may go), and should this chat be found gone
  // now, this tab knew it.
  const storageKeyOf = useDraftStorageKeys();
  useEffect(() => {
    noteChatShown(chat.id);
    newChatArrived(storageKeyOf("new"), chat.id);
  }, [chat.id, storageKeyOf]);
  const actionResult = useActionData<ChatActionResult>();
  const optimistic = useOptimisticSend({ chatId: chat.id, stored, model: chat.model, locale });
  const messages = optimistic.messages;
  const result = optimistic.failure ?? actionResult;
  // A refused Share form is said in the Share panel, not above the composer.
  const shareFailure = actionResult && "intent" in actionResult && (actionResult.intent === "share" || actionResult.intent === "unshare") ? actionResult.formError : undefined;
  // …and a refused title or system prompt (a post without JavaScript) in its own popup, with what was typed.
  // A refused edit stays in its message's box, with its text and why; the composer is not where it was typed.
  const editFailure = useMemo(
    () =>
      actionResult && "intent" in actionResult && actionResult.intent === "edit" && actionResult.messageId
        ? { messageId: actionResult.messageId, formError: actionResult.formError, text: actionResult.text ?? "" }
        : undefined,
    [actionResult],
  );
  const headerFailure = actionResult && "intent" in actionResult && (actionResult.intent === "rename" || actionResult.intent === "system-prompt") ? { intent: actionResult.intent as "rename" | "system-prompt", formError: actionResult.formError, text: actionResult.text } : undefined;
  const canWrite = level !== "read";
  const busy = messages.some(optimistic.writing) || elsewhere !== null;
  const chatAction = `/chats/${chat.id}`;
  const modelChoices = useMemo(() => models.flatMap((g) => g.models.map((m) => ({ id: m.id, label: m.label, group: g.label }))), [models]);
  const modelLabels = useMemo(() => ({ ...formerModels, ...Object.fromEntries(modelChoices.map((m) => [m.id, m.label])) }), [formerModels, modelChoices]);
  // A send renders its message and empty answer at once; the messages before
  // them learn that they cannot act meanwhile in a render of their own, which
  // React interrupts for the answer's first words (the messages are memoized,
  // so the send's own render leaves them alone).
  const earlierBusy = useDeferredValue(busy);
  const canActAt = (index: number) => !(index >= messages.length - 2 ? busy : earlierBusy);
  const last = messages[messages.length - 1];
  const stopId = messages.find(optimistic.writing)?.id ?? elsewhere?.id;
  const announcement = useAnswerAnnouncement(busy);
  const scroller = useRef<HTMLDivElement>(null);
  // From an earlier page to the latest (a send from there, or the link back): the latest messages are shown from
  // their end, where the new ones are, not at the height the earlier page was read at.
  const wasEarlier = useRef(viewingEarlier);
  useLayoutEffect(() => {
    if (wasEarlier.current && !viewingEarlier && scroller.current) scroller.current.scrollTop = 0;
    wasEarlier.current = viewingEarlier;
  }, [viewingEarlier]);
  const { t } = useTranslation();
  return (
    <>
      {/* Without JavaScript, an answer being written appears by reloading the page every second; not over a refused form's text. */}
      {busy && !reloadsPaused && !actionResult ? (
        <noscript>
          <meta httpEquiv="refresh" content="1" />
        </noscript>
      ) : null}
      <ChatHeader
        chat={chat}
        level={level}
        failure={headerFailure}
        exportMenu={<ExportMenu chatId={chat.id} />}
        shareControl={level === "own" ? <ShareControl share={share} origin={origin} failure={shareFailure} /> : null}
      />
      {/* Said once when an answer starts and once when it ends, not token by token. */}
      <p role="status" aria-live="polite" className="sr-only" data-testid="answer-announcement">
        {announcement}
      </p>
      {/* column-reverse keeps the view pinned to the newest message, even on a plain reload. */}
      <div ref={scroller} className="message-scroller flex flex-1 flex-col-reverse overflow-y-auto" data-testid="message-scroller">
        <div className="mx-auto w-full max-w-3xl space-y-6 px-4 py-6" data-testid="messages">
          {earlierCursor ? (
            <p className="text-center">
              <Link to={`?before=${earlierCursor}`} className="text-sm text-sky-400 hover:underline">
                {t("chat.loadEarlier")}
              </Link>
            </p>
          ) : null}
          {viewingEarlier ? (
            <p className="text-center">
              <Link to="." className="text-sm text-sky-400 hover:underline">
                {t("chat.backToLatest")}
              </Link>
            </p>
          ) : null}
          {messages.length === 0 ? <p className="pt-16 text-center text-zinc-500">{t("chat.empty")}</p> : null}
          {messages.map((message, index) =>
            message.role === "user" ? (
              <UserMessage key={message.id} message={message} chatId={chat.id} chatAction={chatAction} canAct={canActAt(index) && canWrite} maxChars={maxChars} found={message.id === foundId} refused={editFailure?.messageId === message.id ? editFailure : undefined} />
            ) : (
              <AssistantMessage
                key={message.id}
                message={message}
                chatId={chat.id}
                chatAction={chatAction}
                modelLabels={modelLabels}
                models={modelChoices}
                canAct={canActAt(index)}
                canWrite={canWrite}
                locale={locale}
                latest={message === last}
                found={message.id === foundId}
                onSettled={optimistic.onAnswerSettled}
              />
            ),
          )}
          {viewingEarlier ? (
            <p className="text-center">
              <Link to="." className="text-sm text-sky-400 hover:underline" data-testid="later-messages">
                {t("chat.backToLatest")}
              </Link>
            </p>
          ) : null}
          {busy ? (
            <noscript>
              <p className="text-center text-sm text-zinc-400" data-testid="reloading">
                {reloadsPaused ? t("chat.reloadingPaused") : t("chat.reloading")}{" "}
                <a href={reloadsPaused ? `/chats/${chat.id}` : `/chats/${chat.id}?updates=paused`} className="text-sky-400 underline">
                  {reloadsPaused ? t("chat.showAnswerNow") : t("chat.pauseReloading")}
                </a>
              </p>
            </noscript>
          ) : null}
          {last?.role === "user" && !busy && !viewingEarlier && canWrite ? (
            <Form method="post" action={chatAction}>
              <input type="hidden" name="intent" value="regenerate" />
              <input type="hidden" name="messageId" value={last.id} />
              <button type="submit" className="rounded-md bg-zinc-800 px-3 py-1.5 text-sm hover:bg-zinc-700">
                {t("chat.answerThis")}
              </button>
            </Form>
          ) : null}
        </div>
      </div>
      {/* Its own key: a sibling sharing the Composer's would make React lose track of both. */}
      <ScrollToBottom key={`scroll:${chat.id}`} chatId={chat.id} scroller={scroller} settled={!data.fromMemory} contentKey={`${messages.length}:${last?.id ?? ""}`} />
      {canWrite ? (
        <Composer
          key={chat.id}
          action={chatAction}
          draftKey={chat.id}
          models={models}
          modelId={chat.model}
          formerModels={formerModels}
          unlistedModel={unlistedModel}
          maxChars={maxChars}
          maxFileBytes={maxFileBytes}
          maxFiles={maxFiles}
          busy={busy}
          stopId={stopId}
          notice={elsewhere ? <StreamingElsewhere key={elsewhere.id} chatId={chat.id} chatAction={chatAction} messageId={elsewhere.id} lastEventId={elsewhere.lastEventId} /> : null}
          error={shareFailure || headerFailure || editFailure ? undefined : result?.formError}
          offerNewChat={optimistic.failure?.chatGone}
          initialText={headerFailure || editFailure ? undefined : result?.text}
          initialFiles={result?.files}
          // The model a refused send asked for stays chosen; one a refused regenerate asked for was never the composer's.
          initialModel={result?.intent === "send" ? result.model : undefined}
          // From an earlier page, a send is a plain post: the chat then opens at its latest messages, where the new ones go.
          onSend={viewingEarlier ? undefined : optimistic.send}
          followsId={viewingEarlier ? undefined : last?.id}
        />
      ) : (
        <div className="mx-auto w-full max-w-3xl px-4 pb-4">
          {elsewhere ? <StreamingElsewhere key={elsewhere.id} chatId={chat.id} chatAction={chatAction} messageId={elsewhere.id} lastEventId={elsewhere.lastEventId} canWrite={false} /> : null}
          <p className="text-sm text-zinc-500" data-testid="read-only-notice">
            {t("chat.readOnly")}
          </p>
        </div>
      )}
    </>
  );
}

/**
 * What a screen reader hears about answers: that one started, and that it
 * ended. A page that opens on an answer being written (a new chat's first,
 * a reload) says so too. An answer that failed says its failure instead (its
 * own alert): "ended" first would tell of an answer that did not come.
 */
function useAnswerAnnouncement(busy: boolean): string {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const was = useRef(false);
  useEffect(() => {
    if (busy === was.current) return;
    was.current = busy;
    if (busy) {
      setText(t("chat.answerStarted"));
      return;
    }
    // The answer's failure is drawn by the answer itself, in this commit or the next.
    const frame = requestAnimationFrame(() => {
      const answers = document.querySelectorAll('[data-testid="assistant-message"]');
      const failed = answers[answers.length - 1]?.getAttribute("data-status") === "error";
      setText(failed ? "" : t("chat.answerEnded"));
    });
    return () => cancelAnimationFrame(frame);
  }, [busy, t]);
  return text;
}

/** Plain download links (they work without JavaScript); anyone who can read the chat may export it. */
function ExportMenu({ chatId }: { chatId: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDetailsElement>(null);
  useDismissibleDetails(ref);
  const formats = [
    { format: "md", label: t("export.markdown") },
    { format: "json", label: t("export.json") },
    { format: "zip", label: t("export.zip") },
  ];
  return (
    <details ref={ref} className="text-sm">
      <summary aria-label={t("export.export")} title={t("export.export")} className="icon-button">
        <Icon name="download" />
        <span className="header-label">{t("export.export")}</span>
      </summary>
      <ul className={HEADER_PANEL}>
        {formats.map(({ format, label }) => (
          <li key={format}>
            <a href={`/chats/${chatId}/export?format=${format}`} download className="block rounded-md px-3 py-1.5 text-zinc-200 hover:bg-zinc-800">
              {label}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Header popups hang from the header's right edge and are never wider than the screen. */
const HEADER_PANEL = "absolute right-2 top-full z-30 mt-1 w-[min(24rem,calc(100vw-1rem))] rounded-lg border border-zinc-700 bg-zinc-900 p-1 text-sm shadow-xl";

/**
 * Share by link: create it, copy it, bring it up to the chat's current
 * state, revoke it. A <details> of plain forms (works without JavaScript);
 * after each of them the page comes back with it open (`?share`).
 */
function ShareControl({ share, origin, failure }: { share: { token: string; createdAt: number; updatedAt: number } | null; origin: string; failure?: string }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const ref = useRef<HTMLDetailsElement>(null);
  useDismissibleDetails(ref);
  const date = useMoment();
  const name = share ? t("share.shared") : t("share.share");
  // Creating or revoking the link replaces the button that did it: the keyboard goes to what took its place
  // (the new link, or Create link), not back to the top of the page.
  const token = share?.token ?? null;
  const shownToken = useRef(token);
  useEffect(() => {
    if (shownToken.current === token) return;
    shownToken.current = token;
    if (!ref.current?.open) return;
    ref.current.querySelector<HTMLElement>(token ? "[data-testid=share-url]" : "button[type=submit]")?.focus();
  }, [token]);
  return (
    <details ref={ref} className="text-sm" open={params.has("share") || Boolean(failure) || undefined} data-testid="share-control">
      <summary aria-label={name} title={name} className={`icon-button ${share ? "text-sky-400" : ""}`}>
        <Icon name="link" />
        <span className="header-label">{name}</span>
      </summary>
      <div className={`${HEADER_PANEL} space-y-3 p-3`}>
        {failure ? <FormAlert>{failure}</FormAlert> : null}
        {share ? (
          <>
            <p className="text-zinc-300">{t("share.explainShared")}</p>
            <ShareLink origin={origin} token={share.token} />
            <p className="text-xs text-zinc-500" data-testid="share-dates">
              {t("share.sharedAt", { date: date(share.createdAt) })}
              {share.updatedAt !== share.createdAt ? ` · ${t("share.updatedAt", { date: date(share.updatedAt) })}` : ""}
            </p>
            <div className="flex flex-wrap gap-2">
              <Form method="post">
                <input type="hidden" name="intent" value="share" />
                <button type="submit" className="rounded-md bg-sky-600 px-3 py-1 font-medium hover:bg-sky-500">
                  {t("share.update")}
                </button>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="unshare" />
                <button type="submit" className="rounded-md px-3 py-1 text-red-400 hover:bg-red-500/10">
                  {t("share.revoke")}
                </button>
              </Form>
            </div>
            <p className="text-xs text-zinc-500">{t("share.updateHint")}</p>
          </>
        ) : (
          <>
            <p className="text-zinc-300">
              {t("share.explainNew")}
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="share" />
              <button type="submit" className="rounded-md bg-sky-600 px-3 py-1 font-medium hover:bg-sky-500">
                {t("share.create")}
              </button>
            </Form>
          </>
        )}
        <Link to="/settings/shares" className="block text-xs text-sky-400 hover:underline">
          {t("share.allLinks")}
        </Link>
      </div>
    </details>
  );
}

/**
 * A chat that is not there (deleted, perhaps in another tab, or never the
 * reader's) is said in the chat's column: the list of chats stays beside it.
 * The chat this tab was showing a moment ago is said to be deleted; any other
 * reads the same whether it was deleted or is someone else's. What was typed
 * in it and not sent (kept in this browser) is shown, and can start a new
 * chat. A new chat's first message whose chat never came to be goes back to
 * the new chat's box. Anything else goes to the page's own error page.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const { chatId = "" } = useParams();
  const hydrated = useHydrated();
  const storageKeyOf = useDraftStorageKeys();
  const navigate = useNavigate();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const [draft, setDraft] = useState<{ text: string; files: FilePart[] } | null>(null);
  // The chat a new chat's first message was to open, looked for after a reload: the message goes straight back to
  // the new chat's box, without a glimpse of "does not exist" on the way.
  const [bringingBack] = useState(() => (hydrated ? (newChatSending(storageKeyOf("new"))?.chatId ?? null) : null));
  useEffect(() => {
    if (!notFound) return;
    if (newChatNeverArrived(storageKeyOf("new"), chatId)) {
      navigate("/chats?new=1", { replace: true });
      return;
    }
    const kept = readDraft(storageKeyOf(chatId));
    setDraft(kept.text.trim() || kept.files.length > 0 ? kept : null);
  }, [notFound, chatId, storageKeyOf, navigate]);
  if (!notFound) throw error;
  if (bringingBack === chatId) return <div className="flex-1" aria-busy="true" />;
  const toNewChat = () => {
    if (!draft) return;
    moveDraftToNewChat({ from: storageKeyOf(chatId), to: storageKeyOf("new"), ...draft });
    navigate("/chats?new=1");
  };
  return (
    <div className="m-auto w-full max-w-lg p-10 text-center" data-testid="chat-not-found">
      <h1 className="text-lg font-medium text-zinc-200">{hydrated && wasShownHere(chatId) ? t("errorPage.chatDeleted") : t("errorPage.chatNotFound")}</h1>
      {draft ? (
        <div className="mt-6 text-left" data-testid="gone-chat-draft">
          <p className="text-sm text-zinc-400">{t("errorPage.draftKept")}</p>
          {draft.text.trim() ? (
            <p className="mt-2 max-h-60 overflow-y-auto whitespace-pre-wrap break-words rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 text-zinc-100" data-testid="gone-chat-draft-text">
              {draft.text}
            </p>
          ) : null}
          {draft.files.length > 0 ? (
            <ul className="mt-2 flex flex-wrap gap-2 text-xs text-zinc-300" aria-label={t("composer.filesToSend")}>
              {draft.files.map((file) => (
                <li key={file.attachmentId} className="inline-flex items-center gap-1.5 rounded-lg border border-zinc-700 bg-zinc-800 px-2 py-1" data-testid="gone-chat-draft-file">
                  <Icon name="file" className="h-4 w-4 text-zinc-400" />
                  {file.name}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        {/* With a draft, a new chat takes it along: nothing typed is left behind under a chat no one can open. */}
        {draft ? (
          <button type="button" onClick={toNewChat} className="rounded-lg bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500">
            {t("composer.toNewChat")}
          </button>
        ) : (
          <Link to="/chats?new=1" className="inline-block rounded-lg bg-zinc-800 px-4 py-2 hover:bg-zinc-700">
            {t("errorPage.newChat")}
          </Link>
        )}
        {/* On a phone the list is a screen of its own: the way back to it. */}
        <Link to="/chats" className="inline-block rounded-lg px-4 py-2 text-sky-400 hover:underline md:hidden">
          {t("common.backToChats")}
        </Link>
      </div>
    </div>
  );
}
