// What an answer cut short costs. Providers report usage at the end of a
// stream, so an answer stopped, cut off by a shutdown or by a failure
// mid-answer never hears how much it used; its whole prompt is billed all the
// same. Its usage record, the stats its page shows and the monthly limits
// count Parley's estimate of what it sent and what was written. Checked with
// the real SDKs against the fake upstreams.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { usageRecords } from "../../drizzle/schema";
import { type FakeServer, startFakeAnthropic } from "../fakes/anthropic";
import { startFakeOpenAI } from "../fakes/openai";
import { database, prepareDatabase } from "~/db.server";
import { DEFAULT_SYSTEM_PROMPT, estimateTokens } from "~/llm/context";
import { requireChatAccess } from "~/models/chat-access.server";
import { getMessage } from "~/models/message.server";
import { type LimitOverrides, setUserLimits } from "~/models/user-limits.server";
import { AppError } from "~/protocol/errors";
import { plainText } from "~/protocol/parts";
import * as conversation from "~/services/conversation.server";
import { limitStanding } from "~/services/usage-limits.server";
import { streamRegistry } from "~/streaming/streams.server";
import { createId } from "~/utils/id";
import { answersSettled, closeFakesAfterAnswers, createTestUser } from "./fixtures";

const OPENAI = "openai:gpt-4o-mini";
const ANTHROPIC = "anthropic:claude-3-5-haiku-20241022";
/** What the fakes would report at the end of the stream, which a cut-off answer never reaches. */
const REPORTED_AT_THE_END = { inputTokens: 5000, outputTokens: 400 };
let openai: FakeServer;
let anthropic: FakeServer;

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  // Before anything reads the environment: both providers on the server's keys, answered by the fakes.
  Object.assign(process.env, {
    OPENAI_API_KEY: "server-key-of-cut-offs-0001",
    OPENAI_BASE_URL: openai.url,
    ANTHROPIC_API_KEY: "server-key-of-cut-offs-0002",
    ANTHROPIC_BASE_URL: anthropic.url,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  });
  await prepareDatabase();
});

afterEach(answersSettled);
afterAll(() => closeFakesAfterAnswers(openai, anthropic));

const none: LimitOverrides = { chats: null, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null };

/** A long question (about 3,000 tokens) and Parley's estimate of the request that asks it. */
function longQuestion(marker: string) {
  const text = `${marker} ${"Summarise the history of the printing press in detail. ".repeat(190)}`.trim();
  return { text, sentTokens: estimateTokens(DEFAULT_SYSTEM_PROMPT) + estimateTokens(text) };
}

/** A new chat whose first answer is slow; resolves once its first words are out. */
async function answerUnderWay(fake: FakeServer, model: string, script: Parameters<FakeServer["script"]>[0] = {}) {
  const user = await createTestUser();
  const marker = createId();
  const question = longQuestion(marker);
  fake.script({ match: marker, text: "one two three four five six seven eight nine ten ".repeat(20), tokenDelayMs: 30, usage: REPORTED_AT_THE_END, ...script });
  const { chat, assistantMessageId } = await conversation.startChat({ user, text: question.text, model });
  const stream = streamRegistry().get(assistantMessageId)!;
  await vi.waitFor(() => expect(plainText(stream.parts).length).toBeGreaterThan(0), { timeout: 5_000 });
  const access = () => requireChatAccess({ chatId: chat.id, user, level: "own" });
  return { user, chat, access, assistantMessageId, question, stream };
}

