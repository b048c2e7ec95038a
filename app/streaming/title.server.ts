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

/** `askedBy`: whose own key (if any) pays for the title, as for the answer. */
export async function maybeGenerateTitle({ chat, firstMessage, answerId, askedBy }: { chat: Chat; firstMessage: string; answerId: string; askedBy?: { id: string } }) {
  if (chat.titleSet) return;
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
        signal: AbortSignal.timeout(15_000),
        maxOutputTokens: 24,
      });
      title = cleanTitle(raw);
    }
    await setGeneratedTitle({ chatId: chat.id, title: title || fallbackTitle(firstMessage) });
  } catch (error) {
    logger.warn("could not generate a chat title", { chatId: chat.id, error });
    await setGeneratedTitle({ chatId: chat.id, title: fallbackTitle(firstMessage) }).catch(() => undefined);
  }
}
