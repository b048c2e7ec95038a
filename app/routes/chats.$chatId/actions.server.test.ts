// Lives inside the folder route, where Remix treats only route.tsx as a route.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { chats } from "../../../drizzle/schema";
import { addExchange, createTestChat, createTestUser, TEST_MODEL } from "../../../tests/unit/fixtures";
import { database, prepareDatabase } from "~/db.server";
import { env } from "~/env.server";
import { grantChatRole } from "~/models/chat-access.server";
import { createExchange, getMessage, getPathPage, streamingMessageId } from "~/models/message.server";
import { textParts } from "~/protocol/parts";
import { chatIntentSchema, INTENT_LEVEL, inputError, messageText } from "~/services/chat-input";
import { streamRegistry } from "~/streaming/streams.server";
import { createId } from "~/utils/id";
import { runChatAction } from "./actions.server";

beforeAll(async () => {
  await prepareDatabase();
});

const max = () => env().MAX_MESSAGE_CHARS;
const intentSchema = () => chatIntentSchema(max());

function post(chatId: string, fields: Record<string, string>, headers: Record<string, string> = {}): Request {
  return new Request(`http://parley.test/chats/${chatId}`, { method: "POST", body: new URLSearchParams(fields), headers });
}

/** What a test looks at in an action's result: a redirect, `data()` with a status, plain data, or a thrown response. */
async function outcome(work: Promise<unknown>): Promise<{ status: number; body?: unknown; location?: string | null }> {
  let result: unknown;
  try {
    result = await work;
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, location: result.headers.get("Location") };
  if (result && typeof result === "object" && "init" in result && "data" in result) {
    const { data, init } = result as { data: unknown; init?: { status?: number } };
    return { status: init?.status ?? 200, body: data };
  }
  return { status: 200, body: result };
}

async function chatRow(chatId: string) {
  return database().query.chats.findFirst({ where: eq(chats.id, chatId) });
}

describe("message text", () => {
  test("Windows line endings are normalised", () => {
    expect(messageText(max()).parse("one\r\ntwo\r\n")).toBe("one\ntwo\n");
  });

  test("a missing message is refused with the message_empty code; an empty one passes to the service (files may carry it)", () => {
    expect(messageText(max()).safeParse(undefined).error!.issues[0]!.message).toBe("message_empty");
    for (const value of ["", "   ", "\r\n\t"]) expect(messageText(max()).safeParse(value).success).toBe(true);
  });

  test("a message at the limit is accepted and one over it is refused, counting a CRLF as one character", () => {
    expect(messageText(max()).safeParse("x".repeat(max())).success).toBe(true);
    const over = messageText(max()).safeParse("x".repeat(max() + 1));
    expect(inputError(over.error!, max())).toMatchObject({ code: "message_too_long", status: 413, params: { max: max() } });
    expect(messageText(max()).safeParse("x".repeat(max() - 2) + "\r\n").success).toBe(true);
  });

  test("an emoji counts as one character, as the person typing it counts it", () => {
    // "😀" is two UTF-16 code units: counted by JavaScript's length, a message of them would be refused at half the limit.
    expect(messageText(max()).safeParse("😀".repeat(max())).success).toBe(true);
    expect(messageText(max()).safeParse("😀".repeat(max() + 1)).error!.issues[0]!.message).toBe("message_too_long");
  });
});

