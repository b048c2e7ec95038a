// The message box: a real <form method="post"> (multipart, with a file
// input) that works without JavaScript. With it: Enter sends, Shift+Enter
// adds a line, the box grows with its text, an unsent draft survives reloads
// and expired sessions (localStorage), and files are uploaded as soon as they
// are picked, dropped or pasted (chips with progress; see useUploads).
// While an answer is written, Send turns into Stop (a plain form posting the
// stop intent, so it works without JavaScript too) and Esc stops it; with
// JavaScript the box stays usable, so the next message can be typed meanwhile.
import { Form, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { isolate } from "~/i18n/isolate";
import { useHydrated } from "remix-utils/use-hydrated";
import { useLocale } from "../../i18n/i18n";
import { TooLong, tooLongText, useOverLimit } from "./TooLong";
import { formatBytes } from "../../protocol/catalogue";
import type { FilePart } from "../../protocol/parts";
import { ACCEPT, kindOf } from "../../services/file-kind";
import { createId } from "../../utils/id";
import { asTyped, typedLength } from "../../utils/typed-text";
import { isComposing } from "../ui/composing";
import { Icon } from "../ui/Icon";
import type { UnlistedModel } from "~/llm/types";
import { ModelPicker, type PickerGroup } from "./ModelPicker";
import {
  DRAFT_SEPARATOR,
  draftFilesKey,
  draftQueuedKey,
  forgetDraft,
  forgetNewChatSend,
  keepDraftModel,
  keepNewChatSend,
  moveDraftToNewChat,
  readDraftModel,
  useDraftStorageKeys,
} from "./drafts";
import { type Chip, useUploads } from "./useUploads";

export interface ComposerProps {
  action: string;
  draftKey: string;
  models: PickerGroup[];
  modelId: string;
  /** Readable names of models no longer offered (the chat's own among them). */
  formerModels?: Record<string, string>;
  /** The model missing because its provider's list could not be read, and why. */
  unlistedModel?: UnlistedModel | null;
  maxChars: number;
  /** Upload limits, checked here before any byte is sent. */
  maxFileBytes: number;
  maxFiles: number;
  busy: boolean;
  /** Nothing can be sent for now (the page is on its way elsewhere): Send and Enter wait, the text stays. */
  held?: boolean;
  /** The answer being written (on this branch or another), which Stop stops. */
  stopId?: string;
  /** Shown right above the box (an answer written on another branch, say). */
  notice?: ReactNode;
  error?: string;
  /** With the error, a button that carries what is typed (and its files) to a new chat's draft and opens it (the chat is gone). */
  offerNewChat?: boolean;
  /** Text handed back by the server after a refused send, so nothing typed is lost. */
  initialText?: string;
  /** Files already uploaded with a refused send: they stay attached. */
  initialFiles?: FilePart[];
  /** The model a refused send chose: it stays chosen (when it is still offered). */
  initialModel?: string;
  /**
   * Sends the form without a navigation (the chat page's fast path) with the
   * uploaded files; returns false to fall back to a plain form post.
   */
  onSend?: (form: HTMLFormElement, files: FilePart[]) => boolean;
  /** The message the page shows last: a message sent follows it, whatever branch another tab chose since. */
  followsId?: string;
  /**
   * The new chat's page: with JavaScript, its send names the chat it opens (an id chosen here) and is kept until that
   * chat is up, so a reload in between finds the chat, or the message when it never reached the server.
   */
  newChat?: boolean;
}

function ChipView({ chip, onRemove, onRetry }: { chip: Chip; onRemove: () => void; onRetry: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <li
      className={`flex max-w-64 items-center gap-2 rounded-lg border px-2 py-1.5 text-xs ${chip.status === "error" ? "border-red-500/60 bg-red-500/10" : "border-zinc-700 bg-zinc-800"}`}
      data-testid="attachment-chip"
      data-status={chip.status}
    >
      {chip.previewUrl && chip.status !== "error" ? (
        <img src={chip.previewUrl} alt="" className="h-8 w-8 shrink-0 rounded object-cover" />
      ) : (
        <Icon name="file" className="h-5 w-5 text-zinc-400" />
      )}
      <span className="min-w-0">
        <span dir="auto" className="block truncate text-zinc-100" title={chip.name}>
          {chip.name}
        </span>
        {/* A refusal's words may hold a long name or type with nowhere to break: it breaks anywhere rather than spill out of the chip. */}
        <span className="block text-zinc-400 [overflow-wrap:anywhere]">
          {chip.status === "error" ? <span className="text-red-300">{chip.error}</span> : formatBytes(chip.size, locale)}
        </span>
        {chip.status === "error" && chip.retryable ? (
          <button type="button" onClick={onRetry} aria-label={t("composer.retryUploadOf", { name: isolate(chip.name) })} className="mt-0.5 font-medium text-sky-300 underline underline-offset-2 hover:no-underline">
            {t("composer.retryUpload")}
          </button>
        ) : null}
        {chip.status === "uploading" ? (
          <span className="mt-1 block h-1 w-full overflow-hidden rounded bg-zinc-700">
            <span
              role="progressbar"
              aria-label={t("composer.uploading", { name: isolate(chip.name) })}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(chip.progress * 100)}
              className="block h-full bg-sky-500 transition-[width]"
              style={{ width: `${Math.round(chip.progress * 100)}%` }}
            />
          </span>
        ) : null}
      </span>
      {chip.status === "ready" && chip.part ? <input type="hidden" name="attachmentId" value={chip.part.attachmentId} /> : null}
      <button type="button" onClick={onRemove} aria-label={t("composer.remove", { name: isolate(chip.name) })} className="ml-auto inline-flex size-7 shrink-0 items-center justify-center rounded text-base text-zinc-400 hover:bg-zinc-700 hover:text-zinc-100">
        ×
      </button>
    </li>
  );
}

