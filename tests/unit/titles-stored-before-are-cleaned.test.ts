// Titles stored before titles were cleaned (docs/decisions/173): the migration
// takes out of every chat's and every share's title what a title written now
// loses, and nothing else. A title of invisible characters alone becomes its
// owner's words for a new chat; the search index finds the cleaned title.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@libsql/client";
import { afterAll, beforeAll, expect, test } from "vitest";
import { cleanChatTitle } from "~/utils/chat-title";
import { upgradedDatabase } from "./first-migrations";

const dir = mkdtempSync(path.join(tmpdir(), "parley-migration-titles-"));
let client: Client;

/**
 * Characters whose fate a title could depend on: every one a title loses
 * today, and the other format, control and space characters of the Basic
 * Multilingual Plane (which it must keep, or trim only at its ends).
 */
const candidates = Array.from({ length: 0x10000 }, (_, code) => String.fromCharCode(code)).filter(
  (c) => c !== "\u0000" && !/[\uD800-\uDFFF]/.test(c) && (/[\p{Cf}\p{Zs}\p{Cc}]/u.test(c) || cleanChatTitle(`a${c}b`) === "ab"),
);
/** Around each candidate, a zero-width space: every such title holds something to clean. */
const titled = (c: string) => `\u200B${c}x\u200D${c}y${c}`;

beforeAll(async () => {
  client = await upgradedDatabase(19, dir, (old) =>
    old.batch(
    [
      "INSERT INTO users (id, email, name, password_hash, role, locale) VALUES ('u1', 'ada@example.com', 'Ada', 'x', 'member', 'en'), ('u2', 'olga@example.com', 'Ольга', 'x', 'member', 'ru')",
      { sql: "INSERT INTO chats (id, user_id, title, model) VALUES ('spoof', 'u1', ?, 'm'), ('blank', 'u1', ?, 'm'), ('pusto', 'u2', ?, 'm'), ('plain', 'u1', ?, 'm'), ('hidden', 'u2', ?, 'm')", args: ["Invoice \u202EFDP.exe", "\u200b\u200b\u200b", "\u202e", "  Family 👨‍👩‍👧 می‌خواهم  ", "Inv\u200Boice plans"] },
      { sql: "INSERT INTO shares (id, token, chat_id, user_id, title, model) VALUES ('s1', 't1', 'spoof', 'u1', ?, 'm'), ('s2', 't2', 'pusto', 'u2', ?, 'm')", args: ["Invoice \u202EFDP.exe", "\u2066\u2069"] },
      ...candidates.map((c, i) => ({ sql: "INSERT INTO chats (id, user_id, title, model) VALUES (?, 'u1', ?, 'm')", args: [`c${i}`, titled(c)] })),
    ],
    "write",
    ),
  );
});

afterAll(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

const titleOf = async (table: "chats" | "shares", id: string) => (await client.execute({ sql: `SELECT title FROM ${table} WHERE id = ?`, args: [id] })).rows[0]!.title;

test("a title loses its direction controls and invisible characters; one of them alone is the owner's words for a new chat", async () => {
  expect(await titleOf("chats", "spoof")).toBe("Invoice FDP.exe");
  expect(await titleOf("chats", "blank")).toBe("New chat");
  expect(await titleOf("chats", "pusto")).toBe("Новый чат");
  expect(await titleOf("shares", "s1")).toBe("Invoice FDP.exe");
  expect(await titleOf("shares", "s2")).toBe("Новый чат");
});

test("a title with nothing to clean is left as it was, spaces and joiners included", async () => {
  expect(await titleOf("chats", "plain")).toBe("  Family 👨‍👩‍👧 می‌خواهم  ");
});

test("the migration cleans each character as a title written now is cleaned", async () => {
  expect(candidates.length).toBeGreaterThan(100);
  const stored = await client.execute("SELECT id, title FROM chats WHERE id GLOB 'c[0-9]*'");
  const byId = new Map(stored.rows.map((row) => [String(row.id), String(row.title)]));
  const differing = candidates
    .map((c, i) => ({ code: `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`, migrated: byId.get(`c${i}`), now: cleanChatTitle(titled(c)) }))
    .filter(({ migrated, now }) => migrated !== now);
  expect(differing).toEqual([]);
});

test("the search index holds the cleaned title", async () => {
  const found = await client.execute("SELECT r.chat_id FROM chat_search s JOIN chat_search_rows r ON r.id = s.rowid WHERE chat_search MATCH '\"Invoice plans\"'");
  expect(found.rows.map((row) => row.chat_id)).toEqual(["hidden"]);
});
