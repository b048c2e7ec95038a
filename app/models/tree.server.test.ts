import { beforeAll, describe, expect, test } from "vitest";
import { addExchange, createTestChat, createTestUser, pathContents, TEST_MODEL } from "../../tests/unit/fixtures";
import { prepareDatabase } from "../db.server";
import { assembleContext } from "../llm/context";
import { eq, sql } from "drizzle-orm";
import { chats } from "../../drizzle/schema";
import { database } from "../db.server";
import { textParts } from "../protocol/parts";

async function getChat({ chatId }: { chatId: string; userId?: string }) {
  return database().query.chats.findFirst({ where: eq(chats.id, chatId) });
}
import { createAnswer, createExchange, getMessage, getPathPage, getPathTurns, saveStreamFinal, saveStreamProgress } from "./message.server";
import { deleteBranch, forkChat, isOnPath, mostRecentLeaf, switchToBranch } from "./tree.server";

beforeAll(async () => {
  await prepareDatabase();
});

// active_at has millisecond resolution: leave a gap where "most recently active" must be unambiguous.
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

async function regenerate({ chatId, parentId, answer }: { chatId: string; parentId: string; answer: string }) {
  const { assistantMessageId } = await createAnswer({ chatId, parentId, model: TEST_MODEL, instanceId: null });
  await saveStreamFinal({ messageId: assistantMessageId, parts: textParts(answer), lastEventId: 2, status: "complete" });
  return assistantMessageId;
}

/**
 * q1 ─ a1 ─┬─ q2 ─ a2
 *          └─ q2' ─ a2'        (an edit of q2, newer)
 * q1' ─ a1'                    (an edit of q1, newest: the active leaf)
 */
async function branchingChat() {
  const user = await createTestUser();
  const chat = await createTestChat({ userId: user.id, title: "Trees" });
  const first = await addExchange({ chatId: chat.id, parentId: null, question: "q1", answer: "a1" });
  await tick();
  const second = await addExchange({ chatId: chat.id, parentId: first.assistantMessageId, question: "q2", answer: "a2" });
  await tick();
  const secondEdit = await addExchange({ chatId: chat.id, parentId: first.assistantMessageId, question: "q2'", answer: "a2'" });
  await tick();
  const firstEdit = await addExchange({ chatId: chat.id, parentId: null, question: "q1'", answer: "a1'" });
  await tick();
  const current = async () => (await getChat({ chatId: chat.id, userId: user.id }))!;
  return { user, chat, first, second, secondEdit, firstEdit, current };
}

describe("switching branches", () => {
  test("switching to a sibling shows its most recently active leaf and remembers it", async () => {
    const { chat, first, secondEdit, firstEdit, current } = await branchingChat();
    expect((await current()).activeLeafId).toBe(firstEdit.assistantMessageId);

    const leaf = await switchToBranch({ chatId: chat.id, messageId: first.userMessageId });
    expect(leaf).toBe(secondEdit.assistantMessageId);
    expect((await current()).activeLeafId).toBe(secondEdit.assistantMessageId);
    expect(await pathContents({ chatId: chat.id, leafId: leaf })).toEqual(["q1", "a1", "q2'", "a2'"]);
  });

  test("a branch chosen deeper down is where the path leads when its root is chosen again", async () => {
    const { chat, first, second, firstEdit, current } = await branchingChat();
    expect(await switchToBranch({ chatId: chat.id, messageId: second.userMessageId })).toBe(second.assistantMessageId);
    await tick();
    expect(await switchToBranch({ chatId: chat.id, messageId: firstEdit.userMessageId })).toBe(firstEdit.assistantMessageId);
    await tick();
    // q2 was chosen after q2' was written, so q1 now leads to a2.
    expect(await switchToBranch({ chatId: chat.id, messageId: first.userMessageId })).toBe(second.assistantMessageId);
    expect((await current()).activeLeafId).toBe(second.assistantMessageId);
  });

  test("the most recent leaf of a leaf is itself", async () => {
    const { firstEdit } = await branchingChat();
    expect(await mostRecentLeaf({ messageId: firstEdit.assistantMessageId })).toBe(firstEdit.assistantMessageId);
  });

  test("isOnPath knows the ancestors of a message and nothing else", async () => {
    const { first, second, secondEdit, firstEdit } = await branchingChat();
    expect(await isOnPath({ messageId: second.assistantMessageId, ancestorId: first.userMessageId })).toBe(true);
    expect(await isOnPath({ messageId: second.assistantMessageId, ancestorId: second.assistantMessageId })).toBe(true);
    expect(await isOnPath({ messageId: second.assistantMessageId, ancestorId: secondEdit.userMessageId })).toBe(false);
    expect(await isOnPath({ messageId: firstEdit.assistantMessageId, ancestorId: first.userMessageId })).toBe(false);
  });
});

