// The search index's triggers (SQL, in the migration) and a query (the
// service, in TypeScript) fold text alike: what the index holds for a message,
// its files and its chat's title is what app/utils/search-fold.ts makes of
// them; the marks the tokenizer skips are the ones that module counts out;
// and words too short for the index are read in the newest chats first, no
// further than a bound, saying so.
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { chats, messages } from "../../drizzle/schema";
import { database, prepareDatabase } from "~/db.server";
import { messagesContaining, reindexMessageFiles } from "~/models/search.server";
import { foldForSearch, foldSql, foldWithSources, SEARCH_FOLDS, TOKENIZER_SKIPS } from "~/utils/search-fold";
import { addExchange, createTestChat, createTestUser } from "./fixtures";

beforeAll(async () => {
  await prepareDatabase();
});

/** Every replaced letter in a few surroundings: alone, between letters, twice in a row, and pairs split by another mark. */
const EVERY_FOLD = SEARCH_FOLDS.map(([from], i) => `${from} x${from}y ${from}${from} ${from[0]}\u064e${from.slice(1)} ${i}`).join(" | ");

async function stored(table: "message_search" | "chat_search", column: string, id: string): Promise<string | null> {
  const rows =
    table === "message_search"
      ? await database().all<{ v: string | null }>(sql`SELECT ${sql.raw(column)} AS v FROM message_search WHERE rowid = (SELECT id FROM message_search_rows WHERE message_id = ${id})`)
      : await database().all<{ v: string | null }>(sql`SELECT ${sql.raw(column)} AS v FROM chat_search WHERE rowid = (SELECT id FROM chat_search_rows WHERE chat_id = ${id})`);
  return rows[0]!.v;
}

describe("the index holds what the query's folding makes of a text", () => {
  test("a message's text, as sent and as changed", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const { userMessageId } = await addExchange({ chatId: chat.id, parentId: null, question: EVERY_FOLD, answer: "ok" });
    expect(await stored("message_search", "body", userMessageId)).toBe(foldForSearch(EVERY_FOLD));
    const changed = `changed: ${EVERY_FOLD}`;
    await database().update(messages).set({ content: changed }).where(eq(messages.id, userMessageId));
    expect(await stored("message_search", "body", userMessageId)).toBe(foldForSearch(changed));
  });

  test("a message's files, as sent and as read again", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const id = "0fold0files0message1";
    await database()
      .insert(messages)
      .values({ id, chatId: chat.id, role: "user", parts: [{ type: "file", attachmentId: "0fold0files0attach01", name: EVERY_FOLD, mediaType: "text/plain", size: 1 }], content: "" });
    expect(await stored("message_search", "files", id)).toBe(foldForSearch(EVERY_FOLD));
    await database().run(sql`UPDATE message_search SET files = 'stale' WHERE rowid = (SELECT id FROM message_search_rows WHERE message_id = ${id})`);
    await database().run(reindexMessageFiles(sql`SELECT ${id}`));
    expect(await stored("message_search", "files", id)).toBe(foldForSearch(EVERY_FOLD));
  });

  test("a chat's title, as made and as renamed", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id, title: EVERY_FOLD.slice(0, 200) });
    expect(await stored("chat_search", "title", chat.id)).toBe(foldForSearch(EVERY_FOLD.slice(0, 200)));
    await database().update(chats).set({ title: EVERY_FOLD.slice(200, 400) }).where(eq(chats.id, chat.id));
    expect(await stored("chat_search", "title", chat.id)).toBe(foldForSearch(EVERY_FOLD.slice(200, 400)));
  });

  test("SQL's replacements and the one pass of foldWithSources agree on any text", async () => {
    const alphabet = [...new Set([...SEARCH_FOLDS.flatMap(([from, to]) => [...from, ...to]), "a", " ", "\u0301", "😀"])];
    let seed = 17;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const texts = Array.from({ length: 300 }, () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(""));
    const rows = await database().all<{ v: string }>(sql`SELECT ${sql.raw(foldSql("value"))} AS v FROM json_each(${JSON.stringify(texts)})`);
    expect(rows.map((row) => row.v)).toEqual(texts.map(foldForSearch));
    // And each unit of the folded text comes from the piece of the text its sources name.
    for (const text of texts) {
      const { text: folded, start, end } = foldWithSources(text);
      for (let i = 0; i < folded.length; i++) expect(foldForSearch(text.slice(start[i], end[i]))).toContain(folded[i]);
      expect(start.every((s, i) => i === 0 || s >= start[i - 1]!)).toBe(true);
    }
  });

  test("the combining marks the tokenizer skips are the ones counted out", async () => {
    const [index] = await database().all<{ sql: string }>(sql`SELECT sql FROM sqlite_master WHERE name = 'message_search'`);
    const tokenizer = /tokenize\s*=\s*'([^']+)'/.exec(index!.sql)![1]!;
    await database().run(sql.raw(`CREATE VIRTUAL TABLE temp.marks_probe USING fts5(text, tokenize = '${tokenizer}')`));
    try {
      const marks = Array.from({ length: 0x70 }, (_, i) => String.fromCharCode(0x300 + i));
      for (const [i, mark] of marks.entries()) await database().run(sql`INSERT INTO temp.marks_probe (rowid, text) VALUES (${i + 1}, ${`ab${mark}c`})`);
      // "ab" + mark + "c" holds the trigram "abc" only when the mark is read as nothing.
      const rows = await database().all<{ rowid: number }>(sql`SELECT rowid FROM temp.marks_probe WHERE marks_probe MATCH '"abc"' ORDER BY rowid`);
      expect(rows.map((row) => marks[row.rowid - 1])).toEqual(marks.filter((mark) => mark.replace(TOKENIZER_SKIPS, "") === ""));
    } finally {
      await database().run(sql`DROP TABLE temp.marks_probe`);
    }
  });
});

describe("words too short for the index", () => {
  test("are read in the most recently active chats first, up to a bound, which the result says it met", async () => {
    const user = await createTestUser();
    const older = await createTestChat({ userId: user.id });
    const { userMessageId } = await addExchange({ chatId: older.id, parentId: null, question: "東京へ", answer: "ok" });
    await database().run(sql`UPDATE chats SET updated_at = 1000 WHERE id = ${older.id}`);
    for (let i = 0; i < 60; i++) {
      const chat = await createTestChat({ userId: user.id });
      await addExchange({ chatId: chat.id, parentId: null, question: `question ${i}`, answer: "ok" });
    }
    const filters = { archived: "all" } as const;
    const bounded = await messagesContaining({ userId: user.id, containing: [["東京"]], filters, limit: 20, scanLimit: 10 });
    expect(bounded).toEqual({ hits: [], unread: true });
    const whole = await messagesContaining({ userId: user.id, containing: [["東京"]], filters, limit: 20 });
    expect(whole.hits.map((hit) => hit.messageId)).toEqual([userMessageId]);
    expect(whole.unread).toBe(false);
  });
});
