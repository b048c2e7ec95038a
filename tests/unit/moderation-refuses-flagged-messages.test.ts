// Moderation (MODERATION_MODEL): every message a person sends is checked with
// the OpenAI SDK's moderations endpoint (the fake OpenAI here) before anything
// is stored or sent to a model; a flagged one is refused with words naming the
// categories and listed for the admin; the files sent with it are checked
// too (text, a PDF's text, images); when the check cannot be made, the
// message is not sent either.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
  process.env.RATE_LIMIT_SEND_PER_USER = "off";
  process.env.RATE_LIMIT_SEND_PER_IP = "off";
});

import type { ActionFunctionArgs } from "@remix-run/node";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { answerRequests, chats, messages } from "../../drizzle/schema";
import { startFakeOpenAI, type FakeServer } from "../fakes/openai";
import { database, prepareDatabase } from "~/db.server";
import { action as chatAction } from "~/routes/chats.$chatId/route";
import { action as newChatAction } from "~/routes/chats._index";
import { moderationAdminPage } from "~/services/moderation.server";
import { streamRegistry } from "~/streaming/streams.server";
import { storeUpload } from "~/services/attachments.server";
import { pdfBytes, pngBytes } from "../files";
import { createTestUser, TEST_MODEL } from "./fixtures";
import { cookieFor, formRequest, settle } from "./requests";

let fake: FakeServer;
const SERVER_KEY = "server-key-for-moderation";

beforeAll(async () => {
  fake = await startFakeOpenAI();
  Object.assign(process.env, { OPENAI_API_KEY: SERVER_KEY, OPENAI_BASE_URL: fake.url, MODERATION_MODEL: "omni-moderation-latest" });
  await prepareDatabase();
});

afterAll(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await fake.close();
});

function newChat(cookie: string, content: string) {
  const request = formRequest("/chats?index", cookie, { intent: "send", content, model: TEST_MODEL });
  return settle(() => newChatAction({ request, params: {}, context: { clientIp: "10.4.0.1" } } as unknown as ActionFunctionArgs));
}

function followUp(chatId: string, cookie: string, content: string) {
  const request = formRequest(`/chats/${chatId}`, cookie, { intent: "send", content });
  return settle(() => chatAction({ request, params: { chatId }, context: { clientIp: "10.4.0.2" } } as unknown as ActionFunctionArgs));
}

async function stored(userId: string) {
  const [ownChats] = await database().select({ n: count() }).from(chats).where(eq(chats.userId, userId));
  const [ownMessages] = await database().select({ n: count() }).from(messages).innerJoin(chats, eq(chats.id, messages.chatId)).where(eq(chats.userId, userId));
  const [answers] = await database().select({ n: count() }).from(answerRequests).where(eq(answerRequests.userId, userId));
  return { chats: ownChats!.n, messages: ownMessages!.n, answersCounted: answers!.n };
}

const moderationRequests = () => fake.requests.filter((r) => r.path === "/v1/moderations");

