// The page's send and the answer stream are served by the HTTP edge itself
// (not through Remix's router): the same answers, refusals and headers as
// the routes give, for owners, strangers and signed-out readers.
import { vi } from "vitest";

// Demo answers finish in a few milliseconds: every answer a test starts has ended when the test does.
vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
});

import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { messages } from "../../drizzle/schema";
import { database } from "~/db.server";
import { streamRegistry } from "~/streaming/streams.server";
import { createId } from "~/utils/id";
import { createExchange } from "~/models/message.server";
import { textParts } from "~/protocol/parts";
import { prepareDatabase } from "~/db.server";
import { handleHttp } from "~/http/edge.server";
import { addExchange, createTestChat, createTestUser, TEST_MODEL } from "./fixtures";
import { cookieFor, ORIGIN } from "./requests";

beforeAll(async () => {
  await prepareDatabase();
});

afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

const noStaticFiles = { dir: "/nonexistent", names: new Set<string>() };
function edge() {
  const remix = vi.fn(async () => new Response("from Remix"));
  return { remix, context: { remix, staticFiles: noStaticFiles, disableIdleTimeout: () => {}, socketIp: "127.0.0.1", clientIpHeader: undefined } };
}

async function answered() {
  const owner = await createTestUser("Owner");
  const chat = await createTestChat({ userId: owner.id });
  const { assistantMessageId } = await addExchange({ chatId: chat.id, parentId: null, question: "Hello?", answer: "Hello back." });
  return { owner, chat, url: `${ORIGIN}/chats/${chat.id}/messages/${assistantMessageId}/stream` };
}

describe("the answer stream at the edge", () => {
  test("the owner reads a stored answer as events, with the stream's and the security headers, without Remix", async () => {
    const { owner, url } = await answered();
    const { remix, context } = edge();
    const response = await handleHttp(new Request(url, { headers: { Cookie: await cookieFor(owner.id), Accept: "text/event-stream" } }), context);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/event-stream");
    expect(response.headers.get("Content-Encoding")).toBeNull();
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Cache-Control")).toContain("no-store");
    const body = await response.text();
    expect(body).toContain("event: snapshot");
    expect(body).toContain("Hello back.");
    expect(body).toContain("event: done");
    expect(remix).not.toHaveBeenCalled();
  });

  test("a stranger gets 404, and a signed-out reader 204 (an EventSource) or the way to log in (anything else)", async () => {
    const { url } = await answered();
    const stranger = await createTestUser("Stranger");
    const { remix, context } = edge();
    const strangers = await handleHttp(new Request(url, { headers: { Cookie: await cookieFor(stranger.id), Accept: "text/event-stream" } }), context);
    expect(strangers.status).toBe(404);
    expect(await strangers.text()).not.toContain("Hello back.");
    const eventSource = await handleHttp(new Request(url, { headers: { Accept: "text/event-stream" } }), context);
    expect(eventSource.status).toBe(204);
    const page = await handleHttp(new Request(url), context);
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    expect(remix).not.toHaveBeenCalled();
  });

  test("a stream asked for before its answer exists goes to the machine that then stores it", async () => {
    const owner = await createTestUser("Owner");
    const chat = await createTestChat({ userId: owner.id });
    const ids = { userMessageId: createId(), assistantMessageId: createId() };
    const { context } = edge();
    const asked = handleHttp(
      new Request(`${ORIGIN}/chats/${chat.id}/messages/${ids.assistantMessageId}/stream`, { headers: { Cookie: await cookieFor(owner.id), Accept: "text/event-stream" } }),
      context,
    );
    // The send went to another machine, which stores the exchange a moment later (after its first token).
    await new Promise((resolve) => setTimeout(resolve, 150));
    await createExchange({ chatId: chat.id, parentId: null, parts: textParts("Hello?"), model: TEST_MODEL, instanceId: "machine-elsewhere", ids });
    const response = await asked;
    expect(response.status).toBe(409);
    expect(response.headers.get("fly-replay")).toBe("instance=machine-elsewhere");
  });

  test("other requests under a chat still go to Remix", async () => {
    const { owner, chat } = await answered();
    const { remix, context } = edge();
    const cookie = await cookieFor(owner.id);
    for (const path of [`/chats/${chat.id}`, `/chats/${chat.id}/messages/x/stream/more`]) {
      await handleHttp(new Request(`${ORIGIN}${path}`, { headers: { Cookie: cookie } }), context);
    }
    expect(remix).toHaveBeenCalledTimes(2);
  });
});

describe("the page's send at the edge", () => {
  /** The composer's send as the page's script posts it, from this site (the CSRF check wants the Origin). */
  function fastSend(chatId: string, cookie: string | null, fields: Record<string, string>) {
    return new Request(`${ORIGIN}/chats/${chatId}/messages`, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, ...(cookie ? { Cookie: cookie } : {}) },
    });
  }

  test("the owner's send is stored and answered as JSON with the security headers, without Remix", async () => {
    const { owner, chat } = await answered();
    const { remix, context } = edge();
    const answerId = createId();
    const userMessageId = createId();
    const response = await handleHttp(fastSend(chat.id, await cookieFor(owner.id), { intent: "send", content: "And then?", model: TEST_MODEL, userMessageId, answerId }), context);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(await response.json()).toEqual({ ok: true, answerId });
    await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
    expect(await database().query.messages.findFirst({ where: eq(messages.id, userMessageId) })).toMatchObject({ chatId: chat.id, content: "And then?" });
    expect(remix).not.toHaveBeenCalled();
  });

  test("a stranger gets 404, a signed-out sender 401 and the way to log in, a post from another site 403; nothing is stored", async () => {
    const { owner, chat } = await answered();
    const stranger = await createTestUser("Stranger");
    const { remix, context } = edge();
    const fields = () => ({ intent: "send", content: "Let me in", model: TEST_MODEL, userMessageId: createId(), answerId: createId() });
    expect((await handleHttp(fastSend(chat.id, await cookieFor(stranger.id), fields()), context)).status).toBe(404);
    const signedOut = await handleHttp(fastSend(chat.id, null, fields()), context);
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toEqual({ logIn: `/login?redirectTo=%2Fchats%2F${chat.id}&expired=1` });
    const crossSite = fastSend(chat.id, await cookieFor(owner.id), fields());
    const forged = new Request(crossSite, { headers: { ...Object.fromEntries(crossSite.headers), Origin: "https://elsewhere.example" } });
    expect((await handleHttp(forged, context)).status).toBe(403);
    const stored = await database().select().from(messages).where(eq(messages.chatId, chat.id));
    expect(stored.map((m) => m.content)).toEqual(["Hello?", "Hello back."]);
    expect(remix).not.toHaveBeenCalled();
  });

  test("reading the send's address, or posting under it, goes to Remix", async () => {
    const { owner, chat } = await answered();
    const { remix, context } = edge();
    const cookie = await cookieFor(owner.id);
    await handleHttp(new Request(`${ORIGIN}/chats/${chat.id}/messages`, { headers: { Cookie: cookie } }), context);
    await handleHttp(fastSend(chat.id + "/more", cookie, { intent: "send" }), context);
    expect(remix).toHaveBeenCalledTimes(2);
  });
});