describe("forking", () => {
  test("a fork copies the path into a new chat with new ids and the same content", async () => {
    const { user, chat, first, second } = await branchingChat();
    // Written a while ago.
    await database().run(sql`UPDATE messages SET created_at = 1700000000000 + rowid WHERE chat_id = ${chat.id}`);
    const original = (await getChat({ chatId: chat.id, userId: user.id }))!;
    const { messages: path } = await getPathPage({ chatId: chat.id, leafId: second.assistantMessageId, limit: 100_000 });

    const forkId = await forkChat({ chat: original, userId: user.id, path });

    const fork = (await getChat({ chatId: forkId, userId: user.id }))!;
    expect(fork).toMatchObject({ title: "Trees (fork)", userId: user.id, model: original.model, titleSet: true });
    const copied = await getPathPage({ chatId: forkId, leafId: fork.activeLeafId, limit: 100_000 });
    expect(copied.messages.map((m) => [m.role, m.content, m.status])).toEqual(path.map((m) => [m.role, m.content, m.status]));
    // Each copy says when its original was written, not when it was copied.
    expect(copied.messages.map((m) => m.createdAt)).toEqual(path.map((m) => m.createdAt));
    const originalIds = new Set(path.map((m) => m.id));
    expect(copied.messages.every((m) => !originalIds.has(m.id) && m.chatId === forkId)).toBe(true);
    expect(copied.messages[0]!.parentId).toBeNull();
    // A straight line: no siblings came along.
    expect(copied.messages.every((m) => m.siblingIds.length === 1)).toBe(true);
    // The original is untouched.
    expect(await pathContents({ chatId: chat.id, leafId: second.assistantMessageId })).toEqual(["q1", "a1", "q2", "a2"]);
    expect(await getMessage({ chatId: forkId, messageId: first.userMessageId })).toBeUndefined();
  });

  test("editing the fork does not touch the original", async () => {
    const { user, chat, second } = await branchingChat();
    const original = (await getChat({ chatId: chat.id, userId: user.id }))!;
    const { messages: path } = await getPathPage({ chatId: chat.id, leafId: second.assistantMessageId });
    const forkId = await forkChat({ chat: original, userId: user.id, path });
    const fork = (await getChat({ chatId: forkId, userId: user.id }))!;
    const forkPath = (await getPathPage({ chatId: forkId, leafId: fork.activeLeafId })).messages;

    // Edit q2 in the fork (a sibling under the fork's a1) and overwrite the fork's a2.
    await addExchange({ chatId: forkId, parentId: forkPath[1]!.id, question: "q2 in the fork", answer: "fork answer" });
    await saveStreamFinal({ messageId: forkPath[3]!.id, parts: textParts("rewritten"), lastEventId: 2, status: "complete" });

    expect(await pathContents({ chatId: chat.id, leafId: second.assistantMessageId })).toEqual(["q1", "a1", "q2", "a2"]);
    const originalQ2 = (await getPathPage({ chatId: chat.id, leafId: second.assistantMessageId })).messages[2]!;
    expect(originalQ2.siblingIds).toHaveLength(2); // q2 and q2', not the fork's edit
    expect((await getChat({ chatId: chat.id, userId: user.id }))!.activeLeafId).toBe(original.activeLeafId);
  });

  test("forking mid-path copies only up to that message, and an answer still being written arrives interrupted", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id, title: "Live" });
    const first = await addExchange({ chatId: chat.id, parentId: null, question: "q1", answer: "a1" });
    const live = await createExchange({ chatId: chat.id, parentId: first.assistantMessageId, parts: textParts("q2"), model: TEST_MODEL, instanceId: null });
    await saveStreamProgress({ messageId: live.assistantMessageId, parts: textParts("so far"), lastEventId: 3 });
    const current = (await getChat({ chatId: chat.id, userId: user.id }))!;

    const midPath = (await getPathPage({ chatId: chat.id, leafId: first.assistantMessageId })).messages;
    const midFork = await forkChat({ chat: current, userId: user.id, path: midPath });
    expect(await pathContents({ chatId: midFork, leafId: (await getChat({ chatId: midFork, userId: user.id }))!.activeLeafId })).toEqual(["q1", "a1"]);

    const fullPath = (await getPathPage({ chatId: chat.id, leafId: live.assistantMessageId })).messages;
    const liveFork = await forkChat({ chat: current, userId: user.id, path: fullPath });
    const forkLeaf = (await getChat({ chatId: liveFork, userId: user.id }))!.activeLeafId!;
    expect(await getMessage({ chatId: liveFork, messageId: forkLeaf })).toMatchObject({ content: "so far", status: "interrupted" });
    // The original keeps streaming.
    expect((await getMessage({ chatId: chat.id, messageId: live.assistantMessageId }))!.status).toBe("streaming");
  });

  test("a copy's title has no direction controls or invisible characters, and a long one is cut between characters to say it is a copy", async () => {
    const user = await createTestUser();
    const path = async (chatId: string) => (await getPathPage({ chatId, leafId: (await addExchange({ chatId, parentId: null, question: "q", answer: "a" })).assistantMessageId, limit: 100 })).messages;
    // Titles stored before titles were cleaned.
    const spoofed = await createTestChat({ userId: user.id, title: "Invoice \u202EFDP.exe" });
    const spoofedCopy = await forkChat({ chat: spoofed, userId: user.id, path: await path(spoofed.id) });
    expect((await getChat({ chatId: spoofedCopy, userId: user.id }))!.title).toBe("Invoice FDP.exe (fork)");
    const families = await createTestChat({ userId: user.id, title: "👨‍👩‍👧‍👦".repeat(17) });
    const familiesCopy = await forkChat({ chat: families, userId: user.id, path: await path(families.id) });
    expect((await getChat({ chatId: familiesCopy, userId: user.id }))!.title).toBe(`${"👨‍👩‍👧‍👦".repeat(16)} (fork)`);
    // A share continued by someone else keeps its title as it is, and one with nothing visible in it is a new chat.
    const blank = await createTestChat({ userId: user.id, title: "\u200b\u200b\u200b" });
    const blankCopy = await forkChat({ chat: blank, userId: user.id, path: await path(blank.id), marked: false });
    expect((await getChat({ chatId: blankCopy, userId: user.id }))!.title).toBe("New chat");
  });
});

