// Usage limits per person: chats kept, answers per rolling window, tokens and
// spend per calendar month (UTC). Everyone's defaults are what an admin saved,
// else the environment's; an admin can set them apart for one person (0: no
// limit).
// Checked before anything is stored or sent upstream; a refusal names the
// limit and when it resets. The chats and answers-per-window limits hold
// exactly under bursts: the statement that stores a chat or records an answer
// counts them (docs/decisions/094); tokens and spend, known only once an
// answer ends, are checked against what has ended, and count only the
// requests the server pays for (not the demo model's, not a person's own
// key's): answers, and the titles new chats ask for after their first one.
import { z } from "zod";
import { env } from "../env.server";
import { readSetting, writeSetting } from "../models/app-setting.server";
import { releaseAnswer, reserveAnswer } from "../models/answer-request.server";
import { getUserLimits, limitCounts } from "../models/user-limits.server";
import { AppError } from "../protocol/errors";

export interface EffectiveLimits {
  /** 0: no limit. */
  chats: number;
  messages: number;
  windowSeconds: number;
  tokensPerMonth: number;
  spendPerMonthUsd: number;
  /** Which of them an admin set for this person. */
  overridden: { chats: boolean; messages: boolean; tokensPerMonth: boolean; spendPerMonthUsd: boolean };
}

export type LimitValues = Omit<EffectiveLimits, "overridden">;

/** The defaults the environment sets (`LIMIT_*`), before any an admin saved. */
export function environmentLimits(): LimitValues {
  const config = env();
  return {
    chats: config.LIMIT_CHATS_PER_USER,
    messages: config.LIMIT_MESSAGES_PER_USER?.points ?? 0,
    windowSeconds: config.LIMIT_MESSAGES_PER_USER?.durationSeconds ?? 3 * 3600,
    tokensPerMonth: config.LIMIT_TOKENS_PER_USER_PER_MONTH,
    spendPerMonthUsd: config.LIMIT_SPEND_PER_USER_PER_MONTH_USD,
  };
}

const DEFAULTS_KEY = "usage_limits";
/** What an admin saved as everyone's defaults; a value missing (or unreadable) follows the environment. */
export const storedDefaultsSchema = z.object({
  chats: z.number().int().min(0).nullable().catch(null),
  messages: z.number().int().min(0).nullable().catch(null),
  windowSeconds: z.number().int().min(60).max(7 * 86_400).nullable().catch(null),
  tokensPerMonth: z.number().int().min(0).nullable().catch(null),
  spendPerMonthUsd: z.number().min(0).nullable().catch(null),
});
export type StoredDefaults = z.infer<typeof storedDefaultsSchema>;

export async function storedDefaultLimits(): Promise<StoredDefaults | null> {
  const parsed = storedDefaultsSchema.safeParse(await readSetting({ key: DEFAULTS_KEY }));
  return parsed.success ? parsed.data : null;
}

export async function saveDefaultLimits({ values, changedBy }: { values: StoredDefaults; changedBy: string }): Promise<void> {
  await writeSetting({ key: DEFAULTS_KEY, value: values, changedBy });
}

/** Everyone's limits: what an admin saved, else the environment's. */
export async function defaultLimits(): Promise<LimitValues> {
  const fromEnv = environmentLimits();
  const saved = await storedDefaultLimits();
  return {
    chats: saved?.chats ?? fromEnv.chats,
    messages: saved?.messages ?? fromEnv.messages,
    windowSeconds: saved?.messages != null && saved.windowSeconds ? saved.windowSeconds : fromEnv.windowSeconds,
    tokensPerMonth: saved?.tokensPerMonth ?? fromEnv.tokensPerMonth,
    spendPerMonthUsd: saved?.spendPerMonthUsd ?? fromEnv.spendPerMonthUsd,
  };
}

export async function effectiveLimits({ userId }: { userId: string }): Promise<EffectiveLimits> {
  const defaults = await defaultLimits();
  const own = await getUserLimits({ userId });
  return {
    chats: own?.chats ?? defaults.chats,
    messages: own?.messages ?? defaults.messages,
    windowSeconds: own?.messages != null && own.windowSeconds ? own.windowSeconds : defaults.windowSeconds,
    tokensPerMonth: own?.tokensPerMonth ?? defaults.tokensPerMonth,
    spendPerMonthUsd: own?.spendPerMonthUsd ?? defaults.spendPerMonthUsd,
    overridden: {
      chats: own?.chats != null,
      messages: own?.messages != null,
      tokensPerMonth: own?.tokensPerMonth != null,
      spendPerMonthUsd: own?.spendPerMonthUsd != null,
    },
  };
}

/** The first instant of this calendar month and of the next one, UTC. */
export function monthBounds(now = Date.now()): { start: number; next: number } {
  const date = new Date(now);
  return { start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1), next: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) };
}

export interface LimitStanding {
  limits: EffectiveLimits;
  used: { chats: number; messages: number; tokens: number; spendUsd: number };
  /** When the answers-per-window count next drops, and when the month's allowance renews (ms since the epoch). */
  messagesResetAt: number | null;
  monthResetsAt: number;
}