async function usageOf(messageId: string) {
  // The chat's title, asked for after this first answer, has a record of its own.
  const rows = await database().select().from(usageRecords).where(and(eq(usageRecords.messageId, messageId), eq(usageRecords.kind, "answer")));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe("an answer cut short counts the prompt it was asked with", () => {
  test("Stop after a few words records the prompt's estimate and the words written, shows them, and the month's tokens count them", async () => {
    const { user, chat, access, assistantMessageId, question, stream } = await answerUnderWay(openai, OPENAI);
    await setUserLimits({ userId: user.id, overrides: { ...none, tokensPerMonth: question.sentTokens }, changedBy: user.id });
    await conversation.stopAnswer({ access: await access(), messageId: assistantMessageId });
    await stream.settled;

    const record = await usageOf(assistantMessageId);
    expect(record).toMatchObject({ status: "interrupted", paidBy: "server", inputTokens: question.sentTokens });
    expect(record.outputTokens).toBeGreaterThan(0);
    expect(record.outputTokens).toBeLessThan(REPORTED_AT_THE_END.outputTokens);
    expect(record.costUsd).toBeGreaterThan((question.sentTokens * 0.15) / 1_000_000);
    const answer = await getMessage({ chatId: chat.id, messageId: assistantMessageId });
    expect(answer!.stats).toMatchObject({ inputTokens: record.inputTokens, outputTokens: record.outputTokens, finishReason: "stopped" });

    // The chat's title, asked for on the same key once the answer ended, counts as well.
    await vi.waitFor(async () => expect((await access()).chat.titleSet).toBe(true), { timeout: 5_000 });
    const [title] = await database().select().from(usageRecords).where(and(eq(usageRecords.messageId, assistantMessageId), eq(usageRecords.kind, "title")));
    const standing = await limitStanding({ userId: user.id });
    expect(standing.used.tokens).toBe(record.inputTokens + record.outputTokens + title!.inputTokens + title!.outputTokens);
    // Stopping early does not keep a person under the month's tokens.
    const refused = await conversation.sendMessage({ access: await access(), user, text: "Once more?", model: OPENAI }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("tokens_limit_reached");
  });

  test("an answer cut off by a shutdown records the prompt's estimate", async () => {
    const { assistantMessageId, question } = await answerUnderWay(anthropic, ANTHROPIC);
    await streamRegistry().stopAll();
    const record = await usageOf(assistantMessageId);
    expect(record).toMatchObject({ status: "interrupted", inputTokens: question.sentTokens });
    expect(record.outputTokens).toBeGreaterThan(0);
  });

  test("an answer whose upstream fails mid-answer records the prompt's estimate", async () => {
    const { chat, assistantMessageId, question, stream } = await answerUnderWay(anthropic, ANTHROPIC, { resetAfterTokens: 5 });
    await stream.settled;
    const answer = await getMessage({ chatId: chat.id, messageId: assistantMessageId });
    expect(answer).toMatchObject({ status: "error", problem: { code: "upstream_connection_lost" }, stats: { inputTokens: question.sentTokens } });
    const record = await usageOf(assistantMessageId);
    expect(record).toMatchObject({ status: "error", inputTokens: question.sentTokens });
    expect(record.outputTokens).toBeGreaterThan(0);
  });

  test("an answer that ends as the provider reports keeps the provider's numbers", async () => {
    const user = await createTestUser();
    const marker = createId();
    openai.script({ match: marker, text: "short and whole", usage: REPORTED_AT_THE_END });
    const { assistantMessageId } = await conversation.startChat({ user, text: longQuestion(marker).text, model: OPENAI });
    await streamRegistry().get(assistantMessageId)?.settled;
    expect(await usageOf(assistantMessageId)).toMatchObject({ status: "complete", ...REPORTED_AT_THE_END });
  });

  test("a request the provider refuses before any word is not counted", async () => {
    const user = await createTestUser();
    const marker = createId();
    openai.script({ match: marker, status: 400, errorMessage: "Invalid request." });
    const { assistantMessageId } = await conversation.startChat({ user, text: longQuestion(marker).text, model: OPENAI });
    await streamRegistry().get(assistantMessageId)?.settled;
    expect(await usageOf(assistantMessageId)).toMatchObject({ status: "error", inputTokens: 0, outputTokens: 0 });
  });
});
