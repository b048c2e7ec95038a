// The chat's header: its title and the chat's settings. On a phone every
// control is an icon (with its name for screen readers and as a tooltip) so
// the title keeps its room; from lg up the names show beside the icons.
// Popups hang from the header's right edge and are never wider than the
// screen, so none opens past an edge. Rename and the system prompt save
// without leaving the page (with JavaScript): the popup closes, focus returns
// to its opener and a polite status says "Saved". Without JavaScript they are
// plain forms and the page reloads with the new values.
import { Form, Link, useFetcher, useNavigation, useSearchParams } from "@remix-run/react";
import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { SYSTEM_PROMPT_MAX } from "~/services/chat-input";
import type { FormFailure } from "../../protocol/errors";
import { Icon, type IconName } from "../ui/Icon";
import { CountedTextArea } from "../ui/LengthCount";
import { Popover } from "../ui/Popover";
import { useSavedInPlace } from "../ui/useSavedInPlace";
import { listRowId, listSearch } from "./chat-list-address";

export interface HeaderChat {
  id: string;
  title: string;
  pinned: boolean;
  archived: boolean;
  systemPrompt: string | null;
}

const PANEL = "absolute right-2 top-full z-30 mt-1 w-[min(24rem,calc(100vw-1rem))] rounded-lg border border-zinc-700 bg-zinc-900 p-3 text-sm shadow-xl";

/**
 * An icon with its name beside it when the header is wide enough for every
 * name and the title (whatever the language), else the icon alone (the
 * accessible name is the same word).
 */
function Labelled({ icon, text }: { icon: IconName; text: string }) {
  return (
    <>
      <Icon name={icon} />
      <span className="header-label">{text}</span>
    </>
  );
}

/**
 * A form that saves in place: once the server took it, it closes its popup and reports. While it is on its way its
 * button says so and takes no second click (nor Enter), so a slow connection never sends it twice.
 */
function SavingForm({ action, close, onSaved, refused, children }: { action: string; close: () => void; onSaved: () => void; refused?: string; children: (busy: boolean) => ReactNode }) {
  const fetcher = useFetcher<FormFailure>();
  const busy = fetcher.state !== "idle";
  const refusedHere = useSavedInPlace(fetcher, () => {
    close();
    onSaved();
  });
  // `refused`: the page's own post was refused (without JavaScript); a later try's answer replaces it.
  const failure = refusedHere ? { formError: refusedHere } : fetcher.data === undefined && refused ? { formError: refused } : null;
  return (
    <fetcher.Form
      method="post"
      action={action}
      className={PANEL}
      aria-busy={busy}
      onSubmit={(event) => {
        if (busy) event.preventDefault();
      }}
    >
      {children(busy)}
      {failure ? (
        <p role="alert" className="mt-2 text-red-300">
          {failure.formError}
        </p>
      ) : null}
    </fetcher.Form>
  );
}

/** A popup's Save, which says "Saving…" and takes no click while its form is on its way. */
function SaveButton({ busy, className = "" }: { busy: boolean; className?: string }) {
  const { t } = useTranslation();
  return (
    <button type="submit" disabled={busy} className={`rounded-md bg-sky-600 px-3 py-1 font-medium hover:bg-sky-500 disabled:opacity-60 ${className}`}>
      {busy ? t("common.saving") : t("common.save")}
    </button>
  );
}

