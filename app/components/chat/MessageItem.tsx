import { Form, Link, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { forwardRef, memo, type MouseEvent, type ReactNode, useEffect, useLayoutEffect, useRef, useState } from "react";
import { formatDollars, formatNumber, useTranslation } from "~/i18n/i18n";
import { useHydrated } from "remix-utils/use-hydrated";
import { describe, type Locale } from "../../protocol/catalogue";
import { continuable, overloaded, type Problem } from "../../protocol/errors";
import { type MessagePart, plainText, reasoningText } from "../../protocol/parts";
import type { MessageStats, MessageStatus, StreamEventData } from "../../protocol/stream-events";
import { typedLength } from "../../utils/typed-text";
import { MessageFiles, MessageImages } from "./Attachments";
import { announce, copyCodeOnClick } from "../markdown/copy";
import { useCopy } from "../markdown/useCopy";
import type { RenderedText } from "../markdown/Markdown";
import { MessageParts } from "./MessageParts";
import { pickerLabel } from "./ModelPicker";
import { isComposing } from "../ui/composing";
import { Icon, type IconName } from "../ui/Icon";
import { Popover } from "../ui/Popover";
import { MessageTime } from "./MessageTime";
import { TooLong, useOverLimit } from "./TooLong";
import { QUIET_AFTER_MS, useAnswerStream } from "./useAnswerStream";
import { revalidateWhenReachable } from "./not-reached";

export interface MessageView {
  id: string;
  role: "user" | "assistant";
  parts: MessagePart[];
  status: MessageStatus;
  model: string | null;
  stats: MessageStats | null;
  problem: Problem | null;
  lastEventId: number;
  parentId: string | null;
  siblingIds: string[];
  /** When it was written (ms since the epoch); a message being sent from this page has the moment it was sent. */
  createdAt?: number;
  /** The server's HTML of the text parts, by part index (answers only). */
  rendered?: (RenderedText | null)[];
  /** An answer being written whose model is being asked again, and why (until its first words). */
  retrying?: StreamEventData["retry"];
}

/** The short units of an answer's figures, as formatBytes has its own. */
const STAT_UNITS: Record<Locale, { in: string; out: string; firstToken: string; ms: string; perSecond: string; s: string; decimal: string }> = {
  en: { in: "in", out: "out", firstToken: "TTFT", ms: "ms", perSecond: "tok/s", s: "s", decimal: "." },
  ru: { in: "вх.", out: "вых.", firstToken: "1-й токен", ms: "мс", perSecond: "ток/с", s: "с", decimal: "," },
};

export function formatStats(stats: MessageStats, locale: Locale = "en"): string[] {
  const units = STAT_UNITS[locale];
  const parts: string[] = [];
  if (stats.inputTokens !== undefined) parts.push(`${formatNumber(stats.inputTokens, locale)} ${units.in}`);
  if (stats.outputTokens !== undefined) parts.push(`${formatNumber(stats.outputTokens, locale)} ${units.out}`);
  // An offline model answers within the millisecond: "0 ms" would read as a missing figure.
  if (stats.timeToFirstTokenMs !== undefined) parts.push(`${units.firstToken} ${stats.timeToFirstTokenMs < 1 ? "< 1" : Math.round(stats.timeToFirstTokenMs)} ${units.ms}`);
  if (stats.tokensPerSecond !== undefined) parts.push(`${String(stats.tokensPerSecond).replace(".", units.decimal)} ${units.perSecond}`);
  if (stats.durationMs !== undefined) parts.push(`${(stats.durationMs / 1000).toFixed(1).replace(".", units.decimal)} ${units.s}`);
  // Fractions of a cent are what an answer usually costs: five decimals below a cent, three above.
  if (stats.costUsd !== undefined && stats.costUsd > 0) parts.push(formatDollars(stats.costUsd, locale, stats.costUsd < 0.01 ? { min: 5, max: 5 } : { min: 3, max: 3 }));
  return parts;
}

/**
 * Which arrow of which versions was pressed, for which version: the message
 * shown changes with the switch (the item drawn for the old version goes), and
 * the focus goes to the same arrow of the version asked for, so Enter keeps
 * stepping through the versions. A version drawn on the way (a quick second
 * press overtaking the first) leaves it for the one asked for.
 */
let switchedWith: { versions: string; direction: "previous" | "next"; to: string } | null = null;

export function SiblingNav({ message, chatAction }: { message: MessageView; chatAction: string }) {
  const { t } = useTranslation();
  const previousRef = useRef<HTMLButtonElement>(null);
  const nextRef = useRef<HTMLButtonElement>(null);
  const versions = message.siblingIds.join(" ");
  // In the commit that draws the version switched to (a layout effect, not a passive one run after the paint): a key
  // pressed right after is not lost on the page's body between the old arrows going and the new ones taking the focus.
  useLayoutEffect(() => {
    if (switchedWith?.versions !== versions || switchedWith.to !== message.id) return;
    const [same, other] = switchedWith.direction === "previous" ? [previousRef.current, nextRef.current] : [nextRef.current, previousRef.current];
    switchedWith = null;
    // At the first or last version its arrow is off: the other one takes the focus.
    (same && !same.disabled ? same : other)?.focus();
  }, [versions, message.id]);
  // While a switch is on its way, the arrows step on from the version it goes to: a quick second press moves one
  // more. The version asked for is kept at the press too, for a second press that comes before the page is drawn again.
  const navigation = useNavigation();
  const going = navigation.formData?.get("intent") === "switch" ? navigation.formData.get("messageId") : null;
  const asked = useRef<string | null>(null);
  useEffect(() => {
    if (going === null) asked.current = null;
  }, [going]);
  // The version of the first of these ids that is one of this message's versions.
  const versionAt = (...ids: unknown[]) => ids.map((id) => (typeof id === "string" ? message.siblingIds.indexOf(id) : -1)).find((at) => at >= 0) ?? 0;
  const index = versionAt(going, message.id);
  const previous = message.siblingIds[index - 1];
  const next = message.siblingIds[index + 1];
  // A switch on its way to the first or last version turns the pressed arrow off before the page is drawn again, and a
  // button turned off lets the focus go to the page's body: the other arrow takes it in the same commit.
  useLayoutEffect(() => {
    const [before, after] = [previousRef.current, nextRef.current];
    const active = document.activeElement;
    const lost = active === null || active === document.body;
    const pressed = switchedWith?.versions === versions ? switchedWith.direction : null;
    if (before?.disabled && (active === before || (lost && pressed === "previous"))) after?.focus();
    else if (after?.disabled && (active === after || (lost && pressed === "next"))) before?.focus();
  }, [previous, next, versions]);
  if (message.siblingIds.length < 2) return null;
  const press = (direction: "previous" | "next") => (event: MouseEvent<HTMLButtonElement>) => {
    const from = versionAt(asked.current, going, message.id);
    const to = message.siblingIds[from + (direction === "previous" ? -1 : 1)];
    if (!to) return event.preventDefault();
    switchedWith = { versions, direction, to };
    // The press posts this button's value: the version after the one already asked for.
    event.currentTarget.value = to;
    asked.current = to;
  };
  return (
    <Form method="post" action={chatAction} className="inline-flex items-center text-xs text-zinc-400" data-testid="sibling-nav">
      <input type="hidden" name="intent" value="switch" />
      <VersionArrow ref={previousRef} to={previous} label={t("message.previousVersion")} icon="chevronLeft" onPress={press("previous")} />
      {/* Read out as words ("version 2 of 3"), not "2 slash 3". */}
      <span aria-hidden="true">
        {index + 1}/{message.siblingIds.length}
      </span>
      <span className="sr-only">{t("message.versionOf", { index: index + 1, count: message.siblingIds.length })}</span>
      <VersionArrow ref={nextRef} to={next} label={t("message.nextVersion")} icon="chevronRight" onPress={press("next")} />
    </Form>
  );
}

/** One arrow of a message's versions: it posts the version it leads to (off at the first or last). */
const VersionArrow = forwardRef<HTMLButtonElement, { to: string | undefined; label: string; icon: IconName; onPress: (event: MouseEvent<HTMLButtonElement>) => void }>(function VersionArrow({ to, label, icon, onPress }, ref) {
  return (
    <button ref={ref} type="submit" name="messageId" value={to ?? ""} disabled={!to} onClick={onPress} aria-label={label} title={label} className="icon-button small">
      <Icon name={icon} />
    </button>
  );
});

/** One action on a message: a plain form posting its intent, shown as an icon button with its name. */
function ActionButton({ chatAction, intent, messageId, label, icon }: { chatAction: string; intent: string; messageId: string; label: string; icon: IconName }) {
  return (
    <Form method="post" action={chatAction} className="contents">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="messageId" value={messageId} />
      <button type="submit" className="icon-button small" aria-label={label} title={label}>
        <Icon name={icon} />
      </button>
    </Form>
  );
}

/**
 * Edit without JavaScript: the same page (an earlier page, a search hit's page) with this message's edit box open,
 * scrolled to it.
 */
function editLink(params: URLSearchParams, messageId: string): string {
  const kept = new URLSearchParams(params);
  kept.set("edit", messageId);
  return `?${kept}#message-${messageId}`;
}

/**
 * A popup under a message's actions: it opens in the flow of the page, on a line of its own below the actions, so
 * it is never hidden under the composer, and the actions stay where they were (see `.message-popover` in the CSS).
 */
function MessagePopover({ label, icon, children }: { label: string; icon: IconName; children: ReactNode }) {
  return (
    <Popover label={label} summary={<Icon name={icon} />} summaryClassName="icon-button small w-fit" className="message-popover text-xs text-zinc-400">
      <div className="message-popover-panel">
        <div className="mt-1 w-[min(20rem,100%)] rounded-lg border border-zinc-700 bg-zinc-900 p-3 shadow-xl">{children}</div>
      </div>
    </Popover>
  );
}

/** Copies a whole message's text (its markdown, as written); shown once the page's script runs. */
export function CopyMessageButton({ text }: { text: string }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const { copied, copy } = useCopy();
  if (!hydrated || !text) return null;
  return (
    <button type="button" className="copy-button icon-button small" data-copy-message aria-label={t("message.copy")} title={t("message.copy")} onClick={() => copy(text)}>
      <Icon name={copied ? "check" : "copy"} />
      {copied ? <span>{t("common.copied")}</span> : null}
    </button>
  );
}

/** Fork and delete-branch: plain forms, the delete behind a <details> confirmation (works without JavaScript). */
export function BranchActions({ chatAction, messageId, disabled }: { chatAction: string; messageId: string; disabled: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <ActionButton chatAction={chatAction} intent="fork" messageId={messageId} label={t("message.fork")} icon="fork" />
      {disabled ? null : (
        <MessagePopover label={t("message.deleteBranch")} icon="deleteBranch">
          <Form method="post" action={chatAction}>
            <input type="hidden" name="intent" value="delete-branch" />
            <input type="hidden" name="messageId" value={messageId} />
            <p className="mb-2 text-zinc-300">{t("message.deleteBranchConfirm")}</p>
            <button type="submit" data-autofocus className="w-full rounded-md bg-red-600 px-3 py-1 font-medium text-white hover:bg-red-500">
              {t("message.deleteBranch")}
            </button>
          </Form>
        </MessagePopover>
      )}
    </>
  );
}

/**
 * An answer being written on a branch not on screen. Whoever may write can
 * show it or stop it; a reader is told, and the page brings the chat up to
 * date when it ends.
 */
export function StreamingElsewhere({ chatId, chatAction, messageId, lastEventId, canWrite = true }: { chatId: string; chatAction: string; messageId: string; lastEventId: number; canWrite?: boolean }) {
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  useAnswerStream({
    url: `/chats/${chatId}/messages/${messageId}/stream`,
    enabled: true,
    initial: { parts: [], lastEventId },
    onSettled: () => revalidateWhenReachable(revalidator.revalidate),
  });
  return (
    <div role="status" data-testid="streaming-elsewhere" className="mb-2 flex flex-wrap items-center gap-2 rounded-lg border border-sky-900 bg-sky-950/40 px-3 py-2 text-sm text-sky-200">
      <span className="min-w-0 flex-1">{t("message.elsewhere")}</span>
      {canWrite ? <ElsewhereActions chatAction={chatAction} messageId={messageId} /> : null}
    </div>
  );
}

function ElsewhereActions({ chatAction, messageId }: { chatAction: string; messageId: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Form method="post" action={chatAction} className="contents">
        <input type="hidden" name="intent" value="switch" />
        <input type="hidden" name="messageId" value={messageId} />
        <button type="submit" aria-label={t("message.showElsewhereLabel")} className="rounded-md border border-sky-800 px-3 py-1 hover:bg-sky-900/60">
          {t("message.showElsewhere")}
        </button>
      </Form>
      <Form method="post" action={chatAction} className="contents">
        <input type="hidden" name="intent" value="stop" />
        <input type="hidden" name="messageId" value={messageId} />
        <button type="submit" aria-label={t("message.stopElsewhereLabel")} className="inline-flex items-center gap-1.5 rounded-md bg-zinc-100 px-3 py-1 font-medium text-zinc-900 hover:bg-white">
          <Icon name="stop" /> {t("message.stopElsewhere")}
        </button>
      </Form>
    </>
  );
}

/** The answer's own model comes chosen (the list's first, picked by leaving it as it was, would be a model nobody chose). */
function RegenerateWith({ chatAction, messageId, models, current }: { chatAction: string; messageId: string; models: { id: string; label: string; group: string }[]; current: string | undefined }) {
  const { t } = useTranslation();
  if (models.length < 2) return null;
  return (
    <MessagePopover label={t("message.regenerateWith")} icon="regenerateWith">
      <Form method="post" action={chatAction} className="flex gap-2">
        <input type="hidden" name="intent" value="regenerate" />
        <input type="hidden" name="messageId" value={messageId} />
        <label className="sr-only" htmlFor={`regen-${messageId}`}>
          {t("composer.model")}
        </label>
        <select id={`regen-${messageId}`} name="model" defaultValue={models.some((m) => m.id === current) ? current : undefined} data-autofocus className="min-w-0 flex-1 rounded-md border border-zinc-700 bg-zinc-800 px-1 py-1 text-zinc-200">
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {pickerLabel(m.group, m.label)}
            </option>
          ))}
        </select>
        <button type="submit" className="rounded-md bg-sky-600 px-2 py-1 font-medium text-white hover:bg-sky-500">
          {t("message.regenerate")}
        </button>
      </Form>
    </MessagePopover>
  );
}

