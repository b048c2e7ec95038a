// The server's system prompt: versions kept with who saved them, a restore is
// a new version, two versions compare line by line, and an answer from a real
// SDK (against the fake OpenAI) carries the prompt in force before the chat's
// own, and records which version it used.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeOpenAI, type FakeServer } from "../fakes/openai";
import { prepareDatabase } from "~/db.server";
import { getAnswerPayer } from "~/models/answer-payer.server";
import { systemPromptHistory } from "~/models/system-prompt.server";
import { requireChatAccess } from "~/models/chat-access.server";
import * as conversation from "~/services/conversation.server";
import { diffLines, restoreServerPrompt, saveServerPrompt, serverPromptSchema } from "~/services/system-prompt.server";
import { streamRegistry } from "~/streaming/streams.server";
import { createTestUser } from "./fixtures";

let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  Object.assign(process.env, { OPENAI_API_KEY: "server-key-for-prompts", OPENAI_BASE_URL: fake.url });
  await prepareDatabase();
});

afterAll(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
  // Titles are written in the background after the first answer: let them finish before the fake goes.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await fake.close();
});

/** The system message the fake received with the question `question`. */
async function systemSentFor(question: string, answerId: string): Promise<string | undefined> {
  await streamRegistry().get(answerId)?.settled;
  const request = fake.requests.findLast((r) => r.path === "/v1/chat/completions" && r.body?.stream === true && JSON.stringify(r.body?.messages ?? []).includes(question));
  const messages = (request?.body?.messages ?? []) as { role: string; content: unknown }[];
  const system = messages.find((m) => m.role === "system" || m.role === "developer");
  return typeof system?.content === "string" ? system.content : JSON.stringify(system?.content);
}

describe("the server's system prompt", () => {
  test("each save is a version with its author; the same text again saves nothing; a restore is a new version", async () => {
    const admin = await createTestUser("Admin");
    const first = await saveServerPrompt({ text: "Answer in British English.", by: admin });
    const second = await saveServerPrompt({ text: "Answer in British English.\nBe brief.", by: admin });
    expect(first.saved && second.saved).toBe(true);
    expect(await saveServerPrompt({ text: "Answer in British English.\nBe brief.", by: admin })).toEqual({ saved: false, version: second.version });
    const restored = await restoreServerPrompt({ version: first.version!, by: admin });
    expect(restored).toMatchObject({ text: "Answer in British English.", restoredFrom: first.version, version: second.version! + 1 });
    const history = await systemPromptHistory();
    expect(history.slice(0, 3).map((v) => v.version)).toEqual([restored!.version, second.version, first.version]);
    expect(history[0]).toMatchObject({ authorEmail: admin.email, restoredFrom: first.version });
    // Its text is in force now: restoring it again adds nothing.
    expect(await restoreServerPrompt({ version: first.version!, by: admin })).toBeNull();
    expect((await systemPromptHistory())[0]?.version).toBe(restored!.version);
    await expect(restoreServerPrompt({ version: 999_999, by: admin })).rejects.toMatchObject({ code: "not_found" });
  });

  test("a prompt over the limit is refused with a code, and line ends are made plain", () => {
    expect(serverPromptSchema.safeParse({ text: "x".repeat(20_001) }).error?.issues[0]?.message).toBe("system_prompt_too_long");
    expect(serverPromptSchema.parse({ text: "  one\r\ntwo\r\n " }).text).toBe("one\ntwo");
  });

  test("two versions compare line by line", () => {
    expect(diffLines("a\nb\nc", "a\nc\nd")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "same", text: "c" },
      { kind: "added", text: "d" },
    ]);
    expect(diffLines("", "new")).toEqual([
      { kind: "removed", text: "" },
      { kind: "added", text: "new" },
    ]);
  });

  test("an answer gets the prompt in force before the chat's own, and records its version; an emptied prompt is none", async () => {
    const admin = await createTestUser("Prompter");
    const { version } = await saveServerPrompt({ text: "server-rule: cite sources.", by: admin });
    const user = await createTestUser("Asker");
    const { chat, assistantMessageId } = await conversation.startChat({ user, text: "first question", model: "openai:gpt-4o-mini" });
    const system = await systemSentFor("first question", assistantMessageId);
    expect(system).toMatch(/^server-rule: cite sources\.\n\nYou are Parley/);
    expect(await getAnswerPayer({ messageId: assistantMessageId })).toMatchObject({ systemPromptVersion: version, askedBy: user.id });

    const access = await requireChatAccess({ chatId: chat.id, user, level: "own" });
    await conversation.setSystemPrompt({ access, systemPrompt: "chat-rule: answer in French." });
    await saveServerPrompt({ text: "", by: admin });
    const ids = await conversation.sendMessage({ access: await requireChatAccess({ chatId: chat.id, user, level: "write" }), user, text: "second question" });
    expect(await systemSentFor("second question", ids.assistantMessageId)).toBe("chat-rule: answer in French.");
    expect(await getAnswerPayer({ messageId: ids.assistantMessageId })).toMatchObject({ systemPromptVersion: null });
  });
});
