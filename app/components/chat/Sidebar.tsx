import { Form, Link, NavLink, useFetcher, useLocation, useSearchParams } from "@remix-run/react";
import { useHydrated } from "remix-utils/use-hydrated";
import { useTranslation } from "~/i18n/i18n";
import { isolate } from "~/i18n/isolate";
import { Trans } from "~/i18n/Trans";
import type { ChatListItem } from "~/models/chat.server";
import type { FormFailure } from "~/protocol/errors";
import { announce } from "../markdown/copy";
import { Icon } from "../ui/Icon";
import { Popover } from "../ui/Popover";
import { useSavedInPlace } from "../ui/useSavedInPlace";
import { listRowId, listSearch } from "./chat-list-address";
import { forgetDrafts } from "./drafts";
import { ShortcutsHelp } from "./KeyboardShortcuts";
import { usePrefetchChat } from "./usePrefetchChat";
import { useKeyNames } from "../ui/keys";

const MENU_BUTTON = "flex w-full items-center gap-2 rounded px-2 py-1.5 text-left hover:bg-zinc-800";

/**
 * Renames in place (with JavaScript): once saved the menu closes, focus goes
 * back to its opener and screen readers hear "Saved"; a refused title is said
 * in the menu, which stays open with it. Without JavaScript, a plain form.
 */
function RenameForm({ chat, action, returnTo, close }: { chat: ChatListItem; action: string; returnTo: string; close: () => void }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<FormFailure>();
  const refused = useSavedInPlace(fetcher, () => {
    close();
    announce(t("header.saved"));
  });
  return (
    // The title keeps room to be read: a long button name ("Переименовать") goes to its own line.
    <fetcher.Form method="post" action={action} className="flex flex-wrap gap-1 pb-1">
      <input type="hidden" name="intent" value="rename" />
      <input type="hidden" name="returnTo" value={returnTo} />
      <label className="sr-only" htmlFor={`rename-${chat.id}`}>
        {t("sidebar.newTitle")}
      </label>
      <input id={`rename-${chat.id}`} name="title" defaultValue={chat.title} dir="auto" required data-autofocus aria-invalid={refused ? true : undefined} aria-describedby={refused ? `rename-${chat.id}-error` : undefined} className="min-w-[8.5rem] flex-1 rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1" />
      <button type="submit" className="ml-auto rounded-md bg-sky-600 px-2 py-1 font-medium hover:bg-sky-500">
        {t("common.rename")}
      </button>
      {refused ? (
        <p id={`rename-${chat.id}-error`} role="alert" className="w-full text-red-300">
          {refused}
        </p>
      ) : null}
    </fetcher.Form>
  );
}

/**
 * A chat's menu in the list: rename, pin, archive, delete. A <details> of
 * plain forms (works without JavaScript); each comes back to the page it was
 * used from (`returnTo`), not to the chat it changed.
 */
