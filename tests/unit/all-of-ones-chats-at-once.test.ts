// Archiving and deleting all of one's chats at once, on a real SQLite file:
// archive-all takes one's own list only (pinned chats keep their pin, answers
// go on) and its Undo brings back exactly those; delete-all takes every chat
// with its messages, shared link and the files no other chat uses, after
// stopping the answers being written, and leaves everyone else's alone. Then
// the page's action: the box must be ticked, a wrong intent is a 400, and the
// counts and notices read right in both languages.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { count, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { attachments, blobs, chats, messages, shares } from "../../drizzle/schema";
import { database, prepareDatabase } from "~/db.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { createExchange, saveStreamFinal } from "~/models/message.server";
import { AppError } from "~/protocol/errors";
import { textParts } from "~/protocol/parts";
import { action as dataAction, loader as dataLoader } from "~/routes/settings.data";
import { archiveAllChats, chatCounts, deleteAllChats, undoArchiveAll } from "~/services/all-chats.server";
import { filePartOf, storeUpload } from "~/services/attachments.server";
import * as conversation from "~/services/conversation.server";
import { readShare, shareChat } from "~/services/sharing.server";
import { streamRegistry } from "~/streaming/streams.server";
import { tFor } from "~/i18n/translate.server";
import { addExchange, answerUntilStopped, createTestChat, createTestUser, TEST_MODEL } from "./fixtures";
import { cookieFor, formRequest, getRequest, settle } from "./requests";

beforeAll(async () => {
  await prepareDatabase();
});

const codeOf = async (work: Promise<unknown>) => work.then(() => null, (error: unknown) => (error instanceof AppError ? error.code : Promise.reject(error)));

async function stateOf(chatIds: string[]) {
  const rows = await database().select({ id: chats.id, archived: chats.archived, pinned: chats.pinned }).from(chats).where(inArray(chats.id, chatIds));
  return Object.fromEntries(rows.map((row) => [row.id, { archived: row.archived, pinned: row.pinned }]));
}

async function upload(userId: string, name: string) {
  const allowance = { perFile: 1024 * 1024, left: 1024 * 1024 };
  const text = `${name}: ${crypto.randomUUID()}`;
  const result = await storeUpload({ userId, file: { filename: name, stream: (async function* () { yield new TextEncoder().encode(text); })() }, allowance });
  if (!result.ok) throw new Error(result.problem.code);
  return result.attachment;
}

/** A chat whose first message carries `file`, answered. */
async function chatShowing({ userId, title, file }: { userId: string; title: string; file: Awaited<ReturnType<typeof upload>> }) {
  const chat = await createTestChat({ userId, title });
  const ids = await createExchange({ chatId: chat.id, parentId: null, parts: [filePartOf(file), ...textParts("Read this")], attachmentIds: [file.id], model: TEST_MODEL, instanceId: null });
  await saveStreamFinal({ messageId: ids.assistantMessageId, parts: textParts("Read it."), lastEventId: 1, status: "complete" });
  return chat;
}

const own = async (chatId: string, user: { id: string }) => requireChatAccess({ chatId, user, level: "own" });

