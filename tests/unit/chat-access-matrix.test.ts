// Who may do what to a chat, end to end: real requests with a real session
// cookie go through the chat page's loader and action and the answer's stream
// route, for every role (owner, editor, viewer, stranger) and every intent.
// A stranger must learn nothing (404 everywhere, exactly as for a chat that
// does not exist); a viewer reads and forks but changes nothing (403
// chat_read_only); an editor writes but cannot delete, pin or archive; the
// owner does everything.
import { vi } from "vitest";

// Before any app module reads the environment: demo answers finish in a few
// milliseconds, so every answer a test starts has ended when the test does.
vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
});

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { chatMembers, chats, messages, shareMessages, shares } from "../../drizzle/schema";
import { createSession } from "~/auth/session.server";
import { database, prepareDatabase } from "~/db.server";
import { grantChatRole, requireChatAccess } from "~/models/chat-access.server";
import { updateChat } from "~/models/chat.server";
import { INTENT_LEVEL } from "~/services/chat-input";
import { createId } from "~/utils/id";
import { streamRegistry } from "~/streaming/streams.server";
import { action as chatAction, loader as chatLoader } from "~/routes/chats.$chatId/route";
import { loader as chatsLayoutLoader } from "~/routes/chats";
import { loader as streamLoader } from "~/routes/chats.$chatId.messages.$messageId.stream";
import { action as fastSendAction, loader as fastSendLoader } from "~/routes/chats.$chatId.messages";
import { loader as fileLoader } from "~/routes/chats.$chatId.attachments.$attachmentId";
import { action as uploadAction } from "~/routes/attachments";
import { loader as uploadLoader } from "~/routes/attachments_.$attachmentId";
import { storeUpload } from "~/services/attachments.server";
import * as conversation from "~/services/conversation.server";
import * as sharing from "~/services/sharing.server";
import { addExchange, createTestChat, createTestUser, TEST_MODEL } from "./fixtures";

type Role = "owner" | "editor" | "viewer" | "stranger";
type Intent = keyof typeof INTENT_LEVEL;
const ROLES: Role[] = ["owner", "editor", "viewer", "stranger"];
const INTENTS = Object.keys(INTENT_LEVEL) as Intent[];
const ORIGIN = "http://parley.test";

beforeAll(async () => {
  await prepareDatabase();
});

// Nothing a test started may outlive it (a write after the file's database is gone would fail).
afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

/** The Cookie header a browser would send after logging in as `userId`. */
async function cookieFor(userId: string): Promise<string> {
  const setCookie = await createSession({ request: new Request(`${ORIGIN}/login`), userId });
  return setCookie.split(";")[0]!;
}

/** A chat owned by one user, shared with an editor and a viewer, with one finished exchange; and a stranger. */
async function sharedChat() {
  const users = {} as Record<Role, { id: string; cookie: string }>;
  for (const role of ROLES) {
    const user = await createTestUser(role);
    users[role] = { id: user.id, cookie: await cookieFor(user.id) };
  }
  const chat = await createTestChat({ userId: users.owner.id, title: "Shared" });
  await grantChatRole({ chatId: chat.id, userId: users.editor.id, role: "editor" });
  await grantChatRole({ chatId: chat.id, userId: users.viewer.id, role: "viewer" });
  const exchange = await addExchange({ chatId: chat.id, parentId: null, question: "Tell me about rivers", answer: "Rivers flow." });
  return { chat, exchange, users };
}

function fieldsFor(intent: Intent, ids: { userMessageId: string; assistantMessageId: string }): Record<string, string> {
  switch (intent) {
    case "send":
      return { intent, content: "And lakes?", model: TEST_MODEL };
    case "edit":
      return { intent, messageId: ids.userMessageId, content: "Tell me about seas" };
    case "regenerate":
    case "continue":
    case "stop":
    case "switch":
    case "fork":
    case "delete-branch":
      return { intent, messageId: ids.assistantMessageId };
    case "rename":
      return { intent, title: "Taken over" };
    case "system-prompt":
      return { intent, systemPrompt: "Answer in riddles." };
    case "archive":
    case "pin":
      return { intent, value: "true" };
    case "delete":
    case "share":
    case "unshare":
      return { intent };
  }
}

