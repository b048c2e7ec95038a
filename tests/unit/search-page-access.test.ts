// The search page and message links through their real loaders: signed out,
// /search sends people to log in; signed in, each person finds only chats
// they are a member of; bad input is a 400 with words a person can act on;
// searches count against the `search` limit (429 with Retry-After); a link
// to a message opens its chat on the branch that holds it, and a stranger's
// link is a 404 like any chat they cannot see.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.RATE_LIMIT_SEARCH_PER_USER = "5/1m";
});

import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, test } from "vitest";
import { prepareDatabase } from "~/db.server";
import { grantChatRole, requireChatAccess } from "~/models/chat-access.server";
import { loader as chatLoader } from "~/routes/chats.$chatId/route";
import { loader as searchLoader } from "~/routes/search";
import { addExchange, createTestChat, createTestUser } from "./fixtures";
import { cookieFor, getRequest, settle } from "./requests";

beforeAll(async () => {
  await prepareDatabase();
});

const searchPage = (cookie: string | null, query: string) =>
  settle(() => searchLoader({ request: getRequest(`/search${query}`, cookie), params: {}, context: {} } as LoaderFunctionArgs));
const chatPage = (cookie: string | null, chatId: string, query: string) =>
  settle(() => chatLoader({ request: getRequest(`/chats/${chatId}${query}`, cookie), params: { chatId }, context: {} } as LoaderFunctionArgs));

interface PageBody {
  chats: { chatId: string }[];
  messages: { messageId: string; chatId: string }[];
  error: { message: string; field: string | null } | null;
}

/** An owner's chat with two branches under its first answer, shared with a viewer; and a stranger. */
async function sharedChat() {
  const owner = await createTestUser("Owner");
  const viewer = await createTestUser("Viewer");
  const stranger = await createTestUser("Stranger");
  const chat = await createTestChat({ userId: owner.id, title: "Ferns and mosses" });
  const root = await addExchange({ chatId: chat.id, parentId: null, question: "tell me about plants", answer: "plants are green" });
  const older = await addExchange({ chatId: chat.id, parentId: root.assistantMessageId, question: "what about the horsetail", answer: "horsetails are ancient" });
  const newer = await addExchange({ chatId: chat.id, parentId: root.assistantMessageId, question: "what about liverworts", answer: "liverworts are tiny" });
  await grantChatRole({ chatId: chat.id, userId: viewer.id, role: "viewer" });
  const cookies = { owner: await cookieFor(owner.id), viewer: await cookieFor(viewer.id), stranger: await cookieFor(stranger.id) };
  return { owner, chat, root, older, newer, cookies };
}

describe("/search", () => {
  test("signed out, it sends people to log in and back", async () => {
    const result = await searchPage(null, "?q=ferns");
    expect(result).toMatchObject({ status: 302, location: `/login?${new URLSearchParams({ redirectTo: "/search?q=ferns" })}` });
  });

  test("owner and viewer find the chat and its messages; a stranger finds nothing", async () => {
    const { chat, older, cookies } = await sharedChat();
    for (const who of ["owner", "viewer"] as const) {
      const page = await searchPage(cookies[who], "?q=horsetail");
      expect(page.status).toBe(200);
      expect((page.body as PageBody).messages.map((m) => m.messageId).sort()).toEqual([older.userMessageId, older.assistantMessageId].sort());
      expect((await searchPage(cookies[who], "?q=mosses")).body).toMatchObject({ chats: [{ chatId: chat.id }] });
    }
    const theirs = await searchPage(cookies.stranger, "?q=horsetail");
    expect(theirs).toMatchObject({ status: 200, body: { chats: [], messages: [] } });
    expect(JSON.stringify(theirs.body)).not.toContain(chat.id);
    expect(JSON.stringify(theirs.body)).not.toContain("what about the horsetail");
    expect((await searchPage(cookies.stranger, "?q=mosses")).body).toMatchObject({ chats: [] });
  });

  test("input a person can fix is a 400 with words saying how", async () => {
    const { cookies } = await sharedChat();
    const long = await searchPage(cookies.owner, `?q=${"a".repeat(201)}`);
    expect(long).toMatchObject({ status: 400, body: { error: { field: "q", message: "Searches are limited to 200 characters. Search for a few words you remember." } } });
    const date = await searchPage(cookies.owner, "?q=ferns&from=last%20week");
    expect(date).toMatchObject({ status: 400, body: { error: { field: "from" } } });
  });

  test("searches count against the search limit; an empty page is not a search", async () => {
    const { cookies } = await sharedChat();
    for (let i = 0; i < 3; i++) expect((await searchPage(cookies.owner, "")).status).toBe(200);
    // A page of the chats found by their title is a search too.
    for (let i = 0; i < 5; i++) expect((await searchPage(cookies.owner, `?q=ferns${i}${i % 2 ? "&in=chats" : ""}`)).status).toBe(200);
    const refused = await searchPage(cookies.owner, "?q=ferns");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ error: { message: expect.stringContaining("Too many searches.") } });
    // Someone else's searches are their own.
    expect((await searchPage(cookies.viewer, "?q=ferns")).status).toBe(200);
  });
});

