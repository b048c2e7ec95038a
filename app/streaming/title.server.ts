// Auto-titles: after a new chat's first answer, ask a model for a short title.
// Best effort: a failure leaves "New chat", and a user's own title always wins.
import type { Chat } from "../../drizzle/schema";
import { resolveModel } from "../llm/catalog.server";
import { userText } from "../llm/types";
import { setGeneratedTitle } from "../models/chat.server";
import { fallbackTitle } from "../utils/fallback-title";
import { logger } from "../utils/logger.server";
import { streamRegistry } from "./streams.server";

export function cleanTitle(raw: string): string {
  // A model that answers at more length than asked: its first line with words in it is the title.
  const line = raw.split(/\r?\n/).find((l) => /[\p{L}\p{N}]/u.test(l)) ?? "";
  return (
    line
      // Markdown is not shown in titles: a heading's or a list's mark, links as their words, emphasis and code marks.
      .replace(/^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)/, "")
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/`+([^`]+)`+/g, "$1")
      .replace(/(?<![\p{L}\p{N}*_~])(\*\*|__|\*|_|~~)(?!\s)(.+?)(?<!\s)\1(?![\p{L}\p{N}*_~])/gu, "$2")
      .replace(/^\s*title\s*:\s*/i, "")
      .replace(/^["'“”«»\s#*]+|["'“”«»\s.*]+$/g, "")
      .replace(/\s+/g, " ")
      .slice(0, 80)
      .trim()
  );
}

/** Titles being asked for, by chat: a shutdown gives them a moment, then their fallback. */
const pending = new Map<string, { firstMessage: string; done: Promise<void>; abort: AbortController }>();

/**
 * At shutdown: the titles still being asked for (an answer that ended just
 * before) get a moment; those whose model has not answered by then are named
 * after their first message, as the process will not be there to hear it.
 */
export async function settlePendingTitles(waitMs = 2_000): Promise<void> {
  if (pending.size === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all([...pending.values()].map((title) => title.done)), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
  await Promise.all(
    [...pending].map(async ([chatId, title]) => {
      title.abort.abort();
      await setGeneratedTitle({ chatId, title: fallbackTitle(title.firstMessage) }).catch(() => undefined);
    }),
  );
}

/** `askedBy`: whose own key (if any) pays for the title, as for the answer. */
export async function maybeGenerateTitle(options: { chat: Chat; firstMessage: string; answerId: string; askedBy?: { id: string } }) {
  if (options.chat.titleSet) return;
  const abort = new AbortController();
  const done = generateTitle(options, abort.signal);
  pending.set(options.chat.id, { firstMessage: options.firstMessage, done, abort });
  try {
    await done;
  } finally {
    pending.delete(options.chat.id);
  }
}

async function generateTitle({ chat, firstMessage, answerId, askedBy }: { chat: Chat; firstMessage: string; answerId: string; askedBy?: { id: string } }, stop: AbortSignal) {
  try {
    const stream = streamRegistry().get(answerId);
    await stream?.settled;
    const resolved = await resolveModel(chat.model, { viewer: askedBy });
    let title = "";
    if (resolved?.provider.complete) {
      const raw = await resolved.provider.complete({
        model: resolved.model.upstreamId,
        system: "You write short chat titles. Reply with a title of 2 to 6 words for the conversation, nothing else.",
        messages: [userText(firstMessage.slice(0, 2000))],
        signal: AbortSignal.any([AbortSignal.timeout(15_000), stop]),
        maxOutputTokens: 24,
      });
      title = cleanTitle(raw);
    }
    await setGeneratedTitle({ chatId: chat.id, title: title || fallbackTitle(firstMessage) });
  } catch (error) {
    if (stop.aborted) return;
    logger.warn("could not generate a chat title", { chatId: chat.id, error });
    await setGeneratedTitle({ chatId: chat.id, title: fallbackTitle(firstMessage) }).catch(() => undefined);
  }
}
