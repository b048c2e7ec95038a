// Sharing a conversation by link, through the real routes with real session
// cookies and a real SQLite file: who may share, update and revoke (the
// owner only), who may read a share and its files (anyone with the link,
// until it is revoked), that a share is a snapshot the chat's later life
// does not reach, and that continuing it makes a chat of the reader's own.
import { vi } from "vitest";

// Before any app module reads the environment: demo answers finish in a few milliseconds.
vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
});

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { attachments, chatMembers, chats, messages, shares } from "../../drizzle/schema";
import { createSession } from "~/auth/session.server";
import { database, prepareDatabase } from "~/db.server";
import { sweepUnusedUploads } from "~/models/attachment.server";
import { grantChatRole, requireChatAccess } from "~/models/chat-access.server";
import { newShareToken } from "~/models/share.server";
import { setUserLimits } from "~/models/user-limits.server";
import { attachmentIdsOf } from "~/protocol/parts";
import { action as chatAction, loader as chatLoader } from "~/routes/chats.$chatId/route";
import { loader as chatFileLoader } from "~/routes/chats.$chatId.attachments.$attachmentId";
import { action as shareAction, headers as shareHeaders, loader as shareLoader } from "~/routes/s.$token";
import { loader as shareFileLoader } from "~/routes/s.$token.attachments.$attachmentId";
import { action as sharesAction, loader as sharesLoader } from "~/routes/settings.shares";
import { storeUpload } from "~/services/attachments.server";
import * as conversation from "~/services/conversation.server";
import { streamRegistry } from "~/streaming/streams.server";
import { addExchange, createTestChat, createTestUser, pathContents } from "./fixtures";

const ORIGIN = "http://parley.test";

beforeAll(async () => {
  await prepareDatabase();
});

afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

async function cookieFor(userId: string): Promise<string> {
  const setCookie = await createSession({ request: new Request(`${ORIGIN}/login`), userId });
  return setCookie.split(";")[0]!;
}

/** A Remix loader or action's result as status, Location and body (a thrown Response counts as the answer). */
async function settle(work: () => Promise<unknown>): Promise<{ status: number; location: string | null; body: unknown; headers: Headers | null }> {
  let result: unknown;
  try {
    result = await work();
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) {
    const body = result.headers.get("Content-Type")?.startsWith("text/") ? await result.text() : new Uint8Array(await result.arrayBuffer());
    return { status: result.status, location: result.headers.get("Location"), body, headers: result.headers };
  }
  if (result && typeof result === "object" && "init" in result && "data" in result) {
    const { data, init } = result as { data: unknown; init?: { status?: number } };
    return { status: init?.status ?? 200, location: null, body: data, headers: null };
  }
  return { status: 200, location: null, body: result, headers: null };
}

const withCookie = (cookie: string | null): Record<string, string> => (cookie ? { Cookie: cookie } : {});

function chatPost(chatId: string, cookie: string | null, fields: Record<string, string>) {
  const request = new Request(`${ORIGIN}/chats/${chatId}`, { method: "POST", body: new URLSearchParams(fields), headers: withCookie(cookie) });
  return settle(() => chatAction({ request, params: { chatId }, context: {} } as ActionFunctionArgs));
}

function chatPage(chatId: string, cookie: string) {
  const request = new Request(`${ORIGIN}/chats/${chatId}`, { headers: { Cookie: cookie } });
  return settle(() => chatLoader({ request, params: { chatId }, context: {} } as LoaderFunctionArgs));
}

function sharedPage(token: string, cookie: string | null = null) {
  const request = new Request(`${ORIGIN}/s/${token}`, { headers: withCookie(cookie) });
  return settle(() => shareLoader({ request, params: { token }, context: {} } as LoaderFunctionArgs));
}

function sharedFile(token: string, attachmentId: string, cookie: string | null = null) {
  const request = new Request(`${ORIGIN}/s/${token}/attachments/${attachmentId}`, { headers: withCookie(cookie) });
  return settle(() => shareFileLoader({ request, params: { token, attachmentId }, context: {} } as LoaderFunctionArgs));
}