describe("chat action intents", () => {
  test("a well-formed send is accepted", () => {
    const parsed = intentSchema().parse({ intent: "send", content: "Hi\r\n", model: "openai:gpt-4o" });
    expect(parsed).toEqual({ intent: "send", content: "Hi\n", model: "openai:gpt-4o", attachmentIds: [] });
  });

  test("a malformed message id is refused", () => {
    for (const intent of ["stop", "regenerate", "continue", "switch", "fork", "delete-branch"]) {
      const result = intentSchema().safeParse({ intent, messageId: "../../etc" });
      expect(result.error!.issues[0]).toMatchObject({ path: ["messageId"], message: "malformed_id" });
    }
    expect(intentSchema().safeParse({ intent: "send", content: "hi", parentId: "nope" }).success).toBe(false);
    expect(intentSchema().safeParse({ intent: "send", content: "hi", answerId: "nope" }).success).toBe(false);
  });

  test("an unknown intent is refused on the intent field", () => {
    expect(inputError(intentSchema().safeParse({ intent: "drop-tables" }).error!, max()).code).toBe("unknown_intent");
    expect(intentSchema().safeParse({}).error!.issues[0]!.path).toEqual(["intent"]);
  });

  test("titles are trimmed, and blank or over-long titles are refused", () => {
    expect(intentSchema().parse({ intent: "rename", title: "  Trip plans  " })).toEqual({ intent: "rename", title: "Trip plans" });
    expect(intentSchema().safeParse({ intent: "rename", title: "   " }).error!.issues[0]!.message).toBe("title_empty");
    expect(intentSchema().safeParse({ intent: "rename", title: "t".repeat(121) }).error!.issues[0]!.message).toBe("title_too_long");
  });

  test("a title loses its direction controls and invisible characters, and one of them alone is refused as blank", () => {
    expect(intentSchema().parse({ intent: "rename", title: "Invoice \u202EFDP.exe" })).toEqual({ intent: "rename", title: "Invoice FDP.exe" });
    for (const invisible of ["\u200b\u200b\u200b", "\u202e", " \u2066\u2069 \ufeff"]) {
      expect(intentSchema().safeParse({ intent: "rename", title: invisible }).error!.issues[0]!.message).toBe("title_empty");
    }
    // Emoji sequences keep their joiners, and Persian its non-joiner.
    expect(intentSchema().parse({ intent: "rename", title: "👨‍👩‍👧 می‌خواهم" })).toEqual({ intent: "rename", title: "👨‍👩‍👧 می‌خواهم" });
  });

  test("a title's length is counted in characters as typed: 15 family emoji fit, 121 letters do not", () => {
    const families = "👨‍👩‍👧‍👦".repeat(15);
    expect(intentSchema().parse({ intent: "rename", title: families })).toEqual({ intent: "rename", title: families });
    expect(intentSchema().parse({ intent: "rename", title: "😀".repeat(120) })).toEqual({ intent: "rename", title: "😀".repeat(120) });
    expect(intentSchema().safeParse({ intent: "rename", title: "😀".repeat(121) }).error!.issues[0]!.message).toBe("title_too_long");
  });

  test("pin and archive take only true or false, and system prompts are capped", () => {
    expect(intentSchema().safeParse({ intent: "pin", value: "true" }).success).toBe(true);
    expect(intentSchema().safeParse({ intent: "archive", value: "yes" }).success).toBe(false);
    expect(intentSchema().safeParse({ intent: "system-prompt", systemPrompt: "s".repeat(8001) }).error!.issues[0]!.message).toBe("system_prompt_too_long");
    expect(intentSchema().safeParse({ intent: "system-prompt", systemPrompt: "" }).success).toBe(true);
    // A full box with line breaks, as a browser sends it (CR LF, though its maxlength counted one character each).
    const full = `${"line\r\n".repeat(1000)}${"s".repeat(3000)}`;
    expect(intentSchema().safeParse({ intent: "system-prompt", systemPrompt: full }).data).toEqual({ intent: "system-prompt", systemPrompt: full.replace(/\r\n/g, "\n") });
  });
});