export function ChatHeader({
  chat,
  level,
  exportMenu,
  shareControl,
  failure,
}: {
  chat: HeaderChat;
  level: "read" | "write" | "own";
  /** A refused title or system prompt posted without JavaScript: its popup opens again with what was typed. */
  failure?: { intent: "rename" | "system-prompt"; formError: string; text?: string };
  /** The Export menu (anyone who can read the chat) and the Share control (its owner), made by the page. */
  exportMenu?: ReactNode;
  shareControl?: ReactNode;
}) {
  const { t } = useTranslation();
  const action = `/chats/${chat.id}`;
  const [params] = useSearchParams();
  const [status, setStatus] = useState("");
  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => setStatus(""), 3000);
    return () => clearTimeout(timer);
  }, [status]);
  const saved = () => setStatus(t("header.saved"));
  const navigation = useNavigation();
  // The chat's deletion on its way: its button says so and takes no second click.
  const deleting = navigation.state === "submitting" && navigation.formAction === action && navigation.formData?.get("intent") === "delete";
  return (
    <header className="@container relative flex items-center gap-1 border-b border-zinc-800 px-2 py-2 sm:px-4" data-testid="chat-header">
      {/* Back to the list as it was left (its pages, archived or not), with this chat's row in view. */}
      <Link to={`/chats${listSearch(params)}#${listRowId(chat.id)}`} className="icon-button md:hidden" aria-label={t("common.backToChats")} title={t("common.backToChats")}>
        <Icon name="back" />
      </Link>
      {/* Beside a phone's row of buttons a title gets two short lines (one cut at ten letters told chats apart by none). */}
      <h1 dir="auto" className="line-clamp-2 min-w-24 flex-1 px-1 text-sm leading-tight font-medium [overflow-wrap:anywhere] sm:truncate sm:text-base sm:leading-normal" data-testid="chat-title" title={chat.title}>
        {chat.title}
      </h1>
      {/* Always in the page, so that a screen reader hears what is put in it. */}
      <p role="status" aria-live="polite" className="shrink-0 text-xs text-emerald-400" data-testid="header-status">
        {status}
      </p>
      {exportMenu}
      {level === "read" ? null : (
        <>
          <Popover label={t("common.rename")} summary={<Labelled icon="pencil" text={t("common.rename")} />} open={failure?.intent === "rename"}>
            {(close) => (
              <SavingForm action={action} close={close} onSaved={saved} refused={failure?.intent === "rename" ? failure.formError : undefined}>
                {(busy) => (
                  <>
                    <input type="hidden" name="intent" value="rename" />
                    <label className="mb-1 block text-zinc-300" htmlFor="chat-title-input">
                      {t("header.chatTitle")}
                    </label>
                    <div className="flex gap-2">
                      <input id="chat-title-input" name="title" defaultValue={failure?.intent === "rename" ? failure.text : chat.title} dir="auto" required data-autofocus className="min-w-0 flex-1 rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1" />
                      <SaveButton busy={busy} />
                    </div>
                  </>
                )}
              </SavingForm>
            )}
          </Popover>
          <Popover label={t("header.systemPrompt")} summary={<Labelled icon="sliders" text={t("header.systemPrompt")} />} open={failure?.intent === "system-prompt"}>
            {(close) => (
              <SavingForm action={action} close={close} onSaved={saved} refused={failure?.intent === "system-prompt" ? failure.formError : undefined}>
                {(busy) => (
                  <>
                    <input type="hidden" name="intent" value="system-prompt" />
                    <label htmlFor="system-prompt-input" className="mb-1 block text-zinc-300">
                      {t("header.systemPromptLabel")}
                    </label>
                    <CountedTextArea
                      id="system-prompt-input"
                      name="systemPrompt"
                      max={SYSTEM_PROMPT_MAX}
                      defaultValue={(failure?.intent === "system-prompt" ? failure.text : undefined) ?? chat.systemPrompt ?? ""}
                      rows={5}
                      data-autofocus
                      className="w-full rounded-md border border-zinc-700 bg-zinc-800 p-2"
                    />
                    <SaveButton busy={busy} className="mt-2" />
                  </>
                )}
              </SavingForm>
            )}
          </Popover>
        </>
      )}
      {level !== "own" ? null : (
        <>
          {shareControl}
          {/* On a phone, Pin and Archive live in the chat list's menu only: the title keeps its room. */}
          <Form method="post" action={action} className="contents">
            <input type="hidden" name="intent" value="pin" />
            <button type="submit" name="value" value={String(!chat.pinned)} aria-label={chat.pinned ? t("common.unpin") : t("common.pin")} title={chat.pinned ? t("common.unpin") : t("common.pin")} className={`icon-button max-sm:hidden ${chat.pinned ? "text-amber-400" : ""}`}>
              <Labelled icon="pin" text={chat.pinned ? t("common.unpin") : t("common.pin")} />
            </button>
          </Form>
          <Form method="post" action={action} className="contents">
            <input type="hidden" name="intent" value="archive" />
            <button type="submit" name="value" value={String(!chat.archived)} aria-label={chat.archived ? t("common.unarchive") : t("common.archive")} title={chat.archived ? t("common.unarchive") : t("common.archive")} className="icon-button max-sm:hidden">
              <Labelled icon="archive" text={chat.archived ? t("common.unarchive") : t("common.archive")} />
            </button>
          </Form>
          <Popover label={t("common.delete")} summary={<Labelled icon="trash" text={t("common.delete")} />} summaryClassName="icon-button text-red-400 hover:bg-red-500/10 hover:text-red-300">
            <Form
              method="post"
              action={action}
              className={PANEL}
              aria-busy={deleting}
              onSubmit={(event) => {
                if (deleting) event.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="delete" />
              <p className="mb-2 text-zinc-300">{t("chat.deleteConfirm")}</p>
              <button type="submit" disabled={deleting} className="w-full rounded-md bg-red-600 px-3 py-1.5 font-medium hover:bg-red-500 disabled:opacity-60">
                {deleting ? t("common.deleting") : t("chat.deletePermanently")}
              </button>
            </Form>
          </Popover>
        </>
      )}
    </header>
  );
}