function continueShared(token: string, cookie: string | null) {
  const request = new Request(`${ORIGIN}/s/${token}`, { method: "POST", body: new URLSearchParams({ intent: "continue" }), headers: withCookie(cookie) });
  return settle(() => shareAction({ request, params: { token }, context: {} } as ActionFunctionArgs));
}

function sharesList(cookie: string) {
  const request = new Request(`${ORIGIN}/settings/shares`, { headers: { Cookie: cookie } });
  return settle(() => sharesLoader({ request, params: {}, context: {} } as LoaderFunctionArgs));
}

function revokeFromList(cookie: string, shareId: string) {
  const request = new Request(`${ORIGIN}/settings/shares`, { method: "POST", body: new URLSearchParams({ intent: "revoke", shareId }), headers: { Cookie: cookie } });
  return settle(() => sharesAction({ request, params: {}, context: {} } as ActionFunctionArgs));
}

type SharedView = { title: string; messages: { role: string; parts: { type: string; text?: string }[]; rendered?: ({ html: string } | null)[] }[]; signedIn: boolean; ownChatId: string | null };

function textsOf(view: unknown): string[] {
  return (view as SharedView).messages.map((m) => m.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join(""));
}

async function upload(userId: string, name: string, text: string) {
  const stored = await storeUpload({
    userId,
    file: { filename: name, stream: (async function* () { yield new TextEncoder().encode(text); })() },
    allowance: { perFile: 1024 * 1024, left: 1024 * 1024 },
  });
  if (!stored.ok) throw new Error("upload refused");
  return stored.attachment.id;
}

/** An owner's chat with an editor and a viewer, one exchange whose question carries a file, and a stranger. */
async function chatWithPeople() {
  const people = {} as Record<"owner" | "editor" | "viewer" | "stranger", { id: string; cookie: string; email: string; name: string }>;
  for (const role of ["owner", "editor", "viewer", "stranger"] as const) {
    const user = await createTestUser(role === "owner" ? "Olga" : role);
    people[role] = { id: user.id, cookie: await cookieFor(user.id), email: user.email, name: user.name };
  }
  const chat = await createTestChat({ userId: people.owner.id, title: "Rivers" });
  await grantChatRole({ chatId: chat.id, userId: people.editor.id, role: "editor" });
  await grantChatRole({ chatId: chat.id, userId: people.viewer.id, role: "viewer" });
  const attachmentId = await upload(people.owner.id, "notes.txt", "river notes\n");
  const access = await requireChatAccess({ chatId: chat.id, user: { id: people.owner.id }, level: "own" });
  const first = await conversation.sendMessage({ access, user: { id: people.owner.id }, text: "Tell me about **rivers**", attachmentIds: [attachmentId] });
  await streamRegistry().get(first.assistantMessageId)?.settled;
  return { chat, people, attachmentId, first };
}

async function shareOf(chatId: string) {
  return database().query.shares.findFirst({ where: eq(shares.chatId, chatId) });
}

async function shareAs(chatId: string, cookie: string) {
  const result = await chatPost(chatId, cookie, { intent: "share" });
  expect(result, JSON.stringify(result.body)).toMatchObject({ status: 302, location: `/chats/${chatId}?share` });
  return (await shareOf(chatId))!;
}

