// Export and import through their real routes, with real session cookies:
// signed out, every one sends people to log in; someone else's chat exports
// as a 404, exactly like a chat that does not exist; a reader may export
// what they can read; the whole-account export holds only one's own chats;
// downloads are attachments nobody caches; the import form refuses a missing,
// oversized or unknown file with its code and counts against the import limit.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.MAX_IMPORT_BYTES = String(64 * 1024);
  process.env.RATE_LIMIT_IMPORT_PER_USER = "4/1h";
  process.env.RATE_LIMIT_IMPORT_PER_IP = "off";
});

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, test } from "vitest";
import { prepareDatabase } from "~/db.server";
import { grantChatRole } from "~/models/chat-access.server";
import { portingCounts } from "~/models/porting.server";
import { loader as chatExport } from "~/routes/chats.$chatId.export";
import { loader as settingsIndex } from "~/routes/settings._index";
import { action as dataAction, loader as dataLoader } from "~/routes/settings.data";
import { loader as accountExport } from "~/routes/settings.data.export";
import { action as importAction } from "~/routes/settings.data.import";
import { addExchange, createTestChat, createTestUser } from "./fixtures";
import { cookieFor, getRequest, ORIGIN, settle } from "./requests";

beforeAll(async () => {
  await prepareDatabase();
});

const load = (loader: (args: LoaderFunctionArgs) => unknown, url: string, cookie: string | null, params: Record<string, string> = {}) =>
  settle(async () => loader({ request: getRequest(url, cookie), params, context: {} } as LoaderFunctionArgs));

function uploadRequest(url: string, cookie: string | null, file?: { name: string; body: string }): Request {
  const form = new FormData();
  if (file) form.set("file", new Blob([file.body]), file.name);
  return new Request(`${ORIGIN}${url}`, { method: "POST", body: form, headers: cookie ? { Cookie: cookie } : {} });
}

async function people() {
  const owner = await createTestUser("Owner");
  const viewer = await createTestUser("Viewer");
  const stranger = await createTestUser("Stranger");
  const chat = await createTestChat({ userId: owner.id, title: "Secret plans" });
  await addExchange({ chatId: chat.id, parentId: null, question: "The launch code is 0000", answer: "Noted." });
  await grantChatRole({ chatId: chat.id, userId: viewer.id, role: "viewer" });
  return {
    owner,
    chat,
    cookies: { owner: await cookieFor(owner.id), viewer: await cookieFor(viewer.id), stranger: await cookieFor(stranger.id) },
  };
}

const CLAUDE_FILE = JSON.stringify([{ uuid: "c-1", name: "Imported", created_at: "2024-01-01T00:00:00Z", chat_messages: [{ uuid: "m1", sender: "human", text: "hello" }] }]);

describe("exporting a chat", () => {
  test("signed out, the export sends people to log in", async () => {
    const { chat } = await people();
    const result = await load(chatExport, `/chats/${chat.id}/export?format=md`, null, { chatId: chat.id });
    expect(result.status).toBe(302);
    expect(result.location).toBe(`/login?${new URLSearchParams({ redirectTo: `/chats/${chat.id}/export?format=md` })}`);
  });

  test.each(["md", "json", "zip"])("a stranger gets 404 for %s, the same as for a chat that does not exist", async (format) => {
    const { chat, cookies } = await people();
    const theirs = await load(chatExport, `/chats/${chat.id}/export?format=${format}`, cookies.stranger, { chatId: chat.id });
    const missing = await load(chatExport, `/chats/aaaaaaaaaaaaaaaaaaaa/export?format=${format}`, cookies.stranger, { chatId: "aaaaaaaaaaaaaaaaaaaa" });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toBe(missing.body);
    expect(String(theirs.body)).not.toContain("launch code");
  });

  test.each(["owner", "viewer"] as const)("the %s downloads it as an attachment nobody caches", async (who) => {
    const { chat, cookies } = await people();
    const result = await load(chatExport, `/chats/${chat.id}/export?format=md`, cookies[who], { chatId: chat.id });
    expect(result.status).toBe(200);
    expect(result.headers.get("Content-Type")).toBe("text/markdown; charset=utf-8");
    expect(result.headers.get("Content-Disposition")).toMatch(/^attachment; filename="secret-plans\.md"/);
    expect(result.headers.get("Cache-Control")).toBe("private, no-store");
    expect(result.body).toContain("# Secret plans");
    expect(result.body).toContain("## You\n\nThe launch code is 0000");
  });

  test("an unknown format is a 400 that names the formats", async () => {
    const { chat, cookies } = await people();
    const result = await load(chatExport, `/chats/${chat.id}/export?format=pdf`, cookies.owner, { chatId: chat.id });
    expect(result.status).toBe(400);
    expect(result.body).toContain("md (Markdown), json (Parley JSON) or zip");
  });
});