function ChatMenu({ chat, returnTo }: { chat: ChatListItem; returnTo: string }) {
  const { t } = useTranslation();
  const action = `/chats/${chat.id}`;
  const label = t("sidebar.optionsFor", { title: isolate(chat.title) });
  return (
    <Popover label={label} summary={<Icon name="more" />} summaryClassName="icon-button small" className="reveal" testId="chat-menu">
      {(close) => (
        <div className="absolute right-1 top-full z-20 mt-1 w-60 space-y-1 rounded-lg border border-zinc-700 bg-zinc-900 p-2 text-sm shadow-xl" role="group" aria-label={label}>
          <RenameForm chat={chat} action={action} returnTo={returnTo} close={close} />
          <Form method="post" action={action} onSubmit={() => close()}>
            <input type="hidden" name="intent" value="pin" />
            <input type="hidden" name="returnTo" value={returnTo} />
            <button type="submit" name="value" value={String(!chat.pinned)} className={MENU_BUTTON}>
              <Icon name="pin" /> {chat.pinned ? t("common.unpin") : t("common.pin")}
            </button>
          </Form>
          <Form method="post" action={action} onSubmit={() => close()}>
            <input type="hidden" name="intent" value="archive" />
            <input type="hidden" name="returnTo" value={returnTo} />
            <button type="submit" name="value" value={String(!chat.archived)} className={MENU_BUTTON}>
              <Icon name="archive" /> {chat.archived ? t("common.unarchive") : t("common.archive")}
            </button>
          </Form>
          <details
            className="rounded open:bg-zinc-950/60"
            // The menu of a chat at the bottom of the list opens at its foot: the confirmation shows itself whole.
            onToggle={(event) => event.currentTarget.open && event.currentTarget.querySelector("form")?.scrollIntoView({ block: "nearest" })}
          >
            <summary className={`${MENU_BUTTON} cursor-pointer list-none text-red-400`}>
              <Icon name="trash" /> {t("sidebar.deleteEllipsis")}
            </summary>
            <Form method="post" action={action} className="p-2">
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="returnTo" value={returnTo} />
              <p className="mb-2 text-zinc-300">{t("chat.deleteConfirm")}</p>
              <button type="submit" className="w-full rounded-md bg-red-600 px-3 py-1 font-medium hover:bg-red-500">
                {t("chat.deletePermanently")}
              </button>
            </Form>
          </details>
        </div>
      )}
    </Popover>
  );
}

