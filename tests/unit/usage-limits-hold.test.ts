// Usage limits per person, through the conversation service and the real
// routes: chats kept, answers per rolling window, tokens and spend per month.
// A refusal names the limit and when it resets, stores nothing and reaches no
// model; an admin's setting for one person wins over the server's default.
// The title a new chat's first answer asks a model for is usage like an
// answer: recorded against whoever asked, on whose key it was asked, in the
// report and, when the server pays, in the month's tokens and spend.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
  process.env.LIMIT_CHATS_PER_USER = "3";
});

import type { ActionFunctionArgs } from "@remix-run/node";
import { and, count, eq } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { chats, messages, usageRecords } from "../../drizzle/schema";
import { type FakeServer, startFakeOpenAI } from "../fakes/openai";
import { database, prepareDatabase } from "~/db.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { type LimitOverrides, setUserLimits } from "~/models/user-limits.server";
import { AppError, type ErrorCode } from "~/protocol/errors";
import { action as chatAction } from "~/routes/chats.$chatId/route";
import { action as newChatAction } from "~/routes/chats._index";
import * as conversation from "~/services/conversation.server";
import { estimateTokens } from "~/llm/context";
import { limitStanding, monthBounds, saveDefaultLimits } from "~/services/usage-limits.server";
import { usageCsv, usagePeriodSchema, usageReport } from "~/services/usage.server";
import { addUserKey, removeUserKey } from "~/services/user-keys.server";
import { TITLE_INSTRUCTION } from "~/streaming/title.server";
import { streamRegistry } from "~/streaming/streams.server";
import { createId } from "~/utils/id";
import { createTestUser, TEST_MODEL } from "./fixtures";
import { cookieFor, formRequest, settle } from "./requests";

/** A model the server pays for: OpenAI on the server's key, answered by the fake upstream. */
const SERVER_PAID = "openai:gpt-4o-mini";
let upstream: FakeServer;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  // Before anything reads the environment.
  Object.assign(process.env, { OPENAI_API_KEY: "server-key-of-limits-0001", OPENAI_BASE_URL: upstream.url, ENCRYPTION_KEY: randomBytes(32).toString("base64") });
  await prepareDatabase();
});

afterAll(async () => {
  await settled();
  await upstream.close();
});

const settled = () => Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
afterEach(settled);

