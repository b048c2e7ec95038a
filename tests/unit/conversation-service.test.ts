// The conversation service, called directly with a ChatAccess as the routes
// do: every refusal is an AppError with a stable code (routes and the
// browser decide by the code, never by words), a refusal stores nothing, and
// a change that touches several rows is never seen half done.
import { vi } from "vitest";

// Before any app module reads the environment: demo answers end within milliseconds.
vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
});

import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { answerPayers, answerRequests, chats, messages, usageRecords } from "../../drizzle/schema";
import { database, databaseClient, prepareDatabase } from "~/db.server";
import { grantChatRole, requireChatAccess } from "~/models/chat-access.server";
import { createExchange, getMessage, getPathPage, MESSAGES_PAGE_SIZE, saveStreamFinal } from "~/models/message.server";
import { DEFAULT_CHAT_TITLE } from "~/models/chat.server";
import { switchToBranch } from "~/models/tree.server";
import { AppError, type ErrorCode } from "~/protocol/errors";
import { textParts } from "~/protocol/parts";
import * as conversation from "~/services/conversation.server";
import { streamRegistry } from "~/streaming/streams.server";
import { createId } from "~/utils/id";
import { addExchange, createTestChat, createTestUser, TEST_MODEL } from "./fixtures";

beforeAll(async () => {
  await prepareDatabase();
});

afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

// active_at has millisecond resolution: a gap makes "most recently active" unambiguous.
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

async function ownChat() {
  const user = await createTestUser();
  const chat = await createTestChat({ userId: user.id, title: "Service" });
  const access = () => requireChatAccess({ chatId: chat.id, user, level: "own" });
  return { user, chat, access };
}