export function Sidebar({
  chats,
  hasMore,
  pages,
  archived,
  justArchived = null,
  user,
  listAlone = false,
}: {
  chats: ChatListItem[];
  hasMore: boolean;
  pages: number;
  archived: boolean;
  /** A chat archived a moment ago (the page's address names it): said above the list, with Undo. */
  justArchived?: { id: string; title: string } | null;
  user: { name: string; email: string; role: "admin" | "member" };
  /** The list is the page (/chats on a phone): its name is the page's heading there. */
  listAlone?: boolean;
}) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const location = useLocation();
  const here = `${location.pathname}${location.search}`;
  const hydrated = useHydrated();
  // The list's own state (archived, how many pages) goes with its links; the page's (a found message, a paused
  // reload without JavaScript, an earlier page) belongs to the chat it was set in.
  const withParams = (changes: Record<string, string | null>) => listSearch(params, changes);
  // Without JavaScript "Load more" loads the whole page again: the last row seen is brought back into view, with
  // the new ones under it (the page's script keeps the list where it is instead).
  const lastRow = chats.at(-1);
  const moreFragment = !hydrated && lastRow ? `#${listRowId(lastRow.id)}` : "";
  const { intentProps, prefetching } = usePrefetchChat();
  const keyName = useKeyNames();
  return (
    // On a short screen (a phone held sideways, 200 % zoom) the whole column scrolls, not the list alone: the
    // account links beneath it would leave the list a single row.
    <nav aria-label={t("sidebar.chats")} className="flex h-full flex-col gap-2 bg-zinc-900/60 p-3 [@media(max-height:480px)]:overflow-y-auto">
      {prefetching}
      <Link to="/chats?new=1" className="rounded-lg bg-sky-600 px-3 py-2 text-center font-medium hover:bg-sky-500">
        {t("sidebar.newChatButton")}
      </Link>
      <Link to="/search" className="flex items-center justify-between rounded-lg border border-zinc-700 px-3 py-1.5 text-sm text-zinc-300 hover:bg-zinc-800">
        <span>{t("sidebar.search")}</span>
        <kbd className="needs-script needs-keyboard text-xs text-zinc-500" title={t("sidebar.quickSwitcherHint")}>
          {keyName("Ctrl")} K
        </kbd>
      </Link>
      <div className="flex items-center justify-between px-1 pt-2 text-xs uppercase tracking-wide text-zinc-500">
        {/* The page's heading where the list is alone, on a phone (from md up the column beside it has the page's own). */}
        {listAlone ? <h1 className="font-normal md:hidden">{archived ? t("sidebar.archived") : t("sidebar.chats")}</h1> : null}
        <span className={listAlone ? "hidden md:inline" : undefined}>{archived ? t("sidebar.archived") : t("sidebar.chats")}</span>
        <Link to={withParams({ archived: archived ? null : "1", more: null })} className="inline-block py-1 normal-case hover:text-zinc-300">
          {archived ? t("sidebar.backToChats") : t("sidebar.archived")}
        </Link>
      </div>
      {justArchived ? (
        <div role="status" className="flex items-start gap-2 rounded-lg border border-zinc-700 bg-zinc-800/60 px-3 py-2 text-sm text-zinc-300" data-testid="just-archived">
          <p className="min-w-0 flex-1 break-words">
            <Trans i18nKey="sidebar.justArchived" values={{ title: justArchived.title }} />
          </p>
          <Form method="post" action={`/chats/${justArchived.id}`}>
            <input type="hidden" name="intent" value="archive" />
            <input type="hidden" name="returnTo" value={`${location.pathname}${withParams({})}`} />
            <button type="submit" name="value" value="false" className="font-medium text-sky-400 hover:underline">
              {t("sidebar.undoArchive")}
            </button>
          </Form>
        </div>
      ) : null}
      <ul className="-mx-1 flex-1 space-y-0.5 overflow-y-auto [@media(max-height:480px)]:flex-none [@media(max-height:480px)]:overflow-visible" data-testid="chat-list">
        {chats.length === 0 ? <li className="px-2 py-3 text-sm text-zinc-500">{archived ? t("sidebar.noArchivedChats") : t("sidebar.noChats")}</li> : null}
        {chats.map((chat) => (
          <li key={chat.id} id={listRowId(chat.id)} className="reveal-group relative flex items-center">
            <NavLink
              to={`/chats/${chat.id}${withParams({})}`}
              {...intentProps(`/chats/${chat.id}${withParams({})}`)}
              className={({ isActive }) =>
                `flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-sm ${isActive ? "bg-zinc-800 text-white" : "text-zinc-300 hover:bg-zinc-800/60"}`
              }
            >
              {chat.pinned ? (
                <span aria-label={t("sidebar.pinned")} title={t("sidebar.pinned")} className="text-amber-400">
                  ★
                </span>
              ) : null}
              <span dir="auto" className="truncate">
                {chat.title}
              </span>
            </NavLink>
            <ChatMenu chat={chat} returnTo={here} />
          </li>
        ))}
        {hasMore ? (
          <li>
            <Link to={`${withParams({ more: String(pages + 1) })}${moreFragment}`} preventScrollReset className="block px-2 py-2 text-sm text-sky-400 hover:underline">
              {t("sidebar.loadMore")}
            </Link>
          </li>
        ) : null}
      </ul>
      <div className="border-t border-zinc-800 pt-2 text-sm">
        <div dir="auto" className="truncate px-1 text-zinc-400" title={user.email}>
          {user.name}
        </div>
        <Link to="/settings" className="block px-1 py-0.5 text-zinc-500 hover:text-zinc-200">
          {t("sidebar.settings")}
        </Link>
        <Link to="/settings/keys" className="block px-1 py-0.5 text-zinc-500 hover:text-zinc-200">
          {t("sidebar.apiKeys")}
        </Link>
        {user.role === "admin" ? (
          <Link to="/admin" className="block px-1 py-0.5 text-zinc-500 hover:text-zinc-200">
            {t("sidebar.admin")}
          </Link>
        ) : null}
        <Link to="/settings/data" className="block px-1 py-0.5 text-zinc-500 hover:text-zinc-200">
          {t("sidebar.yourData")}
        </Link>
        <ShortcutsHelp />
        <Form method="post" action="/logout" onSubmit={forgetDrafts}>
          <button type="submit" className="px-1 py-0.5 text-zinc-500 hover:text-zinc-200">
            {t("sidebar.logOut")}
          </button>
        </Form>
      </div>
    </nav>
  );
}
