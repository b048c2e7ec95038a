// Ctrl+K (⌘K on a Mac): a dialog to jump to a chat or a message by typing.
// Chat titles already on the page filter at once; titles and messages from
// the whole index arrive as the typing pauses (the page's chats are read
// again as it opens). Keyboard only: arrows move,
// Enter opens, Escape closes. A combobox with a listbox, as ARIA describes
// one. Without JavaScript there is no dialog: the sidebar's Search link
// leads to the search page.
import { useFetcher, useNavigate, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { isolate } from "~/i18n/isolate";
import type { loader as searchLoader } from "~/routes/search";
import { messageHref } from "~/utils/message-link";
import type { Segment } from "~/utils/highlight";
import { HighlightedText } from "./HighlightedText";
import { isComposing } from "../ui/composing";

/** How long typing must pause before the index is asked (each ask counts against the search limit). */
const DEBOUNCE_MS = 200;
const LOCAL_LIMIT = 6;

interface Option {
  key: string;
  href: string;
  kind: "chat" | "message" | "all";
  label: Segment[];
  detail?: Segment[];
}

/** Marks every occurrence of `needle` (case folded) in `text`. */
function marked(text: string, needle: string): Segment[] {
  const lower = text.toLocaleLowerCase();
  const find = needle.toLocaleLowerCase();
  if (!find || lower.length !== text.length) return [{ text, hit: false }];
  const out: Segment[] = [];
  let at = 0;
  for (let i = lower.indexOf(find); i !== -1; i = lower.indexOf(find, at)) {
    if (i > at) out.push({ text: text.slice(at, i), hit: false });
    out.push({ text: text.slice(i, i + find.length), hit: true });
    at = i + find.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out;
}

export function QuickSwitcher({ chats = [] }: { chats?: { id: string; title: string }[] }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof searchLoader>();
  const { load } = fetcher;
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState("");
  const [active, setActive] = useState(0);
  const listId = useId();
  const term = q.trim();

  // The chats listed at once are the page's: read again as the dialog opens, so a chat deleted or renamed in
  // another window (beside this one, which never went to the background) is not offered as it was.
  const revalidator = useRevalidator();
  const latestRevalidator = useRef(revalidator);
  latestRevalidator.current = revalidator;
  const show = useCallback(() => {
    if (latestRevalidator.current.state === "idle") latestRevalidator.current.revalidate();
    setQ("");
    setActive(0);
    setOpen(true);
    if (!dialog.current?.open) dialog.current?.showModal();
    input.current?.focus();
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
        event.preventDefault();
        show();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [show]);

  // The index is asked once typing pauses; an empty box asks nothing.
  useEffect(() => {
    if (!open || !term) return;
    const timer = setTimeout(() => load(`/search?${new URLSearchParams({ q: term, view: "quick" })}`), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [open, term, load]);

  const remote = fetcher.data && fetcher.data.q === term ? fetcher.data : undefined;
  const options = useMemo<Option[]>(() => {
    const local = (term ? chats.filter((c) => c.title.toLocaleLowerCase().includes(term.toLocaleLowerCase())) : chats).slice(0, LOCAL_LIMIT);
    const seen = new Set(local.map((c) => c.id));
    const list: Option[] = local.map((c) => ({ key: `chat-${c.id}`, href: `/chats/${c.id}`, kind: "chat", label: marked(c.title, term) }));
    for (const c of remote?.chats ?? []) {
      if (seen.has(c.chatId)) continue;
      seen.add(c.chatId);
      list.push({ key: `chat-${c.chatId}`, href: `/chats/${c.chatId}`, kind: "chat", label: c.title });
    }
    for (const m of remote?.messages ?? []) {
      list.push({ key: `message-${m.messageId}`, href: messageHref(m), kind: "message", label: [{ text: m.chatTitle, hit: false }], detail: m.snippet });
    }
    if (term) list.push({ key: "all", href: `/search?${new URLSearchParams({ q: term })}`, kind: "all", label: [{ text: t("search.everythingFor", { term: isolate(term) }), hit: false }] });
    return list;
  }, [chats, remote, term, t]);

  const current = Math.min(active, Math.max(options.length - 1, 0));
  const optionId = (i: number) => `${listId}-option-${i}`;

  const go = (option: Option | undefined) => {
    if (!option) return;
    dialog.current?.close();
    navigate(option.href);
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    // The keys of an input method choose and confirm its characters: Enter there commits them, and opens nothing.
    if (isComposing(event)) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (options.length === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      go(options[current]);
    }
  };

  useEffect(() => {
    if (open) document.getElementById(optionId(current))?.scrollIntoView({ block: "nearest" });
  });

  const searching = Boolean(term) && (fetcher.state === "loading" || !remote);
  return (
    <dialog
      ref={dialog}
      aria-label={t("search.jumpTitle")}
      onClose={() => setOpen(false)}
      onClick={(event) => {
        // A click on the backdrop (the dialog itself, outside its panel) closes it.
        if (event.target === dialog.current) dialog.current.close();
      }}
      className="m-auto mt-[12vh] w-[min(36rem,calc(100vw-2rem))] rounded-xl border border-zinc-700 bg-zinc-900 p-0 text-zinc-100 shadow-2xl backdrop:bg-black/60"
      data-testid="quick-switcher"
    >
      {open ? (
        <div className="flex max-h-[70vh] flex-col">
          <input
            ref={input}
            autoFocus
            type="text"
            role="combobox"
            aria-expanded={options.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={options.length ? optionId(current) : undefined}
            aria-label={t("search.jumpLabel")}
            placeholder={t("search.jumpPlaceholder")}
            value={q}
            dir="auto"
            maxLength={200}
            onChange={(event) => {
              setQ(event.target.value);
              setActive(0);
            }}
            onKeyDown={onKeyDown}
            className="w-full border-b border-zinc-700 bg-transparent px-4 py-3 text-base outline-none"
          />
          <ul id={listId} role="listbox" aria-label={t("search.results")} className="overflow-y-auto p-2">
            {options.map((option, i) => (
              <li
                key={option.key}
                id={optionId(i)}
                role="option"
                aria-selected={i === current}
                data-kind={option.kind}
                onMouseMove={() => setActive(i)}
                className={`rounded-md text-sm ${i === current ? "bg-zinc-800 text-white" : "text-zinc-300"}`}
              >
                {/* A real link: a middle click, Ctrl or ⌘ click opens it in a new tab and leaves the switcher as it is. */}
                <a
                  href={option.href}
                  tabIndex={-1}
                  className="block px-3 py-2"
                  onClick={(event) => {
                    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
                    event.preventDefault();
                    go(option);
                  }}
                >
                <span className="flex items-baseline gap-2">
                  <span aria-hidden="true" className="w-4 shrink-0 text-zinc-500">
                    {option.kind === "chat" ? "#" : option.kind === "message" ? "›" : "⌕"}
                  </span>
                  <span dir="auto" className="min-w-0 flex-1 truncate">
                    <HighlightedText segments={option.label} />
                  </span>
                </span>
                {option.detail ? (
                  <span dir="auto" className="ml-6 mt-0.5 line-clamp-2 block text-xs text-zinc-400">
                    <HighlightedText segments={option.detail} />
                  </span>
                ) : null}
                </a>
              </li>
            ))}
          </ul>
          <p className="border-t border-zinc-800 px-4 py-2 text-xs text-zinc-500" aria-live="polite">
            {remote?.error ? remote.error.message : searching ? t("search.searching") : remote?.tooShort ? t("search.quickTooShort") : t("search.keys")}
          </p>
        </div>
      ) : null}
    </dialog>
  );
}