/** The code a promise is refused with (failing the test when it is not an AppError). */
async function codeOf(work: Promise<unknown>): Promise<ErrorCode> {
  const error = await work.then(
    () => {
      throw new Error("expected a refusal, but it succeeded");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

/** Every row of the chat and its messages: what a refusal must leave exactly as it was. */
async function snapshot(chatId: string) {
  return {
    chat: await database().query.chats.findFirst({ where: eq(chats.id, chatId) }),
    messages: await database().select().from(messages).where(eq(messages.chatId, chatId)).orderBy(messages.id),
    payers: await database()
      .select({ payer: answerPayers })
      .from(answerPayers)
      .innerJoin(messages, eq(messages.id, answerPayers.messageId))
      .where(eq(messages.chatId, chatId))
      .orderBy(answerPayers.messageId),
  };
}

describe("typed refusals", () => {
  test("a message id that is not in this chat is message_not_found, for every intent that names one", async () => {
    const { chat, access } = await ownChat();
    await addExchange({ chatId: chat.id, parentId: null, question: "mine" });
    const other = await ownChat();
    const foreign = await addExchange({ chatId: other.chat.id, parentId: null, question: "not mine" });
    const before = await snapshot(chat.id);
    const a = await access();
    for (const messageId of [foreign.userMessageId, foreign.assistantMessageId, createId()]) {
      expect(await codeOf(conversation.switchBranch({ access: a, messageId }))).toBe("message_not_found");
      expect(await codeOf(conversation.regenerate({ access: a, messageId }))).toBe("message_not_found");
      expect(await codeOf(conversation.continueAnswer({ access: a, messageId }))).toBe("message_not_found");
      expect(await codeOf(conversation.editMessage({ access: a, messageId, text: "x" }))).toBe("message_not_found");
      expect(await codeOf(conversation.stopAnswer({ access: a, messageId }))).toBe("message_not_found");
      expect(await codeOf(conversation.fork({ access: a, user: { id: a.chat.userId }, messageId }))).toBe("message_not_found");
      expect(await codeOf(conversation.sendMessage({ access: a, text: "x", parentId: messageId }))).toBe("message_not_found");
    }
    expect(await snapshot(chat.id)).toEqual(before);
    // Deleting what is not there is not an error (a second click on Delete).
    await expect(conversation.deleteBranch({ access: a, messageId: foreign.userMessageId })).resolves.toBeUndefined();
    expect((await snapshot(other.chat.id)).messages).toHaveLength(2);
  });

  test("editing an answer, or continuing a question, is message_not_found: only questions are edited and answers continued", async () => {
    const { chat, access } = await ownChat();
    const ids = await addExchange({ chatId: chat.id, parentId: null, question: "q" });
    expect(await codeOf(conversation.editMessage({ access: await access(), messageId: ids.assistantMessageId, text: "x" }))).toBe("message_not_found");
    expect(await codeOf(conversation.continueAnswer({ access: await access(), messageId: ids.userMessageId }))).toBe("message_not_found");
  });

  test("sending while an answer is being written is answer_in_progress, and nothing is stored", async () => {
    const { chat, access } = await ownChat();
    await createExchange({ chatId: chat.id, parentId: null, parts: textParts("first"), model: TEST_MODEL, instanceId: null });
    const before = await snapshot(chat.id);
    expect(await codeOf(conversation.sendMessage({ access: await access(), text: "second" }))).toBe("answer_in_progress");
    const question = before.messages.find((m) => m.role === "user")!;
    expect(await codeOf(conversation.editMessage({ access: await access(), messageId: question.id, text: "edited" }))).toBe("answer_in_progress");
    expect(await codeOf(conversation.regenerate({ access: await access(), messageId: question.id }))).toBe("answer_in_progress");
    expect(await snapshot(chat.id)).toEqual(before);
  });

  test("continuing an answer while another is being written is answer_in_progress", async () => {
    const { chat, access } = await ownChat();
    const cut = await addExchange({ chatId: chat.id, parentId: null, question: "q1" });
    await database().update(messages).set({ status: "interrupted", problem: { code: "stopped" } }).where(eq(messages.id, cut.assistantMessageId));
    await createExchange({ chatId: chat.id, parentId: cut.assistantMessageId, parts: textParts("q2"), model: TEST_MODEL, instanceId: null });
    const before = await snapshot(chat.id);
    expect(await codeOf(conversation.continueAnswer({ access: await access(), messageId: cut.assistantMessageId }))).toBe("answer_in_progress");
    expect(await snapshot(chat.id)).toEqual(before);
  });

  test("Continue pressed the moment a stopped answer's end reaches its reader waits for the end to be stored", async () => {
    const { chat, access } = await ownChat();
    const cut = await addExchange({ chatId: chat.id, parentId: null, question: "count" });
    await database().update(messages).set({ status: "streaming" }).where(eq(messages.id, cut.assistantMessageId));
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const stream = streamRegistry().start({
      messageId: cut.assistantMessageId,
      chatId: chat.id,
      run: async (writer) => {
        writer.text("one two");
        await stopped;
        return { status: "interrupted", problem: { code: "stopped" } };
      },
    });
    const chatAccess = await access();
    let continued: Promise<unknown> | undefined;
    stream.subscribe(0, (event) => {
      // As the page does: the terminal event shows Continue, and it is pressed at once.
      if (event.event === "error" || event.event === "done") {
        continued = conversation.continueAnswer({ access: chatAccess, messageId: cut.assistantMessageId }).then(
          () => "continued",
          (error: unknown) => (error instanceof AppError ? error.code : error),
        );
      }
    });
    stop();
    await stream.settled;
    expect(await continued).toBe("continued");
    await streamRegistry().get(cut.assistantMessageId)?.settled;
  });

  test("a chat whose first answer a restart cut short gets its title when Continue finishes it", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id, title: DEFAULT_CHAT_TITLE });
    const access = () => requireChatAccess({ chatId: chat.id, user, level: "own" });
    expect((await access()).chat.titleSet).toBe(false);
    const cut = await createExchange({ chatId: chat.id, parentId: null, parts: textParts("Tell me about the glaciers of Norway"), model: TEST_MODEL, instanceId: null });
    await saveStreamFinal({ messageId: cut.assistantMessageId, parts: textParts("Norway has"), lastEventId: 2, status: "interrupted", problem: { code: "interrupted_by_restart" } });
    await conversation.continueAnswer({ access: await access(), user, messageId: cut.assistantMessageId });
    await streamRegistry().get(cut.assistantMessageId)?.settled;
    await vi.waitFor(async () => expect((await access()).chat.titleSet).toBe(true), { timeout: 5_000 });
    expect((await access()).chat.title).not.toBe(DEFAULT_CHAT_TITLE);
  });

  test("a continued answer's stats add up its requests, and each request keeps its own usage record", async () => {
    const { user, chat, access } = await ownChat();
    const cut = await createExchange({ chatId: chat.id, parentId: null, parts: textParts("Count to ten"), model: TEST_MODEL, instanceId: null });
    const first = { model: TEST_MODEL, inputTokens: 11, outputTokens: 7, durationMs: 900, timeToFirstTokenMs: 40, finishReason: "stopped" };
    await saveStreamFinal({ messageId: cut.assistantMessageId, parts: textParts("one two three"), lastEventId: 4, status: "interrupted", stats: first, problem: { code: "stopped" } });
    await conversation.continueAnswer({ access: await access(), user, messageId: cut.assistantMessageId });
    await streamRegistry().get(cut.assistantMessageId)?.settled;
    const answer = await getMessage({ chatId: chat.id, messageId: cut.assistantMessageId });
    const [record] = await database()
      .select()
      .from(usageRecords)
      .where(and(eq(usageRecords.messageId, cut.assistantMessageId), eq(usageRecords.kind, "answer")));
    // The continuation's own request: what it was asked and wrote, nothing of the first.
    expect(record!.outputTokens).toBeGreaterThan(0);
    expect(record!.inputTokens).toBeGreaterThan(0);
    expect(answer!.status).toBe("complete");
    expect(answer!.stats).toMatchObject({
      model: TEST_MODEL,
      inputTokens: 11 + record!.inputTokens,
      outputTokens: 7 + record!.outputTokens,
      timeToFirstTokenMs: 40,
      finishReason: "stop",
    });
    expect(answer!.stats!.durationMs).toBeGreaterThanOrEqual(900);
  });

  test("continuing an answer that ended normally is answer_not_interrupted", async () => {
    const { chat, access } = await ownChat();
    const done = await addExchange({ chatId: chat.id, parentId: null, question: "q" });
    const before = await snapshot(chat.id);
    expect(await codeOf(conversation.continueAnswer({ access: await access(), messageId: done.assistantMessageId }))).toBe("answer_not_interrupted");
    expect(await snapshot(chat.id)).toEqual(before);
  });

  test("a model that is not in the catalogue is model_unavailable on the model field, for a send, a regeneration and a new chat", async () => {
    const { chat, user, access } = await ownChat();
    const done = await addExchange({ chatId: chat.id, parentId: null, question: "q" });
    const before = await snapshot(chat.id);
    const refusal = await conversation.sendMessage({ access: await access(), text: "hi", model: "nowhere:no-such-model" }).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: "model_unavailable", field: "model" });
    expect(await codeOf(conversation.regenerate({ access: await access(), messageId: done.assistantMessageId, model: "nowhere:no-such-model" }))).toBe("model_unavailable");
    expect(await snapshot(chat.id)).toEqual(before);
    const chatsBefore = await database().select({ id: chats.id }).from(chats).where(eq(chats.userId, user.id));
    expect(await codeOf(conversation.startChat({ user, text: "hi", model: "nowhere:no-such-model" }))).toBe("model_unavailable");
    expect(await database().select({ id: chats.id }).from(chats).where(eq(chats.userId, user.id))).toEqual(chatsBefore);
  });

  test("a new chat takes the id its page chose, and a second send under that id is id_taken, writing nothing", async () => {
    const user = await createTestUser();
    const chatId = createId();
    const started = await conversation.startChat({ user, text: "First words under my id", model: "demo:parley-demo", chatId });
    expect(started.chat.id).toBe(chatId);
    const before = await snapshot(chatId);
    expect(await codeOf(conversation.startChat({ user, text: "The same send again", model: "demo:parley-demo", chatId }))).toBe("id_taken");
    const stranger = await createTestUser();
    expect(await codeOf(conversation.startChat({ user: stranger, text: "Into someone else's chat", model: "demo:parley-demo", chatId }))).toBe("id_taken");
    expect(await snapshot(chatId)).toEqual(before);
    expect(await database().select({ id: chats.id }).from(chats).where(eq(chats.userId, stranger.id))).toEqual([]);
  });

  test("the titles Parley writes are in the language of the person they are written for", async () => {
    const { chat, user, access } = await ownChat();
    const ids = await addExchange({ chatId: chat.id, parentId: null, question: "q" });
    const started = await conversation.startChat({ user, text: "Привет", model: "demo:parley-demo", locale: "ru" });
    expect(started.chat.title).toBe("Новый чат");
    expect((await conversation.startChat({ user, text: "Hello", model: "demo:parley-demo" })).chat.title).toBe("New chat");
    const copy = await conversation.fork({ access: await access(), user, messageId: ids.assistantMessageId, locale: "ru" });
    expect((await requireChatAccess({ chatId: copy, user, level: "own" })).chat.title).toBe("Service (ответвление)");
    const englishCopy = await conversation.fork({ access: await access(), user, messageId: ids.assistantMessageId });
    expect((await requireChatAccess({ chatId: englishCopy, user, level: "own" })).chat.title).toBe("Service (fork)");
  });

  test("regenerating an answer that has no question above it is cannot_regenerate", async () => {
    const { chat, access } = await ownChat();
    const orphanId = createId();
    // Only a hand-made row can be an answer at the root; the service must refuse it rather than answer nothing.
    await database().insert(messages).values({ id: orphanId, chatId: chat.id, parentId: null, role: "assistant", parts: textParts("alone"), content: "alone", status: "complete" });
    const before = await snapshot(chat.id);
    expect(await codeOf(conversation.regenerate({ access: await access(), messageId: orphanId }))).toBe("cannot_regenerate");
    expect(await snapshot(chat.id)).toEqual(before);
  });

  test("ids chosen by the browser that are already used, in this chat or any other, are id_taken", async () => {
    const { chat, access, user } = await ownChat();
    const mine = await addExchange({ chatId: chat.id, parentId: null, question: "q" });
    const other = await ownChat();
    const theirs = await addExchange({ chatId: other.chat.id, parentId: null, question: "their q" });
    const taken = [mine.userMessageId, mine.assistantMessageId, theirs.userMessageId, theirs.assistantMessageId];
    for (const id of taken) {
      expect(await codeOf(conversation.sendMessage({ access: await access(), text: "again", userMessageId: id, answerId: createId() })), id).toBe("id_taken");
      expect(await codeOf(conversation.sendMessage({ access: await access(), text: "again", userMessageId: createId(), answerId: id })), id).toBe("id_taken");
      expect(await codeOf(conversation.regenerate({ access: await access(), messageId: mine.userMessageId, answerId: id })), id).toBe("id_taken");
    }
    // The same send again (a retry with the same ids) changes nothing, not even who pays.
    const first = { userMessageId: createId(), answerId: createId() };
    await conversation.sendMessage({ access: await access(), user, text: "once", ...first });
    await streamRegistry().get(first.answerId)?.settled;
    const stored = await snapshot(chat.id);
    expect(stored.payers.map((row) => row.payer)).toContainEqual(expect.objectContaining({ messageId: first.answerId, paidBy: "server", provider: "demo" }));
    const requests = () => database().select().from(answerRequests).where(eq(answerRequests.userId, user.id));
    expect(await requests()).toEqual([expect.objectContaining({ id: first.answerId })]);
    expect(await codeOf(conversation.sendMessage({ access: await access(), user, text: "once", ...first }))).toBe("id_taken");
    expect(await snapshot(chat.id)).toEqual(stored);
    expect(await requests(), "the answers-per-window count holds the send once").toHaveLength(1);
    // The same id for the question and its answer cannot become two messages.
    const same = createId();
    expect(await codeOf(conversation.sendMessage({ access: await access(), text: "twice", userMessageId: same, answerId: same }))).toBe("id_taken");
    expect(await getMessage({ chatId: chat.id, messageId: same })).toBeUndefined();
  });

  // One case per statement guard of the send and regenerate batches: the
  // refusal must come with no row written and the chat's leaf where it was.
  const takenIdCases = [
    { name: "a send whose question id is an earlier question of this chat", run: "send-question", owner: "mine" },
    { name: "a send whose answer id is a message of this chat", run: "send-answer", owner: "mine" },
    { name: "a regeneration whose answer id is a message of this chat", run: "regenerate", owner: "mine" },
    { name: "a send whose question id is another chat's question", run: "send-question", owner: "theirs" },
    { name: "a send whose answer id is another chat's message", run: "send-answer", owner: "theirs" },
    { name: "a regeneration whose answer id is another chat's message", run: "regenerate", owner: "theirs" },
  ] as const;
  for (const c of takenIdCases) {
    test(`${c.name} is refused with id_taken and changes nothing (no stray streaming answer, no moved leaf)`, async () => {
      const { chat, access } = await ownChat();
      const mine = await addExchange({ chatId: chat.id, parentId: null, question: "q" });
      await tick();
      const second = await addExchange({ chatId: chat.id, parentId: mine.assistantMessageId, question: "q2" });
      const other = await ownChat();
      const theirs = await addExchange({ chatId: other.chat.id, parentId: null, question: "their q" });
      const source = c.owner === "mine" ? mine : theirs;
      const before = { mine: await snapshot(chat.id), theirs: await snapshot(other.chat.id) };
      const a = await access();
      const refusal =
        c.run === "send-question"
          ? conversation.sendMessage({ access: a, text: "again", userMessageId: source.userMessageId, answerId: createId() })
          : c.run === "send-answer"
            ? conversation.sendMessage({ access: a, text: "again", userMessageId: createId(), answerId: source.userMessageId })
            : conversation.regenerate({ access: a, messageId: second.userMessageId, answerId: source.userMessageId });
      expect(await codeOf(refusal)).toBe("id_taken");
      expect({ mine: await snapshot(chat.id), theirs: await snapshot(other.chat.id) }).toEqual(before);
    });
  }

  test("a viewer's access is chat_read_only for every change, and fork alone is allowed", async () => {
    const { chat } = await ownChat();
    const ids = await addExchange({ chatId: chat.id, parentId: null, question: "q" });
    const viewer = await createTestUser("Viewer");
    await grantChatRole({ chatId: chat.id, userId: viewer.id, role: "viewer" });
    const access = await requireChatAccess({ chatId: chat.id, user: viewer, level: "read" });
    const before = await snapshot(chat.id);
    const refusals = [
      conversation.sendMessage({ access, text: "x" }),
      conversation.editMessage({ access, messageId: ids.userMessageId, text: "x" }),
      conversation.regenerate({ access, messageId: ids.assistantMessageId }),
      conversation.continueAnswer({ access, messageId: ids.assistantMessageId }),
      conversation.stopAnswer({ access, messageId: ids.assistantMessageId }),
      conversation.switchBranch({ access, messageId: ids.userMessageId }),
      conversation.deleteBranch({ access, messageId: ids.userMessageId }),
      conversation.renameChat({ access, title: "x" }),
      conversation.setSystemPrompt({ access, systemPrompt: "x" }),
      conversation.setPinned({ access, pinned: true }),
      conversation.setArchived({ access, archived: true }),
      conversation.removeChat({ access }),
    ];
    for (const refusal of refusals) expect(await codeOf(refusal)).toBe("chat_read_only");
    expect(await snapshot(chat.id)).toEqual(before);
    const forkId = await conversation.fork({ access, user: viewer, messageId: ids.assistantMessageId });
    expect((await requireChatAccess({ chatId: forkId, user: viewer, level: "own" })).chat.title).toBe("Service (fork)");
  });
});

