// A database from before message parts, upgraded the way a deploy upgrades
// it (prepareDatabase at start), then read through the app's own models and
// routes: every old row must come out as valid parts with its exact text,
// its old error as a code the page can put into words, and its owner able
// to open the chat. The app's database handle reads DATABASE_URL once, so
// this file points it at its own database before anything opens it.
import { vi } from "vitest";

const paths = await vi.hoisted(async () => {
  // vi.hoisted runs before the imports below, so Node's modules are loaded here.
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "parley-upgrade-"));
  process.env.DATABASE_URL = `file:${join(dir, "upgraded.db")}`;
  return { dir };
});

import { rmSync } from "node:fs";
import path from "node:path";
import { firstMigrations } from "./first-migrations";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { closeDatabase, databaseClient, prepareDatabase } from "~/db.server";
import { env, localDatabasePath } from "~/env.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { getMessage, getPathPage, getPathTurns } from "~/models/message.server";
import { describe as describeProblem } from "~/protocol/catalogue";
import { parseParts } from "~/protocol/parts-schema";
import { eventsFromDatabase } from "~/routes/chats.$chatId.messages.$messageId.stream";



// Ids in the app's own format, so the models accept them.
const U1 = "0aaaaaaaaaaaaaaaaaa1";
const U2 = "0aaaaaaaaaaaaaaaaaa2";
const C1 = "0ccccccccccccccccc01";
const C2 = "0ccccccccccccccccc02";
const id = (n: number) => `0mmmmmmmmmmmmmmmm${String(n).padStart(3, "0")}`;

/** The old rows: content, reasoning and error as the first schema stored them. */
const OLD = [
  { n: 1, parent: null, role: "user", content: "Tell me about the Волга — \"quotes\", \\backslashes, tabs\tand\nseveral\r\nlines", reasoning: "", status: "complete", error: null },
  { n: 2, parent: 1, role: "assistant", content: "The Volga is long. 🌊 ∑ 𝔘", reasoning: "Think about rivers first.\nThen seas.", status: "complete", error: null },
  { n: 3, parent: 2, role: "user", content: "   ", reasoning: "", status: "complete", error: null },
  { n: 4, parent: 3, role: "assistant", content: "Cut o", reasoning: "", status: "interrupted", error: "Stopped." },
  { n: 5, parent: 3, role: "assistant", content: "", reasoning: "", status: "error", error: "Anthropic is rate-limiting requests (HTTP 429). Wait a moment, then continue or regenerate." },
  { n: 6, parent: 3, role: "assistant", content: "Half", reasoning: "hm", status: "interrupted", error: "The server restarted while this answer was being written." },
  { n: 7, parent: 3, role: "assistant", content: "", reasoning: "only thinking", status: "interrupted", error: "Forked while this answer was being written." },
  { n: 8, parent: 3, role: "assistant", content: "", reasoning: "", status: "complete", error: null },
  { n: 9, parent: 3, role: "assistant", content: "x", reasoning: "", status: "error", error: "Stopped. (but not exactly)" },
] as const;

beforeAll(async () => {
  // The handle points at this file's database, not the one the shared setup chose.
  expect(localDatabasePath(env().DATABASE_URL)).toBe(path.join(paths.dir, "upgraded.db"));
  await prepareDatabase({ migrationsFolder: firstMigrations(2, paths.dir) });
  const client = databaseClient();
  await client.batch(
    [
      { sql: "INSERT INTO users (id, email, name, password_hash, role) VALUES (?, 'ada@example.com', 'Ada', 'x', 'admin'), (?, 'bob@example.com', 'Bob', 'x', 'member')", args: [U1, U2] },
      { sql: "INSERT INTO chats (id, user_id, title, model, created_at, active_leaf_id) VALUES (?, ?, 'Rivers', 'demo:parley-demo', 1000, ?), (?, ?, 'Empty', 'demo:parley-demo', 2000, NULL)", args: [C1, U1, id(2), C2, U2] },
      ...OLD.map((m) => ({
        sql: "INSERT INTO messages (id, chat_id, parent_id, role, content, reasoning, status, error, last_event_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 6, ?)",
        args: [id(m.n), C1, m.parent === null ? null : id(m.parent), m.role, m.content, m.reasoning, m.status, m.error, 1000 + m.n],
      })),
    ],
    "write",
  );
  await prepareDatabase();
});

afterAll(() => {
  closeDatabase();
  rmSync(paths.dir, { recursive: true, force: true });
});