/** One person's limits (read here unless given) and what they have used of them. */
export async function limitStanding({ userId, now = Date.now(), limits }: { userId: string; now?: number; limits?: EffectiveLimits }): Promise<LimitStanding> {
  limits ??= await effectiveLimits({ userId });
  const month = monthBounds(now);
  const counts = await limitCounts({ userId, windowStart: now - limits.windowSeconds * 1000, monthStart: month.start });
  return {
    limits,
    used: { chats: counts.chats, messages: counts.messages, tokens: counts.tokens, spendUsd: counts.spendUsd },
    messagesResetAt: counts.oldestMessageAt === null ? null : counts.oldestMessageAt + limits.windowSeconds * 1000,
    monthResetsAt: month.next,
  };
}

const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

/**
 * Refuses, with the limit's code and when it resets, an answer (or, with
 * `newChat`, a new chat) the person's limits do not allow any more. Counts
 * what they used only when a limit applies (none does by default).
 */
async function assertWithinUsageLimits({
  userId,
  newChat,
  answer,
  serverPays,
  now,
}: {
  userId: string;
  newChat: boolean;
  /** False for a new chat without an answer (a fork): only the chats limit applies. */
  answer: boolean;
  /** False for an answer the server does not pay for (the demo model, a person's own key): tokens and spend do not apply. */
  serverPays: boolean;
  now: number;
}): Promise<EffectiveLimits> {
  const limits = await effectiveLimits({ userId });
  const monthly = serverPays && (limits.tokensPerMonth > 0 || limits.spendPerMonthUsd > 0);
  const applies = (newChat && limits.chats > 0) || (answer && (limits.messages > 0 || monthly));
  if (!applies) return limits;
  const { used, messagesResetAt, monthResetsAt } = await limitStanding({ userId, now, limits });
  if (newChat && limits.chats > 0 && used.chats >= limits.chats) throw new AppError("chats_limit_reached", { params: { max: limits.chats } });
  if (!answer) return limits;
  if (limits.messages > 0 && used.messages >= limits.messages) {
    throw new AppError("messages_limit_reached", { params: { max: limits.messages, windowSeconds: limits.windowSeconds, seconds: secondsUntil(messagesResetAt ?? now, now) } });
  }
  if (!serverPays) return limits;
  if (limits.tokensPerMonth > 0 && used.tokens >= limits.tokensPerMonth) {
    throw new AppError("tokens_limit_reached", { params: { max: limits.tokensPerMonth, seconds: secondsUntil(monthResetsAt, now) } });
  }
  if (limits.spendPerMonthUsd > 0 && used.spendUsd >= limits.spendPerMonthUsd) {
    throw new AppError("spend_limit_reached", { params: { usd: limits.spendPerMonthUsd, seconds: secondsUntil(monthResetsAt, now) } });
  }
  return limits;
}

/** What a send holds while it is stored: one answer of the window, and the chats limit its new chat must respect. */
export interface UsageHold {
  /** The chats limit (0: none), for the statement that stores a new chat. */
  maxChats: number;
  /**
   * With `recordWithAnswer`, when no answers-per-window limit applies: the
   * request is not recorded yet, and the batch that stores the answer records
   * it (`NewAnswerRecords.request`).
   */
  record?: { userId: string; now: number };
  /** Gives the answer back (the send was refused before anything was stored). */
  release(): Promise<void>;
}

/**
 * Refuses what the person's limits do not allow (as `assertWithinUsageLimits`)
 * and, for an answer, records it in the same statement that counts the
 * window, so concurrent sends cannot pass together: the refused ones get
 * `messages_limit_reached` with when the window eases.
 */
export async function holdUsage({
  userId,
  newChat = false,
  answer = true,
  serverPays = true,
  now = Date.now(),
  recordWithAnswer = false,
}: {
  userId: string;
  newChat?: boolean;
  answer?: boolean;
  /** False when the answer costs the server nothing (the demo model, the person's own key): the month's tokens and spend do not limit it. */
  serverPays?: boolean;
  now?: number;
  /** The caller stores the answer in one batch and can record the request there when nothing has to count it first. */
  recordWithAnswer?: boolean;
}): Promise<UsageHold> {
  const limits = await assertWithinUsageLimits({ userId, newChat, answer, serverPays, now });
  const noAnswer: UsageHold = { maxChats: limits.chats, release: async () => {} };
  if (!answer) return noAnswer;
  if (recordWithAnswer && limits.messages === 0) return { ...noAnswer, record: { userId, now } };
  const reserved = await reserveAnswer({ userId, max: limits.messages, windowStart: now - limits.windowSeconds * 1000, now });
  if (reserved === null) {
    // Others took the window's last answers since the check above: say when it eases.
    const { messagesResetAt } = await limitStanding({ userId, now });
    throw new AppError("messages_limit_reached", { params: { max: limits.messages, windowSeconds: limits.windowSeconds, seconds: secondsUntil(messagesResetAt ?? now, now) } });
  }
  let released = false;
  return {
    maxChats: limits.chats,
    release: async () => {
      if (released) return;
      released = true;
      await releaseAnswer({ id: reserved });
    },
  };
}