describe("switching to another version", () => {
  /** A first question and its answer, then `turns` more exchanges below them. */
  async function version(chatId: string, label: string, turns: number) {
    const first = await addExchange({ chatId, parentId: null, question: `${label} 0` });
    let parentId = first.assistantMessageId;
    for (let i = 1; i <= turns; i++) parentId = (await addExchange({ chatId, parentId, question: `${label} ${i}` })).assistantMessageId;
    await tick();
    return first;
  }

  test("says which page shows the version: an earlier one ending with its answer when the talk below is longer than a page, else the latest", async () => {
    const { chat, access } = await ownChat();
    const long = await version(chat.id, "long", MESSAGES_PAGE_SIZE / 2);
    const short = await version(chat.id, "short", 1);
    const other = await version(chat.id, "other", MESSAGES_PAGE_SIZE / 2 - 1);

    const { before } = await conversation.switchBranch({ access: await access(), messageId: long.userMessageId });
    expect(before).not.toBeNull();
    const { chat: shown } = await access();
    const page = await getPathPage({ chatId: chat.id, leafId: shown.activeLeafId, before });
    expect(page.messages.slice(-2).map((m) => m.id)).toEqual([long.userMessageId, long.assistantMessageId]);

    expect(await conversation.switchBranch({ access: await access(), messageId: short.userMessageId })).toEqual({ before: null });
    const latest = await getPathPage({ chatId: chat.id, leafId: (await access()).chat.activeLeafId });
    expect(latest.messages[0]!.id).toBe(short.userMessageId);

    // A page's worth with it: the latest page still shows it, at its top.
    const { before: atTop } = await conversation.switchBranch({ access: await access(), messageId: other.userMessageId });
    expect(atTop).toBeNull();
    expect((await getPathPage({ chatId: chat.id, leafId: (await access()).chat.activeLeafId })).messages[0]!.id).toBe(other.userMessageId);
  });
});

