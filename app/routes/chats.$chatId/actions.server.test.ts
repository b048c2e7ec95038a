// Lives inside the folder route, where Remix treats only route.tsx as a route.
import { beforeAll, describe, expect, test } from "vitest";
import { addExchange, createTestChat, createTestUser, TEST_MODEL } from "../../../tests/unit/fixtures";
import { prepareDatabase } from "~/db.server";
import { env } from "~/env.server";
import { getChat } from "~/models/chat.server";
import { createExchange, getMessage, getPathPage, streamingMessageId } from "~/models/message.server";
import { streamRegistry } from "~/streaming/streams.server";
import { contentField, intentSchema, runChatAction } from "./actions.server";

beforeAll(async () => {
  await prepareDatabase();
});

const max = () => env().MAX_MESSAGE_CHARS;

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

/** The parts of a Remix `data()` or redirect result a test looks at. */
function outcome(result: unknown): { status: number; body?: unknown; location?: string | null } {
  if (result instanceof Response) return { status: result.status, location: result.headers.get("Location") };
  const { data, init } = result as { data: unknown; init?: { status?: number } };
  return { status: init?.status ?? 200, body: data };
}

describe("message content", () => {
  test("Windows line endings are normalised", () => {
    expect(contentField().parse("one\r\ntwo\r\n")).toBe("one\ntwo\n");
  });

  test("an empty, blank or missing message is refused with a message the form can show", () => {
    for (const value of ["", "   ", "\r\n\t"]) {
      const result = contentField().safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error!.issues[0]!.message).toBe("Write a message first.");
    }
    expect(contentField().safeParse(undefined).error!.issues[0]!.message).toBe("Write a message first.");
  });

  test("a message at the limit is accepted and one over it is refused, counting a CRLF as one character", () => {
    expect(contentField().safeParse("x".repeat(max())).success).toBe(true);
    const over = contentField().safeParse("x".repeat(max() + 1));
    expect(over.error!.issues[0]!.message).toMatch(/^Messages are limited to 32,000 characters/);
    expect(contentField().safeParse("x".repeat(max() - 2) + "\r\n").success).toBe(true);
  });
});

describe("chat action intents", () => {
  test("a well-formed send is accepted", () => {
    const parsed = intentSchema().parse({ intent: "send", content: "Hi\r\n", model: "openai:gpt-4o" });
    expect(parsed).toEqual({ intent: "send", content: "Hi\n", model: "openai:gpt-4o" });
  });

  test("a malformed message id is refused", () => {
    for (const intent of ["stop", "regenerate", "continue", "switch", "fork", "delete-branch"]) {
      const result = intentSchema().safeParse({ intent, messageId: "../../etc" });
      expect(result.error!.issues[0]).toMatchObject({ path: ["messageId"], message: "That message id is malformed." });
    }
    expect(intentSchema().safeParse({ intent: "send", content: "hi", parentId: "nope" }).success).toBe(false);
  });

  test("an unknown intent is refused on the intent field", () => {
    expect(intentSchema().safeParse({ intent: "drop-tables" }).error!.issues[0]!.path).toEqual(["intent"]);
    expect(intentSchema().safeParse({}).error!.issues[0]!.path).toEqual(["intent"]);
  });

  test("titles are trimmed, and blank or over-long titles are refused", () => {
    expect(intentSchema().parse({ intent: "rename", title: "  Trip plans  " })).toEqual({ intent: "rename", title: "Trip plans" });
    expect(intentSchema().safeParse({ intent: "rename", title: "   " }).error!.issues[0]!.message).toBe("A title cannot be empty.");
    expect(intentSchema().safeParse({ intent: "rename", title: "t".repeat(121) }).error!.issues[0]!.message).toBe("Keep titles under 120 characters.");
  });

  test("pin and archive take only true or false, and system prompts are capped", () => {
    expect(intentSchema().safeParse({ intent: "pin", value: "true" }).success).toBe(true);
    expect(intentSchema().safeParse({ intent: "archive", value: "yes" }).success).toBe(false);
    expect(intentSchema().safeParse({ intent: "system-prompt", systemPrompt: "s".repeat(8001) }).success).toBe(false);
    expect(intentSchema().safeParse({ intent: "system-prompt", systemPrompt: "" }).success).toBe(true);
  });
});

