// Migrations 0002/0003 turn a database made with the schema before message
// parts into the current one without losing a character: built here with
// the old migrations only, filled the old way, then migrated to the end.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { firstMigrations } from "./first-migrations";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const migrations = path.resolve("drizzle/migrations");
const dir = mkdtempSync(path.join(tmpdir(), "parley-migration-"));
let client: Client;


const rows = async (sql: string) => (await client.execute(sql)).rows.map((row) => ({ ...row }));

beforeAll(async () => {
  client = createClient({ url: `file:${path.join(dir, "old.db")}` });
  await migrate(drizzle(client), { migrationsFolder: firstMigrations(2, dir) });
  await client.batch(
    [
      "INSERT INTO users (id, email, name, password_hash, role) VALUES ('u1', 'ada@example.com', 'Ada', 'x', 'admin'), ('u2', 'bob@example.com', 'Bob', 'x', 'member')",
      "INSERT INTO chats (id, user_id, title, model, created_at) VALUES ('c1', 'u1', 'Rivers', 'demo:parley-demo', 1000), ('c2', 'u2', 'Empty', 'demo:parley-demo', 2000)",
      `INSERT INTO messages (id, chat_id, parent_id, role, content, reasoning, status, error) VALUES
        ('m1', 'c1', NULL, 'user', 'Tell me about the Волга — and "quotes", \\backslashes' || char(10) || 'and a second line', '', 'complete', NULL),
        ('m2', 'c1', 'm1', 'assistant', 'The Volga is long. 🌊', 'Think about rivers first.', 'complete', NULL),
        ('m3', 'c1', 'm1', 'assistant', 'Cut o', '', 'interrupted', 'Stopped.'),
        ('m4', 'c1', 'm1', 'assistant', 'Half', 'hm', 'interrupted', 'The server restarted while this answer was being written.'),
        ('m5', 'c1', 'm1', 'assistant', '', '', 'error', 'OpenAI had a server error (HTTP 500). Continue or regenerate to try again.'),
        ('m6', 'c1', 'm1', 'assistant', 'kept', '', 'interrupted', 'Forked while this answer was being written.'),
        ('m7', 'c1', 'm1', 'assistant', '', 'only thinking', 'error', 'Any other words, kept exactly: «ёлка» 100%')`,
    ],
    "write",
  );
  await migrate(drizzle(client), { migrationsFolder: migrations });
});

afterAll(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("migrating messages to parts", () => {
  test("text becomes a text part and reasoning a reasoning part before it, character for character", async () => {
    const byId = Object.fromEntries((await rows("SELECT id, parts, content FROM messages ORDER BY id")).map((r) => [r.id, { parts: JSON.parse(String(r.parts)), content: r.content }]));
    expect(byId.m1).toEqual({ parts: [{ type: "text", text: 'Tell me about the Волга — and "quotes", \\backslashes\nand a second line' }], content: 'Tell me about the Волга — and "quotes", \\backslashes\nand a second line' });
    expect(byId.m2).toEqual({ parts: [{ type: "reasoning", text: "Think about rivers first." }, { type: "text", text: "The Volga is long. 🌊" }], content: "The Volga is long. 🌊" });
    expect(byId.m5!.parts).toEqual([]);
    expect(byId.m7!.parts).toEqual([{ type: "reasoning", text: "only thinking" }]);
  });

  test("known error sentences become codes and any other text is kept word for word", async () => {
    const problems = Object.fromEntries((await rows("SELECT id, problem FROM messages ORDER BY id")).map((r) => [r.id, r.problem === null ? null : JSON.parse(String(r.problem))]));
    expect(problems).toEqual({
      m1: null,
      m2: null,
      m3: { code: "stopped" },
      m4: { code: "interrupted_by_restart" },
      m5: { code: "answer_failed", params: { detail: "OpenAI had a server error (HTTP 500). Continue or regenerate to try again." } },
      m6: { code: "forked_while_streaming" },
      m7: { code: "answer_failed", params: { detail: "Any other words, kept exactly: «ёлка» 100%" } },
    });
  });

  test("the old columns are gone and every chat has its owner as a member", async () => {
    const columns = (await rows("PRAGMA table_info(messages)")).map((c) => c.name);
    expect(columns).toContain("parts");
    expect(columns).not.toContain("reasoning");
    expect(columns).not.toContain("error");
    expect(await rows("SELECT chat_id, user_id, role, created_at FROM chat_members ORDER BY chat_id")).toEqual([
      { chat_id: "c1", user_id: "u1", role: "owner", created_at: 1000 },
      { chat_id: "c2", user_id: "u2", role: "owner", created_at: 2000 },
    ]);
  });
});