const none: LimitOverrides = { chats: null, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null };

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => {
      throw new Error("expected a refusal, but it succeeded");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
const codeOf = async (work: Promise<unknown>): Promise<ErrorCode> => (await refusal(work)).code;

async function rowsOf(userId: string) {
  const [c] = await database().select({ n: count() }).from(chats).where(eq(chats.userId, userId));
  const [m] = await database().select({ n: count() }).from(messages).innerJoin(chats, eq(chats.id, messages.chatId)).where(eq(chats.userId, userId));
  return { chats: c!.n, messages: m!.n };
}

async function chatWithAnswer(user: { id: string }, text = "Hello?") {
  const { chat } = await conversation.startChat({ user, text });
  await settled();
  return { chat, access: () => requireChatAccess({ chatId: chat.id, user, level: "own" }) };
}

describe("usage limits", () => {
  test("the server's default holds the chats a person keeps; a deleted chat makes room; a fork counts too", async () => {
    const user = await createTestUser();
    const first = await chatWithAnswer(user);
    await chatWithAnswer(user);
    await chatWithAnswer(user);
    const before = await rowsOf(user.id);
    const error = await refusal(conversation.startChat({ user, text: "A fourth?" }));
    expect(error).toMatchObject({ code: "chats_limit_reached", status: 403, params: { max: 3 } });
    const access = await first.access();
    const [answer] = await database().select().from(messages).where(eq(messages.chatId, first.chat.id));
    expect(await codeOf(conversation.fork({ access, user, messageId: answer!.id }))).toBe("chats_limit_reached");
    expect(await rowsOf(user.id)).toEqual(before);
    await conversation.removeChat({ access });
    await chatWithAnswer(user, "Now there is room.");
  });

  test("everyone's defaults saved by an admin replace the environment's; a blank one follows it again", async () => {
    const admin = await createTestUser("Admin");
    await saveDefaultLimits({ values: { chats: 1, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null }, changedBy: admin.id });
    try {
      const user = await createTestUser("Defaults");
      await chatWithAnswer(user);
      expect(await codeOf(conversation.startChat({ user, text: "Second?" }))).toBe("chats_limit_reached");
      await saveDefaultLimits({ values: { chats: null, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null }, changedBy: admin.id });
      await chatWithAnswer(user, "The environment's 3 apply again.");
    } finally {
      await saveDefaultLimits({ values: { chats: null, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null }, changedBy: admin.id });
    }
  });

  test("an admin's 0 for one person lifts the default; their own number replaces it", async () => {
    const unlimited = await createTestUser("Unlimited");
    await setUserLimits({ userId: unlimited.id, overrides: { ...none, chats: 0 }, changedBy: unlimited.id });
    for (let i = 0; i < 5; i++) await chatWithAnswer(unlimited, `Chat ${i}`);
    const tight = await createTestUser("Tight");
    await setUserLimits({ userId: tight.id, overrides: { ...none, chats: 1 }, changedBy: unlimited.id });
    await chatWithAnswer(tight);
    expect(await codeOf(conversation.startChat({ user: tight, text: "Second?" }))).toBe("chats_limit_reached");
    // Clearing every value returns the person to the defaults.
    await setUserLimits({ userId: tight.id, overrides: none, changedBy: unlimited.id });
    await chatWithAnswer(tight, "Second, by default.");
  });

  test("answers per rolling window: sends, edits and regenerations all count, and the refusal says when it eases", async () => {
    const user = await createTestUser("Window");
    await setUserLimits({ userId: user.id, overrides: { ...none, messages: 2, windowSeconds: 3600 }, changedBy: user.id });
    const { chat, access } = await chatWithAnswer(user);
    await conversation.sendMessage({ access: await access(), user, text: "Second answer" });
    await settled();
    const before = await rowsOf(user.id);
    const error = await refusal(conversation.sendMessage({ access: await access(), user, text: "Third?" }));
    expect(error.code).toBe("messages_limit_reached");
    expect(error.status).toBe(429);
    expect(error.params).toMatchObject({ max: 2, windowSeconds: 3600 });
    expect(error.params!.seconds).toBeGreaterThan(3500);
    expect(error.params!.seconds).toBeLessThanOrEqual(3600);
    const [question] = await database().select().from(messages).where(eq(messages.chatId, chat.id)).orderBy(messages.createdAt).limit(1);
    expect(await codeOf(conversation.regenerate({ access: await access(), user, messageId: question!.id }))).toBe("messages_limit_reached");
    expect(await codeOf(conversation.editMessage({ access: await access(), user, messageId: question!.id, text: "Edited" }))).toBe("messages_limit_reached");
    expect(await rowsOf(user.id)).toEqual(before);
    expect(streamRegistry().activeStreams()).toHaveLength(0);
    const standing = await limitStanding({ userId: user.id });
    expect(standing.used.messages).toBe(2);
    expect(standing.messagesResetAt).toBeGreaterThan(Date.now());
  });

  test("tokens and spend per month count what the server pays for, and refuse it until the first of next month, UTC", async () => {
    const user = await createTestUser("Month");
    await setUserLimits({ userId: user.id, overrides: { ...none, tokensPerMonth: 5 }, changedBy: user.id });
    const { access } = await chatWithAnswer(user);
    // The demo model costs the server nothing: its tokens do not count.
    await conversation.sendMessage({ access: await access(), user, text: "The demo again." });
    await settled();
    expect((await limitStanding({ userId: user.id })).used.tokens).toBe(0);
    // An answer on the server's key does.
    await conversation.sendMessage({ access: await access(), user, text: "On the server's key.", model: SERVER_PAID });
    await settled();
    expect((await limitStanding({ userId: user.id })).used.tokens).toBeGreaterThan(5);
    const tokens = await refusal(conversation.sendMessage({ access: await access(), user, text: "More?", model: SERVER_PAID }));
    const untilNextMonth = Math.ceil((monthBounds().next - Date.now()) / 1000);
    expect(tokens).toMatchObject({ code: "tokens_limit_reached", params: { max: 5 } });
    expect(Math.abs(tokens.params!.seconds! - untilNextMonth)).toBeLessThanOrEqual(5);
    // What costs the server nothing still answers: the demo model, and the same model on the person's own key.
    await conversation.sendMessage({ access: await access(), user, text: "The demo is free.", model: TEST_MODEL });
    await addUserKey({ user, provider: "openai", apiKey: "own-key-of-month-0001", baseUrl: "" });
    const own = await conversation.sendMessage({ access: await access(), user, text: "On my own key.", model: SERVER_PAID });
    await settled();
    expect((await database().select().from(usageRecords).where(eq(usageRecords.messageId, own.assistantMessageId)))[0]).toMatchObject({ paidBy: "user" });
    expect(upstream.requests.findLast((r) => JSON.stringify(r.body ?? {}).includes("On my own key."))?.headers.authorization).toBe("Bearer own-key-of-month-0001");
    await removeUserKey({ user, provider: "openai" });

    await setUserLimits({ userId: user.id, overrides: { ...none, spendPerMonthUsd: 0.5 }, changedBy: user.id });
    await conversation.sendMessage({ access: await access(), user, text: "Spend is still fine.", model: SERVER_PAID });
    await settled();
    // Spending on one's own key is not the server's.
    await database().insert(usageRecords).values({ id: createId(), messageId: createId(), userId: user.id, model: "openai:gpt-4o", provider: "openai", paidBy: "user", status: "complete", inputTokens: 1000, outputTokens: 1000, costUsd: 9 });
    await conversation.sendMessage({ access: await access(), user, text: "Still fine.", model: SERVER_PAID });
    await settled();
    // An answer from a priced model on the server's key, as its final save records it.
    await database().insert(usageRecords).values({ id: createId(), messageId: createId(), userId: user.id, model: "openai:gpt-4o", provider: "openai", paidBy: "server", status: "complete", inputTokens: 1000, outputTokens: 1000, costUsd: 0.6 });
    expect(await refusal(conversation.sendMessage({ access: await access(), user, text: "Over budget?", model: SERVER_PAID }))).toMatchObject({ code: "spend_limit_reached", params: { usd: 0.5 } });
    await conversation.sendMessage({ access: await access(), user, text: "The demo is still free.", model: TEST_MODEL });
    await settled();
    // Last month's spending does not count.
    await database().update(usageRecords).set({ createdAt: monthBounds().start - 1 }).where(eq(usageRecords.costUsd, 0.6));
    await conversation.sendMessage({ access: await access(), user, text: "A new month.", model: SERVER_PAID });
  });

  test("through the routes: 403 for the chats limit, 429 with Retry-After and words for the window, and what was typed comes back", async () => {
    const user = await createTestUser("Routes");
    await setUserLimits({ userId: user.id, overrides: { ...none, chats: 1, messages: 1, windowSeconds: 600 }, changedBy: user.id });
    const cookie = await cookieFor(user.id);
    const send = (path: string, content: string, action: typeof newChatAction | typeof chatAction, params: Record<string, string>) =>
      settle(() => action({ request: formRequest(path, cookie, { intent: "send", content, model: TEST_MODEL }), params, context: { clientIp: "10.0.0.9" } } as unknown as ActionFunctionArgs));
    const created = await send("/chats?index", "First", newChatAction, {});
    expect(created.status).toBe(302);
    await settled();
    const second = await send("/chats?index", "Second chat?", newChatAction, {});
    expect(second.status).toBe(403);
    expect(second.body).toMatchObject({ code: "chats_limit_reached", text: "Second chat?", formError: expect.stringContaining("Delete chats you no longer need") });
    const chatId = created.location!.replace("/chats/", "");
    const followUp = await send(`/chats/${chatId}`, "Follow-up?", chatAction, { chatId });
    expect(followUp.status).toBe(429);
    expect(Number(followUp.headers.get("Retry-After"))).toBeGreaterThan(500);
    expect(followUp.body).toMatchObject({ code: "messages_limit_reached", text: "Follow-up?", formError: expect.stringMatching(/^You have asked for 1 answer in the last 10 minutes, the most this server allows\. You can ask again in (9|10) minutes\.$/) });
  });
});

describe("a new chat's title", () => {
  /** A new chat whose first answer has ended and whose title is stored (with the record of the request that asked for it). */
  async function titledChat(user: { id: string }, { model = SERVER_PAID, text = `How is tea made? ${createId()}` } = {}) {
    const { chat, assistantMessageId } = await conversation.startChat({ user, text, model });
    await settled();
    await vi.waitFor(async () => expect((await database().select().from(chats).where(eq(chats.id, chat.id)))[0]?.titleSet).toBe(true), { timeout: 5_000 });
    const [stored] = await database().select().from(chats).where(eq(chats.id, chat.id));
    const records = async (kind: "answer" | "title") => database().select().from(usageRecords).where(and(eq(usageRecords.messageId, assistantMessageId), eq(usageRecords.kind, kind)));
    const [answer] = await records("answer");
    const titles = await records("title");
    return { chat, title: stored!.title, answer: answer!, titles, access: () => requireChatAccess({ chatId: chat.id, user, level: "own" }) };
  }
  const today = () => usagePeriodSchema.parse({});

  test("asked on the server's key is recorded for whoever asked, in the usage report, and counts toward the month's tokens", async () => {
    const user = await createTestUser("Titled");
    const before = await usageReport(today());
    await setUserLimits({ userId: user.id, overrides: { ...none, tokensPerMonth: 60 }, changedBy: user.id });
    const marker = createId();
    // The answer (a streamed request) takes the first script; the title's request, not streamed, the second.
    upstream.script({ match: marker, text: "Leaves steeped in hot water.", usage: { inputTokens: 40, outputTokens: 6 } }, { text: "Brewing tea", usage: { inputTokens: 30, outputTokens: 3 } });
    const { title, answer, titles, access } = await titledChat(user, { text: `How is tea made? ${marker}` });

    expect(title).toBe("Brewing tea");
    expect(titles).toHaveLength(1);
    expect(titles[0]).toMatchObject({ userId: user.id, model: SERVER_PAID, provider: "openai", paidBy: "server", status: "complete", inputTokens: 30, outputTokens: 3 });
    // Priced as the model's answers are (GPT-4o mini: $0.15 and $0.60 per million tokens).
    expect(titles[0]!.costUsd).toBeCloseTo((30 * 0.15 + 3 * 0.6) / 1_000_000, 12);
    expect(answer).toMatchObject({ paidBy: "server", inputTokens: 40, outputTokens: 6 });

    const report = await usageReport(today());
    expect(report.total.requests - before.total.requests).toBe(2);
    expect(report.byUser.find((g) => g.key === user.id)).toMatchObject({ requests: 2, inputTokens: 70, outputTokens: 9 });
    expect(report.total.costUsd - before.total.costUsd).toBeCloseTo(answer.costUsd + titles[0]!.costUsd, 12);
    expect(usageCsv(report).split("\r\n")).toContainEqual(`${today().toDay},${user.email},Titled,${SERVER_PAID},server,title,1,30,3,${titles[0]!.costUsd.toFixed(6)}`);

    // The answer alone (46 tokens) stayed under the month's 60; with its title (33 more) the next answer is refused.
    expect((await limitStanding({ userId: user.id })).used.tokens).toBe(79);
    const refused = await refusal(conversation.sendMessage({ access: await access(), user, text: "More?", model: SERVER_PAID }));
    expect(refused).toMatchObject({ code: "tokens_limit_reached", params: { max: 60 } });
  });

  test("asked on the person's own key is recorded as theirs and does not count toward the month's tokens", async () => {
    const user = await createTestUser("OwnTitle");
    await setUserLimits({ userId: user.id, overrides: { ...none, tokensPerMonth: 1 }, changedBy: user.id });
    await addUserKey({ user, provider: "openai", apiKey: "own-key-of-titles-0001", baseUrl: "" });
    const marker = createId();
    const { titles, access } = await titledChat(user, { text: `Name my chat ${marker}` });

    expect(titles).toHaveLength(1);
    expect(titles[0]).toMatchObject({ userId: user.id, model: SERVER_PAID, paidBy: "user", status: "complete" });
    expect(titles[0]!.inputTokens).toBeGreaterThan(0);
    const titleRequest = upstream.requests.findLast((r) => r.body?.stream !== true && JSON.stringify(r.body?.messages ?? []).includes(marker));
    expect(titleRequest?.headers.authorization).toBe("Bearer own-key-of-titles-0001");
    expect((await limitStanding({ userId: user.id })).used.tokens).toBe(0);
    await conversation.sendMessage({ access: await access(), user, text: "Still mine to pay.", model: SERVER_PAID });
    await settled();
    await removeUserKey({ user, provider: "openai" });
  });

  test("by the demo model is recorded at no cost and does not count toward the month's tokens", async () => {
    const user = await createTestUser("DemoTitle");
    await setUserLimits({ userId: user.id, overrides: { ...none, tokensPerMonth: 1 }, changedBy: user.id });
    const { titles, access } = await titledChat(user, { model: TEST_MODEL, text: "What is a monad?" });

    expect(titles).toHaveLength(1);
    expect(titles[0]).toMatchObject({ userId: user.id, model: TEST_MODEL, provider: "demo", paidBy: "server", status: "complete", costUsd: 0 });
    expect(titles[0]!.outputTokens).toBeGreaterThan(0);
    expect((await limitStanding({ userId: user.id })).used.tokens).toBe(0);
    await conversation.sendMessage({ access: await access(), user, text: "Still free." });
    await settled();
  });

  test("a provider that says nothing of the tokens is estimated; a request it refused is recorded with none billed", async () => {
    const user = await createTestUser("Estimated");
    const question = `Why is the sky blue? ${createId()}`;
    upstream.script({ match: question, text: "Scattering." }, { text: "Blue skies", noUsage: true });
    const estimated = await titledChat(user, { text: question });
    expect(estimated.title).toBe("Blue skies");
    expect(estimated.titles[0]).toMatchObject({ status: "complete", paidBy: "server", inputTokens: estimateTokens(TITLE_INSTRUCTION) + estimateTokens(question), outputTokens: estimateTokens("Blue skies") });

    const refused = `Why is grass green? ${createId()}`;
    upstream.script({ match: refused, text: "Chlorophyll." }, { status: 400, errorMessage: "Not today." });
    const failed = await titledChat(user, { text: refused });
    // Named after its first message instead; the request was made, and cost nothing.
    expect(failed.title).toBe(refused);
    expect(failed.titles).toHaveLength(1);
    expect(failed.titles[0]).toMatchObject({ status: "error", paidBy: "server", inputTokens: 0, outputTokens: 0, costUsd: 0 });
  });
});