describe("deleting a branch", () => {
  test("removes the message and everything below it", async () => {
    const { user, chat, first, second, secondEdit, current } = await branchingChat();
    await deleteBranch({ chat: await current(), messageId: first.userMessageId });
    for (const id of [first.userMessageId, first.assistantMessageId, second.userMessageId, second.assistantMessageId, secondEdit.assistantMessageId]) {
      expect(await getMessage({ chatId: chat.id, messageId: id })).toBeUndefined();
    }
    expect((await getChat({ chatId: chat.id, userId: user.id }))!.activeLeafId).not.toBeNull();
  });

  test("deleting the shown branch moves to the most recently active remaining sibling's leaf", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const first = await addExchange({ chatId: chat.id, parentId: null, question: "q1", answer: "a1" });
    const followUp = await addExchange({ chatId: chat.id, parentId: first.assistantMessageId, question: "q2", answer: "a2" });
    await tick();
    const retry = await regenerate({ chatId: chat.id, parentId: first.userMessageId, answer: "a1 retry" });
    await tick();
    // Back to the first answer (and its follow-up), then a third answer.
    await switchToBranch({ chatId: chat.id, messageId: first.assistantMessageId });
    await tick();
    const third = await regenerate({ chatId: chat.id, parentId: first.userMessageId, answer: "a1 third" });
    const getCurrent = async () => (await getChat({ chatId: chat.id, userId: user.id }))!;
    expect((await getCurrent()).activeLeafId).toBe(third);

    await deleteBranch({ chat: await getCurrent(), messageId: third });
    // a1 was active more recently than "a1 retry", so the chat shows a1's leaf, a2.
    expect((await getCurrent()).activeLeafId).toBe(followUp.assistantMessageId);
    expect(await getMessage({ chatId: chat.id, messageId: third })).toBeUndefined();
    expect(await getMessage({ chatId: chat.id, messageId: retry })).toBeDefined();
  });

  test("deleting the shown branch with no sibling left moves to its parent", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const first = await addExchange({ chatId: chat.id, parentId: null, question: "q1", answer: "a1" });
    const followUp = await addExchange({ chatId: chat.id, parentId: first.assistantMessageId, question: "q2", answer: "a2" });
    const getCurrent = async () => (await getChat({ chatId: chat.id, userId: user.id }))!;

    await deleteBranch({ chat: await getCurrent(), messageId: followUp.userMessageId });
    expect((await getCurrent()).activeLeafId).toBe(first.assistantMessageId);
    expect(await getMessage({ chatId: chat.id, messageId: followUp.assistantMessageId })).toBeUndefined();

    await deleteBranch({ chat: await getCurrent(), messageId: first.userMessageId });
    expect((await getCurrent()).activeLeafId).toBeNull();
    expect(await getPathPage({ chatId: chat.id, leafId: first.assistantMessageId })).toEqual({ messages: [], earlierCursor: null });
  });

  test("deleting a branch that is not shown leaves the active leaf alone", async () => {
    const { chat, second, secondEdit, firstEdit, current } = await branchingChat();
    await deleteBranch({ chat: await current(), messageId: second.userMessageId });
    expect((await current()).activeLeafId).toBe(firstEdit.assistantMessageId);
    expect(await getMessage({ chatId: chat.id, messageId: second.assistantMessageId })).toBeUndefined();
    expect(await getMessage({ chatId: chat.id, messageId: secondEdit.assistantMessageId })).toBeDefined();
  });

  test("a message id from another chat deletes nothing", async () => {
    const { current } = await branchingChat();
    const other = await branchingChat();
    const before = (await current()).activeLeafId;
    await deleteBranch({ chat: await current(), messageId: other.first.userMessageId });
    expect(await getMessage({ chatId: other.chat.id, messageId: other.first.userMessageId })).toBeDefined();
    expect((await current()).activeLeafId).toBe(before);
  });
});

