// The chats this page has loaded (or that the pointer rested on), kept in
// the page's memory for the visit: moving to one of them shows it at once
// from here, and the page then asks the server again (stale while it
// revalidates). The chat on screen is never served from here: a reload of
// its data (after a send, an action, an answer's end) always asks the server.
const MAX_CHATS = 24;
/** Older than this, a chat is not shown from memory: its page is asked for and awaited. */
const FRESH_FOR_MS = 10 * 60_000;

const chats = new Map<string, { data: unknown; at: number }>();

export function cachedChat<T>(key: string): T | undefined {
  const hit = chats.get(key);
  if (!hit) return undefined;
  if (Date.now() - hit.at > FRESH_FOR_MS) {
    chats.delete(key);
    return undefined;
  }
  return hit.data as T;
}

export function rememberChat(key: string, data: unknown): void {
  chats.delete(key);
  chats.set(key, { data, at: Date.now() });
  // The oldest go first (a Map keeps insertion order).
  while (chats.size > MAX_CHATS) chats.delete(chats.keys().next().value!);
}

/** Was this chat loaded a moment ago, or is it being loaded now (a second prefetch would only repeat it)? */
export function isFreshlyCached(key: string, withinMs = 15_000): boolean {
  if (loading.has(key)) return true;
  const hit = chats.get(key);
  return hit !== undefined && Date.now() - hit.at < withinMs;
}

/** Loads being made now (a prefetch still under way when its click comes), by key. */
const loading = new Map<string, Promise<unknown>>();

/** A load of this chat that is under way, to wait for rather than ask the server a second time. */
export function loadingChat<T>(key: string): Promise<T> | undefined {
  return loading.get(key) as Promise<T> | undefined;
}

/** Keeps `load` as this chat's load under way until it settles, then remembers what it gave. */
export async function loadChat<T>(key: string, load: () => Promise<T>): Promise<T> {
  const promise = load();
  loading.set(key, promise);
  try {
    const data = await promise;
    rememberChat(key, data);
    return data;
  } finally {
    if (loading.get(key) === promise) loading.delete(key);
  }
}

export function forgetChat(key: string): void {
  chats.delete(key);
}

/** Where each chat was scrolled to (its scroller's scrollTop), for going back to it. */
const scrolled = new Map<string, number>();

export function rememberScroll(chatId: string, scrollTop: number): void {
  scrolled.delete(chatId);
  scrolled.set(chatId, scrollTop);
  while (scrolled.size > 200) scrolled.delete(scrolled.keys().next().value!);
}

export function scrollOf(chatId: string): number {
  return scrolled.get(chatId) ?? 0;
}
