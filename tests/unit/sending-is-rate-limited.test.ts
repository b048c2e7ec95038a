// Sending and regenerating through the real routes, against a limit of 10
// per person: a burst sent at once is held to exactly 10, the rest answer
// 429 with Retry-After and words saying how long to wait, and a refused send
// writes nothing. Uploads count file by file, and a refused file is not kept.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
  process.env.RATE_LIMIT_SEND_PER_USER = "10/1h";
  process.env.RATE_LIMIT_SEND_PER_IP = "off";
  process.env.RATE_LIMIT_REGENERATE_PER_USER = "off";
  process.env.RATE_LIMIT_REGENERATE_PER_IP = "3/1h";
  process.env.RATE_LIMIT_UPLOAD_PER_USER = "3/1h";
  process.env.RATE_LIMIT_UPLOAD_PER_IP = "off";
});

import type { ActionFunctionArgs } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, expect, test } from "vitest";
import { attachments, chatMembers, messages } from "../../drizzle/schema";
import { database, prepareDatabase } from "~/db.server";
import { action as chatAction } from "~/routes/chats.$chatId/route";
import { action as newChatAction } from "~/routes/chats._index";
import { action as uploadAction } from "~/routes/attachments";
import { streamRegistry } from "~/streaming/streams.server";
import { addExchange, createTestChat, createTestUser, TEST_MODEL } from "./fixtures";
import { cookieFor, formRequest, ORIGIN, settle } from "./requests";

beforeAll(async () => {
  await prepareDatabase();
});

afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

function newChat(cookie: string, content: string, clientIp = "10.20.30.40") {
  const request = formRequest("/chats?index", cookie, { intent: "send", content, model: TEST_MODEL });
  return settle(() => newChatAction({ request, params: {}, context: { clientIp } } as unknown as ActionFunctionArgs));
}

function chatPost(chatId: string, cookie: string, fields: Record<string, string>, clientIp: string) {
  const request = formRequest(`/chats/${chatId}`, cookie, fields);
  return settle(() => chatAction({ request, params: { chatId }, context: { clientIp } } as unknown as ActionFunctionArgs));
}

test("100 new chats sent at once against a limit of 10: exactly 10 are created, 90 get 429 with Retry-After", async () => {
  const user = await createTestUser("Burst");
  const cookie = await cookieFor(user.id);
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => newChat(cookie, `Question ${i}`)));
  const created = results.filter((r) => r.status === 302);
  const refused = results.filter((r) => r.status === 429);
  expect(created).toHaveLength(10);
  expect(refused).toHaveLength(90);
  for (const refusal of refused) {
    const seconds = Number(refusal.headers.get("Retry-After"));
    expect(seconds).toBeGreaterThan(3500);
    expect(seconds).toBeLessThanOrEqual(3600);
    expect(refusal.body).toMatchObject({ code: "rate_limited", formError: expect.stringMatching(/^You are sending messages too fast\. Try again in (59|60) minutes\.$/) });
    // What was typed comes back.
    expect((refusal.body as { text: string }).text).toMatch(/^Question \d+$/);
  }
  const owned = await database().select().from(chatMembers).where(eq(chatMembers.userId, user.id));
  expect(owned).toHaveLength(10);
  // A follow-up in one of its chats is held by the same count.
  const chatId = created[0]!.location!.replace("/chats/", "");
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
  const followUp = await chatPost(chatId, cookie, { intent: "send", content: "One more?" }, "10.20.30.41");
  expect(followUp.status).toBe(429);
  expect(await database().select().from(messages).where(eq(messages.chatId, chatId))).toHaveLength(2);
});

test("the words follow the reader's language", async () => {
  const user = await createTestUser("Russian");
  const cookie = await cookieFor(user.id);
  for (let i = 0; i < 10; i++) expect((await newChat(cookie, `Q${i}`)).status).toBe(302);
  const request = new Request("http://parley.test/chats?index", {
    method: "POST",
    body: new URLSearchParams({ intent: "send", content: "Ещё?", model: TEST_MODEL }),
    headers: { Cookie: cookie, "Accept-Language": "ru" },
  });
  const refused = await settle(() => newChatAction({ request, params: {}, context: { clientIp: "10.0.0.9" } } as unknown as ActionFunctionArgs));
  expect(refused.status).toBe(429);
  expect(refused.body).toMatchObject({ formError: expect.stringMatching(/^Вы отправляете сообщения слишком часто\. Попробуйте снова через \d+ минут/) });
});