describe("exporting the whole account", () => {
  test("signed out, it sends people to log in", async () => {
    const result = await load(accountExport, "/settings/data/export?format=zip", null);
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^\/login\?/);
  });

  test("it holds one's own chats only, not the chats shared with one", async () => {
    const { cookies } = await people();
    const viewers = await load(accountExport, "/settings/data/export?format=md", cookies.viewer);
    expect(viewers.status).toBe(200);
    expect(viewers.body).not.toContain("Secret plans");
    const owners = await load(accountExport, "/settings/data/export?format=md", cookies.owner);
    expect(owners.body).toContain("# Secret plans");
    const zip = await load(accountExport, "/settings/data/export?format=zip", cookies.owner);
    expect(zip.headers.get("Content-Disposition")).toMatch(/^attachment; filename="parley-export\.zip"/);
    expect(zip.headers.get("Content-Type")).toBe("application/zip");
  });
});

describe("the data page and importing", () => {
  test("signed out, /settings, the page, its form and the script's endpoint send people to log in and import nothing", async () => {
    expect((await load(settingsIndex, "/settings", null)).status).toBe(302);
    expect((await load(dataLoader, "/settings/data", null)).location).toBe(`/login?${new URLSearchParams({ redirectTo: "/settings/data" })}`);
    for (const [action, url] of [
      [dataAction, "/settings/data"],
      [importAction, "/settings/data/import"],
    ] as const) {
      const result = await settle(async () => action({ request: uploadRequest(url, null, { name: "c.json", body: CLAUDE_FILE }), params: {}, context: {} } as ActionFunctionArgs));
      expect(result.status).toBe(302);
      expect(result.location).toMatch(/^\/login\?/);
    }
  });

  test("signed in, /settings opens the first settings page (its nav leads to the data page)", async () => {
    const { cookies } = await people();
    expect(await load(settingsIndex, "/settings", cookies.owner)).toMatchObject({ status: 302, location: "/settings/profile" });
  });

  test("the form imports a file and says what it did; a missing, oversized or unknown file is refused with its code", async () => {
    const user = await createTestUser("Importer");
    const cookie = await cookieFor(user.id);
    const post = (file?: { name: string; body: string }) =>
      settle(async () => dataAction({ request: uploadRequest("/settings/data", cookie, file), params: {}, context: {} } as ActionFunctionArgs));

    expect(await post({ name: "conversations.json", body: CLAUDE_FILE })).toMatchObject({ status: 200, body: { report: { source: "claude", imported: 1, skipped: 0, failed: [] } } });
    expect(await post()).toMatchObject({ status: 400, body: { code: "import_file_required" } });
    const large = await post({ name: "big.json", body: "[" + " ".repeat(70 * 1024) + "]" });
    expect(large).toMatchObject({ status: 413, body: { code: "import_too_large", formError: expect.stringContaining("64 KB") } });
    expect(await post({ name: "notes.txt", body: "just words" })).toMatchObject({ status: 415, body: { code: "import_unrecognized" } });
    expect(await portingCounts({ userId: user.id })).toMatchObject({ chats: 1, imports: 1 });
  });

  test("the script's endpoint answers JSON, and imports count against the import limit (refused ones do not)", async () => {
    const user = await createTestUser("Limited");
    const cookie = await cookieFor(user.id);
    const post = async (body: string) => {
      const response = (await importAction({ request: uploadRequest("/settings/data/import", cookie, { name: "c.json", body }), params: {}, context: {} } as ActionFunctionArgs)) as Response;
      return { status: response.status, retryAfter: response.headers.get("Retry-After"), body: (await response.json()) as Record<string, unknown> };
    };
    // A refused file is given back to the limit.
    expect(await post("not json at all")).toMatchObject({ status: 415, body: { error: { code: "import_unrecognized" } } });
    for (let i = 0; i < 4; i++) {
      expect(await post(CLAUDE_FILE)).toMatchObject({ status: 200, body: { report: { imported: i === 0 ? 1 : 0, skipped: i === 0 ? 0 : 1 } } });
    }
    const limited = await post(CLAUDE_FILE);
    expect(limited).toMatchObject({ status: 429, body: { error: { code: "rate_limited" } } });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
  });
});