describe("who may share", () => {
  test("the owner creates a link; the chat page shows it to the owner only", async () => {
    const { chat, people } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    expect(share.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await chatPage(chat.id, people.owner.cookie)).body).toMatchObject({ share: { token: share.token } });
    for (const role of ["editor", "viewer"] as const) expect((await chatPage(chat.id, people[role].cookie)).body, role).toMatchObject({ share: null });
  });

  test("an editor and a viewer are refused with 403 and a stranger with 404, and no link is made, updated or revoked", async () => {
    const { chat, people } = await chatWithPeople();
    for (const intent of ["share", "unshare"]) {
      for (const role of ["editor", "viewer"] as const) {
        expect(await chatPost(chat.id, people[role].cookie, { intent }), `${role} ${intent}`).toMatchObject({ status: 403, body: { code: "chat_read_only" } });
      }
      expect(await chatPost(chat.id, people.stranger.cookie, { intent })).toMatchObject({ status: 404, body: "Not found." });
      expect(await chatPost(chat.id, null, { intent })).toMatchObject({ status: 302, location: expect.stringMatching(/^\/login\?/) });
    }
    expect(await shareOf(chat.id)).toBeUndefined();
    const share = await shareAs(chat.id, people.owner.cookie);
    for (const role of ["editor", "viewer", "stranger"] as const) await chatPost(chat.id, people[role].cookie, { intent: "unshare" });
    expect(await shareOf(chat.id)).toEqual(share);
  });

  test("an empty chat has nothing to share, and an answer still being written is not shared half-done", async () => {
    const owner = await createTestUser("Empty");
    const cookie = await cookieFor(owner.id);
    const empty = await createTestChat({ userId: owner.id, title: "Empty" });
    expect(await chatPost(empty.id, cookie, { intent: "share" })).toMatchObject({ status: 400, body: { code: "nothing_to_share" } });
    const busy = await createTestChat({ userId: owner.id, title: "Busy" });
    const { assistantMessageId } = await addExchange({ chatId: busy.id, parentId: null, question: "Hi" });
    await database().update(messages).set({ status: "streaming" }).where(eq(messages.id, assistantMessageId));
    expect(await chatPost(busy.id, cookie, { intent: "share" })).toMatchObject({ status: 409, body: { code: "answer_in_progress" } });
    expect(await shareOf(busy.id)).toBeUndefined();
  });
});

