import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { chats } from "../../drizzle/schema";
import { addExchange, createTestChat, createTestUser } from "../../tests/unit/fixtures";
import { database, prepareDatabase } from "../db.server";
import { CHATS_PAGE_SIZE, createChat, DEFAULT_CHAT_TITLE, deleteChat, getChat, listChats, renameChat, setGeneratedTitle, updateChat } from "./chat.server";
import { getMessage } from "./message.server";

beforeAll(async () => {
  await prepareDatabase();
});

async function setActivity(chatId: string, updatedAt: number) {
  await database().update(chats).set({ updatedAt }).where(eq(chats.id, chatId));
}

describe("ownership", () => {
  test("another user's chat is invisible to getChat", async () => {
    const owner = await createTestUser("Owner");
    const stranger = await createTestUser("Stranger");
    const chat = await createTestChat({ userId: owner.id, title: "Private" });
    expect(await getChat({ chatId: chat.id, userId: owner.id })).toMatchObject({ id: chat.id, title: "Private" });
    expect(await getChat({ chatId: chat.id, userId: stranger.id })).toBeUndefined();
  });

  test("another user cannot update, rename or delete a chat", async () => {
    const owner = await createTestUser("Owner");
    const stranger = await createTestUser("Stranger");
    const chat = await createTestChat({ userId: owner.id, title: "Mine" });

    expect(await updateChat({ chatId: chat.id, userId: stranger.id, patch: { pinned: true, archived: true } })).toBe(false);
    expect(await renameChat({ chatId: chat.id, userId: stranger.id, title: "Hijacked" })).toBe(false);
    expect(await deleteChat({ chatId: chat.id, userId: stranger.id })).toBe(false);

    expect(await getChat({ chatId: chat.id, userId: owner.id })).toMatchObject({ title: "Mine", pinned: false, archived: false });
  });

  test("the owner can update, rename and delete a chat", async () => {
    const owner = await createTestUser("Owner");
    const chat = await createTestChat({ userId: owner.id });
    expect(chat.titleSet).toBe(false);
    expect(await renameChat({ chatId: chat.id, userId: owner.id, title: "Renamed" })).toBe(true);
    expect(await updateChat({ chatId: chat.id, userId: owner.id, patch: { pinned: true } })).toBe(true);
    expect(await getChat({ chatId: chat.id, userId: owner.id })).toMatchObject({ title: "Renamed", titleSet: true, pinned: true });
    expect(await deleteChat({ chatId: chat.id, userId: owner.id })).toBe(true);
    expect(await getChat({ chatId: chat.id, userId: owner.id })).toBeUndefined();
  });
});

describe("titles", () => {
  test("a generated title replaces the default but never a title the user chose", async () => {
    const owner = await createTestUser();
    const untitled = await createTestChat({ userId: owner.id });
    const named = await createTestChat({ userId: owner.id });
    expect(untitled.title).toBe(DEFAULT_CHAT_TITLE);
    await renameChat({ chatId: named.id, userId: owner.id, title: "My own title" });

    await setGeneratedTitle({ chatId: untitled.id, title: "Generated" });
    await setGeneratedTitle({ chatId: named.id, title: "Generated" });

    expect((await getChat({ chatId: untitled.id, userId: owner.id }))!.title).toBe("Generated");
    expect((await getChat({ chatId: named.id, userId: owner.id }))!.title).toBe("My own title");
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
    await updateChat({ chatId: active[0]!, userId: owner.id, patch: { pinned: true } });
    await updateChat({ chatId: active[3]!, userId: owner.id, patch: { pinned: true } });
    const archived: string[] = [];
    for (let i = 0; i < 3; i++) {
      const chat = await createTestChat({ userId: owner.id, title: `archived ${i}` });
      await setActivity(chat.id, base + 100_000 + i);
      await updateChat({ chatId: chat.id, userId: owner.id, patch: { archived: true } });
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
    expect(await deleteChat({ chatId: chat.id, userId: owner.id })).toBe(true);
    expect(await getMessage({ chatId: chat.id, messageId: userMessageId })).toBeUndefined();
    expect(await getMessage({ chatId: chat.id, messageId: assistantMessageId })).toBeUndefined();
  });
});
