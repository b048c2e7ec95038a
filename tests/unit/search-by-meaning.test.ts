// Search by meaning (EMBEDDINGS_MODEL) through the real service, on a real
// SQLite file with libSQL's vector index, with the OpenAI SDK's embeddings
// endpoint pointed at the fake OpenAI: messages are embedded in the
// background (a backfill, then each answer once it ends), a question finds
// what was said in other words, fused with the matches by words; a person
// never finds another's messages; deleted messages take their vectors along;
// a changed model is indexed again from none; and when the endpoint fails,
// search falls back to words and says so.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
  process.env.RATE_LIMIT_SEARCH_PER_USER = "off";
  process.env.RATE_LIMIT_SEARCH_PER_IP = "off";
});

import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fakeEmbedding, startFakeOpenAI, type FakeServer } from "../fakes/openai";
import { database, prepareDatabase } from "~/db.server";
import { writeSetting } from "~/models/app-setting.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { saveStreamFinal } from "~/models/message.server";
import { vectorProgress, vectorSpace } from "~/models/vectors.server";
import { textParts } from "~/protocol/parts";
import * as conversation from "~/services/conversation.server";
import { parseSearchQuery, reciprocalRankFusion, search, type SearchResults } from "~/services/search.server";
import { vectorIndexer, vectorIndexReport } from "~/services/vector-index.server";
import { streamRegistry } from "~/streaming/streams.server";
import { addExchange, createTestChat, createTestUser } from "./fixtures";

let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  Object.assign(process.env, { OPENAI_API_KEY: "server-key-for-embeddings", OPENAI_BASE_URL: fake.url, EMBEDDINGS_MODEL: "openai:text-embedding-3-small" });
  await prepareDatabase();
});

afterAll(async () => {
  vectorIndexer().stop();
  await fake.close();
});

async function indexed(): Promise<void> {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
  vectorIndexer().nudge();
  await vectorIndexer().settled();
}

async function find(user: { id: string }, q: string, extra: Record<string, string> = {}): Promise<SearchResults> {
  return search({ user, query: parseSearchQuery(new URLSearchParams({ q, ...extra })) });
}

const found = (results: SearchResults) => results.messages.map((m) => [m.messageId, m.found]);

describe("reciprocal rank fusion", () => {
  test("an id high in both lists beats one first in a single list; ties keep the first list's order", () => {
    expect(reciprocalRankFusion([["a", "b", "c"], ["c", "d", "a"]])).toEqual(["a", "c", "b", "d"]);
    expect(reciprocalRankFusion([["x"], ["y"]])).toEqual(["x", "y"]);
    expect(reciprocalRankFusion([[], ["only"]])).toEqual(["only"]);
  });
});