describe("assembling the model's context from the tree", () => {
  test("only the active path reaches the model, never a sibling branch", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const apples = await addExchange({ chatId: chat.id, parentId: null, question: "Tell me about apples", answer: "Apples grow on trees." });
    await addExchange({ chatId: chat.id, parentId: apples.assistantMessageId, question: "And apple pie?", answer: "Apple pie is baked." });
    const bananas = await addExchange({ chatId: chat.id, parentId: null, question: "Tell me about bananas", answer: "Bananas are berries." });
    const { userMessageId } = await createExchange({ chatId: chat.id, parentId: bananas.assistantMessageId, parts: textParts("More on bananas"), model: TEST_MODEL, instanceId: null });

    // The query the generation runs (startGeneration → getPathTurns).
    const path = await getPathTurns({ chatId: chat.id, leafId: userMessageId, limit: 400 });
    const context = assembleContext({ path, contextWindow: 100_000 });

    expect(context.messages).toEqual([
      { role: "user", parts: [{ type: "text", text: "Tell me about bananas" }] },
      { role: "assistant", parts: [{ type: "text", text: "Bananas are berries." }] },
      { role: "user", parts: [{ type: "text", text: "More on bananas" }] },
    ]);
    expect(JSON.stringify(context)).not.toMatch(/apple/i);
  });
});
