// Unsent drafts, kept in the browser's localStorage so they survive a reload
// and a trip to the login page: the text, and the files already uploaded for
// it (their ids and names; the files themselves are on the server). They are kept per account, so another account
// signed in on the same browser never sees them, and logging out forgets them
// all (a shared computer keeps nobody's words).
import { useRouteLoaderData } from "@remix-run/react";
import { useCallback } from "react";
import type { loader as chatsLoader } from "~/routes/chats";
import type { FilePart } from "~/protocol/parts";
import { isId } from "~/utils/id";
import { asTyped } from "~/utils/typed-text";

const PREFIX = "parley:draft:";
/** Between the messages one draft holds: the queued one, then what was typed after it. */
export const DRAFT_SEPARATOR = "\n\n";

/** Where the signed-in account's draft for `draftKey` (a chat's id, or "new") is kept. */
export function useDraftStorageKey(draftKey: string): string {
  return useDraftStorageKeys()(draftKey);
}

/** The same, for any draft of the signed-in account. */
export function useDraftStorageKeys(): (draftKey: string) => string {
  const userId = useRouteLoaderData<typeof chatsLoader>("routes/chats")?.user.id ?? "signed-out";
  return useCallback((draftKey: string) => `${PREFIX}${userId}:${draftKey}`, [userId]);
}

/** Where the files uploaded for the draft kept at `storageKey` are listed. */
export function draftFilesKey(storageKey: string): string {
  return `${storageKey}:files`;
}

/** Where the queued message at the start of the draft kept at `storageKey` is named (so a reload can queue it again). */
export function draftQueuedKey(storageKey: string): string {
  return `${storageKey}:queued`;
}

/** Where the model picked for the draft kept at `storageKey` is named, when it is not the one its page starts with. */
export function draftModelKey(storageKey: string): string {
  return `${storageKey}:model`;
}

/** The model picked for a draft, or null. */
export function readDraftModel(storageKey: string): string | null {
  try {
    return localStorage.getItem(draftModelKey(storageKey));
  } catch {
    return null;
  }
}

/** Keeps the model picked for a draft (null: the page's own model, nothing to keep). */
export function keepDraftModel(storageKey: string, model: string | null): void {
  try {
    if (model) localStorage.setItem(draftModelKey(storageKey), model);
    else localStorage.removeItem(draftModelKey(storageKey));
  } catch {
    // Storage turned off: the pick holds until the page is left.
  }
}

/** Where a new chat's first message is kept from its send until its chat's page is up. */
export function draftSendingKey(storageKey: string): string {
  return `${storageKey}:sending`;
}

/** A new chat's first message on its way: the id the page chose for the chat, and what went with it. */
export interface NewChatSend {
  chatId: string;
  text: string;
  files: FilePart[];
}

function read<T>(key: string, valid: (value: unknown) => value is T): T | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? "null");
    return valid(value) ? value : null;
  } catch {
    // Storage turned off, or something else wrote there: nothing of ours is kept.
    return null;
  }
}

const isFileList = (value: unknown): value is FilePart[] => Array.isArray(value) && value.every((f) => typeof f === "object" && f !== null && typeof (f as FilePart).attachmentId === "string");
const isNewChatSend = (value: unknown): value is NewChatSend =>
  typeof value === "object" && value !== null && isId((value as NewChatSend).chatId) && typeof (value as NewChatSend).text === "string" && isFileList((value as NewChatSend).files);

/** The draft kept at `storageKey`: its text (a queued message and what was typed after it) and its files. */
export function readDraft(storageKey: string): { text: string; files: FilePart[] } {
  let text = "";
  try {
    text = localStorage.getItem(storageKey) ?? "";
  } catch {
    // Storage turned off: nothing was kept.
  }
  return { text, files: read(draftFilesKey(storageKey), isFileList) ?? [] };
}

/** A new chat's first message is being sent (the new chat's draft at `storageKey` keeps it too until it arrives). */
export function keepNewChatSend(storageKey: string, send: NewChatSend): void {
  try {
    localStorage.setItem(draftSendingKey(storageKey), JSON.stringify(send));
  } catch {
    // Storage turned off: a reload during the send finds nothing, as before.
  }
}

/** The new chat's first message still on its way, as far as this browser knows. */
export function newChatSending(storageKey: string): NewChatSend | null {
  return read(draftSendingKey(storageKey), isNewChatSend);
}

