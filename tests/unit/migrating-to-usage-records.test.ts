// The usage ledger's migration on a database made before it: answers already
// finished count as usage (against their chat's owner, with the payer that was
// recorded), answers still streaming or never answered do not. Every one is
// an answer's request (titles were recorded from a later migration on).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { afterAll, beforeAll, expect, test } from "vitest";
import { firstMigrations } from "./first-migrations";

const dir = mkdtempSync(path.join(tmpdir(), "parley-migration-usage-"));
let client: Client;

beforeAll(async () => {
  client = createClient({ url: `file:${path.join(dir, "old.db")}` });
  await migrate(drizzle(client), { migrationsFolder: firstMigrations(7, dir) });
  const stats = (input: number, output: number, cost?: number) => JSON.stringify({ model: "openai:gpt-4o", inputTokens: input, outputTokens: output, ...(cost ? { costUsd: cost } : {}) });
  await client.batch(
    [
      "INSERT INTO users (id, email, name, password_hash, role) VALUES ('u1', 'ada@example.com', 'Ada', 'x', 'admin'), ('u2', 'bob@example.com', 'Bob', 'x', 'member')",
      "INSERT INTO chats (id, user_id, title, model) VALUES ('c1', 'u1', 'One', 'openai:gpt-4o'), ('c2', 'u2', 'Two', 'anthropic:claude')",
      `INSERT INTO messages (id, chat_id, parent_id, role, parts, content, status, model, stats, updated_at) VALUES
        ('m1', 'c1', NULL, 'user', '[]', 'q', 'complete', NULL, NULL, 1000),
        ('m2', 'c1', 'm1', 'assistant', '[]', 'a', 'complete', 'openai:gpt-4o', '${stats(10, 20, 0.5)}', 86400000),
        ('m3', 'c1', 'm1', 'assistant', '[]', 'b', 'streaming', 'openai:gpt-4o', '${stats(1, 1)}', 86400000),
        ('m4', 'c2', NULL, 'user', '[]', 'q', 'complete', NULL, NULL, 1000),
        ('m5', 'c2', 'm4', 'assistant', '[]', 'c', 'interrupted', 'anthropic:claude', '${stats(5, 7)}', 172800000),
        ('m6', 'c2', 'm4', 'assistant', '[]', '', 'error', 'anthropic:claude', NULL, 172800000)`,
      "INSERT INTO answer_payers (message_id, paid_by, key_owner_id, provider) VALUES ('m5', 'user', 'u2', 'anthropic')",
    ],
    "write",
  );
  await migrate(drizzle(client), { migrationsFolder: path.resolve("drizzle/migrations") });
});

afterAll(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

test("finished answers become usage records against their chat's owner, with the recorded payer", async () => {
  const rows = (await client.execute("SELECT message_id, user_id, model, provider, paid_by, kind, status, input_tokens, output_tokens, cost_usd, created_at FROM usage_records ORDER BY message_id")).rows.map((row) => ({ ...row }));
  expect(rows).toEqual([
    { message_id: "m2", user_id: "u1", model: "openai:gpt-4o", provider: "openai", paid_by: "server", kind: "answer", status: "complete", input_tokens: 10, output_tokens: 20, cost_usd: 0.5, created_at: 86400000 },
    { message_id: "m5", user_id: "u2", model: "openai:gpt-4o", provider: "anthropic", paid_by: "user", kind: "answer", status: "interrupted", input_tokens: 5, output_tokens: 7, cost_usd: 0, created_at: 172800000 },
  ]);
  const payers = (await client.execute("SELECT message_id, asked_by FROM answer_payers")).rows.map((row) => ({ ...row }));
  expect(payers).toEqual([{ message_id: "m5", asked_by: "u2" }]);
});
