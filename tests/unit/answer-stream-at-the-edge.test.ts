// The answer stream is served by the HTTP edge itself (not through Remix's
// router): the same answers, refusals and headers as the route gives, for
// owners, strangers and signed-out readers.
import { beforeAll, describe, expect, test, vi } from "vitest";
import { prepareDatabase } from "~/db.server";
import { handleHttp } from "~/http/edge.server";
import { addExchange, createTestChat, createTestUser } from "./fixtures";
import { cookieFor, ORIGIN } from "./requests";

beforeAll(async () => {
  await prepareDatabase();
});

const noStaticFiles = { dir: "/nonexistent", names: new Set<string>() };
function edge() {
  const remix = vi.fn(async () => new Response("from Remix"));
  return { remix, context: { remix, staticFiles: noStaticFiles, disableIdleTimeout: () => {}, socketIp: "127.0.0.1", behindFlyProxy: false } };
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
