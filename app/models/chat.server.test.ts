import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { chatMembers, chats } from "../../drizzle/schema";
import { addExchange, createTestChat, createTestUser } from "../../tests/unit/fixtures";
import { database, prepareDatabase } from "../db.server";
import { AppError } from "../protocol/errors";
import * as conversation from "../services/conversation.server";
import { grantChatRole, requireChatAccess } from "./chat-access.server";
import { CHATS_PAGE_SIZE, createChat, DEFAULT_CHAT_TITLE, deleteChat, listChats, setGeneratedTitle, updateChat } from "./chat.server";
import { getMessage } from "./message.server";

beforeAll(async () => {
  await prepareDatabase();
});

async function setActivity(chatId: string, updatedAt: number) {
  await database().update(chats).set({ updatedAt }).where(eq(chats.id, chatId));
}

async function chatOf(chatId: string) {
  return database().query.chats.findFirst({ where: eq(chats.id, chatId) });
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe("access", () => {
  test("the creator is the owner; a stranger gets not_found, as for a chat that does not exist", async () => {
    const owner = await createTestUser("Owner");
    const stranger = await createTestUser("Stranger");
    const chat = await createTestChat({ userId: owner.id, title: "Private" });
    expect(await requireChatAccess({ chatId: chat.id, user: owner, level: "own" })).toMatchObject({ chat: { id: chat.id, title: "Private" }, role: "owner", level: "own" });
    expect(await codeOf(requireChatAccess({ chatId: chat.id, user: stranger, level: "read" }))).toBe("not_found");
    expect(await codeOf(requireChatAccess({ chatId: "0000000000000000none", user: owner, level: "read" }))).toBe("not_found");
    expect(await codeOf(requireChatAccess({ chatId: "../etc/passwd", user: owner, level: "read" }))).toBe("not_found");
  });

  test("a viewer reads but cannot write; an editor writes but cannot delete; roles can change", async () => {
    const owner = await createTestUser("Owner");
    const viewer = await createTestUser("Viewer");
    const chat = await createTestChat({ userId: owner.id, title: "Shared" });
    await grantChatRole({ chatId: chat.id, userId: viewer.id, role: "viewer" });
    expect((await requireChatAccess({ chatId: chat.id, user: viewer, level: "read" })).level).toBe("read");
    expect(await codeOf(requireChatAccess({ chatId: chat.id, user: viewer, level: "write" }))).toBe("chat_read_only");
    await grantChatRole({ chatId: chat.id, userId: viewer.id, role: "editor" });
    expect((await requireChatAccess({ chatId: chat.id, user: viewer, level: "write" })).level).toBe("write");
    expect(await codeOf(requireChatAccess({ chatId: chat.id, user: viewer, level: "own" }))).toBe("chat_read_only");
  });

  test("the service refuses a change below the level it needs, and changes nothing", async () => {
    const owner = await createTestUser("Owner");
    const viewer = await createTestUser("Viewer");
    const chat = await createTestChat({ userId: owner.id, title: "Mine" });
    await grantChatRole({ chatId: chat.id, userId: viewer.id, role: "viewer" });
    const viewerAccess = await requireChatAccess({ chatId: chat.id, user: viewer, level: "read" });
    expect(await codeOf(conversation.renameChat({ access: viewerAccess, title: "Hijacked" }))).toBe("chat_read_only");
    expect(await codeOf(conversation.setPinned({ access: viewerAccess, pinned: true }))).toBe("chat_read_only");
    expect(await codeOf(conversation.removeChat({ access: viewerAccess }))).toBe("chat_read_only");
    expect(await chatOf(chat.id)).toMatchObject({ title: "Mine", pinned: false, archived: false });
  });

  test("the owner can update, rename and delete a chat, and its memberships go with it", async () => {
    const owner = await createTestUser("Owner");
    const chat = await createTestChat({ userId: owner.id });
    expect(chat.titleSet).toBe(false);
    const access = await requireChatAccess({ chatId: chat.id, user: owner, level: "own" });
    await conversation.renameChat({ access, title: "Renamed" });
    await conversation.setPinned({ access, pinned: true });
    expect(await chatOf(chat.id)).toMatchObject({ title: "Renamed", titleSet: true, pinned: true });
    await conversation.removeChat({ access });
    expect(await chatOf(chat.id)).toBeUndefined();
    expect(await database().select().from(chatMembers).where(eq(chatMembers.chatId, chat.id))).toEqual([]);
  });
});

describe("titles", () => {
  test("a generated title replaces the default but never a title the user chose", async () => {
    const owner = await createTestUser();
    const untitled = await createTestChat({ userId: owner.id });
    const named = await createTestChat({ userId: owner.id });
    expect(untitled.title).toBe(DEFAULT_CHAT_TITLE);
    await updateChat({ chatId: named.id, patch: { title: "My own title", titleSet: true } });

    await setGeneratedTitle({ chatId: untitled.id, title: "Generated" });
    await setGeneratedTitle({ chatId: named.id, title: "Generated" });

    expect((await chatOf(untitled.id))!.title).toBe("Generated");
    expect((await chatOf(named.id))!.title).toBe("My own title");
  });

  test("a chat created with a title counts as titled", async () => {
    const owner = await createTestUser();
    const chat = await createChat({ userId: owner.id, model: "demo:parley-demo", title: "Given" });
    expect(chat.titleSet).toBe(true);
  });
});

describe("listing chats", () => {
  test("pages of 20, pinned first, then the most recent activity, archived chats apart", async () => {
    const owner = await createTestUser("Lister");
    const other = await createTestUser("Other");
    await createTestChat({ userId: other.id, title: "someone else's" });

    const base = 1_700_000_000_000;
    const active: string[] = [];
    for (let i = 0; i < 25; i++) {
      const chat = await createTestChat({ userId: owner.id, title: `chat ${i}` });
      await setActivity(chat.id, base + i * 1000);
      active.push(chat.id);
    }
    // Two old chats pinned: they still come first.
    await updateChat({ chatId: active[0]!, patch: { pinned: true } });
    await updateChat({ chatId: active[3]!, patch: { pinned: true } });
    const archived: string[] = [];
    for (let i = 0; i < 3; i++) {
      const chat = await createTestChat({ userId: owner.id, title: `archived ${i}` });
      await setActivity(chat.id, base + 100_000 + i);
      await updateChat({ chatId: chat.id, patch: { archived: true } });
      archived.push(chat.id);
    }

    const expectedOrder = [active[3]!, active[0]!, ...active.filter((_, i) => i !== 0 && i !== 3).reverse()];

    const first = await listChats({ userId: owner.id });
    expect(first.chats).toHaveLength(CHATS_PAGE_SIZE);
    expect(first.hasMore).toBe(true);
    expect(first.chats.map((c) => c.id)).toEqual(expectedOrder.slice(0, 20));
    expect(first.chats.slice(0, 2).every((c) => c.pinned)).toBe(true);

    const two = await listChats({ userId: owner.id, pages: 2 });
    expect(two.hasMore).toBe(false);
    expect(two.chats.map((c) => c.id)).toEqual(expectedOrder);

    const archive = await listChats({ userId: owner.id, archived: true });
    expect(archive).toEqual({ chats: expect.any(Array), hasMore: false });
    expect(archive.chats.map((c) => c.id)).toEqual([...archived].reverse());
    expect(archive.chats.every((c) => c.archived)).toBe(true);
  });

  test("exactly one full page has no more", async () => {
    const owner = await createTestUser("Twenty");
    for (let i = 0; i < CHATS_PAGE_SIZE; i++) await createTestChat({ userId: owner.id });
    const page = await listChats({ userId: owner.id });
    expect(page.chats).toHaveLength(CHATS_PAGE_SIZE);
    expect(page.hasMore).toBe(false);
  });

  test("a user with no chats gets an empty list", async () => {
    const owner = await createTestUser("Empty");
    expect(await listChats({ userId: owner.id })).toEqual({ chats: [], hasMore: false });
  });
});

describe("deleting a chat", () => {
  test("removes its messages too", async () => {
    const owner = await createTestUser();
    const chat = await createTestChat({ userId: owner.id });
    const { userMessageId, assistantMessageId } = await addExchange({ chatId: chat.id, parentId: null, question: "Hi" });
    await deleteChat({ chatId: chat.id });
    expect(await getMessage({ chatId: chat.id, messageId: userMessageId })).toBeUndefined();
    expect(await getMessage({ chatId: chat.id, messageId: assistantMessageId })).toBeUndefined();
  });
});