describe("search by meaning", () => {
  test("what was written before is indexed by the backfill; a question in other words finds it, labelled as found by meaning", async () => {
    const ada = await createTestUser();
    const chat = await createTestChat({ userId: ada.id, title: "Garage" });
    const { userMessageId } = await addExchange({ chatId: chat.id, parentId: null, question: "My car rattles when it is cold", answer: "Check the exhaust heat shield." });
    // Not found by words: no message says "automobile".
    const before = await find(ada, "automobile");
    expect(before.messages).toEqual([]);
    expect(before.meaning).toBe("on");

    await indexed();
    const progress = await vectorProgress();
    expect(progress.indexed).toBe(progress.total);
    expect(await vectorSpace()).toEqual({ model: "openai:text-embedding-3-small", dimensions: 64 });
    const results = await find(ada, "automobile");
    expect(found(results)[0]).toEqual([userMessageId, "meaning"]);
    expect(results.messages[0]!.snippet).toEqual([{ text: "My car rattles when it is cold", hit: false }]);
    expect(results.messages[0]!.chatTitle).toBe("Garage");
  });

  test("words and meaning are fused: a message found both ways comes first and says so; one found by words only stays", async () => {
    const ada = await createTestUser();
    const chat = await createTestChat({ userId: ada.id });
    const both = await addExchange({ chatId: chat.id, parentId: null, question: "Which physician should I see about my knee?", answer: "An orthopaedic specialist." });
    const meaningOnly = await addExchange({ chatId: chat.id, parentId: both.assistantMessageId, question: "Is a doctor needed for a sprain?", answer: "Usually rest is enough." });
    const wordsOnly = await addExchange({ chatId: chat.id, parentId: meaningOnly.assistantMessageId, question: "physicianly handwriting is famous", answer: "Indeed." });
    await indexed();
    const results = await find(ada, "physician");
    const byId = new Map(results.messages.map((m) => [m.messageId, m.found]));
    expect(results.messages[0]!.messageId).toBe(both.userMessageId);
    expect(byId.get(both.userMessageId)).toBe("both");
    expect(byId.get(meaningOnly.userMessageId)).toBe("meaning");
    expect(byId.get(wordsOnly.userMessageId)).toBe("words");
    // The hit by words keeps its marked words.
    expect(results.messages[0]!.snippet.some((s) => s.hit && s.text.toLowerCase() === "physician")).toBe(true);
  });

  test("an answer that ends is embedded with its question at once, by id, without waiting for a sweep", async () => {
    const ada = await createTestUser();
    await indexed();
    const { chat, userMessageId, assistantMessageId } = await conversation.startChat({ user: ada, text: "Cheerful songs for a long drive", model: "demo:parley-demo" });
    await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
    // No nudge here: the answer's final save named it.
    await vectorIndexer().settled();
    const results = await find(ada, "joyful");
    expect(results.messages.filter((m) => m.chatId === chat.id).map((m) => m.messageId).sort()).toEqual([userMessageId, assistantMessageId].sort());
  });

  test("never another person's messages, however near in meaning", async () => {
    const ada = await createTestUser();
    const eve = await createTestUser("Eve");
    const adaChat = await createTestChat({ userId: ada.id });
    const eveChat = await createTestChat({ userId: eve.id });
    const own = await addExchange({ chatId: adaChat.id, parentId: null, question: "The sea was calm at dawn", answer: "Lovely." });
    const others = await addExchange({ chatId: eveChat.id, parentId: null, question: "The ocean was calm at dawn", answer: "Lovely." });
    await indexed();
    const adaSees = (await find(ada, "ocean")).messages.map((m) => m.messageId);
    expect(adaSees).toContain(own.userMessageId);
    expect(adaSees).not.toContain(others.userMessageId);
    const eveSees = (await find(eve, "sea")).messages.map((m) => m.messageId);
    expect(eveSees).toContain(others.userMessageId);
    expect(eveSees).not.toContain(own.userMessageId);
  });

  test("an answer is indexed once it ends, again when continued; a deleted chat takes its vectors along", async () => {
    const ada = await createTestUser();
    const { chat } = await conversation.startChat({ user: ada, text: "Where can I purchase a kayak?", model: "demo:parley-demo" });
    await indexed();
    expect((await find(ada, "buy")).messages.filter((m) => m.chatId === chat.id).map((m) => m.role)).toContain("user");
    // Its answer, continued with other words: embedded again, so found by them.
    const answers = (await find(ada, "kayak")).messages.filter((m) => m.role === "assistant" && m.chatId === chat.id);
    expect(answers).toHaveLength(1);
    const answerId = answers[0]!.messageId;
    await saveStreamFinal({ messageId: answerId, parts: textParts("A speedy kayak is sold at the harbour shop."), lastEventId: 900, status: "complete" });
    expect((await vectorProgress()).indexed).toBeLessThan((await vectorProgress()).total);
    await indexed();
    expect((await find(ada, "rapid")).messages.map((m) => m.messageId)).toContain(answerId);

    const vectorsBefore = await vectorCount();
    await conversation.removeChat({ access: await requireChatAccess({ chatId: chat.id, user: ada, level: "own" }) });
    expect(await vectorCount()).toBe(vectorsBefore - 2);
    expect((await find(ada, "rapid")).messages.map((m) => m.messageId)).not.toContain(answerId);
  });

  test("vectors of another model are dropped and every message is embedded again with the configured one", async () => {
    const ada = await createTestUser();
    const chat = await createTestChat({ userId: ada.id });
    await addExchange({ chatId: chat.id, parentId: null, question: "A joyful morning", answer: "Indeed." });
    await indexed();
    const total = (await vectorProgress()).total;
    // As if an earlier configuration had filled the index with another model.
    await writeSetting({ key: "search.vectors", value: { model: "openai:text-embedding-ada-002", dimensions: 64 }, changedBy: null });
    expect(await find(ada, "happy")).toMatchObject({ meaning: "on", messages: [] });
    await indexed();
    expect(await vectorSpace()).toEqual({ model: "openai:text-embedding-3-small", dimensions: 64 });
    expect(await vectorProgress()).toEqual({ indexed: total, total });
    expect((await find(ada, "happy")).messages.map((m) => m.found)).toContain("meaning");
  });

  test("the admin's report names the model and how far the index has come", async () => {
    await indexed();
    const report = await vectorIndexReport();
    expect(report).toMatchObject({ model: "openai:text-embedding-3-small", running: false, lastError: null, skipped: 0 });
    expect(report!.indexed).toBe(report!.total);
    expect(report!.total).toBeGreaterThan(0);
  });

  test("the fake model's vectors are of unit length and agree for words of one meaning", () => {
    const car = fakeEmbedding("car");
    expect(Math.hypot(...car)).toBeCloseTo(1, 6);
    expect(fakeEmbedding("automobile")).toEqual(car);
    expect(fakeEmbedding("cat")).not.toEqual(car);
  });

  // Last: it takes the endpoint away.
  test("when the endpoint fails, search finds words only and says so; indexing waits and reports the problem", async () => {
    const ada = await createTestUser();
    const chat = await createTestChat({ userId: ada.id });
    const { userMessageId } = await addExchange({ chatId: chat.id, parentId: null, question: "Glad tidings about the harbour", answer: "Thanks." });
    await fake.close();
    const results = await find(ada, "harbour tidings");
    expect(results.meaning).toBe("unavailable");
    expect(results.messages.map((m) => [m.messageId, m.found])).toEqual([[userMessageId, "words"]]);

    await indexed();
    const report = await vectorIndexReport();
    expect(report!.lastError?.message).toBeTruthy();
    expect(report!.lastError!.message).not.toContain("server-key-for-embeddings");
    expect(report!.indexed).toBeLessThan(report!.total);
  });
});

async function vectorCount(): Promise<number> {
  const [row] = await database().all<{ n: number }>(sql`SELECT count(*) AS n FROM message_vectors`);
  return row!.n;
}
