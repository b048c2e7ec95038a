// A new chat is named after its first answer ends. When that answer is cut
// off by a shutdown, the process ends before a model can be asked for a
// title: the chat is named after its first message as the answer's end is
// stored, as after a crash. Stopped by its writer, it is named as usual. A
// title request a shutdown lets go is still recorded in usage, its prompt
// counted as an answer's cut off is.
// Checked with the real OpenAI SDK against the fake upstream.
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { chats, usageRecords } from "../../drizzle/schema";
import { type FakeServer, startFakeOpenAI } from "../fakes/openai";
import { database, prepareDatabase } from "~/db.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { estimateTokens } from "~/llm/context";
import { DEFAULT_CHAT_TITLE } from "~/models/chat.server";
import { getMessage } from "~/models/message.server";
import { plainText } from "~/protocol/parts";
import * as conversation from "~/services/conversation.server";
import { shutdown } from "~/http/lifecycle.server";
import { streamRegistry } from "~/streaming/streams.server";
import { TITLE_INSTRUCTION } from "~/streaming/title.server";
import { createId } from "~/utils/id";
import { fallbackTitle } from "~/utils/fallback-title";
import { answersSettled, closeFakesAfterAnswers, createTestUser } from "./fixtures";

const MODEL = "openai:gpt-4o-mini";
let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  Object.assign(process.env, { OPENAI_API_KEY: "server-key-of-titles-0001", OPENAI_BASE_URL: fake.url });
  await prepareDatabase();
});

afterEach(answersSettled);
afterAll(() => closeFakesAfterAnswers(fake));

/** A new chat whose first answer is slow; resolves once its first words are out. */
async function firstAnswerUnderWay(question: string) {
  const user = await createTestUser();
  fake.script({ match: question, text: "one two three four five six seven eight nine ten ".repeat(20), tokenDelayMs: 30 });
  const { chat, assistantMessageId } = await conversation.startChat({ user, text: question, model: MODEL });
  expect(chat.title).toBe(DEFAULT_CHAT_TITLE);
  const stream = streamRegistry().get(assistantMessageId)!;
  await vi.waitFor(() => expect(plainText(stream.parts).length).toBeGreaterThan(0), { timeout: 5_000 });
  const access = () => requireChatAccess({ chatId: chat.id, user, level: "own" });
  return { chat, access, assistantMessageId };
}

async function titleOf(chatId: string) {
  const [row] = await database().select({ title: chats.title, titleSet: chats.titleSet }).from(chats).where(eq(chats.id, chatId));
  return row;
}

describe("a new chat whose first answer is cut off", () => {
  test("by a shutdown is named after its first message by the time the shutdown has stored the answer", async () => {
    const marker = createId();
    const { chat, assistantMessageId } = await firstAnswerUnderWay(`How were the Roman aqueducts   built, and how did they keep the water flowing? ${marker}`);
    await streamRegistry().stopAll();
    expect((await getMessage({ chatId: chat.id, messageId: assistantMessageId }))?.problem).toEqual({ code: "interrupted_by_shutdown" });
    // The same words a restart gives a chat cut off by a crash.
    expect(await titleOf(chat.id)).toEqual({ title: "How were the Roman aqueducts built, and how…", titleSet: true });
  });

  test("by a shutdown keeps the name its owner gave it meanwhile", async () => {
    const marker = createId();
    const { chat, access } = await firstAnswerUnderWay(`Something to be renamed ${marker}`);
    await conversation.renameChat({ access: await access(), title: "My own name" });
    await streamRegistry().stopAll();
    expect(await titleOf(chat.id)).toEqual({ title: "My own name", titleSet: true });
  });

  test("by its writer's Stop gets a title", async () => {
    const marker = createId();
    const { chat, access, assistantMessageId } = await firstAnswerUnderWay(`Tell me about the glaciers of Norway ${marker}`);
    await conversation.stopAnswer({ access: await access(), messageId: assistantMessageId });
    await vi.waitFor(async () => expect((await titleOf(chat.id))?.titleSet).toBe(true), { timeout: 5_000 });
    expect((await titleOf(chat.id))?.title).not.toBe(DEFAULT_CHAT_TITLE);
  });
});

describe("a new chat whose first answer ended without a word", () => {
  test.each([
    ["refused by the provider", { status: 401, errorMessage: "Incorrect API key provided" }],
    ["refused as a bad request", { status: 400, errorMessage: "This model does not take that" }],
  ])("%s is named after its first message, and the model is not asked for a title", async (_, refusal) => {
    const user = await createTestUser();
    const question = `Which rivers flow north in Europe? ${createId()}`;
    fake.script({ match: question, ...refusal });
    const before = fake.requests.length;
    const { chat, assistantMessageId } = await conversation.startChat({ user, text: question, model: MODEL });
    await streamRegistry().get(assistantMessageId)?.settled;
    await vi.waitFor(async () => expect((await titleOf(chat.id))?.titleSet).toBe(true), { timeout: 5_000 });
    expect((await titleOf(chat.id))?.title).toBe(fallbackTitle(question));
    expect((await getMessage({ chatId: chat.id, messageId: assistantMessageId }))?.status).toBe("error");
    // Only the answer's request reached the provider; no title request was made or recorded.
    expect(fake.requests.slice(before).filter((request) => request.body?.stream !== true)).toEqual([]);
    const titles = await database().select().from(usageRecords).where(and(eq(usageRecords.messageId, assistantMessageId), eq(usageRecords.kind, "title")));
    expect(titles).toEqual([]);
  });
});

describe("a new chat whose first answer ended just before a shutdown", () => {
  test("is named after its first message, though the model asked for its title has not answered, and that request is recorded", async () => {
    const user = await createTestUser();
    const question = `What keeps a bicycle upright when it moves? ${createId()}`;
    // The answer comes at once; the title request that follows it gets no answer at all.
    fake.script({ match: question, text: "Mostly the steering, and a little the wheels." }, { stallBeforeHeaders: true });
    const { chat, assistantMessageId } = await conversation.startChat({ user, text: question, model: MODEL });
    await streamRegistry().get(assistantMessageId)?.settled;
    await vi.waitFor(() => expect(fake.requests.filter((request) => request.outcome === "open")).toHaveLength(1), { timeout: 5_000 });
    expect((await titleOf(chat.id))?.titleSet).toBe(false);

    const shuttingDown = performance.now();
    await shutdown({ graceMs: 0 });
    expect(performance.now() - shuttingDown).toBeLessThan(10_000);
    expect(await titleOf(chat.id)).toEqual({ title: "What keeps a bicycle upright when it moves?…", titleSet: true });
    // The unanswered request is let go, and recorded by the time the shutdown is over: billed for its prompt, as a stopped answer is.
    await vi.waitFor(() => expect(fake.requests.filter((request) => request.outcome === "open")).toHaveLength(0), { timeout: 5_000 });
    const titles = await database().select().from(usageRecords).where(and(eq(usageRecords.messageId, assistantMessageId), eq(usageRecords.kind, "title")));
    expect(titles).toHaveLength(1);
    expect(titles[0]).toMatchObject({ userId: user.id, model: MODEL, paidBy: "server", status: "interrupted", inputTokens: estimateTokens(TITLE_INSTRUCTION) + estimateTokens(question), outputTokens: 0 });
  });
});