describe("changes of several rows happen whole or not at all", () => {
  /**
   * q ─┬─ a1 ─ q1 ─ a1'   (older branch)
   *    └─ a2              (newer: the active leaf)
   */
  async function twoBranches() {
    const { user, chat, access } = await ownChat();
    const root = await addExchange({ chatId: chat.id, parentId: null, question: "q", answer: "a1" });
    await tick();
    const deeper = await addExchange({ chatId: chat.id, parentId: root.assistantMessageId, question: "q1", answer: "a1'" });
    await tick();
    const { assistantMessageId: a2 } = await conversation.regenerate({ access: await access(), messageId: root.assistantMessageId });
    await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
    return { user, chat, access, root, deeper, a2 };
  }

  const activeLeaf = async (chatId: string) => (await database().query.chats.findFirst({ where: eq(chats.id, chatId) }))!.activeLeafId;
  const exists = async (chatId: string, messageId: string | null) => messageId !== null && (await getMessage({ chatId, messageId })) !== undefined;

  test("deleting the branch on screen moves the chat to what remains, in the same step", async () => {
    const { chat, access, root, a2 } = await twoBranches();
    expect(await activeLeaf(chat.id)).toBe(a2);
    await conversation.deleteBranch({ access: await access(), messageId: a2 });
    const leaf = await activeLeaf(chat.id);
    expect(await exists(chat.id, leaf)).toBe(true);
    expect(leaf).not.toBe(root.assistantMessageId);
  });

  test("deleting a branch never leaves the chat on a deleted message, even when the branch on screen changed after access was checked", async () => {
    const { chat, access, root, deeper, a2 } = await twoBranches();
    // A request checks access while the chat shows a2 …
    const stale = await access();
    expect(stale.chat.activeLeafId).toBe(a2);
    // … meanwhile another tab switches to the older branch …
    await switchToBranch({ chatId: chat.id, messageId: root.assistantMessageId });
    expect(await activeLeaf(chat.id)).toBe(deeper.assistantMessageId);
    // … and the first request deletes that branch.
    await conversation.deleteBranch({ access: stale, messageId: root.assistantMessageId });
    expect(await exists(chat.id, root.assistantMessageId)).toBe(false);
    const leaf = await activeLeaf(chat.id);
    expect(await exists(chat.id, leaf), `active leaf ${leaf} must exist`).toBe(true);
    expect(leaf).toBe(a2);
  });

  test("when the delete fails, the chat's active leaf does not move either", async () => {
    const { chat, access, a2 } = await twoBranches();
    const client = databaseClient();
    // Make the delete itself fail inside the batch (as a full disk or a crash would).
    await client.execute(`CREATE TRIGGER refuse_delete BEFORE DELETE ON messages WHEN old.id = '${a2}' BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`);
    try {
      const before = await snapshot(chat.id);
      await expect(conversation.deleteBranch({ access: await access(), messageId: a2 })).rejects.toThrow();
      expect(await snapshot(chat.id)).toEqual(before);
    } finally {
      await client.execute("DROP TRIGGER refuse_delete");
    }
  });

  test("switching branches stores the chosen branch and the chat's leaf together, or neither", async () => {
    const { chat, access, root } = await twoBranches();
    const client = databaseClient();
    await client.execute(`CREATE TRIGGER refuse_leaf BEFORE UPDATE OF active_leaf_id ON chats WHEN new.id = '${chat.id}' BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`);
    try {
      const before = await snapshot(chat.id);
      await expect(conversation.switchBranch({ access: await access(), messageId: root.assistantMessageId })).rejects.toThrow();
      // Not even the message's "last switched to" time moved.
      expect(await snapshot(chat.id)).toEqual(before);
    } finally {
      await client.execute("DROP TRIGGER refuse_leaf");
    }
  });

  test("a refused send leaves neither a question without its answer nor a moved leaf", async () => {
    const { chat, access } = await ownChat();
    await addExchange({ chatId: chat.id, parentId: null, question: "q" });
    const client = databaseClient();
    // The answer's insert fails after the question's succeeded, within the same batch.
    await client.execute(`CREATE TRIGGER refuse_answer BEFORE INSERT ON messages WHEN new.role = 'assistant' AND new.chat_id = '${chat.id}' BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`);
    try {
      const before = await snapshot(chat.id);
      await expect(conversation.sendMessage({ access: await access(), text: "half?" })).rejects.toThrow();
      expect(await snapshot(chat.id)).toEqual(before);
    } finally {
      await client.execute("DROP TRIGGER refuse_answer");
    }
    expect((await database().all<{ n: number }>(sql`SELECT count(*) AS n FROM messages WHERE chat_id = ${chat.id} AND content = 'half?'`))[0]!.n).toBe(0);
  });
});