const STOP_FORM_ID = "stop-answer";

/**
 * Whether the message box names its keys: not on a touch screen (a coarse pointer), where Enter and Esc are not
 * keys to press, nor in a window too narrow for the longer words (they would not fit the box's two lines).
 */
function useKeyboardHints(): boolean {
  const [fine, setFine] = useState(true);
  useEffect(() => {
    const touch = matchMedia("(pointer: coarse)");
    const narrow = matchMedia("(max-width: 479px)");
    const update = () => setFine(!touch.matches && !narrow.matches);
    update();
    touch.addEventListener("change", update);
    narrow.addEventListener("change", update);
    return () => {
      touch.removeEventListener("change", update);
      narrow.removeEventListener("change", update);
    };
  }, []);
  return fine;
}

export function Composer({ action, draftKey, models, modelId, maxChars, maxFileBytes, maxFiles, busy, held = false, stopId, notice, error, offerNewChat, initialText, initialFiles, initialModel, onSend, followsId, formerModels, unlistedModel, newChat }: ComposerProps) {
  const navigation = useNavigation();
  const location = useLocation();
  const hydrated = useHydrated();
  const keys = useKeyboardHints();
  const { t } = useTranslation();
  const locale = useLocale();
  const formRef = useRef<HTMLFormElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const storageKeyOf = useDraftStorageKeys();
  const storageKey = storageKeyOf(draftKey);
  // After a send that opens another chat (a new chat's first message), what is typed until that page is up is its draft.
  const typingFor = useRef<string | null>(null);
  const uploads = useUploads({ initial: initialFiles, maxFileBytes, maxFiles, keptAt: draftFilesKey(storageKey) });
  const offered = useCallback((id: string) => models.some((g) => g.models.some((m) => m.id === id)), [models]);
  const startModel = initialModel && offered(initialModel) ? initialModel : modelId;
  const [model, setModel] = useState(startModel);
  const [dragging, setDragging] = useState(false);
  useEffect(() => setModel(startModel), [startModel]);
  // A reload (or a return to this chat) keeps the model picked for what is being written, while it is offered.
  useEffect(() => {
    const saved = readDraftModel(storageKey);
    if (!saved) return;
    if (initialModel || saved === startModel || !offered(saved)) return keepDraftModel(storageKey, null);
    setModel(saved);
  }, [storageKey, startModel, initialModel, offered]);
  const pick = useCallback(
    (id: string) => {
      setModel(id);
      keepDraftModel(storageKey, id === startModel ? null : id);
    },
    [storageKey, startModel],
  );
  const chosen = models.flatMap((g) => g.models).find((m) => m.id === model);
  // Said and enforced here only with the script running, which follows the picker as it changes; without it the
  // server refuses such a send with the same words, and a Send held here could not be let go by another choice.
  const blind = hydrated && chosen !== undefined && !chosen.vision && uploads.chips.some((c) => c.part && kindOf(c.part.mediaType) === "image");
  const submitting = navigation.state === "submitting" && navigation.formData?.get("intent") === "send";
  const disabled = busy || submitting || held;
  // Without JavaScript the page refreshes while an answer is written, which would wipe whatever is typed meanwhile.
  const boxDisabled = submitting || (busy && !hydrated);
  const stopFormRef = useRef<HTMLFormElement>(null);

  const grow = useCallback(() => {
    const box = textRef.current;
    if (!box) return;
    box.style.height = "auto";
    box.style.height = `${Math.min(box.scrollHeight, 320)}px`;
  }, []);
  // Text over the limit is kept whole (a paste is never cut short without a word): the page says how long it is,
  // and holds the send until it is shortened. Without JavaScript the server says so, and hands the text back.
  const { overLimit, measure: measureLength } = useOverLimit(maxChars);
  const measure = useCallback(() => measureLength(typedLength(textRef.current?.value ?? "")), [measureLength]);
  // The text handed back by the server after a refused send is measured too.
  useEffect(measure, [measure]);

  // A reload brings the draft back. A message that was queued goes back in the queue while the answer it waited
  // for is still being written; otherwise it is at the start of the box, to send or not.
  const busyAtStart = useRef(busy);
  useEffect(() => {
    const box = textRef.current;
    if (!box || initialText) return;
    const saved = localStorage.getItem(storageKey);
    const queuedBefore = localStorage.getItem(draftQueuedKey(storageKey));
    if (saved && !box.value) {
      const rest = queuedBefore === null ? null : saved === queuedBefore ? "" : saved.startsWith(`${queuedBefore}${DRAFT_SEPARATOR}`) ? saved.slice(queuedBefore.length + DRAFT_SEPARATOR.length) : null;
      if (rest !== null && busyAtStart.current) {
        restoreQueue.current = queuedBefore;
        box.value = rest;
      } else box.value = saved;
      grow();
      measure();
    }
    if (!busyAtStart.current || queuedBefore === null) localStorage.removeItem(draftQueuedKey(storageKey));
  }, [storageKey, initialText, measure, grow]);

  // Clear the box (and its draft and files) once a send went through.
  const wasSubmitting = useRef(false);
  const { clear } = uploads;
  // A send that opens a chat's page (a new chat's first message, or a send from an earlier page) went through
  // too: this composer is gone before the navigation ends, so its draft goes as the page is left (a new chat's first
  // message is still kept on its own until its chat is up). One that leads anywhere else (the login page, for a
  // session ended meanwhile) did not: the draft stays for the way back.
  const leaving = navigation.state === "loading" && navigation.location.pathname !== location.pathname;
  const sentText = useRef("");
  const destination = leaving ? /^\/chats\/([^/]+)$/.exec(navigation.location.pathname)?.[1] : undefined;
  useEffect(() => {
    if (submitting) {
      wasSubmitting.current = true;
      sentText.current = String(navigation.formData?.get("content") ?? "");
    } else if (wasSubmitting.current && leaving) {
      wasSubmitting.current = false;
      if (!destination) {
        forgetNewChatSend(storageKey);
        return;
      }
      forgetDraft(storageKey);
      clear();
      const box = textRef.current;
      if (box) {
        // Typed since the send (it replaced the sent text): it goes on as the new chat's draft. The sent text itself goes.
        const typed = box.value;
        typingFor.current = storageKeyOf(destination);
        if (typed.trim() && typed !== sentText.current) localStorage.setItem(typingFor.current, typed);
        else box.value = "";
      }
    } else if (wasSubmitting.current && navigation.state === "idle") {
      wasSubmitting.current = false;
      // Refused, or it never arrived: the text is back in the box, and there is no chat to look for.
      forgetNewChatSend(storageKey);
      if (!error && textRef.current) {
        textRef.current.value = "";
        forgetDraft(storageKey);
        clear();
        grow();
      }
    }
  }, [submitting, leaving, navigation.state, navigation.formData, destination, error, storageKey, storageKeyOf, clear, grow]);

  // The box has the focus whenever it can take it and nothing else has it:
  // on arrival, while an answer is written, and when it ends.
  useEffect(() => {
    const box = textRef.current;
    if (!box || boxDisabled) return;
    const focused = document.activeElement;
    if (!focused || focused === document.body || focused === box || focused.hasAttribute("data-focus-until-hydrated")) box.focus({ preventScroll: true });
  }, [busy, boxDisabled]);

  // Esc stops the answer, unless something else (a popup, an edit, the model list) took the key first.
  useEffect(() => {
    if (!busy || !stopId) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented || isComposing(event)) return;
      // An open dialog (an enlarged image) is what Esc closes.
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      stopFormRef.current?.requestSubmit();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [busy, stopId]);

  // Enter while an answer is written queues the message: it is sent once the answer is done (or stopped).
  // So does one sent while its files upload; a file that then fails holds the message back (it would go without it).
  // The queued text leaves the box for the notice above it, so what is typed next is a message of its own; Enter
  // again adds it to the queued one (one answer comes between two messages), Cancel puts the text back in the box.
  const [queued, setQueuedState] = useState<string | null>(null);
  // The draft holds the queued message and then what is typed after it, so a reload loses neither (the queued text
  // is also kept on its own, to be queued again: see the draft's restore above); a delivered send takes its own
  // text out of it.
  const queuedRef = useRef<string | null>(null);
  const draftText = () => [queuedRef.current, textRef.current?.value].filter((part) => part?.trim()).join(DRAFT_SEPARATOR);
  const keepDraft = useCallback(() => {
    const key = typingFor.current ?? storageKey;
    const text = draftText();
    if (text) localStorage.setItem(key, text);
    else localStorage.removeItem(key);
  }, [storageKey]);
  const setQueued = useCallback(
    (next: string | null) => {
      queuedRef.current = next;
      setQueuedState(next);
      const key = draftQueuedKey(typingFor.current ?? storageKey);
      if (next === null) localStorage.removeItem(key);
      else localStorage.setItem(key, next);
    },
    [storageKey],
  );
  const failedWhenQueued = useRef(0);
  // Queued again after a reload (the effect that restores the draft runs before this one is declared).
  const restoreQueue = useRef<string | null>(null);
  useEffect(() => {
    if (restoreQueue.current === null) return;
    setQueued(restoreQueue.current);
    restoreQueue.current = null;
  }, [setQueued]);
  const failed = uploads.chips.filter((c) => c.status === "error").length;
  const putBack = useCallback(
    (text: string) => {
      const box = textRef.current;
      if (!box) return;
      box.value = [text, box.value].filter((part) => part.trim()).join(DRAFT_SEPARATOR);
      grow();
      measure();
    },
    [grow, measure],
  );
  const queue = () => {
    const box = textRef.current;
    if (!box) return;
    failedWhenQueued.current = failed;
    const typed = box.value;
    const before = queuedRef.current;
    setQueued(before === null ? typed : [before, typed].filter((part) => part.trim()).join(DRAFT_SEPARATOR));
    box.value = "";
    grow();
    measure();
    keepDraft();
  };
  const unqueue = () => {
    if (queued !== null) putBack(queued);
    setQueued(null);
    keepDraft();
    textRef.current?.focus();
  };
  useEffect(() => {
    if (queued === null || failed <= failedWhenQueued.current) return;
    putBack(queued);
    setQueued(null);
    keepDraft();
  }, [queued, failed, putBack, setQueued, keepDraft]);
  useEffect(() => {
    // The ref, not the state: the send below renders again at once (a submit is a discrete event, its updates come
    // first) with the state still queued and the files cleared; this effect must not send the text a second time.
    const text = queuedRef.current;
    if (queued === null || text === null || busy || submitting || uploads.uploading) return;
    setQueued(null);
    const box = textRef.current;
    // Emptied meanwhile: nothing to send.
    if (!box || !(text.trim() || uploads.ready.length > 0)) return;
    // The form sends what its box holds: the queued text, for the moment of the submit (read at once), then what
    // was typed since goes back. A send that did not take it (refused before leaving) leaves both in the box.
    const typed = box.value;
    box.value = text;
    formRef.current?.requestSubmit();
    if (box.value === "") box.value = typed;
    else box.value = [box.value, typed].filter((part) => part.trim()).join(DRAFT_SEPARATOR);
    grow();
  }, [queued, busy, submitting, uploads.uploading, uploads.ready.length, grow, setQueued]);

  // The chat is gone (deleted in another tab): what is typed, and its files, become the new chat's draft there.
  const navigate = useNavigate();
  const toNewChat = () => {
    const files = uploads.chips.flatMap((chip) => (chip.status === "ready" && chip.part ? [chip.part] : []));
    moveDraftToNewChat({ from: storageKey, to: storageKeyOf("new"), text: draftText(), files });
    navigate("/chats?new=1");
  };

  // A refused send hands its text back: put it in the box again, before anything typed since (a queued message's
  // send is refused after the box took the next one).
  useEffect(() => {
    const box = textRef.current;
    if (!initialText || !box || box.value.includes(initialText)) return;
    box.value = box.value.trim() ? `${initialText}\n\n${box.value}` : initialText;
    grow();
  }, [initialText, grow]);

  return (
    <>
    {/* Outside the message form: the notice holds forms of its own. */}
    {notice ? <div className="mx-auto w-full max-w-3xl px-4">{notice}</div> : null}
    <Form
      ref={formRef}
      method="post"
      action={action}
      encType="multipart/form-data"
      className="relative mx-auto w-full max-w-3xl px-4 pb-4"
      onSubmit={(event) => {
        if (blind) {
          event.preventDefault();
          return;
        }
        if (uploads.uploading) {
          event.preventDefault();
          if (hydrated) queue();
          return;
        }
        if (disabled) {
          // Nothing is posted while an answer is written: a message typed meanwhile waits for its end.
          event.preventDefault();
          return;
        }
        if (!onSend) {
          if (newChat) {
            // The chat's id goes with the send, and the send is noted under it before it leaves.
            const chatId = createId();
            const field = event.currentTarget.elements.namedItem("chatId");
            if (field instanceof HTMLInputElement) field.value = chatId;
            keepNewChatSend(storageKey, { chatId, text: asTyped(textRef.current?.value ?? ""), files: uploads.ready });
          }
          return;
        }
        event.preventDefault();
        // The draft stays stored until the send is delivered (an expired session must not lose it).
        if (onSend(event.currentTarget, uploads.ready) && textRef.current) {
          textRef.current.value = "";
          uploads.clear();
          // The box shrinks back in the next frame: measuring it now would lay the page out before the send has left.
          requestAnimationFrame(grow);
        }
      }}
      onDragOver={(event) => {
        if (!hydrated || !event.dataTransfer.types.includes("Files")) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        if (!event.dataTransfer.files.length) return;
        event.preventDefault();
        setDragging(false);
        uploads.add(event.dataTransfer.files);
      }}
    >
      {dragging ? (
        <div className="pointer-events-none absolute inset-0 z-10 mx-4 mb-4 flex items-center justify-center rounded-2xl border-2 border-dashed border-sky-500 bg-zinc-950/80 text-sm text-sky-200">
          {t("composer.dropFiles")}
        </div>
      ) : null}
      <input type="hidden" name="intent" value="send" />
      {followsId ? <input type="hidden" name="parentId" value={followsId} /> : null}
      {/* Without JavaScript the server names the new chat (nothing here could look for it after a reload). */}
      {newChat && hydrated ? <input type="hidden" name="chatId" defaultValue="" /> : null}
      {/* A refusal that says what the notice over the limit already says is said once. */}
      {error && !(overLimit !== null && error === tooLongText(overLimit, maxChars, locale)) ? (
        <p role="alert" className="mb-2 rounded-lg border border-red-500/40 bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {error}
          {offerNewChat ? (
            <>
              {" "}
              <button type="button" onClick={toNewChat} className="font-semibold underline underline-offset-2 hover:no-underline">
                {t("composer.toNewChat")}
              </button>
            </>
          ) : null}
        </p>
      ) : null}
      {overLimit !== null ? (
        <TooLong id="composer-too-long" length={overLimit} maxChars={maxChars} testId="too-long" className="mb-2 rounded-lg border border-red-500/40 bg-red-500/10 px-3 py-2 text-sm text-red-300" />
      ) : null}
      {queued !== null ? (
        <div role="status" className="mb-2 flex items-start gap-2 text-sm text-sky-300" data-testid="queued-send">
          <div className="min-w-0 flex-1">
            <p>{uploads.uploading ? t("composer.queuedUploads") : t("composer.queued")}</p>
            {queued.trim() ? (
              <p dir="auto" className="line-clamp-3 whitespace-pre-wrap break-words text-zinc-300 [unicode-bidi:plaintext]" data-testid="queued-text">
                {queued}
              </p>
            ) : null}
          </div>
          <button type="button" onClick={unqueue} className="shrink-0 rounded px-1.5 text-zinc-400 underline hover:text-zinc-100">
            {t("common.cancel")}
          </button>
        </div>
      ) : null}
      {uploads.notice ? (
        <p role="status" className="mb-2 text-sm text-amber-300">
          {uploads.notice}
        </p>
      ) : null}
      {blind ? (
        <p role="alert" className="mb-2 rounded-lg border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm text-amber-200" data-testid="vision-warning">
          {t("composer.cannotSeeImages", { model: chosen?.label })}
        </p>
      ) : null}
      <div className="rounded-2xl border border-zinc-700 bg-zinc-900 focus-within:border-sky-500 focus-within:ring-1 focus-within:ring-sky-500">
        {hydrated && uploads.chips.length > 0 ? (
          <ul className="flex flex-wrap gap-2 px-3 pt-3" aria-label={t("composer.filesToSend")}>
            {uploads.chips.map((chip) => (
              <ChipView key={chip.key} chip={chip} onRemove={() => uploads.remove(chip.key)} onRetry={() => uploads.retry(chip.key)} />
            ))}
          </ul>
        ) : null}
        {!hydrated && initialFiles?.length ? (
          <fieldset className="px-3 pt-3 text-xs text-zinc-300">
            <legend className="sr-only">{t("composer.filesUploaded")}</legend>
            {initialFiles.map((file) => (
              <label key={file.attachmentId} className="mr-3 inline-flex items-center gap-1.5">
                <input type="checkbox" name="attachmentId" value={file.attachmentId} defaultChecked />
                {file.name} <span className="text-zinc-500">({formatBytes(file.size, locale)})</span>
              </label>
            ))}
          </fieldset>
        ) : null}
        <label htmlFor="composer" className="sr-only">
          {t("composer.message")}
        </label>
        <textarea
          id="composer"
          ref={textRef}
          name="content"
          rows={2}
          dir="auto"
          disabled={boxDisabled}
          aria-invalid={overLimit !== null || undefined}
          aria-describedby={overLimit !== null ? "composer-too-long" : undefined}
          defaultValue={initialText}
          // Enter sends only with JavaScript: without it, it starts a new line like in any form.
          // The keys are named where there is a keyboard to press them (not on a touch screen, not without JavaScript).
          placeholder={busy ? (!hydrated ? t("composer.placeholderBusyNoJs") : keys ? t("composer.placeholderBusy") : t("composer.placeholderBusyTouch")) : hydrated && keys ? t("composer.placeholder") : t("composer.placeholderNoJs")}
          className="block max-h-[min(20rem,40dvh)] w-full resize-none bg-transparent px-4 py-3 text-zinc-100 outline-none placeholder:text-zinc-500 disabled:opacity-60"
          onInput={() => {
            grow();
            measure();
            keepDraft();
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey && !isComposing(event)) {
              event.preventDefault();
              if (!(event.currentTarget.value.trim() || uploads.ready.length > 0 || uploads.uploading)) return;
              if (overLimit !== null) return;
              if (!disabled) formRef.current?.requestSubmit();
              else if (busy && !submitting) queue();
            }
          }}
          onPaste={(event) => {
            // A pasted screenshot (or copied files) becomes an attachment; pasted text stays text.
            const files = [...event.clipboardData.files];
            if (files.length === 0) return;
            event.preventDefault();
            uploads.add(files);
          }}
        />
        <div className="flex items-center justify-between gap-2 border-t border-zinc-800 px-3 py-2">
          {/* Without JavaScript the browser's own file field is shown, wider than an icon: the row wraps on a phone. */}
          <div className={`flex min-w-0 items-center gap-2 text-xs text-zinc-400 ${hydrated ? "" : "flex-wrap"}`}>
            <label className={`inline-flex cursor-pointer items-center rounded-md border border-zinc-700 px-2 text-zinc-200 hover:border-zinc-500 focus-within:outline focus-within:outline-2 focus-within:outline-sky-500 ${hydrated ? "h-7 py-1" : "min-h-7 min-w-0 max-w-full overflow-hidden py-0.5"}`}>
              {/* An icon, not the 📎 emoji: not every system has a font that draws it. */}
              {hydrated ? <Icon name="paperclip" /> : <span>{t("composer.attachFiles")}</span>}
              <span className="sr-only">{t("composer.attachFilesLong", { size: formatBytes(maxFileBytes, locale) })}</span>
              <input
                ref={fileRef}
                type="file"
                name="files"
                multiple
                accept={ACCEPT}
                disabled={disabled}
                data-testid="file-input"
                className={hydrated ? "sr-only" : "ml-2 h-6 min-w-0 max-w-52 text-xs"}
                onChange={(event) => {
                  if (!hydrated || !event.currentTarget.files?.length) return;
                  uploads.add(event.currentTarget.files);
                  // Uploaded already: the form itself must not send them again.
                  event.currentTarget.value = "";
                }}
              />
            </label>
            <span className="sr-only sm:not-sr-only">{t("composer.model")}</span>
            <ModelPicker groups={models} value={model} onChange={pick} formerLabels={formerModels} unlisted={unlistedModel} />
          </div>
          {busy && stopId ? (
            // Belongs to the stop form below (form=…): one place for Send and Stop, two forms.
            <button
              type="submit"
              form={STOP_FORM_ID}
              // Without JavaScript the page reloads itself every second while the answer is written, and each
              // reload would put the keyboard back at the top: Stop takes the focus instead (once the script
              // runs, the message box does; see below).
              autoFocus={!hydrated}
              data-focus-until-hydrated=""
              aria-label={t("composer.stopGenerating")}
              title={t("composer.stopGeneratingEsc")}
              className="inline-flex shrink-0 items-center gap-1.5 rounded-lg bg-zinc-100 px-4 py-1.5 text-sm font-medium text-zinc-900 hover:bg-white"
            >
              <Icon name="stop" /> {t("composer.stop")}
            </button>
          ) : (
            <button
              type="submit"
              disabled={disabled || blind || overLimit !== null}
              className="shrink-0 rounded-lg bg-sky-600 px-4 py-1.5 text-sm font-medium hover:bg-sky-500 disabled:cursor-not-allowed disabled:opacity-50"
            >
              {submitting ? t("composer.sending") : t("composer.send")}
            </button>
          )}
        </div>
      </div>
    </Form>
    {busy && stopId ? (
      <Form ref={stopFormRef} id={STOP_FORM_ID} method="post" action={action} hidden>
        <input type="hidden" name="intent" value="stop" />
        <input type="hidden" name="messageId" value={stopId} />
      </Form>
    ) : null}
    </>
  );
}
