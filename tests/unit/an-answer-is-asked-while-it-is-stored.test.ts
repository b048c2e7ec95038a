// A send asks the model for its answer first and stores the question and
// the answer's row while that request is on its way (docs/decisions/115).
// Checked with the real OpenAI SDK against the fake on 127.0.0.1: the model
// sees the stored path and the new question, a send the database refuses
// cancels its request and leaves nothing behind, a chat already being
// answered is not asked again, and a first attempt that fails is retried.
// When the page reads the answer in parallel (it chose the ids), the answer
// starts before the store (docs/decisions/119): a slow model does not hold
// the store up, the page reads what is stored, and a refused store tells it.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { messages } from "../../drizzle/schema";
import { type FakeServer, type RecordedRequest, startFakeOpenAI } from "../fakes/openai";
import { database, prepareDatabase } from "~/db.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { getMessage } from "~/models/message.server";
import { AppError } from "~/protocol/errors";
import { plainText } from "~/protocol/parts";
import type { StreamEvent } from "~/protocol/stream-events";
import * as conversation from "~/services/conversation.server";
import { streamRegistry } from "~/streaming/streams.server";
import { createId } from "~/utils/id";
import { createTestUser } from "./fixtures";

const MODEL = "openai:gpt-4o-mini";
let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  Object.assign(process.env, { OPENAI_API_KEY: "server-key-for-sends", OPENAI_BASE_URL: fake.url, UPSTREAM_MAX_ATTEMPTS: "3" });
  await prepareDatabase();
});

afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

afterAll(async () => {
  // Titles are written in the background after a first answer: let them finish before the fake goes.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await fake.close();
});

/** The streamed generation requests whose messages mention `marker`. */
function requestsAbout(marker: string): RecordedRequest[] {
  return fake.requests.filter((r) => r.path === "/v1/chat/completions" && r.body?.stream === true && JSON.stringify(r.body?.messages ?? []).includes(marker));
}

/** The role and text of each message a request carried, the system prompt left out. */
function conversationSent(request: RecordedRequest): string[] {
  return (request.body.messages as { role: string; content: unknown }[])
    .filter((m) => m.role === "user" || m.role === "assistant")
    .map((m) => `${m.role}: ${typeof m.content === "string" ? m.content : JSON.stringify(m.content)}`);
}

async function answered(answerId: string): Promise<string> {
  const stream = streamRegistry().get(answerId);
  expect(stream, "the answer runs in this process").toBeDefined();
  await stream!.settled;
  const stored = await getMessage({ chatId: stream!.chatId, messageId: answerId });
  expect(stored?.status).toBe("complete");
  return plainText(stored!.parts);
}

