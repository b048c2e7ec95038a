import { beforeAll, describe, expect, test } from "vitest";
import { addExchange, createTestChat, createTestUser, pathContents, TEST_MODEL } from "../../tests/unit/fixtures";
import { prepareDatabase } from "../db.server";

async function chatRow(chatId: string) {
  return database().query.chats.findFirst({ where: eq(chats.id, chatId) });
}

const busy = expect.objectContaining({ code: "answer_in_progress" });
import { eq } from "drizzle-orm";
import { chats, messages } from "../../drizzle/schema";
import { database } from "../db.server";
import { textParts } from "../protocol/parts";
import {
  createAnswer,
  createChatWithExchange,
  createExchange,
  getMessage,
  getPathPage,
  getPathTurns,
  streamingMessageId,
  interruptOrphanedStreams,
  reopenAnswer,
  saveStreamFinal,
  saveStreamProgress,
} from "./message.server";

beforeAll(async () => {
  await prepareDatabase();
});

async function newChat() {
  const user = await createTestUser();
  const chat = await createTestChat({ userId: user.id });
  return { user, chat };
}

/** A straight conversation of `turns` exchanges; returns every message id, root first. */
async function linearChat(turns: number) {
  const { user, chat } = await newChat();
  const ids: string[] = [];
  let parentId: string | null = null;
  for (let i = 1; i <= turns; i++) {
    const exchange = await addExchange({ chatId: chat.id, parentId, question: `q${i}`, answer: `a${i}` });
    ids.push(exchange.userMessageId, exchange.assistantMessageId);
    parentId = exchange.assistantMessageId;
  }
  return { user, chat, ids, leafId: parentId! };
}

async function allCount(chatId: string, leafId: string | null) {
  return (await getPathPage({ chatId, leafId, limit: 10_000 })).messages.length;
}