describe("archiving all chats", () => {
  test("takes every chat in one's list, pinned ones too (they keep their pin), and nobody else's", async () => {
    const ada = await createTestUser("Ada");
    const bob = await createTestUser("Bob");
    const plain = await createTestChat({ userId: ada.id, title: "Plain" });
    const pinned = await createTestChat({ userId: ada.id, title: "Pinned" });
    await conversation.setPinned({ access: await own(pinned.id, ada), pinned: true });
    const before = await createTestChat({ userId: ada.id, title: "Archived before" });
    await conversation.setArchived({ access: await own(before.id, ada), archived: true });
    const bobs = await createTestChat({ userId: bob.id, title: "Bob's" });
    expect(await chatCounts({ user: ada })).toEqual({ listed: 2, archived: 1 });

    const archived = await archiveAllChats({ user: ada });
    expect(archived.sort()).toEqual([plain.id, pinned.id].sort());
    expect(await stateOf([plain.id, pinned.id, before.id, bobs.id])).toEqual({
      [plain.id]: { archived: true, pinned: false },
      [pinned.id]: { archived: true, pinned: true },
      [before.id]: { archived: true, pinned: false },
      [bobs.id]: { archived: false, pinned: false },
    });
    expect(await chatCounts({ user: ada })).toEqual({ listed: 0, archived: 3 });
    expect(await chatCounts({ user: bob })).toEqual({ listed: 1, archived: 0 });
    // Nothing left in the list: a second time archives nothing.
    expect(await archiveAllChats({ user: ada })).toEqual([]);
  });

  test("Undo brings back exactly the chats it archived, pinned as they were; not one archived before, nor anyone else's", async () => {
    const ada = await createTestUser("Ada");
    const bob = await createTestUser("Bob");
    const plain = await createTestChat({ userId: ada.id, title: "Plain" });
    const pinned = await createTestChat({ userId: ada.id, title: "Pinned" });
    await conversation.setPinned({ access: await own(pinned.id, ada), pinned: true });
    const before = await createTestChat({ userId: ada.id, title: "Archived before" });
    await conversation.setArchived({ access: await own(before.id, ada), archived: true });
    const bobs = await createTestChat({ userId: bob.id, title: "Bob's archived" });
    await conversation.setArchived({ access: await own(bobs.id, bob), archived: true });

    const archived = await archiveAllChats({ user: ada });
    // Ids sent back with others slipped in: only Ada's own, archived, among them count.
    expect(await undoArchiveAll({ user: ada, chatIds: [...archived, bobs.id] })).toBe(2);
    expect(await stateOf([plain.id, pinned.id, before.id, bobs.id])).toEqual({
      [plain.id]: { archived: false, pinned: false },
      [pinned.id]: { archived: false, pinned: true },
      [before.id]: { archived: true, pinned: false },
      [bobs.id]: { archived: true, pinned: false },
    });
    // Naming a chat archived before brings it back no more than any other id of someone else's would.
    expect(await undoArchiveAll({ user: bob, chatIds: [before.id] })).toBe(0);
    expect(await stateOf([before.id])).toEqual({ [before.id]: { archived: true, pinned: false } });
  });

  test("an answer being written goes on, as when one chat is archived", async () => {
    const ada = await createTestUser("Ada");
    const chat = await createTestChat({ userId: ada.id, title: "Long answer" });
    const { stream } = await answerUntilStopped({ chatId: chat.id, parentId: null, question: "Tell me everything", begun: "Everything is" });
    expect(await archiveAllChats({ user: ada })).toEqual([chat.id]);
    expect(stream.finished).toBe(false);
    await streamRegistry().stop(stream.messageId);
    await stream.settled;
  });
});