const RANK = { read: 1, write: 2, own: 3 } as const;
const GRANTED: Record<Role, number> = { owner: 3, editor: 2, viewer: 1, stranger: 0 };
const mayDo = (role: Role, intent: Intent) => GRANTED[role] >= RANK[INTENT_LEVEL[intent]];

/** A Remix loader or action's result as status, Location, and body (a thrown Response counts as the answer). */
async function settle(work: () => Promise<unknown>): Promise<{ status: number; location: string | null; body: unknown }> {
  let result: unknown;
  try {
    result = await work();
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) {
    return { status: result.status, location: result.headers.get("Location"), body: await result.text() };
  }
  if (result && typeof result === "object" && "init" in result && "data" in result) {
    const { data, init } = result as { data: unknown; init?: { status?: number } };
    return { status: init?.status ?? 200, location: null, body: data };
  }
  return { status: 200, location: null, body: result };
}

function postAction(chatId: string, cookie: string | null, fields: Record<string, string>) {
  const request = new Request(`${ORIGIN}/chats/${chatId}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: cookie ? { Cookie: cookie } : {},
  });
  return settle(() => chatAction({ request, params: { chatId }, context: {} } as ActionFunctionArgs));
}

/** The page's fast send: POST /chats/:chatId/messages with ids the browser chose. */
function postFastSend(chatId: string, cookie: string | null, fields: Record<string, string>) {
  const request = new Request(`${ORIGIN}/chats/${chatId}/messages`, { method: "POST", body: new URLSearchParams(fields), headers: cookie ? { Cookie: cookie } : {} });
  return settle(() => fastSendAction({ request, params: { chatId }, context: {} } as ActionFunctionArgs));
}

function getPage(chatId: string, cookie: string | null) {
  const request = new Request(`${ORIGIN}/chats/${chatId}`, { headers: cookie ? { Cookie: cookie } : {} });
  return settle(() => chatLoader({ request, params: { chatId }, context: {} } as LoaderFunctionArgs));
}

function getStream(chatId: string, messageId: string, cookie: string | null) {
  const request = new Request(`${ORIGIN}/chats/${chatId}/messages/${messageId}/stream`, {
    headers: { ...(cookie ? { Cookie: cookie } : {}), Accept: "text/event-stream" },
  });
  return settle(() => streamLoader({ request, params: { chatId, messageId }, context: {} } as LoaderFunctionArgs));
}

/** Everything an action could change: the chat row, its messages, its members and its shared link. */
async function chatState(chatId: string) {
  const db = database();
  const share = await db.query.shares.findFirst({ where: eq(shares.chatId, chatId) });
  return {
    chat: await db.query.chats.findFirst({ where: eq(chats.id, chatId) }),
    messages: await db.select().from(messages).where(eq(messages.chatId, chatId)).orderBy(messages.id),
    members: await db.select().from(chatMembers).where(eq(chatMembers.chatId, chatId)).orderBy(chatMembers.userId),
    share,
    sharedMessages: share ? await db.select().from(shareMessages).where(eq(shareMessages.shareId, share.id)).orderBy(shareMessages.position) : [],
  };
}

describe("chat actions by role", () => {
  for (const intent of INTENTS) {
    for (const role of ROLES) {
      const allowed = mayDo(role, intent);
      const expectation = allowed ? "is done" : role === "stranger" ? "answers 404 and changes nothing" : "answers 403 chat_read_only and changes nothing";
      test(`${role} × ${intent} (needs ${INTENT_LEVEL[intent]}) ${expectation}`, async () => {
        const { chat, exchange, users } = await sharedChat();
        // Continue needs an answer that was cut short.
        if (intent === "continue") {
          await database().update(messages).set({ status: "interrupted", problem: { code: "stopped" } }).where(eq(messages.id, exchange.assistantMessageId));
        }
        // Revoking needs a share; updating one is tried on a share taken before a new message.
        if (intent === "unshare" || intent === "share") {
          const access = await requireChatAccess({ chatId: chat.id, user: { id: users.owner.id }, level: "own" });
          await sharing.shareChat({ access, user: { id: users.owner.id } });
          if (intent === "share") await addExchange({ chatId: chat.id, parentId: exchange.assistantMessageId, question: "And lakes?", answer: "Lakes stay." });
        }
        const before = await chatState(chat.id);
        const result = await postAction(chat.id, users[role].cookie, fieldsFor(intent, exchange));

        if (!allowed) {
          if (role === "stranger") {
            // The very same answer as for a chat id that was never created.
            expect(result.status).toBe(404);
            expect(result.body).toBe("Not found.");
          } else {
            expect(result.status).toBe(403);
            expect(result.body).toMatchObject({ code: "chat_read_only", formError: "You can read this chat but not change it." });
          }
          expect(await chatState(chat.id)).toEqual(before);
          return;
        }

        expect(result.status, JSON.stringify(result.body)).toBe(302);
        await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
        const after = await chatState(chat.id);
        switch (intent) {
          case "send":
          case "edit":
          case "regenerate":
            expect(after.messages.length).toBeGreaterThan(before.messages.length);
            expect(result.location).toBe(`/chats/${chat.id}`);
            break;
          case "continue":
            expect(after.messages.find((m) => m.id === exchange.assistantMessageId)).toMatchObject({ status: "complete", problem: null });
            break;
          case "stop":
          case "switch":
            expect(result.location).toBe(`/chats/${chat.id}`);
            break;
          case "fork": {
            const forkId = result.location!.replace("/chats/", "");
            expect(forkId).not.toBe(chat.id);
            // The copy belongs to whoever forked it, not to the original's owner.
            const members = await database().select().from(chatMembers).where(eq(chatMembers.chatId, forkId));
            expect(members.map((m) => ({ userId: m.userId, role: m.role }))).toEqual([{ userId: users[role].id, role: "owner" }]);
            expect(after).toEqual(before);
            break;
          }
          case "delete-branch":
            expect(after.messages.map((m) => m.id)).toEqual([exchange.userMessageId]);
            break;
          case "rename":
            expect(after.chat!.title).toBe("Taken over");
            break;
          case "system-prompt":
            expect(after.chat!.systemPrompt).toBe("Answer in riddles.");
            break;
          case "pin":
            expect(after.chat!.pinned).toBe(true);
            break;
          case "archive":
            expect(after.chat!.archived).toBe(true);
            expect(result.location).toBe(`/chats?justarchived=${chat.id}`);
            break;
          case "delete":
            expect(after.chat).toBeUndefined();
            expect(after.members).toEqual([]);
            expect(after.share).toBeUndefined();
            expect(result.location).toBe("/chats");
            break;
          case "share":
            // The same link, now showing the branch as it is.
            expect(after.share!.token).toBe(before.share!.token);
            expect(after.sharedMessages.map((m) => m.parts)).toEqual(after.messages.map((m) => m.parts));
            expect(before.sharedMessages).toHaveLength(2);
            expect(result.location).toBe(`/chats/${chat.id}?share`);
            break;
          case "unshare":
            expect(after.share).toBeUndefined();
            expect(result.location).toBe(`/chats/${chat.id}?share`);
            break;
        }
      });
    }
  }

  test("an invalid form from a stranger answers 404, not the validation error", async () => {
    const { chat, users } = await sharedChat();
    expect(await postAction(chat.id, users.stranger.cookie, { intent: "send", content: "" })).toMatchObject({ status: 404, body: "Not found." });
    expect(await postAction(chat.id, users.stranger.cookie, { intent: "explode" })).toMatchObject({ status: 404 });
    // A member gets the real reason: a viewer may not send at all, an editor sent nothing.
    expect(await postAction(chat.id, users.viewer.cookie, { intent: "send", content: "" })).toMatchObject({ status: 403, body: { code: "chat_read_only" } });
    expect(await postAction(chat.id, users.editor.cookie, { intent: "send", content: "" })).toMatchObject({ status: 400, body: { code: "message_empty" } });
  });

  test("without a session cookie an action goes to the login page and changes nothing", async () => {
    const { chat, exchange } = await sharedChat();
    const before = await chatState(chat.id);
    const result = await postAction(chat.id, null, fieldsFor("delete", exchange));
    expect(result.status).toBe(302);
    expect(result.location).toBe(`/login?${new URLSearchParams({ redirectTo: `/chats/${chat.id}`, expired: "1" })}`);
    expect(await chatState(chat.id)).toEqual(before);
  });

  test("a cookie whose session was forged is no session", async () => {
    const { chat } = await sharedChat();
    const result = await postAction(chat.id, `parley_session=${"A".repeat(43)}`, { intent: "rename", title: "Forged" });
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^\/login\?/);
    expect((await chatState(chat.id)).chat!.title).toBe("Shared");
  });
});

describe("the page's fast send by role", () => {
  const fresh = () => ({ userMessageId: createId(), answerId: createId() });

  test("owner and editor send and get the answer's id as JSON; a viewer gets 403, a stranger the same 404 as a missing chat", async () => {
    const { chat, users } = await sharedChat();
    for (const role of ["owner", "editor"] as const) {
      const ids = fresh();
      const result = await postFastSend(chat.id, users[role].cookie, { intent: "send", content: `From the ${role}`, model: TEST_MODEL, ...ids });
      await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
      expect(result, role).toEqual({ status: 200, location: null, body: JSON.stringify({ ok: true, answerId: ids.answerId }) });
      const stored = await database().query.messages.findFirst({ where: eq(messages.id, ids.answerId) });
      expect(stored, role).toMatchObject({ chatId: chat.id, role: "assistant", parentId: ids.userMessageId, status: "complete" });
    }
    const before = await chatState(chat.id);
    const viewer = await postFastSend(chat.id, users.viewer.cookie, { intent: "send", content: "From the viewer", model: TEST_MODEL, ...fresh() });
    expect(viewer.status).toBe(403);
    expect(JSON.parse(viewer.body as string)).toMatchObject({ code: "chat_read_only", formError: "You can read this chat but not change it.", text: "From the viewer" });
    const stranger = await postFastSend(chat.id, users.stranger.cookie, { intent: "send", content: "From a stranger", model: TEST_MODEL, ...fresh() });
    const missing = await postFastSend("0".repeat(chat.id.length), users.stranger.cookie, { intent: "send", content: "Anywhere", model: TEST_MODEL, ...fresh() });
    expect(stranger).toEqual({ status: 404, location: null, body: "Not found." });
    expect(missing).toEqual(stranger);
    expect(await chatState(chat.id)).toEqual(before);
  });

  test("only a send with the browser's ids is taken there; other intents and a refused send answer JSON the composer shows", async () => {
    const { chat, exchange, users } = await sharedChat();
    const before = await chatState(chat.id);
    for (const fields of [{ intent: "send", content: "No ids", model: TEST_MODEL }, fieldsFor("rename", exchange), fieldsFor("delete", exchange)]) {
      const result = await postFastSend(chat.id, users.owner.cookie, fields);
      expect(result.status, fields.intent).toBe(400);
      expect(JSON.parse(result.body as string), fields.intent).toMatchObject({ code: "unknown_intent" });
    }
    const empty = await postFastSend(chat.id, users.owner.cookie, { intent: "send", content: " ", model: TEST_MODEL, ...fresh() });
    expect(empty.status).toBe(400);
    expect(JSON.parse(empty.body as string)).toMatchObject({ code: "message_empty" });
    expect(await chatState(chat.id)).toEqual(before);
  });

  test("signed out, the send answers 401 with the way to log in and back to the chat, and nothing is stored; reading the address is a 404", async () => {
    const { chat, users } = await sharedChat();
    const before = await chatState(chat.id);
    const result = await postFastSend(chat.id, null, { intent: "send", content: "Signed out", model: TEST_MODEL, ...fresh() });
    expect(result.status).toBe(401);
    expect(JSON.parse(result.body as string)).toEqual({ logIn: `/login?${new URLSearchParams({ redirectTo: `/chats/${chat.id}`, expired: "1" })}` });
    expect(await chatState(chat.id)).toEqual(before);
    const request = new Request(`${ORIGIN}/chats/${chat.id}/messages`, { headers: { Cookie: users.owner.cookie } });
    expect(await settle(async () => fastSendLoader({ request, params: { chatId: chat.id }, context: {} } as LoaderFunctionArgs))).toMatchObject({ status: 404 });
  });
});

describe("reading a chat by role", () => {
  test("owner, editor and viewer see the page with their own level; a stranger gets the same 404 as a missing chat", async () => {
    const { chat, exchange, users } = await sharedChat();
    const expectedLevel = { owner: "own", editor: "write", viewer: "read" } as const;
    for (const role of ["owner", "editor", "viewer"] as const) {
      const page = await getPage(chat.id, users[role].cookie);
      expect(page.status, role).toBe(200);
      const body = page.body as { level: string; chat: { id: string }; messages: { id: string }[] };
      expect(body.level, role).toBe(expectedLevel[role]);
      expect(body.chat.id).toBe(chat.id);
      expect(body.messages.map((m) => m.id)).toEqual([exchange.userMessageId, exchange.assistantMessageId]);
    }
    const stranger = await getPage(chat.id, users.stranger.cookie);
    const missing = await getPage("0".repeat(chat.id.length), users.stranger.cookie);
    expect(stranger).toEqual({ status: 404, location: null, body: "Not found." });
    expect(missing).toEqual(stranger);
  });

  test("the chat list names a chat just archived (with Undo) to its owner only, and only while it is archived", async () => {
    const { chat, users } = await sharedChat();
    const listPage = async (cookie: string) => {
      const request = new Request(`${ORIGIN}/chats?justarchived=${chat.id}`, { headers: { Cookie: cookie } });
      return (await chatsLayoutLoader({ request, params: {}, context: {} } as LoaderFunctionArgs)).justArchived;
    };
    expect(await listPage(users.owner.cookie)).toBeNull();
    await updateChat({ chatId: chat.id, patch: { archived: true } });
    expect(await listPage(users.owner.cookie)).toEqual({ id: chat.id, title: "Shared" });
    for (const role of ["editor", "viewer", "stranger"] as const) expect(await listPage(users[role].cookie), role).toBeNull();
  });

  test("signed out, the page sends the reader to log in and back", async () => {
    const { chat } = await sharedChat();
    expect(await getPage(chat.id, null)).toMatchObject({ status: 302, location: `/login?${new URLSearchParams({ redirectTo: `/chats/${chat.id}` })}` });
  });

  test("owner, editor and viewer can follow an answer's stream; a stranger gets 404 whether or not the answer exists", async () => {
    const { chat, exchange, users } = await sharedChat();
    for (const role of ["owner", "editor", "viewer"] as const) {
      const stream = await getStream(chat.id, exchange.assistantMessageId, users[role].cookie);
      expect(stream.status, role).toBe(200);
      // The finished answer replays from the database: its text, then its end.
      expect(stream.body).toContain("event: snapshot");
      expect(stream.body).toContain("Rivers flow.");
      expect(stream.body).toContain("event: done");
    }
    const stranger = await getStream(chat.id, exchange.assistantMessageId, users.stranger.cookie);
    expect(stranger).toMatchObject({ status: 404, body: "Not found." });
    expect(await getStream(chat.id, exchange.userMessageId, users.stranger.cookie)).toEqual(stranger);
  });

  test("a stranger cannot follow a live answer either, and the answer goes on", async () => {
    const { chat, users } = await sharedChat();
    const sent = await postAction(chat.id, users.owner.cookie, { intent: "send", content: "A long story, please", model: TEST_MODEL });
    expect(sent.status).toBe(302);
    const answer = await database().query.messages.findFirst({ where: eq(messages.chatId, chat.id), orderBy: (m, { desc }) => [desc(m.createdAt), desc(m.id)] });
    expect(answer!.role).toBe("assistant");
    expect(await getStream(chat.id, answer!.id, users.stranger.cookie)).toMatchObject({ status: 404, body: "Not found." });
    const viewer = await getStream(chat.id, answer!.id, users.viewer.cookie);
    expect(viewer.status).toBe(200);
    expect(viewer.body).toMatch(/event: (done|error)/);
    expect((await database().query.messages.findFirst({ where: eq(messages.id, answer!.id) }))!.status).toBe("complete");
  });
});

describe("a chat's files by role", () => {
  async function chatWithFile() {
    const shared = await sharedChat();
    const file = await storeUpload({
      userId: shared.users.owner.id,
      file: { filename: "notes.txt", stream: (async function* () { yield new TextEncoder().encode("river notes\n"); })() },
      allowance: { perFile: 1024 * 1024, left: 1024 * 1024 },
    });
    if (!file.ok) throw new Error("upload refused");
    const access = await requireChatAccess({ chatId: shared.chat.id, user: { id: shared.users.owner.id }, level: "own" });
    const sent = await conversation.sendMessage({ access, user: { id: shared.users.owner.id }, text: "See the notes", attachmentIds: [file.attachment.id] });
    await streamRegistry().get(sent.assistantMessageId)?.settled;
    return { ...shared, attachmentId: file.attachment.id };
  }

  function getFile(chatId: string, attachmentId: string, cookie: string | null) {
    const request = new Request(`${ORIGIN}/chats/${chatId}/attachments/${attachmentId}`, { headers: cookie ? { Cookie: cookie } : {} });
    return settle(() => fileLoader({ request, params: { chatId, attachmentId }, context: {} } as LoaderFunctionArgs));
  }

  for (const role of ROLES) {
    test(`${role} ${role === "stranger" ? "gets 404" : "reads the file, as a download"}`, async () => {
      const { chat, users, attachmentId } = await chatWithFile();
      const result = await getFile(chat.id, attachmentId, users[role].cookie);
      if (role === "stranger") expect(result).toMatchObject({ status: 404, body: "Not found." });
      else expect(result).toMatchObject({ status: 200, body: "river notes\n" });
    });
  }

  test("a file is not reachable through another chat of the same owner, nor signed out", async () => {
    const { users, attachmentId, chat } = await chatWithFile();
    const other = await createTestChat({ userId: users.owner.id, title: "Other" });
    expect(await getFile(other.id, attachmentId, users.owner.cookie)).toMatchObject({ status: 404 });
    expect((await getFile(chat.id, attachmentId, null)).status).toBe(302);
  });

  test("an upload not yet sent is served to whoever uploaded it, and to nobody else", async () => {
    const { users } = await sharedChat();
    const file = await storeUpload({
      userId: users.owner.id,
      file: { filename: "draft.txt", stream: (async function* () { yield new TextEncoder().encode("draft notes\n"); })() },
      allowance: { perFile: 1024 * 1024, left: 1024 * 1024 },
    });
    if (!file.ok) throw new Error("upload refused");
    const getUpload = (attachmentId: string, cookie: string | null) =>
      settle(() => uploadLoader({ request: new Request(`${ORIGIN}/attachments/${attachmentId}`, { headers: cookie ? { Cookie: cookie } : {} }), params: { attachmentId }, context: {} } as LoaderFunctionArgs));
    expect(await getUpload(file.attachment.id, users.owner.cookie)).toMatchObject({ status: 200, body: "draft notes\n" });
    // Anyone else gets what a file that does not exist gets.
    const missing = await getUpload("0000000000000000none", users.owner.cookie);
    expect(missing).toMatchObject({ status: 404, body: "That file no longer exists." });
    for (const role of ["editor", "viewer", "stranger"] as const) expect(await getUpload(file.attachment.id, users[role].cookie), role).toMatchObject({ status: 404, body: missing.body });
    expect(await getUpload("not-an-id", users.owner.cookie)).toMatchObject({ status: 404 });
    expect((await getUpload(file.attachment.id, null)).status).toBe(302);
  });

  test("an upload signed out goes to the login page and stores nothing", async () => {
    const body = new FormData();
    body.append("files", new Blob(["hello"]), "hello.txt");
    const result = await settle(() => uploadAction({ request: new Request(`${ORIGIN}/attachments`, { method: "POST", body }), params: {}, context: {} } as ActionFunctionArgs));
    expect(result.status).toBe(302);
  });
});
