// Auto-titles: after a new chat's first answer, ask a model for a short title.
// Best effort: a failure leaves "New chat", and a user's own title always wins.
// The request is recorded in usage as an answer's is (docs/decisions/170):
// against whoever asked for the answer, on whose key it was asked, so it
// counts in the usage report and towards the month's tokens and spend.
import type { Chat, MessageStatus } from "../../drizzle/schema";
import { type ResolvedModel, resolveModel } from "../llm/catalog.server";
import { estimateTokens } from "../llm/context";
import { type Completion, requestCostUsd, userText } from "../llm/types";
import { setGeneratedTitle } from "../models/chat.server";
import { plainText } from "../protocol/parts";
import type { NewUsageRecord } from "../models/usage.server";
import { cleanChatTitle } from "../utils/chat-title";
import { fallbackTitle } from "../utils/fallback-title";
import { createId } from "../utils/id";
import { logger } from "../utils/logger.server";
import { streamRegistry } from "./streams.server";

/** What a model asked for a title is told (its size counts in the estimate of a request the provider did not measure). */
export const TITLE_INSTRUCTION = "You write short chat titles. Reply with a title of 2 to 6 words for the conversation, nothing else.";

/** A model's reply as a chat's title: its first line with words, without markdown, at most 80 characters. */
export function cleanTitle(raw: string): string {
  // A model that answers at more length than asked: its first line with words in it is the title.
  const line = cleanChatTitle(raw).split(/\r?\n/).find((l) => /[\p{L}\p{N}]/u.test(l)) ?? "";
  return cleanChatTitle(
    line
      // Markdown is not shown in titles: a heading's or a list's mark, links as their words, emphasis and code marks.
      .replace(/^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)/, "")
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/`+([^`]+)`+/g, "$1")
      .replace(/(?<![\p{L}\p{N}*_~])(\*\*|__|\*|_|~~)(?!\s)(.+?)(?<!\s)\1(?![\p{L}\p{N}*_~])/gu, "$2")
      .replace(/^\s*title\s*:\s*/i, "")
      .replace(/^["'“”«»\s#*]+|["'“”«»\s.*]+$/g, "")
      .replace(/\s+/g, " "),
    { max: 80 },
  );
}

/** Titles being asked for, by chat: a shutdown gives them a moment, then their fallback. */
type PendingTitle = { firstMessage: string; done: Promise<void>; abort: AbortController };
const pending = new Map<string, PendingTitle>();

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
  await Promise.all([...pending].map(letGo));
}

/**
 * The titles still to come in these chats, whose account is being disabled
 * or deleted: nothing more is asked on its behalf (one not yet asked for
 * never is), and each chat is named after its first message.
 */
export async function abandonTitles(chatIds: Set<string>): Promise<void> {
  await Promise.all([...pending].filter(([chatId]) => chatIds.has(chatId)).map(letGo));
}

async function letGo([chatId, title]: [string, PendingTitle]): Promise<void> {
  title.abort.abort();
  // A request let go ends at once (providers reject when aborted): waiting for it records it in usage before the database closes.
  await Promise.all([title.done, setGeneratedTitle({ chatId, title: fallbackTitle(title.firstMessage) }).catch(() => undefined)]);
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

/** Enough for a title of a few words. */
const TITLE_TOKENS = 24;
/**
 * A model that reasons before it answers (OpenAI's o-series, DeepSeek's
 * reasoner) spends its hidden reasoning from the same allowance: with a
 * title's 24 it would end before writing a word.
 */
const TITLE_TOKENS_AFTER_REASONING = 2_048;

async function generateTitle({ chat, firstMessage, answerId, askedBy }: { chat: Chat; firstMessage: string; answerId: string; askedBy?: { id: string } }, stop: AbortSignal) {
  /** Once a model is asked: what its request is recorded as when it ends without an answer. */
  let unanswered: ((status: "error" | "interrupted") => NewUsageRecord) | undefined;
  /** Once it has answered: what its request is recorded as. */
  let request: NewUsageRecord | undefined;
  try {
    const stream = streamRegistry().get(answerId);
    // A shutdown does not wait for an answer that is still being written to ask for its title.
    await Promise.race([stream?.settled, new Promise((resolve) => stop.addEventListener("abort", resolve, { once: true }))]);
    if (stop.aborted) return;
    // An answer that ended without a word (refused, unreachable, stopped at once) says the model would not title it
    // either: the chat is named after its first message, and nobody's key is asked again.
    const wroteNothing = stream?.outcome !== undefined && plainText(stream.parts).trim() === "";
    const resolved = wroteNothing ? undefined : await resolveModel(chat.model, { viewer: askedBy });
    let title = "";
    if (resolved?.provider.complete) {
      const question = firstMessage.slice(0, 2000);
      const used = (status: MessageStatus, tokens: { inputTokens: number; outputTokens: number }) =>
        titleRequest({ resolved, answerId, userId: askedBy?.id ?? chat.userId, status, tokens });
      // Like an answer's: one stopped is billed for its prompt (estimated), one refused or unanswered for nothing.
      const sent = estimateTokens(TITLE_INSTRUCTION) + estimateTokens(question);
      unanswered = (status) => used(status, { inputTokens: status === "interrupted" ? sent : 0, outputTokens: 0 });
      const completion = await resolved.provider.complete({
        model: resolved.model.upstreamId,
        system: TITLE_INSTRUCTION,
        messages: [userText(question)],
        signal: AbortSignal.any([AbortSignal.timeout(15_000), stop]),
        maxOutputTokens: resolved.model.reasoning ? TITLE_TOKENS_AFTER_REASONING : TITLE_TOKENS,
      });
      request = used("complete", completionUsage(completion, sent));
      title = cleanTitle(completion.text);
    }
    await setGeneratedTitle({ chatId: chat.id, title: title || fallbackTitle(firstMessage), request });
  } catch (error) {
    if (!stop.aborted) logger.warn("could not generate a chat title", { chatId: chat.id, error });
    // An answered request whose title could not be stored is still recorded as answered (once: the record keeps its id).
    request ??= unanswered?.(stop.aborted ? "interrupted" : "error");
    await setGeneratedTitle({ chatId: chat.id, title: fallbackTitle(firstMessage), request }).catch(
      (failure: unknown) => logger.warn("could not store a chat's title", { chatId: chat.id, error: failure }),
    );
  }
}

/** The tokens the provider says a title used; without a word from it, estimated as an answer's are. */
function completionUsage(completion: Completion, sent: number): { inputTokens: number; outputTokens: number } {
  return completion.usage ?? { inputTokens: sent, outputTokens: completion.text ? estimateTokens(completion.text) : 0 };
}

/** A title's request as its usage record: on the key the model was asked with, priced as its answers are. */
function titleRequest({
  resolved,
  answerId,
  userId,
  status,
  tokens,
}: {
  resolved: ResolvedModel;
  answerId: string;
  userId: string;
  status: MessageStatus;
  tokens: { inputTokens: number; outputTokens: number };
}): NewUsageRecord {
  return {
    id: createId(),
    messageId: answerId,
    userId,
    model: resolved.model.id,
    provider: resolved.provider.id,
    paidBy: resolved.payer.paidBy,
    kind: "title",
    status,
    ...tokens,
    costUsd: requestCostUsd(resolved.model, tokens) ?? 0,
  };
}