describe("moderation", () => {
  test("a clean message is checked, then sent; a flagged one is refused before anything is stored, and the admin sees it", async () => {
    const user = await createTestUser("Moderated");
    const cookie = await cookieFor(user.id);
    const clean = await newChat(cookie, "What is the capital of France?");
    expect(clean.status).toBe(302);
    const checked = moderationRequests().findLast((r) => JSON.stringify(r.body).includes("capital of France"));
    expect(checked?.body).toEqual({ model: "omni-moderation-latest", input: "What is the capital of France?" });
    expect(checked?.headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
    const chatId = clean.location!.replace("/chats/", "");
    await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
    const before = await stored(user.id);

    const flagged = await followUp(chatId, cookie, "Something nasty [[flag:violence]]");
    expect(flagged.status).toBe(400);
    expect(flagged.body).toMatchObject({
      code: "message_flagged",
      formError: "This message was not sent: the server's content check flagged it (violence). Rephrase it and try again.",
      text: "Something nasty [[flag:violence]]",
    });
    const refusedChat = await newChat(cookie, "A new chat [[flag:harassment]]");
    expect(refusedChat.status).toBe(400);
    expect(await stored(user.id)).toEqual(before);
    expect(fake.requests.some((r) => r.path === "/v1/chat/completions" && JSON.stringify(r.body).includes("[[flag:"))).toBe(false);

    const { model, flags } = await moderationAdminPage();
    expect(model).toBe("omni-moderation-latest");
    expect(flags.slice(0, 2)).toMatchObject([
      { email: user.email, chatId: null, text: "A new chat [[flag:harassment]]", categories: ["harassment"], model: "omni-moderation-latest" },
      { email: user.email, chatId, text: "Something nasty [[flag:violence]]", categories: ["violence"] },
    ]);
  });

  test("the files sent with a message are checked too: a text file's and a PDF's words, and an image", async () => {
    const user = await createTestUser("WithFiles");
    const cookie = await cookieFor(user.id);
    const clean = await newChat(cookie, "Hello there");
    const chatId = clean.location!.replace("/chats/", "");
    await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
    const before = await stored(user.id);

    async function upload(filename: string, bytes: Uint8Array): Promise<string> {
      const result = await storeUpload({ userId: user.id, file: { filename, stream: (async function* () { yield bytes; })() }, allowance: { perFile: 1 << 20, left: 1 << 20 } });
      if (!result.ok) throw new Error(`${filename} was not stored: ${result.problem.code}`);
      return result.attachment.id;
    }
    async function sendWith(content: string, attachmentId: string) {
      const body = new URLSearchParams({ intent: "send", content, attachmentId });
      const request = new Request(`http://127.0.0.1/chats/${chatId}`, { method: "POST", body, headers: { Cookie: cookie } });
      return settle(() => chatAction({ request, params: { chatId }, context: { clientIp: "10.4.0.3" } } as unknown as ActionFunctionArgs));
    }

    const notes = await upload("notes.txt", new TextEncoder().encode("Plans for tomorrow [[flag:illicit]]\n"));
    const byText = await sendWith("Please summarise my notes", notes);
    expect(byText.status).toBe(400);
    expect(byText.body).toMatchObject({ code: "message_flagged", text: "Please summarise my notes" });
    const textCheck = moderationRequests().findLast((r) => JSON.stringify(r.body).includes("summarise my notes"));
    expect(textCheck?.body).toEqual({ model: "omni-moderation-latest", input: ["Please summarise my notes", "Plans for tomorrow [[flag:illicit]]\n"] });

    const report = await upload("report.pdf", pdfBytes(["Quarterly report [[flag:hate]]"]));
    expect((await sendWith("What does the report say?", report)).body).toMatchObject({ code: "message_flagged" });

    const photo = await upload("photo.png", pngBytes({ comment: "[[flag:violence/graphic]]" }));
    const byImage = await sendWith("What is in this picture?", photo);
    expect(byImage.body).toMatchObject({ code: "message_flagged", formError: expect.stringContaining("violence/graphic") });
    const imageCheck = moderationRequests().findLast((r) => JSON.stringify(r.body).includes("image_url"));
    expect(imageCheck?.body.input).toEqual([{ type: "image_url", image_url: { url: expect.stringMatching(/^data:image\/png;base64,/) } }]);

    expect(await stored(user.id)).toEqual(before);
    const { flags } = await moderationAdminPage();
    expect(flags.slice(0, 3)).toMatchObject([
      { email: user.email, chatId, text: "What is in this picture?\n\n[file: photo.png]", categories: ["violence/graphic"] },
      { text: "What does the report say?\n\n[file: report.pdf]", categories: ["hate"] },
      { text: "Please summarise my notes\n\n[file: notes.txt]", categories: ["illicit"] },
    ]);

    // A clean picture passes, and the message is sent with it.
    const clear = await upload("clear.png", pngBytes({ rgb: [10, 200, 10] }));
    expect((await sendWith("And this one?", clear)).status).toBe(302);
  });

  test("when the check cannot be made, the message is not sent (503, nothing stored)", async () => {
    const user = await createTestUser("Unchecked");
    const cookie = await cookieFor(user.id);
    fake.revoke(SERVER_KEY);
    const refused = await newChat(cookie, "Can you hear me?");
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: "moderation_unavailable" });
    expect(await stored(user.id)).toEqual({ chats: 0, messages: 0, answersCounted: 0 });
  });
});