describe("deleting all chats", () => {
  test("takes every chat, archived ones too, with its messages, shared link and the files no other chat uses; another person's chats and a file their chat shows stay", async () => {
    const ada = await createTestUser("Ada");
    const bob = await createTestUser("Bob");
    const onlyMine = await upload(ada.id, "only-mine.txt");
    const alsoTheirs = await upload(ada.id, "also-theirs.txt");
    const first = await chatShowing({ userId: ada.id, title: "First", file: onlyMine });
    const second = await chatShowing({ userId: ada.id, title: "Second", file: alsoTheirs });
    await conversation.setArchived({ access: await own(second.id, ada), archived: true });
    const share = await shareChat({ access: await own(first.id, ada), user: ada });
    const third = await createTestChat({ userId: ada.id, title: "Third" });
    await addExchange({ chatId: third.id, parentId: null, question: "Anything?" });
    // Bob's chat shows Ada's second file (as a copy of a shared chat would).
    const bobs = await chatShowing({ userId: bob.id, title: "Bob's", file: alsoTheirs });
    const bobsOther = await createTestChat({ userId: bob.id, title: "Bob's other" });

    expect(await deleteAllChats({ user: ada })).toBe(3);
    const db = database();
    const ours = [first.id, second.id, third.id];
    expect(await db.select().from(chats).where(inArray(chats.id, ours))).toEqual([]);
    expect(await db.select().from(messages).where(inArray(messages.chatId, ours))).toEqual([]);
    expect(await db.select().from(shares).where(eq(shares.id, share.id))).toEqual([]);
    expect(await codeOf(readShare({ token: share.token }))).toBe("not_found");
    expect(await db.select().from(attachments).where(eq(attachments.id, onlyMine.id))).toEqual([]);
    expect(await db.select().from(blobs).where(eq(blobs.id, onlyMine.blobId))).toEqual([]);
    expect(await chatCounts({ user: ada })).toEqual({ listed: 0, archived: 0 });

    // Bob's chats are whole, and the file his chat shows is still there.
    expect((await stateOf([bobs.id, bobsOther.id]))[bobs.id]).toBeDefined();
    expect((await stateOf([bobs.id, bobsOther.id]))[bobsOther.id]).toBeDefined();
    expect(await db.select({ n: count() }).from(messages).where(eq(messages.chatId, bobs.id))).toEqual([{ n: 2 }]);
    expect(await db.select({ id: attachments.id }).from(attachments).where(eq(attachments.id, alsoTheirs.id))).toEqual([{ id: alsoTheirs.id }]);
    expect(await db.select({ n: count() }).from(blobs).where(eq(blobs.id, alsoTheirs.blobId))).toEqual([{ n: 1 }]);
    // Nothing left: a second time deletes nothing.
    expect(await deleteAllChats({ user: ada })).toBe(0);
  });

  test("stops the answers being written in its chats first, and nobody else's", async () => {
    const ada = await createTestUser("Ada");
    const bob = await createTestUser("Bob");
    const chat = await createTestChat({ userId: ada.id, title: "Long answer" });
    const { stream } = await answerUntilStopped({ chatId: chat.id, parentId: null, question: "Tell me everything", begun: "Everything is" });
    const bobsChat = await createTestChat({ userId: bob.id, title: "Bob's long answer" });
    const { stream: bobsStream } = await answerUntilStopped({ chatId: bobsChat.id, parentId: null, question: "And you?", begun: "Me too" });

    expect(await deleteAllChats({ user: ada })).toBe(1);
    expect(stream.finished).toBe(true);
    expect(await database().select().from(chats).where(eq(chats.id, chat.id))).toEqual([]);
    // Someone else's answer goes on.
    expect(bobsStream.finished).toBe(false);
    await streamRegistry().stop(bobsStream.messageId);
    await bobsStream.settled;
  });
});