describe("reading the path of a chat", () => {
  test("a page from the leaf lists its messages root first", async () => {
    const { chat, ids, leafId } = await linearChat(3);
    const page = await getPathPage({ chatId: chat.id, leafId });
    expect(page.messages.map((m) => m.id)).toEqual(ids);
    expect(page.messages.map((m) => m.content)).toEqual(["q1", "a1", "q2", "a2", "q3", "a3"]);
    expect(page.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user", "assistant"]);
    expect(page.earlierCursor).toBeNull();
  });

  test("the turns a model is shown are the newest `limit` messages of the path, root first", async () => {
    const { chat, leafId } = await linearChat(3);
    expect(await getPathTurns({ chatId: chat.id, leafId, limit: 400 })).toEqual(
      ["q1", "a1", "q2", "a2", "q3", "a3"].map((text, i) => ({ role: i % 2 ? "assistant" : "user", parts: textParts(text), status: "complete" })),
    );
    expect((await getPathTurns({ chatId: chat.id, leafId, limit: 3 })).map((t) => t.parts[0]!.type === "text" && t.parts[0]!.text)).toEqual(["a2", "q3", "a3"]);
    expect(await getPathTurns({ chatId: "x".repeat(20), leafId, limit: 3 })).toEqual([]);
  });

  test("pages of N continue exactly above the earlier cursor until the root", async () => {
    const { chat, ids, leafId } = await linearChat(7); // 14 messages
    const newest = await getPathPage({ chatId: chat.id, leafId, limit: 5 });
    expect(newest.messages.map((m) => m.id)).toEqual(ids.slice(9));
    expect(newest.earlierCursor).toBe(ids[9]);

    const middle = await getPathPage({ chatId: chat.id, leafId, before: newest.earlierCursor, limit: 5 });
    expect(middle.messages.map((m) => m.id)).toEqual(ids.slice(4, 9));
    expect(middle.earlierCursor).toBe(ids[4]);

    const oldest = await getPathPage({ chatId: chat.id, leafId, before: middle.earlierCursor, limit: 5 });
    expect(oldest.messages.map((m) => m.id)).toEqual(ids.slice(0, 4));
    expect(oldest.earlierCursor).toBeNull();
  });

  test("a path that divides evenly into pages has no cursor on its last page", async () => {
    const { chat, ids, leafId } = await linearChat(5); // 10 messages
    const newest = await getPathPage({ chatId: chat.id, leafId, limit: 5 });
    expect(newest.earlierCursor).toBe(ids[5]);
    const oldest = await getPathPage({ chatId: chat.id, leafId, before: newest.earlierCursor, limit: 5 });
    expect(oldest.messages.map((m) => m.id)).toEqual(ids.slice(0, 5));
    expect(oldest.earlierCursor).toBeNull();
  });

  test("an empty chat, or a leaf from another chat, gives an empty page", async () => {
    const { chat } = await newChat();
    expect(await getPathPage({ chatId: chat.id, leafId: null })).toEqual({ messages: [], earlierCursor: null });
    const other = await linearChat(1);
    expect(await getPathPage({ chatId: chat.id, leafId: other.leafId })).toEqual({ messages: [], earlierCursor: null });
    expect(await getMessage({ chatId: chat.id, messageId: other.leafId })).toBeUndefined();
  });

  test("each message lists its siblings in creation order", async () => {
    const { chat } = await newChat();
    const first = await addExchange({ chatId: chat.id, parentId: null, question: "v1" });
    const second = await addExchange({ chatId: chat.id, parentId: null, question: "v2" });
    // Regenerations of the second question's answer.
    const regenerated: string[] = [second.assistantMessageId];
    for (let i = 0; i < 2; i++) {
      const { assistantMessageId } = await createAnswer({ chatId: chat.id, parentId: second.userMessageId, model: TEST_MODEL, instanceId: null });
      await saveStreamFinal({ messageId: assistantMessageId, parts: textParts(`r${i}`), lastEventId: 2, status: "complete" });
      regenerated.push(assistantMessageId);
    }
    // Roots of another chat are not siblings.
    const elsewhere = await newChat();
    await addExchange({ chatId: elsewhere.chat.id, parentId: null, question: "unrelated" });

    const page = await getPathPage({ chatId: chat.id, leafId: regenerated[2]! });
    expect(page.messages.map((m) => m.content)).toEqual(["v2", "r1"]);
    expect(page.messages[0]!.siblingIds).toEqual([first.userMessageId, second.userMessageId]);
    expect(page.messages[1]!.siblingIds).toEqual(regenerated);
    const firstPage = await getPathPage({ chatId: chat.id, leafId: first.assistantMessageId });
    expect(firstPage.messages[1]!.siblingIds).toEqual([first.assistantMessageId]);
  });
});

describe("sending and editing", () => {
  test("an exchange stores the question and a streaming answer and makes the answer the active leaf", async () => {
    const { chat } = await newChat();
    const { userMessageId, assistantMessageId } = await createExchange({
      chatId: chat.id,
      parentId: null,
      parts: textParts("Hello?"),
      model: "openai:gpt-4o-mini",
      instanceId: "machine-1",
    });
    expect(await getMessage({ chatId: chat.id, messageId: userMessageId })).toMatchObject({ role: "user", content: "Hello?", status: "complete", parentId: null });
    expect(await getMessage({ chatId: chat.id, messageId: assistantMessageId })).toMatchObject({
      role: "assistant",
      content: "",
      status: "streaming",
      parentId: userMessageId,
      model: "openai:gpt-4o-mini",
      instanceId: "machine-1",
    });
    expect(await chatRow(chat.id)).toMatchObject({ activeLeafId: assistantMessageId, model: "openai:gpt-4o-mini" });
    expect(await streamingMessageId({ chatId: chat.id })).toBe(assistantMessageId);
  });

  test("a new chat and its first exchange are stored together, the answer streaming as its leaf", async () => {
    const user = await createTestUser();
    const { chat, userMessageId, assistantMessageId } = await createChatWithExchange({ userId: user.id, parts: textParts("First words"), model: TEST_MODEL, instanceId: null });
    expect(chat).toMatchObject({ userId: user.id, model: TEST_MODEL, title: "New chat", titleSet: false });
    expect(await chatRow(chat.id)).toMatchObject({ activeLeafId: assistantMessageId });
    const page = await getPathPage({ chatId: chat.id, leafId: assistantMessageId });
    expect(page.messages.map((m) => [m.id, m.role, m.content, m.status])).toEqual([
      [userMessageId, "user", "First words", "complete"],
      [assistantMessageId, "assistant", "", "streaming"],
    ]);
  });

  test("a new chat under an id the browser chose that another chat holds is id_taken, and that chat gets nothing", async () => {
    const { user, chat } = await newChat();
    const first = await addExchange({ chatId: chat.id, parentId: null, question: "q1", answer: "a1" });
    const stranger = await createTestUser();
    await expect(createChatWithExchange({ chatId: chat.id, userId: stranger.id, parts: textParts("Not into your chat"), model: TEST_MODEL, instanceId: null })).rejects.toMatchObject({ code: "id_taken" });
    // Its owner at the limit of chats (one): the chat is not stored, and neither is the exchange, in the chat holding the id.
    await expect(createChatWithExchange({ chatId: chat.id, userId: user.id, parts: textParts("Not into this chat either"), model: TEST_MODEL, instanceId: null, maxChats: 1 })).rejects.toMatchObject({ code: "id_taken" });
    expect(await chatRow(chat.id)).toMatchObject({ userId: user.id, activeLeafId: first.assistantMessageId });
    const stored = await database().query.messages.findMany({ where: eq(messages.chatId, chat.id), columns: { content: true } });
    expect(stored.map((m) => m.content).sort()).toEqual(["a1", "q1"]);
  });

  test("an edit adds a sibling question and leaves the old branch intact", async () => {
    const { chat } = await newChat();
    const first = await addExchange({ chatId: chat.id, parentId: null, question: "q1", answer: "a1" });
    const original = await addExchange({ chatId: chat.id, parentId: first.assistantMessageId, question: "original", answer: "old answer" });
    const edited = await addExchange({ chatId: chat.id, parentId: first.assistantMessageId, question: "edited", answer: "new answer" });

    const current = (await chatRow(chat.id))!;
    expect(current.activeLeafId).toBe(edited.assistantMessageId);
    expect(await pathContents({ chatId: chat.id, leafId: current.activeLeafId })).toEqual(["q1", "a1", "edited", "new answer"]);
    expect(await pathContents({ chatId: chat.id, leafId: original.assistantMessageId })).toEqual(["q1", "a1", "original", "old answer"]);
    const page = await getPathPage({ chatId: chat.id, leafId: edited.assistantMessageId });
    expect(page.messages[2]!.siblingIds).toEqual([original.userMessageId, edited.userMessageId]);
  });
});

describe("one answer at a time per chat", () => {
  test("a new exchange is refused with answer_in_progress while an answer in the chat is streaming", async () => {
    const { chat } = await newChat();
    const streaming = await createExchange({ chatId: chat.id, parentId: null, parts: textParts("first"), model: TEST_MODEL, instanceId: null });
    const before = await allCount(chat.id, streaming.assistantMessageId);

    await expect(
      createExchange({ chatId: chat.id, parentId: streaming.assistantMessageId, parts: textParts("second"), model: TEST_MODEL, instanceId: null }),
    ).rejects.toEqual(busy);
    // Also an edit (a sibling) and a regeneration.
    await expect(createExchange({ chatId: chat.id, parentId: null, parts: textParts("edit"), model: TEST_MODEL, instanceId: null })).rejects.toEqual(busy);
    await expect(createAnswer({ chatId: chat.id, parentId: streaming.userMessageId, model: TEST_MODEL, instanceId: null })).rejects.toEqual(busy);

    // Nothing half-written, and the active leaf did not move.
    const page = await getPathPage({ chatId: chat.id, leafId: streaming.assistantMessageId });
    expect(page.messages).toHaveLength(before);
    expect(page.messages[0]!.siblingIds).toEqual([streaming.userMessageId]);
    expect(page.messages[1]!.siblingIds).toEqual([streaming.assistantMessageId]);
  });

  test("another chat is not blocked, and the chat is free again once the answer is stored", async () => {
    const { chat } = await newChat();
    const other = await newChat();
    const streaming = await createExchange({ chatId: chat.id, parentId: null, parts: textParts("first"), model: TEST_MODEL, instanceId: null });
    await expect(createExchange({ chatId: other.chat.id, parentId: null, parts: textParts("free"), model: TEST_MODEL, instanceId: null })).resolves.toBeDefined();

    await saveStreamFinal({ messageId: streaming.assistantMessageId, parts: textParts("done"), lastEventId: 2, status: "complete" });
    expect(await streamingMessageId({ chatId: chat.id })).toBeUndefined();
    await expect(
      createExchange({ chatId: chat.id, parentId: streaming.assistantMessageId, parts: textParts("second"), model: TEST_MODEL, instanceId: null }),
    ).resolves.toBeDefined();
  });

  test("only an interrupted or failed answer can be reopened, and only when nothing else streams", async () => {
    const { chat } = await newChat();
    const done = await addExchange({ chatId: chat.id, parentId: null, question: "q" });
    await expect(reopenAnswer({ chatId: chat.id, messageId: done.assistantMessageId, instanceId: null })).rejects.toEqual(busy);

    await saveStreamFinal({ messageId: done.assistantMessageId, parts: textParts("cut o"), lastEventId: 4, status: "interrupted", problem: { code: "stopped" } });
    await reopenAnswer({ chatId: chat.id, messageId: done.assistantMessageId, instanceId: "m2" });
    expect(await getMessage({ chatId: chat.id, messageId: done.assistantMessageId })).toMatchObject({
      status: "streaming",
      problem: null,
      content: "cut o",
      lastEventId: 4,
      instanceId: "m2",
    });
    // It is streaming now, so a second reopen is refused.
    await expect(reopenAnswer({ chatId: chat.id, messageId: done.assistantMessageId, instanceId: null })).rejects.toEqual(busy);
  });
});

describe("persisting a streaming answer", () => {
  test("progress and the final state are stored with their event id", async () => {
    const { chat } = await newChat();
    const { assistantMessageId } = await createExchange({ chatId: chat.id, parentId: null, parts: textParts("q"), model: TEST_MODEL, instanceId: null });
    await saveStreamProgress({ messageId: assistantMessageId, parts: [{ type: "reasoning", text: "hm" }, { type: "text", text: "Hel" }], lastEventId: 3 });
    expect(await getMessage({ chatId: chat.id, messageId: assistantMessageId })).toMatchObject({ parts: [{ type: "reasoning", text: "hm" }, { type: "text", text: "Hel" }], lastEventId: 3, status: "streaming" });
    await saveStreamFinal({
      messageId: assistantMessageId,
      parts: [{ type: "reasoning", text: "hm" }, { type: "text", text: "Hello" }],
      lastEventId: 6,
      status: "complete",
      stats: { outputTokens: 2, model: TEST_MODEL },
    });
    expect(await getMessage({ chatId: chat.id, messageId: assistantMessageId })).toMatchObject({
      content: "Hello",
      lastEventId: 6,
      status: "complete",
      stats: { outputTokens: 2, model: TEST_MODEL },
      problem: null,
    });
  });
});

describe("recovering after a restart", () => {
  test("answers left streaming become interrupted, keep their text and reserve one more event id", async () => {
    const { chat } = await newChat();
    const { assistantMessageId } = await createExchange({ chatId: chat.id, parentId: null, parts: textParts("q"), model: TEST_MODEL, instanceId: null });
    await saveStreamProgress({ messageId: assistantMessageId, parts: [{ type: "reasoning", text: "why" }, { type: "text", text: "Half of it" }], lastEventId: 12 });

    expect(await interruptOrphanedStreams({ instanceId: null })).toBeGreaterThanOrEqual(1);
    expect(await getMessage({ chatId: chat.id, messageId: assistantMessageId })).toMatchObject({
      status: "interrupted",
      content: "Half of it",
      parts: [{ type: "reasoning", text: "why" }, { type: "text", text: "Half of it" }],
      lastEventId: 13,
      problem: { code: "interrupted_by_restart" },
    });
    expect(await streamingMessageId({ chatId: chat.id })).toBeUndefined();
    // Running it again changes nothing.
    await interruptOrphanedStreams({ instanceId: null });
    expect((await getMessage({ chatId: chat.id, messageId: assistantMessageId }))!.lastEventId).toBe(13);
  });

  test("a new chat whose first answer was cut short is named after its first message; a title already given stays", async () => {
    const cut = await newChat();
    await createExchange({ chatId: cut.chat.id, parentId: null, parts: textParts("How were the Roman aqueducts   built, and how did they keep the water flowing downhill?"), model: TEST_MODEL, instanceId: null });
    const named = await newChat();
    await database().update(chats).set({ title: "My own name", titleSet: true }).where(eq(chats.id, named.chat.id));
    await createExchange({ chatId: named.chat.id, parentId: null, parts: textParts("Something else entirely"), model: TEST_MODEL, instanceId: null });

    await interruptOrphanedStreams({ instanceId: null });
    const titleOf = async (chatId: string) => (await database().select({ title: chats.title, titleSet: chats.titleSet }).from(chats).where(eq(chats.id, chatId)))[0];
    expect(await titleOf(cut.chat.id)).toEqual({ title: "How were the Roman aqueducts built, and how…", titleSet: true });
    expect(await titleOf(named.chat.id)).toEqual({ title: "My own name", titleSet: true });
  });

  test("an answer this process is writing itself is left alone by a later check", async () => {
    const [writtenHere, leftBehind] = await Promise.all([newChat(), newChat()]);
    const [mine, orphan] = await Promise.all(
      [writtenHere, leftBehind].map(({ chat }) => createExchange({ chatId: chat.id, parentId: null, parts: textParts("q"), model: TEST_MODEL, instanceId: null })),
    );
    await interruptOrphanedStreams({ instanceId: null, except: [mine!.assistantMessageId] });
    expect((await getMessage({ chatId: writtenHere.chat.id, messageId: mine!.assistantMessageId }))!.status).toBe("streaming");
    expect((await getMessage({ chatId: leftBehind.chat.id, messageId: orphan!.assistantMessageId }))!.status).toBe("interrupted");
  });

  test("on a fleet, a machine interrupts only its own answers and those with no machine recorded", async () => {
    const chats = await Promise.all([newChat(), newChat(), newChat()]);
    const [mine, theirs, unknown] = await Promise.all(
      [["me"], ["them"], [null]].map(([instanceId], i) =>
        createExchange({ chatId: chats[i]!.chat.id, parentId: null, parts: textParts("q"), model: TEST_MODEL, instanceId: instanceId as string | null }),
      ),
    );
    await interruptOrphanedStreams({ instanceId: "me" });
    const status = async (i: number, id: string) => (await getMessage({ chatId: chats[i]!.chat.id, messageId: id }))!.status;
    expect(await status(0, mine!.assistantMessageId)).toBe("interrupted");
    expect(await status(1, theirs!.assistantMessageId)).toBe("streaming");
    expect(await status(2, unknown!.assistantMessageId)).toBe("interrupted");
  });
});