test("regenerating and continuing share a per-address limit; a refused regenerate adds no answer", async () => {
  const user = await createTestUser("Regen");
  const cookie = await cookieFor(user.id);
  const chat = await createTestChat({ userId: user.id });
  const exchange = await addExchange({ chatId: chat.id, parentId: null, question: "Rivers?", answer: "They flow." });
  const ip = "10.77.0.1";
  for (let i = 0; i < 3; i++) {
    const result = await chatPost(chat.id, cookie, { intent: "regenerate", messageId: exchange.assistantMessageId }, ip);
    expect(result.status, JSON.stringify(result.body)).toBe(302);
    await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
  }
  const before = await database().select().from(messages).where(eq(messages.chatId, chat.id));
  await database().update(messages).set({ status: "interrupted", problem: { code: "stopped" } }).where(eq(messages.id, exchange.assistantMessageId));
  const continued = await chatPost(chat.id, cookie, { intent: "continue", messageId: exchange.assistantMessageId }, ip);
  expect(continued).toMatchObject({ status: 429, body: { code: "rate_limited", formError: expect.stringMatching(/^Too many regenerations\./) } });
  const regenerated = await chatPost(chat.id, cookie, { intent: "regenerate", messageId: exchange.assistantMessageId }, ip);
  expect(regenerated.status).toBe(429);
  expect(await database().select().from(messages).where(eq(messages.chatId, chat.id))).toHaveLength(before.length);
  // From another address it goes through (the limit is per address here).
  expect((await chatPost(chat.id, cookie, { intent: "regenerate", messageId: exchange.assistantMessageId }, "10.77.0.2")).status).toBe(302);
});

function multipart(path: string, cookie: string, fields: Record<string, string>, files: string[]): Request {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  for (const name of files) body.append("files", new Blob([`notes in ${name}\n`]), name);
  return new Request(`${ORIGIN}${path}`, { method: "POST", body, headers: { Cookie: cookie } });
}

test("uploads count file by file: past the limit a file is refused with 429 and not kept, with or without JavaScript", async () => {
  const user = await createTestUser("Uploader");
  const cookie = await cookieFor(user.id);
  const upload = (files: string[]) =>
    settle(() => uploadAction({ request: multipart("/attachments", cookie, {}, files), params: {}, context: { clientIp: "10.9.0.1" } } as unknown as ActionFunctionArgs));
  const first = await upload(["a.txt", "b.txt"]);
  expect(first.status).toBe(200);
  expect(JSON.parse(first.body as string).files).toHaveLength(2);
  const second = await upload(["c.txt", "d.txt"]);
  expect(second.status).toBe(429);
  expect(Number(second.headers.get("Retry-After"))).toBeGreaterThan(3500);
  const answer = JSON.parse(second.body as string) as { files: { name: string }[]; error: { code: string; message: string } };
  expect(answer.files.map((f) => f.name)).toEqual(["c.txt"]);
  expect(answer.error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/^Too many uploads\. Try again in \d+ minutes\.$/) });
  expect(await database().select().from(attachments).where(eq(attachments.userId, user.id))).toHaveLength(3);

  // Without JavaScript the send is refused as a whole; the words come back and nothing new is kept.
  const request = multipart("/chats?index", cookie, { intent: "send", content: "Read this", model: TEST_MODEL }, ["e.txt"]);
  const refused = await settle(() => newChatAction({ request, params: {}, context: { clientIp: "10.9.0.1" } } as unknown as ActionFunctionArgs));
  expect(refused).toMatchObject({ status: 429, body: { code: "rate_limited", text: "Read this" } });
  expect(await database().select().from(attachments).where(eq(attachments.userId, user.id))).toHaveLength(3);
  expect(await database().select().from(chatMembers).where(eq(chatMembers.userId, user.id))).toHaveLength(0);
});