describe("a link to a message", () => {
  const shown = (body: unknown) => (body as { messages: { id: string }[] }).messages.map((m) => m.id);

  test("opens the owner's chat on the branch that holds it, and the chat remembers that branch", async () => {
    const { owner, chat, older, newer, cookies } = await sharedChat();
    expect(shown((await chatPage(cookies.owner, chat.id, "")).body)).toContain(newer.assistantMessageId);
    const page = await chatPage(cookies.owner, chat.id, `?message=${older.userMessageId}`);
    expect(page.status).toBe(200);
    expect(shown(page.body)).toContain(older.userMessageId);
    expect(shown(page.body)).toContain(older.assistantMessageId);
    expect(shown(page.body)).not.toContain(newer.userMessageId);
    const after = await requireChatAccess({ chatId: chat.id, user: owner, level: "read" });
    expect(after.chat.activeLeafId).toBe(older.assistantMessageId);
  });

  test("shows a viewer that branch without changing what the chat shows", async () => {
    const { owner, chat, older, newer, cookies } = await sharedChat();
    const page = await chatPage(cookies.viewer, chat.id, `?message=${older.assistantMessageId}`);
    expect(shown(page.body)).toContain(older.assistantMessageId);
    const after = await requireChatAccess({ chatId: chat.id, user: owner, level: "read" });
    expect(after.chat.activeLeafId).toBe(newer.assistantMessageId);
  });

  test("is a 404 for a stranger, a 400 when malformed, and the chat as it is when the message is gone", async () => {
    const { chat, older, cookies } = await sharedChat();
    expect((await chatPage(cookies.stranger, chat.id, `?message=${older.userMessageId}`)).status).toBe(404);
    expect((await chatPage(null, chat.id, `?message=${older.userMessageId}`)).status).toBe(302);
    expect((await chatPage(cookies.owner, chat.id, "?message=not-an-id!")).status).toBe(400);
    const gone = await chatPage(cookies.owner, chat.id, "?message=0zzzzzzzzzzzzzzzzzzz");
    expect(gone.status).toBe(200);
  });

  test("a message far up a long chat ends the page with its reply, with the way back to the latest", async () => {
    const { owner, cookies } = await sharedChat();
    const chat = await createTestChat({ userId: owner.id, title: "long" });
    let parent: string | null = null;
    const exchanges: { userMessageId: string; assistantMessageId: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const ids: { userMessageId: string; assistantMessageId: string } = await addExchange({ chatId: chat.id, parentId: parent, question: `q${i}`, answer: `a${i}` });
      exchanges.push(ids);
      parent = ids.assistantMessageId;
    }
    // A question found: its answer closes the page.
    const question = await chatPage(cookies.owner, chat.id, `?message=${exchanges[2]!.userMessageId}`);
    expect(shown(question.body).slice(-2)).toEqual([exchanges[2]!.userMessageId, exchanges[2]!.assistantMessageId]);
    expect(question.body).toMatchObject({ viewingEarlier: true });
    // An answer found: the question after it.
    const answer = await chatPage(cookies.owner, chat.id, `?message=${exchanges[2]!.assistantMessageId}`);
    expect(shown(answer.body).slice(-2)).toEqual([exchanges[2]!.assistantMessageId, exchanges[3]!.userMessageId]);
  });
});
