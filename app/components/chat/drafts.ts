// Unsent drafts, kept in the browser's localStorage so they survive a reload
// and a trip to the login page: the text, and the files already uploaded for
// it (their ids and names; the files themselves are on the server). They are kept per account, so another account
// signed in on the same browser never sees them, and logging out forgets them
// all (a shared computer keeps nobody's words).
import { useRouteLoaderData } from "@remix-run/react";
import { useCallback } from "react";
import type { loader as chatsLoader } from "~/routes/chats";
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

/** Forgets one draft: its text and its files. */
export function forgetDraft(storageKey: string): void {
  try {
    localStorage.removeItem(storageKey);
    localStorage.removeItem(draftFilesKey(storageKey));
    localStorage.removeItem(draftQueuedKey(storageKey));
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