describe("running chat actions", () => {
  async function ownChat() {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    return { user, chat };
  }

  test("an unknown action answers 400", async () => {
    const { chat } = await ownChat();
    expect(outcome(await runChatAction({ chat, form: form({ intent: "explode" }) }))).toMatchObject({
      status: 400,
      body: { formError: "Unknown action." },
    });
  });

  test("a message over the limit answers 413 and hands the text back", async () => {
    const { chat } = await ownChat();
    const text = "x".repeat(max() + 1);
    const result = outcome(await runChatAction({ chat, form: form({ intent: "send", content: text }) }));
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({ formError: expect.stringMatching(/^Messages are limited/), text, intent: "send" });
  });

  test("a blank message answers 400 with the reason", async () => {
    const { chat } = await ownChat();
    expect(outcome(await runChatAction({ chat, form: form({ intent: "send", content: "  " }) }))).toMatchObject({
      status: 400,
      body: { formError: "Write a message first.", text: "  " },
    });
  });

  test("sending while an answer is streaming answers 409 and keeps what the user typed", async () => {
    const { user, chat } = await ownChat();
    await createExchange({ chatId: chat.id, parentId: null, content: "first", model: TEST_MODEL, instanceId: null });
    const busy = (await getChat({ chatId: chat.id, userId: user.id }))!;
    const result = outcome(await runChatAction({ chat: busy, form: form({ intent: "send", content: "second" }) }));
    expect(result).toMatchObject({ status: 409, body: { formError: expect.stringContaining("still being written"), text: "second" } });
    expect((await getPathPage({ chatId: chat.id, leafId: busy.activeLeafId })).messages.map((m) => m.content)).toEqual(["first", ""]);
  });

  test("rename, pin and archive change the chat and redirect", async () => {
    const { user, chat } = await ownChat();
    expect(outcome(await runChatAction({ chat, form: form({ intent: "rename", title: " Holiday " }) }))).toEqual({ status: 302, location: `/chats/${chat.id}` });
    await runChatAction({ chat, form: form({ intent: "pin", value: "true" }) });
    expect(outcome(await runChatAction({ chat, form: form({ intent: "archive", value: "true" }) })).location).toBe("/chats");
    expect(await getChat({ chatId: chat.id, userId: user.id })).toMatchObject({ title: "Holiday", titleSet: true, pinned: true, archived: true });
  });

  test("switching to a message of another chat answers 404", async () => {
    const { chat } = await ownChat();
    const other = await ownChat();
    const foreign = await addExchange({ chatId: other.chat.id, parentId: null, question: "not yours" });
    expect(outcome(await runChatAction({ chat, form: form({ intent: "switch", messageId: foreign.userMessageId }) }))).toMatchObject({ status: 404 });
  });

  test("Stop takes only an answer of this chat: another chat's answer id answers 404 and keeps streaming", async () => {
    const { chat } = await ownChat();
    const other = await ownChat();
    expect(outcome(await runChatAction({ chat: other.chat, form: form({ intent: "send", content: "Tell me a long story", model: TEST_MODEL }) })).status).toBe(302);
    const answerId = (await streamingMessageId({ chatId: other.chat.id }))!;
    expect(streamRegistry().isGenerating(answerId)).toBe(true);

    expect(outcome(await runChatAction({ chat, form: form({ intent: "stop", messageId: answerId }) }))).toMatchObject({ status: 404 });
    expect(streamRegistry().isGenerating(answerId)).toBe(true);

    const owner = (await getChat({ chatId: other.chat.id, userId: other.user.id }))!;
    expect(outcome(await runChatAction({ chat: owner, form: form({ intent: "stop", messageId: answerId }) }))).toEqual({ status: 302, location: `/chats/${other.chat.id}` });
    expect(await getMessage({ chatId: other.chat.id, messageId: answerId })).toMatchObject({ status: "interrupted" });
  });

  test("delete removes the chat and goes back to the list", async () => {
    const { user, chat } = await ownChat();
    expect(outcome(await runChatAction({ chat, form: form({ intent: "delete" }) }))).toEqual({ status: 302, location: "/chats" });
    expect(await getChat({ chatId: chat.id, userId: user.id })).toBeUndefined();
  });
});
