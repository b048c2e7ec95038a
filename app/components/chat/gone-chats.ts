// Chats this tab learned are gone (a send refused because another tab deleted
// the chat) before the page's data says so: the chat list leaves them out at
// once. Reloading the data would turn the open chat into its 404 page and
// take the refused text with it, so the list is corrected here instead.
import { useSyncExternalStore } from "react";

let gone: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();

export function markChatGone(chatId: string): void {
  if (gone.has(chatId)) return;
  gone = new Set(gone).add(chatId);
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const NONE: ReadonlySet<string> = new Set();

/** The ids of chats known gone in this tab (none on the server). */
export function useGoneChats(): ReadonlySet<string> {
  return useSyncExternalStore(subscribe, () => gone, () => NONE);
}

// The chat this tab showed last. When its page then finds it gone (its data reloaded after another tab deleted it),
// the page may say it was deleted: the reader saw it here, so that tells them nothing new. A chat only visited by
// its address is "not there", whoever it might belong to.
let shownLast: string | null = null;

export function noteChatShown(chatId: string): void {
  shownLast = chatId;
}

/** Was `chatId` the chat this tab showed last? (Never on the server.) */
export function wasShownHere(chatId: string): boolean {
  return shownLast === chatId;
}