describe("the page's forms", () => {
  const post = async (cookie: string, fields: Record<string, string>) =>
    settle(async () => dataAction({ request: formRequest("/settings/data", cookie, fields), params: {}, context: { clientIp: "192.0.2.8" } } as unknown as ActionFunctionArgs));

  test("the page counts one's chats in the list and archived", async () => {
    const ada = await createTestUser("Ada");
    const cookie = await cookieFor(ada.id);
    const load = async () => (await settle(async () => dataLoader({ request: getRequest("/settings/data", cookie), params: {}, context: {} } as LoaderFunctionArgs))).body;
    expect(await load()).toMatchObject({ chats: { listed: 0, archived: 0 } });
    await createTestChat({ userId: ada.id, title: "One" });
    const two = await createTestChat({ userId: ada.id, title: "Two" });
    await conversation.setArchived({ access: await own(two.id, ada), archived: true });
    expect(await load()).toMatchObject({ chats: { listed: 1, archived: 1 } });
  });

  test("archive all answers with the ids it archived; its Undo form brings them back", async () => {
    const ada = await createTestUser("Ada");
    const cookie = await cookieFor(ada.id);
    const one = await createTestChat({ userId: ada.id, title: "One" });
    const two = await createTestChat({ userId: ada.id, title: "Two" });
    const archived = await post(cookie, { intent: "archive-all" });
    expect(archived).toMatchObject({ status: 200, body: { done: "archived", count: 2 } });
    const chatIds = (archived.body as { chatIds: string[] }).chatIds;
    expect([...chatIds].sort()).toEqual([one.id, two.id].sort());
    expect(await post(cookie, { intent: "undo-archive-all", chatIds: chatIds.join(" ") })).toMatchObject({ status: 200, body: { done: "unarchived", count: 2 } });
    expect(await chatCounts({ user: ada })).toEqual({ listed: 2, archived: 0 });
    // A malformed id in the Undo form is refused, and nothing changes.
    expect(await post(cookie, { intent: "undo-archive-all", chatIds: `${one.id} ../../etc` })).toMatchObject({ status: 400, body: { code: "malformed_id" } });
    expect(await post(cookie, { intent: "undo-archive-all" })).toMatchObject({ status: 400, body: { code: "malformed_id" } });
  });

  test("delete all without the box ticked is refused beside the box and deletes nothing; ticked, it deletes and says how many", async () => {
    const ada = await createTestUser("Ada");
    const cookie = await cookieFor(ada.id);
    await createTestChat({ userId: ada.id, title: "One" });
    const two = await createTestChat({ userId: ada.id, title: "Two" });
    await conversation.setArchived({ access: await own(two.id, ada), archived: true });

    for (const unticked of [{ intent: "delete-all" }, { intent: "delete-all", confirm: "on" }] as Record<string, string>[]) {
      expect(await post(cookie, unticked)).toMatchObject({
        status: 400,
        body: { code: "confirmation_required", intent: "delete-all", fieldErrors: { confirm: "Tick the box to confirm. Nothing was deleted." } },
      });
    }
    const russian = await post(`${cookie}; parley_lang=ru`, { intent: "delete-all" });
    expect(russian).toMatchObject({ status: 400, body: { fieldErrors: { confirm: "Отметьте флажок, чтобы подтвердить. Ничего не удалено." } } });
    expect(await chatCounts({ user: ada })).toEqual({ listed: 1, archived: 1 });

    expect(await post(cookie, { intent: "delete-all", confirm: "yes" })).toMatchObject({ status: 302, location: "/settings/data?deleted=2" });
    expect(await chatCounts({ user: ada })).toEqual({ listed: 0, archived: 0 });
  });

  test("a wrong or missing intent is a 400 that says so, never a 500", async () => {
    const ada = await createTestUser("Ada");
    const cookie = await cookieFor(ada.id);
    await createTestChat({ userId: ada.id, title: "Kept" });
    for (const fields of [{ intent: "explode" }, {}, { intent: "" }] as Record<string, string>[]) {
      expect(await post(cookie, fields)).toMatchObject({ status: 400, body: { code: "unknown_intent", formError: "Unknown action." } });
    }
    expect(await chatCounts({ user: ada })).toEqual({ listed: 1, archived: 0 });
  });

  test("the counts read right in English and in each Russian plural form", () => {
    const en = tFor("en") as (key: string, options?: object) => string;
    const ru = tFor("ru") as (key: string, options?: object) => string;
    expect(en("data.archiveAll", { count: 14 })).toBe("Archive all 14 chats");
    expect(en("data.deleteAll", { count: 20 })).toBe("Delete all 20 chats");
    expect(en("data.deleteAll", { count: 1 })).toBe("Delete your 1 chat");
    expect(en("data.archivedAll", { count: 12 })).toBe("Archived 12 chats.");
    expect(en("data.deletedAll", { count: 1 })).toBe("Deleted 1 chat.");
    expect(en("data.deleteAllConfirm", { count: 20 })).toBe("Yes, delete all 20 chats and their files — this cannot be undone");
    expect([1, 3, 5, 11, 21, 24].map((count) => ru("data.deleteAll", { count }))).toEqual([
      "Удалить 1 чат",
      "Удалить все 3 чата",
      "Удалить все 5 чатов",
      "Удалить все 11 чатов",
      "Удалить 21 чат",
      "Удалить все 24 чата",
    ]);
    expect([1, 2, 7].map((count) => ru("data.archivedAll", { count }))).toEqual(["В архив перенесён 1 чат.", "В архив перенесены 2 чата.", "В архив перенесено 7 чатов."]);
    expect(ru("data.noChats")).toBe("У вас нет чатов.");
  });
});