/** Waits until `check` holds (the fake records a request's end a moment after the client leaves). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still not so after 3 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function newChat(marker: string) {
  const user = await createTestUser("Asker");
  fake.script({ match: marker, text: `first answer ${marker}` });
  const first = await conversation.startChat({ user, text: `first ${marker}`, model: MODEL });
  expect(await answered(first.assistantMessageId)).toBe(`first answer ${marker}`);
  const access = (level: "write" | "own" = "write") => requireChatAccess({ chatId: first.chat.id, user, level });
  return { user, first, access };
}

describe("a send asks the model while it stores the exchange", () => {
  test("the model gets the stored path and the new question, on the branch shown and under an earlier message", async () => {
    const marker = createId();
    const { user, first, access } = await newChat(marker);
    fake.script({ match: `second ${marker}`, text: "second answer" });
    const second = await conversation.sendMessage({ access: await access(), user, text: `second ${marker}` });
    expect(await answered(second.assistantMessageId)).toBe("second answer");
    expect(conversationSent(requestsAbout(`second ${marker}`).at(-1)!)).toEqual([
      `user: first ${marker}`,
      `assistant: first answer ${marker}`,
      `user: second ${marker}`,
    ]);

    // A question under the first answer (a new branch): the second exchange is not part of its context.
    fake.script({ match: `branch ${marker}`, text: "branch answer" });
    const branch = await conversation.sendMessage({ access: await access(), user, text: `branch ${marker}`, parentId: first.assistantMessageId });
    expect(await answered(branch.assistantMessageId)).toBe("branch answer");
    expect(conversationSent(requestsAbout(`branch ${marker}`).at(-1)!)).toEqual([`user: first ${marker}`, `assistant: first answer ${marker}`, `user: branch ${marker}`]);
    const question = await getMessage({ chatId: first.chat.id, messageId: branch.userMessageId });
    expect(question?.parentId).toBe(first.assistantMessageId);
  });

  test("a send the database refuses (ids already used) cancels the request it made and stores nothing", async () => {
    const marker = createId();
    const { user, first, access } = await newChat(marker);
    const before = await database().select().from(messages).where(eq(messages.chatId, first.chat.id)).orderBy(messages.id);
    // The model would take its time: the request must be cancelled, not left to finish.
    fake.script({ match: `retry ${marker}`, text: "never wanted", firstTokenDelayMs: 2_000 });
    const answerId = createId();
    // The page reads the answer from the moment it starts, before the store (docs/decisions/119).
    const seen: StreamEvent[] = [];
    const reading = streamRegistry()
      .waitFor(answerId, 3_000)
      .then((stream) => stream?.subscribe(0, (event) => seen.push(event)));
    const refused = conversation.sendMessage({ access: await access(), user, text: `retry ${marker}`, userMessageId: first.userMessageId, answerId });
    await expect(refused).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === "id_taken");
    expect(streamRegistry().get(answerId), "no answer runs for a send that was not stored").toBeUndefined();
    await reading;
    await eventually(() => seen.at(-1)?.event === "error", "the reader was told");
    expect(seen.at(-1)).toMatchObject({ event: "error", data: { code: "id_taken" } });
    // The fake shares this process: it records the request once it has read it.
    await eventually(() => requestsAbout(`retry ${marker}`).length === 1, "the request went out before the store");
    await eventually(() => requestsAbout(`retry ${marker}`)[0]!.outcome === "client_closed", "the refused send's request was cancelled");
    expect(await database().select().from(messages).where(eq(messages.chatId, first.chat.id)).orderBy(messages.id)).toEqual(before);
  });

  test("with the page reading in parallel, a slow model's exchange is stored without waiting for its first token", async () => {
    const marker = createId();
    const { user, first, access } = await newChat(marker);
    fake.script({ match: `slow start ${marker}`, text: "late", firstTokenDelayMs: 2_000 });
    const ids = { userMessageId: createId(), answerId: createId() };
    await conversation.sendMessage({ access: await access(), user, text: `slow start ${marker}`, ...ids });
    const live = streamRegistry().get(ids.answerId)!;
    expect(live.lastEventId, "no token yet").toBe(live.firstEventId - 1);
    expect((await getMessage({ chatId: first.chat.id, messageId: ids.userMessageId }))?.parentId).toBe(first.assistantMessageId);
    expect((await getMessage({ chatId: first.chat.id, messageId: ids.answerId }))?.status).toBe("streaming");
    await conversation.stopAnswer({ access: await access(), messageId: ids.answerId });
    expect((await getMessage({ chatId: first.chat.id, messageId: ids.answerId }))?.status).toBe("interrupted");
  });

  test("with the page reading in parallel, the answer it reads is the one stored", async () => {
    const marker = createId();
    const { user, first, access } = await newChat(marker);
    fake.script({ match: `quick ${marker}`, text: "at once, in full" });
    const ids = { userMessageId: createId(), answerId: createId() };
    const seen: StreamEvent[] = [];
    const reading = streamRegistry()
      .waitFor(ids.answerId, 3_000)
      .then((stream) => stream?.subscribe(0, (event) => seen.push(event)));
    await conversation.sendMessage({ access: await access(), user, text: `quick ${marker}`, ...ids });
    await reading;
    expect(await answered(ids.answerId)).toBe("at once, in full");
    expect(seen.filter((e) => e.event === "delta").map((e) => (e.data as { text: string }).text).join("")).toBe("at once, in full");
    expect(seen.at(-1)?.event).toBe("done");
    const stored = await getMessage({ chatId: first.chat.id, messageId: ids.answerId });
    expect(stored?.lastEventId).toBe(seen.at(-1)!.id);
  });

  test("while an answer is being written in the chat, a second send asks nothing and is answer_in_progress", async () => {
    const marker = createId();
    const { user, access } = await newChat(marker);
    fake.script({ match: `slow ${marker}`, text: "one two three four", tokenDelayMs: 150 });
    const slow = await conversation.sendMessage({ access: await access(), user, text: `slow ${marker}` });
    const refused = conversation.sendMessage({ access: await access(), user, text: `meanwhile ${marker}` });
    await expect(refused).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === "answer_in_progress");
    expect(requestsAbout(`meanwhile ${marker}`), "nothing was asked for the refused send").toHaveLength(0);
    expect(await answered(slow.assistantMessageId)).toBe("one two three four");
  });

  test("a first attempt that fails is retried, and Stop cancels the request that was asked ahead", async () => {
    const marker = createId();
    const { user, access } = await newChat(marker);
    fake.script({ match: `flaky ${marker}`, status: 503 }, { match: `flaky ${marker}`, text: "after a retry" });
    const flakyId = createId();
    const seen: StreamEvent[] = [];
    const reading = streamRegistry()
      .waitFor(flakyId, 3_000)
      .then((stream) => stream?.subscribe(0, (event) => seen.push(event)));
    const startedAt = Date.now();
    const flaky = await conversation.sendMessage({ access: await access(), user, text: `flaky ${marker}`, userMessageId: createId(), answerId: flakyId });
    await reading;
    expect(await answered(flaky.assistantMessageId)).toBe("after a retry");
    // The reader is told why nothing came yet and when the next try starts, before the answer's first words.
    expect(seen.map((e) => e.event).slice(0, 2)).toEqual(["retry", "delta"]);
    const retry = seen[0]!.data as { attempt: number; maxAttempts: number; delayMs: number; problem: unknown };
    expect(retry).toMatchObject({ attempt: 2, maxAttempts: 3, problem: { code: "upstream_server_error", params: { provider: "OpenAI", status: 503 } } });
    // A length of time (the backoff's), not a moment on the server's clock.
    expect(retry.delayMs).toBeGreaterThan(0);
    expect(retry.delayMs).toBeLessThan(Date.now() - startedAt + 1000);
    expect(requestsAbout(`flaky ${marker}`).map((r) => r.outcome)).toEqual(["rejected", "completed"]);
    const stored = await getMessage({ chatId: streamRegistry().get(flaky.assistantMessageId)!.chatId, messageId: flaky.assistantMessageId });
    expect(stored?.stats).toMatchObject({ retries: 1 });

    fake.script({ match: `stopped ${marker}`, text: "never finished", firstTokenDelayMs: 2_000 });
    const stopped = await conversation.sendMessage({ access: await access(), user, text: `stopped ${marker}` });
    await conversation.stopAnswer({ access: await access(), messageId: stopped.assistantMessageId });
    await eventually(() => requestsAbout(`stopped ${marker}`)[0]?.outcome === "client_closed", "Stop cancelled the request asked ahead");
    expect(requestsAbout(`stopped ${marker}`)).toHaveLength(1);
    const kept = await getMessage({ chatId: streamRegistry().get(stopped.assistantMessageId)!.chatId, messageId: stopped.assistantMessageId });
    expect(kept?.status).toBe("interrupted");
  });
});