/** The send is over on the page that made it (refused, or it led elsewhere than its chat): nothing to look for. */
export function forgetNewChatSend(storageKey: string): void {
  try {
    localStorage.removeItem(draftSendingKey(storageKey));
  } catch {
    // Storage turned off: nothing was kept.
  }
}

/**
 * The chat `chatId` is up: if it is the one the new chat's first message was sent to, that message arrived, and
 * leaves the new chat's draft (kept at `storageKey`), its files with it, should a reload have come before the
 * draft was let go.
 */
export function newChatArrived(storageKey: string, chatId: string): void {
  const send = newChatSending(storageKey);
  if (send?.chatId !== chatId) return;
  forgetSentText(storageKey, send.text);
  const sent = new Set(send.files.map((f) => f.attachmentId));
  const files = readDraft(storageKey).files.filter((f) => !sent.has(f.attachmentId));
  try {
    if (files.length) localStorage.setItem(draftFilesKey(storageKey), JSON.stringify(files));
    else localStorage.removeItem(draftFilesKey(storageKey));
  } catch {
    // Storage turned off: nothing was kept.
  }
  forgetNewChatSend(storageKey);
}

/**
 * The chat `chatId` does not exist: if the new chat's first message was sent to it, the send never reached the
 * server, and the message goes back into the new chat's draft (at `storageKey`) with its files, unless the draft
 * still holds it. Says whether it did.
 */
export function newChatNeverArrived(storageKey: string, chatId: string): boolean {
  const send = newChatSending(storageKey);
  if (send?.chatId !== chatId) return false;
  const draft = readDraft(storageKey);
  const text = asTyped(draft.text).includes(send.text) ? draft.text : [send.text, draft.text].filter((part) => part.trim()).join(DRAFT_SEPARATOR);
  const kept = new Set(draft.files.map((f) => f.attachmentId));
  const files = [...draft.files, ...send.files.filter((f) => !kept.has(f.attachmentId))];
  try {
    if (text) localStorage.setItem(storageKey, text);
    if (files.length) localStorage.setItem(draftFilesKey(storageKey), JSON.stringify(files));
  } catch {
    // Storage turned off: nothing can be kept.
  }
  forgetNewChatSend(storageKey);
  return true;
}

/**
 * A chat is gone (deleted in another tab): its draft, `text` and `files`, becomes the new chat's draft (at `to`)
 * and leaves the chat's (at `from`), so it is in one place only.
 */
export function moveDraftToNewChat({ from, to, text, files }: { from: string; to: string; text: string; files: FilePart[] }): void {
  try {
    if (text) localStorage.setItem(to, text);
    if (files.length) localStorage.setItem(draftFilesKey(to), JSON.stringify(files));
    const model = localStorage.getItem(draftModelKey(from));
    if (model) localStorage.setItem(draftModelKey(to), model);
  } catch {
    // Storage turned off: the text stays where it is shown.
  }
  forgetDraft(from);
}

/** Forgets one draft: its text, its files and its model. */
export function forgetDraft(storageKey: string): void {
  try {
    localStorage.removeItem(storageKey);
    localStorage.removeItem(draftFilesKey(storageKey));
    localStorage.removeItem(draftQueuedKey(storageKey));
    localStorage.removeItem(draftModelKey(storageKey));
  } catch {
    // Storage turned off: nothing was kept.
  }
}

/**
 * A send was delivered: its text leaves the draft it came from. What was typed
 * after it (a draft is the queued message, then the box's text) stays, with
 * its files; a draft that no longer holds the sent text is someone's new words
 * and is kept whole.
 */
export function forgetSentText(storageKey: string, sent: string): void {
  try {
    const kept = asTyped(localStorage.getItem(storageKey) ?? "");
    if (kept === sent) localStorage.removeItem(storageKey);
    else if (kept.startsWith(`${sent}${DRAFT_SEPARATOR}`)) localStorage.setItem(storageKey, kept.slice(sent.length + DRAFT_SEPARATOR.length));
  } catch {
    // Storage turned off: nothing was kept.
  }
}

/** Forgets every draft this browser keeps, of every account. */
export function forgetDrafts(): void {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (key?.startsWith(PREFIX)) localStorage.removeItem(key);
    }
  } catch {
    // Storage turned off: there is nothing kept to forget.
  }
}