/**
 * The message a link named (`?message=`, from search): ringed, with room inside the ring. Not `:target`: the
 * page's own navigation (pushState) does not change what `:target` matches.
 */
const FOUND_RING = "data-found:-m-2 data-found:rounded-lg data-found:p-2 data-found:ring-2 data-found:ring-amber-400/60";

export const AssistantMessage = memo(function AssistantMessage({
  message,
  chatId,
  chatAction,
  modelLabels,
  models,
  canAct,
  canWrite = true,
  locale = "en",
  latest = false,
  found = false,
  onSettled,
}: {
  message: MessageView;
  chatId: string;
  chatAction: string;
  modelLabels: Record<string, string>;
  models: { id: string; label: string; group: string }[];
  canAct: boolean;
  /** False for someone who may read the chat but not change it. */
  canWrite?: boolean;
  locale?: Locale;
  /** The newest message of the chat: its actions stay in view without hovering. */
  latest?: boolean;
  /** Named by the page's address (`?message=`, a search result). */
  found?: boolean;
  /** Called with the answer's id when its stream ends (the page then reloads its data). */
  onSettled?: (messageId: string, endedAt: number) => void;
}) {
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  const isLive = message.status === "streaming";
  const live = useAnswerStream({
    url: `/chats/${chatId}/messages/${message.id}/stream`,
    enabled: isLive,
    initial: { parts: message.parts, lastEventId: message.lastEventId, retrying: message.retrying },
    onSettled: (endedAt) => (onSettled ? onSettled(message.id, endedAt) : revalidateWhenReachable(revalidator.revalidate)),
  });
  const streaming = isLive && live.status === "streaming";
  // An answer this page followed as it was written stays rendered in the
  // browser once it ends: swapping in the server's HTML would lay it all out again.
  const [followedHere, setFollowedHere] = useState(isLive);
  if (isLive && !followedHere) setFollowedHere(true);
  const parts = isLive ? live.parts : message.parts;
  const content = plainText(parts);
  const reasoning = reasoningText(parts);
  const stats = isLive ? live.stats : (message.stats ?? undefined);
  const status = isLive ? live.status : message.status;
  const problem = isLive ? live.problem : (message.problem ?? undefined);
  // Continue only where it can help (something written, not refused); the problem's advice names the same buttons.
  // Reasoning alone is not something written: no provider takes a thought back to go on from, so the model would
  // start over, under the thought it had before.
  const canContinue = (status === "interrupted" || status === "error") && continuable(problem) && parts.some((p) => p.type !== "reasoning");
  const modelLabel = message.model ? (modelLabels[message.model] ?? message.model) : undefined;
  return (
    <article id={`message-${message.id}`} className={`reveal-group scroll-mt-4 ${FOUND_RING}`} data-testid="assistant-message" data-status={status} data-message-id={message.id} data-latest={latest || undefined} data-found={found || undefined}>
      <div className="mb-1 flex flex-wrap items-center gap-x-2 text-xs text-zinc-500">
        <span className="font-medium text-zinc-300" data-testid="answer-model">{modelLabel ?? t("message.assistant")}</span>
        <MessageTime at={message.createdAt} />
        {streaming ? (
          <span className="inline-flex items-center gap-1 text-sky-400" data-testid="streaming-indicator">
            <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-400" /> {t("message.writing")}
          </span>
        ) : null}
        {live.reconnecting && streaming ? <span className="text-amber-400">{t("message.reconnecting")}</span> : null}
      </div>
      {reasoning ? (
        <details className="mb-2 rounded-lg border border-zinc-800 bg-zinc-900/60 px-3 py-2 text-sm text-zinc-400" open={streaming && !content}>
          <summary className="cursor-pointer select-none text-xs uppercase tracking-wide">{t("message.reasoning")}</summary>
          <div dir="auto" className="mt-2 whitespace-pre-wrap [unicode-bidi:plaintext]" data-testid="reasoning">
            {reasoning}
          </div>
        </details>
      ) : null}
      {/* One click handler serves every code block's Copy button (copy.ts). */}
      <div data-testid="answer-content" onClick={copyCodeOnClick}>
        {parts.some((p) => p.type !== "reasoning") ? (
          <MessageParts parts={parts} rendered={message.rendered} live={followedHere} streaming={streaming} cut={status === "interrupted" || status === "error"} />
        ) : streaming ? (
          <p className="text-zinc-500">…</p>
        ) : null}
      </div>
      {streaming && live.retrying ? <RetryNotice retry={live.retrying} /> : null}
      {streaming && live.quiet && !live.retrying && !live.reconnecting ? <QuietNotice model={modelLabel ?? t("message.assistant")} /> : null}
      {stats && !streaming ? <LeftOutNote stats={stats} model={modelLabel ?? t("message.assistant")} /> : null}
      {status === "error" || status === "interrupted" ? (
        // A failure as it happens is an alert (a status region inserted with its words already in is not read out).
        <p role={isLive && status === "error" ? "alert" : "status"} className={`mt-2 rounded-md px-3 py-2 text-sm ${status === "error" ? "bg-red-500/10 text-red-300" : "bg-amber-500/10 text-amber-300"}`} data-testid="answer-problem">
          {problem ? describe({ ...problem, params: { ...problem.params, continuable: canContinue } }, locale) : status === "error" ? describe("answer_failed", locale) : describe("stopped", locale)}
          {problem?.code === "own_key_refused" ? (
            <>
              {" "}
              <Link to="/settings/keys" className="underline underline-offset-2 hover:text-red-200">
                {t("message.openKeys")}
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
      {/* While it is written, Stop is where Send was (the composer); the answer's own actions come once it ends. */}
      <div className="reveal mt-1 flex flex-wrap items-center gap-0.5">
        <SiblingNav message={message} chatAction={chatAction} />
        {streaming ? null : <CopyMessageButton text={content} />}
        {!canWrite || streaming || !canAct ? null : (
          <>
            <ActionButton chatAction={chatAction} intent="regenerate" messageId={message.id} label={t("message.regenerate")} icon="regenerate" />
            <RegenerateWith chatAction={chatAction} messageId={message.id} models={models} current={message.model ?? undefined} />
            {/* Continue goes on from what was written: with nothing written, Regenerate is the way. */}
            {canContinue ? <ActionButton chatAction={chatAction} intent="continue" messageId={message.id} label={t("message.continue")} icon="continue" /> : null}
          </>
        )}
        {streaming ? null : <BranchActions chatAction={chatAction} messageId={message.id} disabled={!canAct || !canWrite} />}
        {stats && !streaming ? (
          <span className="ml-1 text-xs text-zinc-500" data-testid="answer-stats">
            {formatStats(stats, locale).join(" · ")}
          </span>
        ) : null}
      </div>
    </article>
  );
});

/** What the model was not given of the conversation: the earliest messages that did not fit, images it cannot see. */
function LeftOutNote({ stats, model }: { stats: MessageStats; model: string }) {
  const { t } = useTranslation();
  const notes = [
    stats.leftOutMessages ? t("message.leftOutMessages", { count: stats.leftOutMessages, model }) : null,
    stats.unseenImages ? t("message.unseenImages", { count: stats.unseenImages, model }) : null,
  ].filter((note): note is string => note !== null);
  if (notes.length === 0) return null;
  return (
    <p className="mt-2 text-xs text-amber-300/90" data-testid="answer-left-out">
      {notes.join(" ")}
    </p>
  );
}

/**
 * A message of the user's. Edit turns the bubble itself into a box with Save
 * and Cancel (Esc cancels). Without JavaScript, Edit is a link to ?edit=<id>,
 * which the server renders the same way, and Cancel a link back.
 */
export const UserMessage = memo(function UserMessage({
  message,
  chatId,
  chatAction,
  canAct,
  maxChars,
  found = false,
  refused,
}: {
  message: MessageView;
  chatId: string;
  chatAction: string;
  canAct: boolean;
  maxChars: number;
  /** Named by the page's address (`?message=`, a search result). */
  found?: boolean;
  /** An edit of this message the server refused: the box stays open with its text and why. */
  refused?: { formError: string; text: string };
}) {
  const { t } = useTranslation();
  const text = plainText(message.parts);
  const hydrated = useHydrated();
  const [params, setParams] = useSearchParams();
  const editingInUrl = params.get("edit") === message.id;
  const [editingHere, setEditingHere] = useState(false);
  // Cancel puts a refused edit away too; the next refusal opens the box again.
  const [dismissed, setDismissed] = useState<typeof refused>(undefined);
  const refusal = refused && refused !== dismissed ? refused : undefined;
  // A refused edit stays open even while an answer is written (which is why it was refused): its text is on it.
  const editing = (canAct && (editingHere || editingInUrl)) || refusal !== undefined;
  const boxRef = useRef<HTMLTextAreaElement>(null);
  const editRef = useRef<HTMLAnchorElement>(null);
  // As in the message box: text over the limit is kept whole, said, and not sent until it is shortened.
  const { overLimit, measure } = useOverLimit(maxChars);
  useEffect(() => {
    const box = boxRef.current;
    if (!editing || !box) return;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }, [editing]);
  const cancel = () => {
    setEditingHere(false);
    setDismissed(refused);
    if (editingInUrl) setParams((p) => (p.delete("edit"), p), { replace: true, preventScrollReset: true });
    // Focus goes back where it came from once the link is on the page again.
    requestAnimationFrame(() => editRef.current?.focus());
  };
  return (
    <article id={`message-${message.id}`} className={`reveal-group flex scroll-mt-4 flex-col items-end ${FOUND_RING}`} data-testid="user-message" data-message-id={message.id} data-found={found || undefined}>
      <MessageImages parts={message.parts} base={`/chats/${chatId}`} />
      {editing ? (
        <Form method="post" action={chatAction} className="w-full max-w-[min(100%,40rem)] rounded-2xl border border-zinc-600 bg-zinc-800 p-2 focus-within:border-sky-500 focus-within:ring-1 focus-within:ring-sky-500" data-testid="edit-form">
          <input type="hidden" name="intent" value="edit" />
          <input type="hidden" name="messageId" value={message.id} />
          <label className="sr-only" htmlFor={`edit-${message.id}`}>
            {t("message.editLabel")}
          </label>
          <textarea
            ref={boxRef}
            id={`edit-${message.id}`}
            name="content"
            defaultValue={refusal?.text ?? text}
            dir="auto"
            required
            aria-invalid={overLimit !== null || refusal !== undefined || undefined}
            aria-describedby={overLimit !== null ? `edit-${message.id}-too-long` : refusal ? `edit-${message.id}-refused` : undefined}
            onInput={(event) => measure(typedLength(event.currentTarget.value))}
            rows={Math.min(12, Math.max(2, text.split("\n").length))}
            className="block w-full resize-y bg-transparent px-2 py-1.5 text-zinc-100 outline-none"
            onKeyDown={(event) => {
              // Enter and Esc in an input method confirm or cancel what it is composing, and neither saves nor cancels the edit.
              if (isComposing(event)) return;
              if (event.key === "Escape") {
                event.preventDefault();
                cancel();
                return;
              }
              // As in the message box: Enter saves and answers, Shift+Enter starts a new line.
              if (event.key === "Enter" && !event.shiftKey) {
                event.preventDefault();
                if (event.currentTarget.value.trim() && overLimit === null) event.currentTarget.form?.requestSubmit();
              }
            }}
          />
          {refusal ? (
            <p role="alert" id={`edit-${message.id}-refused`} className="mx-2 mt-1 text-sm text-red-300" data-testid="edit-refused">
              {refusal.formError}
            </p>
          ) : null}
          {overLimit !== null ? <TooLong id={`edit-${message.id}-too-long`} length={overLimit} maxChars={maxChars} testId="edit-too-long" className="mx-2 mt-1 text-sm text-red-300" /> : null}
          <div className="mt-1 flex justify-end gap-2 text-sm">
            <Link
              to="."
              replace
              preventScrollReset
              className="rounded-md px-3 py-1 text-zinc-300 hover:bg-zinc-700"
              onClick={(event) => {
                event.preventDefault();
                cancel();
              }}
            >
              {t("common.cancel")}
            </Link>
            <button type="submit" disabled={overLimit !== null} className="rounded-md bg-sky-600 px-3 py-1 font-medium text-white hover:bg-sky-500 disabled:cursor-not-allowed disabled:opacity-50">
              {t("message.saveAndAnswer")}
            </button>
          </div>
        </Form>
      ) : text ? (
        // Each paragraph in the direction of its own words, as it was in the box it was typed in.
        <div dir="auto" className="max-w-[85%] whitespace-pre-wrap rounded-2xl bg-zinc-800 px-4 py-2.5 text-zinc-100 [overflow-wrap:anywhere] [unicode-bidi:plaintext]">
          <MessageParts parts={message.parts} plain />
        </div>
      ) : null}
      <MessageFiles parts={message.parts} base={`/chats/${chatId}`} />
      {editing ? null : (
        // Wraps on a phone: the time with its exact form (on hover or focus) is as wide as the screen's column.
        <div className="reveal mt-1 flex max-w-full flex-wrap items-center justify-end gap-0.5">
          <MessageTime at={message.createdAt} />
          <SiblingNav message={message} chatAction={chatAction} />
          <CopyMessageButton text={text} />
          {canAct ? (
            <Link
              ref={editRef}
              to={editLink(params, message.id)}
              preventScrollReset
              aria-label={t("message.edit")}
              title={t("message.edit")}
              className="icon-button small"
              onClick={(event) => {
                if (!hydrated) return;
                event.preventDefault();
                setEditingHere(true);
              }}
            >
              <Icon name="pencil" />
            </Link>
          ) : null}
          <BranchActions chatAction={chatAction} messageId={message.id} disabled={!canAct} />
        </div>
      )}
    </article>
  );
});

/** An answer that has sent nothing for a while: said once, so a reader is not left guessing whether it is stuck. */
function QuietNotice({ model }: { model: string }) {
  const { t } = useTranslation();
  const words = t("message.quiet", { model, seconds: QUIET_AFTER_MS / 1000 });
  useEffect(() => announce(words), [words]);
  return (
    <p className="mt-2 rounded-md bg-amber-500/10 px-3 py-2 text-sm text-amber-300" data-testid="answer-quiet">
      {words}
    </p>
  );
}

/** Why an answer has not started yet, and when the model is asked again (a second-by-second countdown, read out once). */
function RetryNotice({ retry }: { retry: StreamEventData["retry"] }) {
  const { t } = useTranslation();
  // The wait is a length of time from when this retry reached the page, on the browser's own clock (the server's may
  // differ). Until the clock runs (and without JavaScript), the wait as the page's data gave it: the same words in the
  // server's markup and the browser's first render.
  const [left, setLeft] = useState(retry.delayMs);
  useEffect(() => {
    const startsAt = Date.now() + retry.delayMs;
    const tick = () => setLeft(startsAt - Date.now());
    tick();
    if (retry.delayMs <= 0) return;
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [retry]);
  const { code, params = {} } = retry.problem;
  const words = { provider: params.provider ?? "", status: params.status ? ` (HTTP ${params.status})` : "" };
  const reason =
    code === "upstream_rate_limited"
      ? t("message.retryRateLimited", words)
      : code === "upstream_server_error"
        ? overloaded(params)
          ? t("message.retryOverloaded", words)
          : t("message.retryServerError", words)
        : code === "upstream_timeout"
          ? t("message.retryTimeout", words)
          : code === "upstream_connection_lost"
            ? t("message.retryConnectionLost", words)
            : t("message.retryOther", words);
  const seconds = Math.ceil(left / 1000);
  const counts = { attempt: retry.attempt, max: retry.maxAttempts };
  const spoken = `${reason} ${t("message.retryNow", counts)}`;
  // Said once per attempt; the countdown itself is not read out every second.
  useEffect(() => announce(spoken), [spoken]);
  return (
    <p className="mt-2 rounded-md bg-amber-500/10 px-3 py-2 text-sm text-amber-300" data-testid="answer-retrying">
      {reason} {seconds > 0 ? t("message.retryIn", { ...counts, seconds }) : t("message.retryNow", counts)}
    </p>
  );
}