describe("an old database upgraded at start", () => {
  test("every message's parts are valid and hold its reasoning first, then its text, character for character", async () => {
    for (const m of OLD) {
      const row = (await getMessage({ chatId: C1, messageId: id(m.n) }))!;
      const expected = [...(m.reasoning ? [{ type: "reasoning", text: m.reasoning }] : []), ...(m.content ? [{ type: "text", text: m.content }] : [])];
      expect(parseParts(row.parts, row.id), `message ${m.n}`).toEqual(expected);
      expect(row.content, `message ${m.n}`).toBe(m.content);
      expect(row).toMatchObject({ role: m.role, status: m.status, lastEventId: 6, parentId: m.parent === null ? null : id(m.parent) });
    }
  });

  test("old error sentences become problems whose words are the old sentence", async () => {
    const problem = async (n: number) => (await getMessage({ chatId: C1, messageId: id(n) }))!.problem;
    expect(await problem(1)).toBeNull();
    expect(await problem(8)).toBeNull();
    expect(await problem(4)).toEqual({ code: "stopped" });
    expect(await problem(6)).toEqual({ code: "interrupted_by_restart" });
    expect(await problem(7)).toEqual({ code: "forked_while_streaming" });
    // Only an exact sentence is recognised; anything else is kept word for word.
    expect(await problem(9)).toEqual({ code: "answer_failed", params: { detail: "Stopped. (but not exactly)" } });
    for (const m of OLD) {
      const p = await problem(m.n);
      if (m.error) expect(describeProblem(p!, "en"), `message ${m.n}`).toBe(m.error);
    }
  });

  test("the stream route replays an upgraded answer with its old text and its reason", async () => {
    const stopped = (await getMessage({ chatId: C1, messageId: id(4) }))!;
    expect(eventsFromDatabase(stopped, null)).toEqual([
      { id: 5, event: "snapshot", data: { parts: [{ type: "text", text: "Cut o" }] } },
      { id: 6, event: "done", data: { status: "interrupted", stats: {}, reason: { code: "stopped" }, message: "Stopped." } },
    ]);
    const failed = (await getMessage({ chatId: C1, messageId: id(5) }))!;
    expect(eventsFromDatabase(failed, 5)).toEqual([
      {
        id: 6,
        event: "error",
        data: { status: "error", code: "answer_failed", params: { detail: OLD[4].error }, message: OLD[4].error, stats: {} },
      },
    ]);
  });

  test("each chat's owner is its member and can open it; nobody else can", async () => {
    const owner = await requireChatAccess({ chatId: C1, user: { id: U1 }, level: "own" });
    expect(owner).toMatchObject({ role: "owner", level: "own", chat: { id: C1, title: "Rivers", activeLeafId: id(2) } });
    expect(await requireChatAccess({ chatId: C2, user: { id: U2 }, level: "own" })).toMatchObject({ role: "owner" });
    await expect(requireChatAccess({ chatId: C1, user: { id: U2 }, level: "read" })).rejects.toMatchObject({ code: "not_found" });
    const members = (await databaseClient().execute("SELECT chat_id, user_id, role, created_at FROM chat_members ORDER BY chat_id")).rows.map((r) => ({ ...r }));
    expect(members).toEqual([
      { chat_id: C1, user_id: U1, role: "owner", created_at: 1000 },
      { chat_id: C2, user_id: U2, role: "owner", created_at: 2000 },
    ]);
  });

  test("the page and the model see the upgraded path: text only, reasoning kept for the page", async () => {
    const page = await getPathPage({ chatId: C1, leafId: id(2) });
    expect(page.messages.map((m) => m.content)).toEqual([OLD[0].content, OLD[1].content]);
    expect(page.messages[1]!.parts[0]).toEqual({ type: "reasoning", text: OLD[1].reasoning });
    const turns = await getPathTurns({ chatId: C1, leafId: id(4), limit: 10 });
    expect(turns.map((t) => t.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(turns[2]!.parts).toEqual([{ type: "text", text: "   " }]);
  });

  test("starting again migrates nothing twice", async () => {
    const dump = async () => (await databaseClient().execute("SELECT id, parts, problem, content FROM messages ORDER BY id")).rows.map((r) => ({ ...r }));
    const before = await dump();
    await prepareDatabase();
    expect(await dump()).toEqual(before);
    expect((await databaseClient().execute("SELECT count(*) AS n FROM chat_members")).rows[0]!.n).toBe(2);
  });
});
