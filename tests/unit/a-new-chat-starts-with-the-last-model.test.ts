// A new chat starts with the model its person last chatted with, while it is
// still offered to them; their first chat, and one whose last model is gone
// (turned off, no longer listed), starts with the server's default. The page's
// picker and a send that names no model agree, and an imported chat whose model
// this server does not offer starts there too.
// Checked with the real OpenAI SDK against the fake upstream.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { chats, messages } from "../../drizzle/schema";
import { type FakeServer, startFakeOpenAI } from "../fakes/openai";
import { database, prepareDatabase } from "~/db.server";
import { modelPolicy, saveModelPolicy } from "~/llm/model-policy.server";
import { requireChatAccess } from "~/models/chat-access.server";
import * as conversation from "~/services/conversation.server";
import { importFile } from "~/services/import.server";
import { createId } from "~/utils/id";
import { answersSettled, closeFakesAfterAnswers, createTestUser, TEST_MODEL } from "./fixtures";

const OPENAI = "openai:gpt-4o-mini";
const OPENAI_BIG = "openai:gpt-4o";
let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  Object.assign(process.env, { OPENAI_API_KEY: "server-key-of-last-models-01", OPENAI_BASE_URL: fake.url });
  await prepareDatabase();
});

afterEach(answersSettled);
afterAll(() => closeFakesAfterAnswers(fake));

// updated_at has millisecond resolution: a gap makes "last chatted in" unambiguous.
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The model the answer of a new chat started without naming one was written with. */
async function modelOfAnswer(answerId: string): Promise<string | null> {
  const [row] = await database().select({ model: messages.model }).from(messages).where(eq(messages.id, answerId));
  return row?.model ?? null;
}

describe("the model a new chat starts with", () => {
  test("is the server's default for a first chat, then the one last chatted with, for that person only", async () => {
    const ada = await createTestUser("Ada");
    const bob = await createTestUser("Bob");
    expect(await conversation.newChatModelFor(ada)).toBe(TEST_MODEL);

    await conversation.startChat({ user: ada, text: "A first question for GPT-4o mini", model: OPENAI });
    await answersSettled();
    expect(await conversation.newChatModelFor(ada)).toBe(OPENAI);
    expect(await conversation.newChatModelFor(bob)).toBe(TEST_MODEL);

    // A send that names no model is answered by that model too.
    const { assistantMessageId } = await conversation.startChat({ user: ada, text: "A second chat, no model named" });
    await answersSettled();
    expect(await modelOfAnswer(assistantMessageId)).toBe(OPENAI);
  });

  test("follows the chat last written in, and the model last chosen in it", async () => {
    const ada = await createTestUser("Ada");
    const { chat: first } = await conversation.startChat({ user: ada, text: "First chat, demo", model: TEST_MODEL });
    await answersSettled();
    await tick();
    await conversation.startChat({ user: ada, text: "Second chat, GPT-4o mini", model: OPENAI });
    await answersSettled();
    expect(await conversation.newChatModelFor(ada)).toBe(OPENAI);

    // Back in the first chat, with another model: that chat, and its model, are now the last.
    await tick();
    await conversation.sendMessage({ access: await requireChatAccess({ chatId: first.id, user: ada, level: "own" }), user: ada, text: "Now with GPT-4o", model: OPENAI_BIG });
    await answersSettled();
    expect(await conversation.newChatModelFor(ada)).toBe(OPENAI_BIG);
  });

  test("is the server's default again when the last model is turned off or no longer listed", async () => {
    const ada = await createTestUser("Ada");
    const admin = await createTestUser("Admin");
    const { chat } = await conversation.startChat({ user: ada, text: "A chat with GPT-4o mini", model: OPENAI });
    await answersSettled();

    const before = await modelPolicy();
    await saveModelPolicy({ policy: { ...before, disabledModels: [...before.disabledModels, OPENAI] }, changedBy: admin.id });
    try {
      expect(await conversation.newChatModelFor(ada)).toBe(TEST_MODEL);
    } finally {
      await saveModelPolicy({ policy: before, changedBy: admin.id });
    }
    expect(await conversation.newChatModelFor(ada)).toBe(OPENAI);

    // A model the provider stopped listing (the chat keeps its name of it).
    await database().update(chats).set({ model: "openai:gpt-3.5-turbo-0301" }).where(eq(chats.id, chat.id));
    expect(await conversation.newChatModelFor(ada)).toBe(TEST_MODEL);
  });
});

test("an imported chat whose model this server does not offer answers with the model a new chat would start with", async () => {
  const ada = await createTestUser("Ada");
  await conversation.startChat({ user: ada, text: "A chat with GPT-4o", model: OPENAI_BIG });
  await answersSettled();
  // A ChatGPT export of one exchange, written long ago by a model no one offers any more.
  const message = (id: string, role: string, text: string) => ({ id, author: { role }, create_time: 1_600_000_000, content: { content_type: "text", parts: [text] }, status: "finished_successfully", recipient: "all", metadata: role === "assistant" ? { model_slug: "text-davinci-002" } : {} });
  const conversations = [
    {
      title: "Old bridges",
      conversation_id: `conv-${createId()}`,
      create_time: 1_600_000_000,
      update_time: 1_600_000_100,
      current_node: "b",
      default_model_slug: "text-davinci-002",
      mapping: {
        root: { id: "root", parent: null, children: ["a"], message: null },
        a: { id: "a", parent: "root", children: ["b"], message: message("a", "user", "How do old bridges stand?") },
        b: { id: "b", parent: "a", children: [], message: message("b", "assistant", "On stone arches.") },
      },
    },
  ];
  const file = path.join(tmpdir(), `parley-last-model-${createId()}.json`);
  writeFileSync(file, JSON.stringify(conversations));
  const report = await importFile({ filePath: file, user: { id: ada.id } });
  expect(report).toMatchObject({ imported: 1, failed: [] });
  const [imported] = await database().select({ model: chats.model }).from(chats).where(eq(chats.id, report.chats[0]!.id));
  expect(imported?.model).toBe(OPENAI_BIG);
  // Its old time leaves the last chat where it was.
  expect(await conversation.newChatModelFor(ada)).toBe(OPENAI_BIG);
});