describe("running chat actions", () => {
  async function ownChat() {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    return { user, chat };
  }

  test("an unknown action answers 400", async () => {
    const { user, chat } = await ownChat();
    expect(await outcome(runChatAction({ request: post(chat.id, { intent: "explode" }), user, chatId: chat.id }))).toMatchObject({
      status: 400,
      body: { formError: "Unknown action.", code: "unknown_intent" },
    });
  });

  test("a body that is not a form answers 400, never a 500", async () => {
    const { user, chat } = await ownChat();
    const request = new Request(`http://parley.test/chats/${chat.id}`, { method: "POST", body: "{not a form", headers: { "Content-Type": "multipart/form-data; boundary=nope" } });
    expect(await outcome(runChatAction({ request, user, chatId: chat.id }))).toMatchObject({ status: 400, body: { code: "bad_body" } });
  });

  test("a message over the limit answers 413 and hands the text back", async () => {
    const { user, chat } = await ownChat();
    const text = "x".repeat(max() + 1);
    const result = await outcome(runChatAction({ request: post(chat.id, { intent: "send", content: text }), user, chatId: chat.id }));
    expect(result.status).toBe(413);
    // It says how long the message is, and how much to cut.
    expect(result.body).toMatchObject({ formError: "This message is 32,001 characters long, 1 over the limit of 32,000. Shorten it or split it in two.", code: "message_too_long", text, intent: "send" });
  });

  test("a message of emoji is measured as a person counts it, also past the form reader's byte limit (four bytes each)", async () => {
    const { user, chat } = await ownChat();
    const text = "😀".repeat(max() + 1);
    const result = await outcome(runChatAction({ request: post(chat.id, { intent: "send", content: text }), user, chatId: chat.id }));
    // Refused for its length, as a person counts it: not cut short by the reader's byte limit, which says no length.
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({ formError: "This message is 32,001 characters long, 1 over the limit of 32,000. Shorten it or split it in two.", code: "message_too_long" });
  });

  test("the words follow the browser's language", async () => {
    const { user, chat } = await ownChat();
    const result = await outcome(runChatAction({ request: post(chat.id, { intent: "send", content: "  " }, { "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5" }), user, chatId: chat.id }));
    expect(result).toMatchObject({ status: 400, body: { formError: "Сначала напишите сообщение.", code: "message_empty", text: "  " } });
  });

  test("sending while an answer is streaming answers 409 and keeps what the user typed", async () => {
    const { user, chat } = await ownChat();
    await createExchange({ chatId: chat.id, parentId: null, parts: textParts("first"), model: TEST_MODEL, instanceId: null });
    const result = await outcome(runChatAction({ request: post(chat.id, { intent: "send", content: "second" }), user, chatId: chat.id }));
    expect(result).toMatchObject({ status: 409, body: { code: "answer_in_progress", formError: expect.stringContaining("still being written"), text: "second" } });
    const busy = (await chatRow(chat.id))!;
    expect((await getPathPage({ chatId: chat.id, leafId: busy.activeLeafId })).messages.map((m) => m.content)).toEqual(["first", ""]);
  });

  test("a send with ids chosen by the browser answers data with the answer's id, and starts that answer", async () => {
    const { user, chat } = await ownChat();
    const userMessageId = createId();
    const answerId = createId();
    const result = await outcome(runChatAction({ request: post(chat.id, { intent: "send", content: "Hello", model: TEST_MODEL, userMessageId, answerId }), user, chatId: chat.id }));
    expect(result).toEqual({ status: 200, body: { ok: true, answerId } });
    expect(streamRegistry().isGenerating(answerId)).toBe(true);
    expect(await getMessage({ chatId: chat.id, messageId: userMessageId })).toMatchObject({ role: "user", content: "Hello" });
    await streamRegistry().stop(answerId);
  });

  test("a model that is not in the catalogue is refused with 400 and nothing is stored", async () => {
    const { user, chat } = await ownChat();
    const result = await outcome(runChatAction({ request: post(chat.id, { intent: "send", content: "Hi", model: "custom:o1-pro-unlisted" }), user, chatId: chat.id }));
    expect(result).toMatchObject({ status: 400, body: { code: "model_unavailable", text: "Hi" } });
    expect((await chatRow(chat.id))!.activeLeafId).toBeNull();
  });

  test("rename, pin and archive change the chat and redirect", async () => {
    const { user, chat } = await ownChat();
    const run = (fields: Record<string, string>) => outcome(runChatAction({ request: post(chat.id, fields), user, chatId: chat.id }));
    expect(await run({ intent: "rename", title: " Holiday " })).toEqual({ status: 302, location: `/chats/${chat.id}` });
    await run({ intent: "pin", value: "true" });
    // The list it lands on names the chat just archived (it offers Undo).
    expect((await run({ intent: "archive", value: "true" })).location).toBe(`/chats?justarchived=${chat.id}`);
    expect(await chatRow(chat.id)).toMatchObject({ title: "Holiday", titleSet: true, pinned: true, archived: true });
  });

  test("switching to a message of another chat answers 404", async () => {
    const { user, chat } = await ownChat();
    const other = await ownChat();
    const foreign = await addExchange({ chatId: other.chat.id, parentId: null, question: "not yours" });
    expect(await outcome(runChatAction({ request: post(chat.id, { intent: "switch", messageId: foreign.userMessageId }), user, chatId: chat.id }))).toMatchObject({
      status: 404,
      body: { code: "message_not_found" },
    });
  });

  test("Stop takes only an answer of this chat: another chat's answer id answers 404 and keeps streaming", async () => {
    const mine = await ownChat();
    const other = await ownChat();
    expect((await outcome(runChatAction({ request: post(other.chat.id, { intent: "send", content: "Tell me a long story", model: TEST_MODEL }), user: other.user, chatId: other.chat.id }))).status).toBe(302);
    const answerId = (await streamingMessageId({ chatId: other.chat.id }))!;
    expect(streamRegistry().isGenerating(answerId)).toBe(true);

    expect(await outcome(runChatAction({ request: post(mine.chat.id, { intent: "stop", messageId: answerId }), user: mine.user, chatId: mine.chat.id }))).toMatchObject({ status: 404 });
    // Nor can the other chat be reached through its own id by someone who is not a member.
    expect(await outcome(runChatAction({ request: post(other.chat.id, { intent: "stop", messageId: answerId }), user: mine.user, chatId: other.chat.id }))).toMatchObject({ status: 404 });
    expect(streamRegistry().isGenerating(answerId)).toBe(true);

    expect(await outcome(runChatAction({ request: post(other.chat.id, { intent: "stop", messageId: answerId }), user: other.user, chatId: other.chat.id }))).toEqual({
      status: 302,
      location: `/chats/${other.chat.id}`,
    });
    expect(await getMessage({ chatId: other.chat.id, messageId: answerId })).toMatchObject({ status: "interrupted", problem: { code: "stopped" } });
  });

  test("settings used from the chat list come back to the page they were used from, and only to a chat page", async () => {
    const { user, chat } = await ownChat();
    const elsewhere = await createTestChat({ userId: user.id });
    const run = (fields: Record<string, string>) => outcome(runChatAction({ request: post(chat.id, fields), user, chatId: chat.id }));
    const back = `/chats/${elsewhere.id}?archived=1`;
    expect((await run({ intent: "rename", title: "From the list", returnTo: back })).location).toBe(back);
    expect((await run({ intent: "pin", value: "true", returnTo: "/chats" })).location).toBe("/chats");
    expect((await run({ intent: "archive", value: "true", returnTo: back })).location).toBe(`${back}&justarchived=${chat.id}`);
    // Archived while looking at it: back to the list, as from the header.
    expect((await run({ intent: "archive", value: "true", returnTo: `/chats/${chat.id}` })).location).toBe(`/chats?justarchived=${chat.id}`);
    // Anything but a page of the chat list or a chat is ignored.
    for (const returnTo of ["https://evil.example/", "//evil.example/chats", "/chats/../logout", "/settings/keys", "/chats\\evil"]) {
      expect((await run({ intent: "pin", value: "false", returnTo })).location, returnTo).toBe(`/chats/${chat.id}`);
    }
    expect(await chatRow(chat.id)).toMatchObject({ title: "From the list", archived: true, pinned: false });
  });

  test("deleting the chat one is looking at from the list goes to the list; another chat's delete stays put", async () => {
    const { user, chat } = await ownChat();
    const other = await createTestChat({ userId: user.id });
    expect(await outcome(runChatAction({ request: post(chat.id, { intent: "delete", returnTo: `/chats/${chat.id}` }), user, chatId: chat.id }))).toEqual({ status: 302, location: "/chats" });
    const staying = await createTestChat({ userId: user.id });
    expect(await outcome(runChatAction({ request: post(staying.id, { intent: "delete", returnTo: `/chats/${other.id}` }), user, chatId: staying.id }))).toEqual({
      status: 302,
      location: `/chats/${other.id}`,
    });
  });

  test("delete removes the chat and goes back to the list", async () => {
    const { user, chat } = await ownChat();
    expect(await outcome(runChatAction({ request: post(chat.id, { intent: "delete" }), user, chatId: chat.id }))).toEqual({ status: 302, location: "/chats" });
    expect(await chatRow(chat.id)).toBeUndefined();
  });
});

