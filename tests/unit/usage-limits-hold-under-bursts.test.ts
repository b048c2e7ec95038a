// Usage limits under bursts, through the real routes and a real SQLite file:
// sends, chats and forks fired at the same moment are held to the limit
// exactly, because the statement that stores a chat or records an answer is
// the one that counts them (docs/decisions/094). The refused ones store
// nothing and say which limit and when it eases.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
  // The rate limits (a separate guard) must not be what holds these bursts.
  process.env.RATE_LIMIT_SEND_PER_USER = "off";
  process.env.RATE_LIMIT_SEND_PER_IP = "off";
  process.env.RATE_LIMIT_REGENERATE_PER_USER = "off";
  process.env.RATE_LIMIT_REGENERATE_PER_IP = "off";
});

import type { ActionFunctionArgs } from "@remix-run/node";
import { count, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { answerRequests, chats, messages } from "../../drizzle/schema";
import { database, prepareDatabase } from "~/db.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { type LimitOverrides, setUserLimits } from "~/models/user-limits.server";
import { AppError } from "~/protocol/errors";
import { action as chatAction } from "~/routes/chats.$chatId/route";
import { action as newChatAction } from "~/routes/chats._index";
import * as conversation from "~/services/conversation.server";
import { streamRegistry } from "~/streaming/streams.server";
import { addExchange, createTestChat, createTestUser, TEST_MODEL } from "./fixtures";
import { cookieFor, formRequest, settle } from "./requests";

beforeAll(async () => {
  await prepareDatabase();
});

const settled = () => Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
afterEach(settled);

const none: LimitOverrides = { chats: null, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null };

function newChat(cookie: string, content: string) {
  const request = formRequest("/chats?index", cookie, { intent: "send", content, model: TEST_MODEL });
  return settle(() => newChatAction({ request, params: {}, context: { clientIp: "10.3.0.1" } } as unknown as ActionFunctionArgs));
}

function followUp(chatId: string, cookie: string, content: string) {
  const request = formRequest(`/chats/${chatId}`, cookie, { intent: "send", content });
  return settle(() => chatAction({ request, params: { chatId }, context: { clientIp: "10.3.0.2" } } as unknown as ActionFunctionArgs));
}

async function stored(userId: string) {
  const db = database();
  const [ownChats] = await db.select({ n: count() }).from(chats).where(eq(chats.userId, userId));
  const [ownMessages] = await db.select({ n: count() }).from(messages).innerJoin(chats, eq(chats.id, messages.chatId)).where(eq(chats.userId, userId));
  const [answers] = await db.select({ n: count() }).from(answerRequests).where(eq(answerRequests.userId, userId));
  return { chats: ownChats!.n, messages: ownMessages!.n, answersCounted: answers!.n };
}

describe("usage limits hold under bursts", () => {
  test("60 new chats at once against 10 answers per window: exactly 10 are stored, 50 get 429 with Retry-After", async () => {
    const user = await createTestUser("Burst");
    await setUserLimits({ userId: user.id, overrides: { ...none, chats: 0, messages: 10, windowSeconds: 3600 }, changedBy: user.id });
    const cookie = await cookieFor(user.id);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => newChat(cookie, `Question ${i}`)));
    expect(results.filter((r) => r.status === 302)).toHaveLength(10);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(50);
    for (const refusal of refused) {
      expect(refusal.body).toMatchObject({ code: "messages_limit_reached" });
      const seconds = Number(refusal.headers.get("Retry-After"));
      expect(seconds).toBeGreaterThan(3500);
      expect(seconds).toBeLessThanOrEqual(3600);
    }
    await settled();
    expect(await stored(user.id)).toEqual({ chats: 10, messages: 20, answersCounted: 10 });
  });

  test("follow-ups in 40 chats at once against 10 answers per window: exactly 10 are answered", async () => {
    const user = await createTestUser("FollowUps");
    const chatIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      const chat = await createTestChat({ userId: user.id });
      await addExchange({ chatId: chat.id, parentId: null, question: `Opening ${i}` });
      chatIds.push(chat.id);
    }
    await setUserLimits({ userId: user.id, overrides: { ...none, chats: 0, messages: 10, windowSeconds: 600 }, changedBy: user.id });
    const cookie = await cookieFor(user.id);
    const before = await stored(user.id);
    const results = await Promise.all(chatIds.map((chatId, i) => followUp(chatId, cookie, `Follow-up ${i}`)));
    expect(results.filter((r) => r.status < 400)).toHaveLength(10);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(30);
    for (const refusal of refused) expect(Number(refusal.headers.get("Retry-After"))).toBeGreaterThan(500);
    await settled();
    expect(await stored(user.id)).toEqual({ chats: 40, messages: before.messages + 20, answersCounted: 10 });
  });

  test("40 new chats at once against 5 chats kept: exactly 5 are created, 35 get 403, and the refused answers are given back", async () => {
    const user = await createTestUser("Chats");
    await setUserLimits({ userId: user.id, overrides: { ...none, chats: 5, messages: 0 }, changedBy: user.id });
    const cookie = await cookieFor(user.id);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => newChat(cookie, `Chat ${i}`)));
    expect(results.filter((r) => r.status === 302)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 403);
    expect(refused).toHaveLength(35);
    for (const refusal of refused) expect(refusal.body).toMatchObject({ code: "chats_limit_reached" });
    await settled();
    // Only the 5 answers that were asked for count against the window.
    expect(await stored(user.id)).toEqual({ chats: 5, messages: 10, answersCounted: 5 });
  });

  test("30 forks at once against a chats limit: the copies stop exactly at the limit", async () => {
    const user = await createTestUser("Forks");
    const chat = await createTestChat({ userId: user.id });
    const { assistantMessageId } = await addExchange({ chatId: chat.id, parentId: null, question: "Fork me" });
    await setUserLimits({ userId: user.id, overrides: { ...none, chats: 4 }, changedBy: user.id });
    const access = await requireChatAccess({ chatId: chat.id, user, level: "own" });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => conversation.fork({ access, user, messageId: assistantMessageId })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refusals = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(refusals).toHaveLength(27);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({ code: "chats_limit_reached", params: { max: 4 } });
    }
    // The original and three whole copies (two messages each); the refused copies wrote nothing.
    expect(await stored(user.id)).toMatchObject({ chats: 4, messages: 8 });
  });
});