describe("reading a share", () => {
  test("anyone with the link reads the conversation, rendered, with nothing about its owner", async () => {
    const { chat, people } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    const page = await sharedPage(share.token);
    expect(page.status).toBe(200);
    const view = page.body as SharedView;
    expect(view.title).toBe("Rivers");
    expect(textsOf(view)[0]).toBe("Tell me about **rivers**");
    expect(view.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    // Answers arrive as the server's HTML, as on the chat page.
    expect(view.messages[1]!.rendered!.some((r) => r?.html.startsWith("<"))).toBe(true);
    expect(view).toMatchObject({ signedIn: false, ownChatId: null });
    const json = JSON.stringify(view);
    for (const secret of [people.owner.email, people.owner.id, people.owner.name, chat.id]) expect(json).not.toContain(secret);
    expect(new Headers(shareHeaders({} as Parameters<typeof shareHeaders>[0]) as HeadersInit).get("X-Robots-Tag")).toBe("noindex");
  });

  test("the owner reading their own link gets the way back to the chat; another reader does not", async () => {
    const { chat, people } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    expect((await sharedPage(share.token, people.owner.cookie)).body).toMatchObject({ signedIn: true, ownChatId: chat.id });
    expect((await sharedPage(share.token, people.editor.cookie)).body).toMatchObject({ signedIn: true, ownChatId: null });
  });

  test("the share's files are served through the link alone, and no other file is", async () => {
    const { chat, people, attachmentId } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    const file = await sharedFile(share.token, attachmentId);
    expect(file.status).toBe(200);
    expect(file.body).toBe("river notes\n");
    expect(file.headers!.get("X-Robots-Tag")).toBe("noindex");
    // Kept by the browser only to be asked about again: a revoked link stops serving at once.
    expect(file.headers!.get("Cache-Control")).toBe("private, max-age=0, must-revalidate");
    expect(file.headers!.get("Content-Disposition")).toMatch(/^attachment;/);
    // Another file of the same owner, in another chat, is not reachable through this link.
    const other = await createTestChat({ userId: people.owner.id, title: "Other" });
    const otherFile = await upload(people.owner.id, "secret.txt", "secret\n");
    const access = await requireChatAccess({ chatId: other.id, user: { id: people.owner.id }, level: "own" });
    const sent = await conversation.sendMessage({ access, user: { id: people.owner.id }, text: "private", attachmentIds: [otherFile] });
    await streamRegistry().get(sent.assistantMessageId)?.settled;
    expect(await sharedFile(share.token, otherFile)).toMatchObject({ status: 404, body: "Not found." });
    expect(await sharedFile(share.token, "not-an-id")).toMatchObject({ status: 404, body: "Not found." });
  });

  test("a guessed, malformed or revoked token is the same 404, for the page, its files and continuing", async () => {
    const { chat, people, attachmentId } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    const guessed = newShareToken();
    const missing = await sharedPage(guessed);
    expect(missing).toMatchObject({ status: 404, body: "Not found." });
    for (const token of ["short", `${share.token}x`, share.token.toUpperCase() === share.token ? share.token.toLowerCase() : share.token.toUpperCase(), "../chats"]) {
      expect(await sharedPage(token), token).toMatchObject({ status: 404, body: "Not found." });
    }
    expect(await sharedFile(guessed, attachmentId)).toMatchObject({ status: 404, body: "Not found." });

    expect(await chatPost(chat.id, people.owner.cookie, { intent: "unshare" })).toMatchObject({ status: 302, location: `/chats/${chat.id}?share` });
    expect(await shareOf(chat.id)).toBeUndefined();
    expect(await sharedPage(share.token)).toMatchObject({ status: 404, body: "Not found." });
    expect(await sharedPage(share.token, people.owner.cookie)).toMatchObject({ status: 404, body: "Not found." });
    expect(await sharedFile(share.token, attachmentId)).toMatchObject({ status: 404, body: "Not found." });
    expect(await continueShared(share.token, people.stranger.cookie)).toMatchObject({ status: 404, body: "Not found." });
    expect(await continueShared(share.token, null)).toMatchObject({ status: 404, body: "Not found." });
    // The chat itself and its file are untouched.
    expect(await pathContents({ chatId: chat.id, leafId: (await database().query.chats.findFirst({ where: eq(chats.id, chat.id) }))!.activeLeafId })).toHaveLength(2);
    expect(await database().query.attachments.findFirst({ where: eq(attachments.id, attachmentId) })).toBeDefined();
  });

  test("sharing again after revoking makes a new link; the old one stays dead", async () => {
    const { chat, people } = await chatWithPeople();
    const first = await shareAs(chat.id, people.owner.cookie);
    await chatPost(chat.id, people.owner.cookie, { intent: "unshare" });
    const second = await shareAs(chat.id, people.owner.cookie);
    expect(second.token).not.toBe(first.token);
    expect((await sharedPage(first.token)).status).toBe(404);
    expect((await sharedPage(second.token)).status).toBe(200);
  });
});

describe("a share is a snapshot", () => {
  test("a message sent after sharing does not appear until the owner updates the link, which keeps its address", async () => {
    const { chat, people, first } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    await addExchange({ chatId: chat.id, parentId: first.assistantMessageId, question: "And lakes?", answer: "Lakes stay." });
    expect(textsOf((await sharedPage(share.token)).body)).toHaveLength(2);

    const updated = await shareAs(chat.id, people.owner.cookie);
    expect(updated.token).toBe(share.token);
    expect(updated.updatedAt).toBeGreaterThanOrEqual(share.updatedAt);
    expect(textsOf((await sharedPage(share.token)).body)).toEqual(["Tell me about **rivers**", expect.any(String), "And lakes?", "Lakes stay."]);
  });

  test("an edit, a branch switch and a rename do not change it; an update shares the branch shown then", async () => {
    const { chat, people, first } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    const before = (await sharedPage(share.token)).body;
    const edited = await chatPost(chat.id, people.owner.cookie, { intent: "edit", messageId: first.userMessageId, content: "Tell me about seas" });
    expect(edited.status).toBe(302);
    await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
    expect(await chatPost(chat.id, people.owner.cookie, { intent: "rename", title: "Seas" })).toMatchObject({ status: 302 });
    expect((await sharedPage(share.token)).body).toEqual(before);

    await shareAs(chat.id, people.owner.cookie);
    const afterEdit = (await sharedPage(share.token)).body as SharedView;
    expect(textsOf(afterEdit)[0]).toBe("Tell me about seas");
    expect(afterEdit.title).toBe("Seas");

    // Back to the first version in the chat: the share stays on the branch it was updated to.
    expect(await chatPost(chat.id, people.owner.cookie, { intent: "switch", messageId: first.userMessageId })).toMatchObject({ status: 302 });
    expect((await sharedPage(share.token)).body).toEqual(afterEdit);
  });

  test("deleting the shared messages keeps them, and their file, in the snapshot until the link is updated", async () => {
    const { chat, people, first, attachmentId } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    expect(await chatPost(chat.id, people.owner.cookie, { intent: "delete-branch", messageId: first.userMessageId })).toMatchObject({ status: 302 });
    expect(await database().select().from(messages).where(eq(messages.chatId, chat.id))).toEqual([]);

    // The snapshot is the owner's published copy: it still reads as shared, file included.
    expect(textsOf((await sharedPage(share.token)).body)[0]).toBe("Tell me about **rivers**");
    expect(await sharedFile(share.token, attachmentId)).toMatchObject({ status: 200, body: "river notes\n" });
    // Nor does the daily sweep of files no message uses take it, however old it is.
    await sweepUnusedUploads({ now: Date.now() + 7 * 24 * 60 * 60 * 1000 });
    expect(await sharedFile(share.token, attachmentId)).toMatchObject({ status: 200, body: "river notes\n" });

    // Updated to the (now empty) chat is refused; revoking drops the copy and the file nobody uses any more.
    expect(await chatPost(chat.id, people.owner.cookie, { intent: "share" })).toMatchObject({ status: 400, body: { code: "nothing_to_share" } });
    await chatPost(chat.id, people.owner.cookie, { intent: "unshare" });
    expect(await database().query.attachments.findFirst({ where: eq(attachments.id, attachmentId) })).toBeUndefined();
  });

  test("an update drops the files only the old snapshot showed", async () => {
    const { chat, people, first, attachmentId } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    // A new first question without the file, made the branch shown; the old branch is deleted.
    const access = await requireChatAccess({ chatId: chat.id, user: { id: people.owner.id }, level: "own" });
    await addExchange({ chatId: chat.id, parentId: null, question: "No files here" });
    await conversation.deleteBranch({ access, messageId: first.userMessageId });
    expect(await database().query.attachments.findFirst({ where: eq(attachments.id, attachmentId) })).toBeDefined();
    await shareAs(chat.id, people.owner.cookie);
    expect(textsOf((await sharedPage(share.token)).body)).toEqual(["No files here", "Answer to: No files here"]);
    expect(await sharedFile(share.token, attachmentId)).toMatchObject({ status: 404 });
    expect(await database().query.attachments.findFirst({ where: eq(attachments.id, attachmentId) })).toBeUndefined();
  });

  test("deleting the chat revokes its link and frees its files", async () => {
    const { chat, people, attachmentId } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    expect(await chatPost(chat.id, people.owner.cookie, { intent: "delete" })).toMatchObject({ status: 302, location: "/chats" });
    expect(await shareOf(chat.id)).toBeUndefined();
    expect(await sharedPage(share.token)).toMatchObject({ status: 404 });
    expect(await sharedFile(share.token, attachmentId)).toMatchObject({ status: 404 });
    expect(await database().query.attachments.findFirst({ where: eq(attachments.id, attachmentId) })).toBeUndefined();
  });
});

describe("continuing a share", () => {
  test("a signed-in reader gets a chat of their own with the messages and the files, and the original is untouched", async () => {
    const { chat, people, attachmentId } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    const before = await database().select().from(messages).where(eq(messages.chatId, chat.id)).orderBy(messages.id);
    const result = await continueShared(share.token, people.stranger.cookie);
    expect(result.status).toBe(302);
    const forkId = result.location!.replace("/chats/", "");
    expect(forkId).not.toBe(chat.id);
    const members = await database().select().from(chatMembers).where(eq(chatMembers.chatId, forkId));
    expect(members.map((m) => ({ userId: m.userId, role: m.role }))).toEqual([{ userId: people.stranger.id, role: "owner" }]);
    const fork = (await database().query.chats.findFirst({ where: eq(chats.id, forkId) }))!;
    expect(fork).toMatchObject({ userId: people.stranger.id, systemPrompt: null, title: chat.title });
    expect(await pathContents({ chatId: forkId, leafId: fork.activeLeafId })).toEqual(textsOf((await sharedPage(share.token)).body));
    const forked = await database().select().from(messages).where(eq(messages.chatId, forkId));
    expect(forked.flatMap((m) => attachmentIdsOf(m.parts))).toEqual([attachmentId]);
    // The reader now reads the file through their own chat, and can write in it.
    const file = await settle(() =>
      chatFileLoader({ request: new Request(`${ORIGIN}/chats/${forkId}/attachments/${attachmentId}`, { headers: { Cookie: people.stranger.cookie } }), params: { chatId: forkId, attachmentId }, context: {} } as LoaderFunctionArgs),
    );
    expect(file.status).toBe(200);
    expect((await chatPage(forkId, people.stranger.cookie)).body).toMatchObject({ level: "own" });
    expect(await database().select().from(messages).where(eq(messages.chatId, chat.id)).orderBy(messages.id)).toEqual(before);
    // Revoking the share later leaves the reader's copy and its file alone.
    await chatPost(chat.id, people.owner.cookie, { intent: "unshare" });
    expect(await pathContents({ chatId: forkId, leafId: fork.activeLeafId })).toHaveLength(2);
  });

  test("a reader at their chat limit is told so beside the button, in their language, and nothing is copied", async () => {
    const { chat, people } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    await setUserLimits({ userId: people.stranger.id, overrides: { chats: 1, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null }, changedBy: people.owner.id });
    await createTestChat({ userId: people.stranger.id });
    const chatsBefore = (await database().select().from(chats)).length;
    const refused = await continueShared(share.token, `${people.stranger.cookie}; parley_lang=ru`);
    expect(refused).toMatchObject({ status: 403, body: { code: "chats_limit_reached" } });
    expect((refused.body as { formError: string }).formError).toBe("Этот сервер разрешает вам хранить 1 чат, и этот предел достигнут. Удалите ненужные чаты, чтобы начать новый.");
    expect((await database().select().from(chats)).length).toBe(chatsBefore);
  });

  test("a reader who is not signed in is sent to log in and back to the link, and nothing is copied", async () => {
    const { chat, people } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    const chatsBefore = (await database().select().from(chats)).length;
    expect(await continueShared(share.token, null)).toMatchObject({ status: 302, location: `/login?${new URLSearchParams({ redirectTo: `/s/${share.token}` })}` });
    expect((await database().select().from(chats)).length).toBe(chatsBefore);
  });
});

describe("my shared links", () => {
  test("lists the shares of one's own chats only, and revokes them; members are refused (403), a stranger learns nothing (404)", async () => {
    const { chat, people } = await chatWithPeople();
    const share = await shareAs(chat.id, people.owner.cookie);
    const listed = (await sharesList(people.owner.cookie)).body as { shares: { id: string; token: string; chatTitle: string }[] };
    expect(listed.shares).toEqual([expect.objectContaining({ id: share.id, token: share.token, chatTitle: "Rivers" })]);
    for (const role of ["editor", "viewer", "stranger"] as const) {
      expect(((await sharesList(people[role].cookie)).body as { shares: unknown[] }).shares, role).toEqual([]);
      const refusal = role === "stranger" ? { status: 404, body: "Not found." } : { status: 403, body: { code: "chat_read_only" } };
      expect(await revokeFromList(people[role].cookie, share.id), role).toMatchObject(refusal);
    }
    expect(await revokeFromList(people.owner.cookie, "not-an-id")).toMatchObject({ status: 400, body: { code: "malformed_id" } });
    expect(await shareOf(chat.id)).toEqual(share);
    expect(await revokeFromList(people.owner.cookie, share.id)).toMatchObject({ status: 302, location: "/settings/shares?revoked=1" });
    expect(await shareOf(chat.id)).toBeUndefined();
    expect((await sharedPage(share.token)).status).toBe(404);
    expect(await revokeFromList(people.owner.cookie, share.id)).toMatchObject({ status: 404 });
  });
});
