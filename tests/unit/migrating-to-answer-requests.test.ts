// The answers-per-window ledger's migration on a database made before it: the
// answers already asked for (their payer rows) are counted against whoever
// asked, at the time they were asked, so a window open at the upgrade keeps
// its count; answers nobody is known to have asked for are not.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { afterAll, beforeAll, expect, test } from "vitest";
import { firstMigrations } from "./first-migrations";

const dir = mkdtempSync(path.join(tmpdir(), "parley-migration-answer-requests-"));
let client: Client;

beforeAll(async () => {
  client = createClient({ url: `file:${path.join(dir, "old.db")}` });
  await migrate(drizzle(client), { migrationsFolder: firstMigrations(15, dir) });
  await client.batch(
    [
      "INSERT INTO users (id, email, name, password_hash, role) VALUES ('u1', 'ada@example.com', 'Ada', 'x', 'admin'), ('u2', 'bob@example.com', 'Bob', 'x', 'member')",
      "INSERT INTO chats (id, user_id, title, model) VALUES ('c1', 'u1', 'One', 'demo:parley-demo')",
      `INSERT INTO messages (id, chat_id, parent_id, role, parts, content, status, model) VALUES
        ('m1', 'c1', NULL, 'user', '[]', 'q', 'complete', NULL),
        ('m2', 'c1', 'm1', 'assistant', '[]', 'a', 'complete', 'demo:parley-demo'),
        ('m3', 'c1', 'm1', 'assistant', '[]', 'b', 'complete', 'demo:parley-demo'),
        ('m4', 'c1', 'm1', 'assistant', '[]', 'c', 'complete', 'demo:parley-demo')`,
      `INSERT INTO answer_payers (message_id, paid_by, provider, asked_by, created_at) VALUES
        ('m2', 'server', 'demo', 'u1', 1000), ('m3', 'server', 'demo', 'u2', 2000), ('m4', 'server', 'demo', NULL, 3000)`,
    ],
    "write",
  );
  await migrate(drizzle(client), { migrationsFolder: path.resolve("drizzle/migrations") });
});

afterAll(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

test("every answer someone asked for is in the ledger, against them, at its time", async () => {
  const rows = (await client.execute("SELECT id, user_id, created_at FROM answer_requests ORDER BY created_at")).rows.map((row) => ({ ...row }));
  expect(rows).toEqual([
    { id: "m2", user_id: "u1", created_at: 1000 },
    { id: "m3", user_id: "u2", created_at: 2000 },
  ]);
});