describe("who may do what (level × action)", () => {
  type Role = "owner" | "editor" | "viewer" | "stranger";

  /** A chat with a finished exchange, and a user in each role. */
  async function sharedChat() {
    const owner = await createTestUser("Owner");
    const editor = await createTestUser("Editor");
    const viewer = await createTestUser("Viewer");
    const stranger = await createTestUser("Stranger");
    const chat = await createTestChat({ userId: owner.id, title: "Shared" });
    await grantChatRole({ chatId: chat.id, userId: editor.id, role: "editor" });
    await grantChatRole({ chatId: chat.id, userId: viewer.id, role: "viewer" });
    const exchange = await addExchange({ chatId: chat.id, parentId: null, question: "q", answer: "a" });
    return { chat, exchange, users: { owner, editor, viewer, stranger } as Record<Role, { id: string }> };
  }

  const fieldsFor = (intent: keyof typeof INTENT_LEVEL, ids: { userMessageId: string; assistantMessageId: string }): Record<string, string> => {
    switch (intent) {
      case "send":
        return { intent, content: "another question", model: TEST_MODEL };
      case "edit":
        return { intent, messageId: ids.userMessageId, content: "edited" };
      case "rename":
        return { intent, title: "Taken over" };
      case "system-prompt":
        return { intent, systemPrompt: "Be someone else." };
      case "archive":
      case "pin":
        return { intent, value: "true" };
      case "delete":
        return { intent };
      default:
        return { intent, messageId: ids.assistantMessageId };
    }
  };

  const allowed: Record<Role, (level: string) => boolean> = {
    owner: () => true,
    editor: (level) => level !== "own",
    viewer: (level) => level === "read",
    stranger: () => false,
  };

  for (const intent of Object.keys(INTENT_LEVEL) as (keyof typeof INTENT_LEVEL)[]) {
    test(`${intent} (needs ${INTENT_LEVEL[intent]}): a stranger gets 404, a member below the level 403, and nothing changes`, async () => {
      const { chat, exchange, users } = await sharedChat();
      const before = await chatRow(chat.id);
      const pathBefore = (await getPathPage({ chatId: chat.id, leafId: before!.activeLeafId, limit: 100 })).messages.map((m) => m.id);
      for (const role of ["stranger", "viewer", "editor"] as const) {
        if (allowed[role](INTENT_LEVEL[intent])) continue;
        const result = await outcome(runChatAction({ request: post(chat.id, fieldsFor(intent, exchange)), user: users[role], chatId: chat.id }));
        expect(result.status, `${role} ${intent}`).toBe(role === "stranger" ? 404 : 403);
        if (role !== "stranger") expect(result.body).toMatchObject({ code: "chat_read_only" });
      }
      expect(await chatRow(chat.id)).toEqual(before);
      expect((await getPathPage({ chatId: chat.id, leafId: before!.activeLeafId, limit: 100 })).messages.map((m) => m.id)).toEqual(pathBefore);
    });

    test(`${intent}: every role allowed at level ${INTENT_LEVEL[intent]} gets through`, async () => {
      for (const role of ["owner", "editor", "viewer"] as const) {
        if (!allowed[role](INTENT_LEVEL[intent])) continue;
        const { chat, exchange, users } = await sharedChat();
        // Continue needs an interrupted answer; Stop a streaming one.
        if (intent === "continue") await database().run(`UPDATE messages SET status = 'interrupted' WHERE id = '${exchange.assistantMessageId}'`);
        const result = await outcome(runChatAction({ request: post(chat.id, fieldsFor(intent, exchange)), user: users[role], chatId: chat.id }));
        expect(result, `${role} ${intent}`).toMatchObject({ status: 302 });
        for (const stream of streamRegistry().activeStreams()) if (stream.chatId === chat.id) await streamRegistry().stop(stream.messageId);
      }
    });
  }
});
