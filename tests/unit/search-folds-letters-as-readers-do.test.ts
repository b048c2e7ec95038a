// Search finds a word however it was typed, through the real service on a
// real SQLite file: an accented letter composed or decomposed, ё or е, Arabic
// with or without its vowel marks, Turkish İ and ı, ß or ss, a full-width
// query; words of one or two characters in Chinese, Japanese and Korean are
// found in messages too. What a result shows is the text as written, with
// the words found marked where they are. Chat titles are read the same way,
// and a database indexed before all this is indexed again when it upgrades.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.RATE_LIMIT_SEARCH_PER_USER = "off";
  process.env.RATE_LIMIT_SEARCH_PER_IP = "off";
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { messages } from "../../drizzle/schema";
import { database, prepareDatabase } from "~/db.server";
import { parseSearchQuery, search, type SearchResults } from "~/services/search.server";
import { upgradedDatabase } from "./first-migrations";
import { addExchange, createTestChat, createTestUser } from "./fixtures";

beforeAll(async () => {
  await prepareDatabase();
});

type Who = { id: string };

async function find(user: Who, q: string, extra: Record<string, string> = {}): Promise<SearchResults> {
  return search({ user, query: parseSearchQuery(new URLSearchParams({ q, ...extra })) });
}

const plain = (segments: { text: string }[]) => segments.map((s) => s.text).join("");
const hitsOf = (segments: { text: string; hit: boolean }[]) => segments.filter((s) => s.hit).map((s) => s.text);
const messageIds = (results: SearchResults) => results.messages.map((m) => m.messageId);
const chatIds = (results: SearchResults) => results.chats.map((c) => c.chatId);

/** A person with one chat and one question in it (its answer says nothing searched for here). */
async function oneQuestion(question: string, title?: string) {
  const user = await createTestUser();
  const chat = await createTestChat({ userId: user.id, title });
  const { userMessageId } = await addExchange({ chatId: chat.id, parentId: null, question, answer: "ok" });
  return { user, chat, messageId: userMessageId };
}

describe("a word is found however it was typed", () => {
  test("an accented letter written as a letter and a combining accent is found by the composed letter, and the reverse", async () => {
    const decomposed = await oneQuestion("Un cafe\u0301 au lait, s'il vous plaît");
    const found = await find(decomposed.user, "café");
    expect(messageIds(found)).toEqual([decomposed.messageId]);
    // The hit covers the accent too, and the text is shown as written.
    expect(hitsOf(found.messages[0]!.snippet)).toEqual(["cafe\u0301"]);
    expect(plain(found.messages[0]!.snippet)).toBe("Un cafe\u0301 au lait, s'il vous plaît");

    const composed = await oneQuestion("Un café crème");
    expect(messageIds(await find(composed.user, "cafe\u0301"))).toEqual([composed.messageId]);
    expect(messageIds(await find(composed.user, "cafe"))).toEqual([composed.messageId]);
  });

  test("ё and е find each other, in either case", async () => {
    const withYo = await oneQuestion("Наряжаем ёлку к празднику");
    for (const q of ["елку", "ЕЛКУ", "ёлку", "Ёлку"]) expect(messageIds(await find(withYo.user, q)), q).toEqual([withYo.messageId]);
    const found = await find(withYo.user, "елку");
    expect(hitsOf(found.messages[0]!.snippet)).toEqual(["ёлку"]);
    expect(plain(found.messages[0]!.snippet)).toBe("Наряжаем ёлку к празднику");

    const withYe = await oneQuestion("Купили елку на рынке");
    expect(messageIds(await find(withYe.user, "ёлку"))).toEqual([withYe.messageId]);
  });

  test("Arabic without its vowel marks finds the word written with them, and the reverse", async () => {
    const voweled = await oneQuestion("قال مُحَمَّد إنه سيأتي غدا");
    const found = await find(voweled.user, "محمد");
    expect(messageIds(found)).toEqual([voweled.messageId]);
    // The whole word is marked, its vowel marks with it.
    expect(hitsOf(found.messages[0]!.snippet)).toEqual(["مُحَمَّد"]);
    expect(plain(found.messages[0]!.snippet)).toBe("قال مُحَمَّد إنه سيأتي غدا");

    const bare = await oneQuestion("قال محمد إنه سيأتي غدا");
    expect(messageIds(await find(bare.user, "مُحَمَّد"))).toEqual([bare.messageId]);
    // The stretching tatweel is no letter either.
    expect(messageIds(await find(bare.user, "مـحـمـد"))).toEqual([bare.messageId]);
  });

  test("Turkish İ is found by i and I, and dotless ı by i", async () => {
    const city = await oneQuestion("Next week in İstanbul");
    for (const q of ["istanbul", "ISTANBUL", "İstanbul", "İSTANBUL"]) expect(messageIds(await find(city.user, q)), q).toEqual([city.messageId]);
    expect(hitsOf((await find(city.user, "istanbul")).messages[0]!.snippet)).toEqual(["İstanbul"]);
    const spinach = await oneQuestion("Bugün ıspanak yemeği var");
    expect(messageIds(await find(spinach.user, "ispanak"))).toEqual([spinach.messageId]);
  });

  test("ß is found by ss, and ss by ß", async () => {
    const street = await oneQuestion("Wir wohnen in der Hauptstraße 5");
    const found = await find(street.user, "hauptstrasse");
    expect(messageIds(found)).toEqual([street.messageId]);
    expect(hitsOf(found.messages[0]!.snippet)).toEqual(["Hauptstraße"]);
    expect(plain(found.messages[0]!.snippet)).toBe("Wir wohnen in der Hauptstraße 5");
    // A piece ending inside the ss of the index ends after the ß.
    expect(hitsOf((await find(street.user, "strass")).messages[0]!.snippet)).toEqual(["straß"]);

    const swiss = await oneQuestion("Die Strasse ist gesperrt");
    expect(messageIds(await find(swiss.user, "Straße"))).toEqual([swiss.messageId]);
  });

  test("a hit after text that folds longer or shorter is marked where it is", async () => {
    const mixed = await oneQuestion("Hauptstraße, ёлка, مُحَمَّد — and then the zeppelin rose over Straße");
    const found = await find(mixed.user, "zeppelin strasse");
    expect(hitsOf(found.messages[0]!.snippet)).toEqual(["straße", "zeppelin", "Straße"]);
    expect(plain(found.messages[0]!.snippet)).toBe("Hauptstraße, ёлка, مُحَمَّد — and then the zeppelin rose over Straße");
  });

  test("a query typed in full-width letters finds the plain ones", async () => {
    const plainLetters = await oneQuestion("The zeppelin landed");
    expect(messageIds(await find(plainLetters.user, "ｚｅｐｐｅｌｉｎ"))).toEqual([plainLetters.messageId]);
  });

  test("Korean and Japanese written decomposed (as a Mac names files) are found by the composed words, and the reverse", async () => {
    const korean = await oneQuestion(`파일: ${"서울특별시".normalize("NFD")}.txt`);
    const found = await find(korean.user, "서울특별시");
    expect(messageIds(found)).toEqual([korean.messageId]);
    expect(hitsOf(found.messages[0]!.snippet)).toEqual(["서울특별시".normalize("NFD")]);
    const japanese = await oneQuestion("データベースの設計");
    expect(messageIds(await find(japanese.user, "データベース".normalize("NFD")))).toEqual([japanese.messageId]);
  });

  test("a file's name is found folded and shown as written", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    await database()
      .insert(messages)
      .values({
        id: "0fold0file0message01",
        chatId: chat.id,
        role: "user",
        parts: [{ type: "file", attachmentId: "0fold0attachment0001", name: "Ёлка-в-Straße.pdf", mediaType: "application/pdf", size: 10 }, { type: "text", text: "see attached" }],
        content: "see attached",
      });
    const found = await find(user, "strasse");
    expect(messageIds(found)).toEqual(["0fold0file0message01"]);
    expect(plain(found.messages[0]!.snippet)).toContain("Ёлка-в-Straße.pdf");
    expect(hitsOf(found.messages[0]!.snippet)).toEqual(["Straße"]);
    expect(hitsOf((await find(user, "елка")).messages[0]!.snippet)).toEqual(["Ёлка"]);
  });
});

describe("chat titles are read the same way", () => {
  test("by the index and, for one or two letters, by the title itself, marked as written", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id, title: "Ёлка у Hauptstraße" });
    const byYe = await find(user, "елка");
    expect(chatIds(byYe)).toEqual([chat.id]);
    expect(hitsOf(byYe.chats[0]!.title)).toEqual(["Ёлка"]);
    expect(plain(byYe.chats[0]!.title)).toBe("Ёлка у Hauptstraße");
    expect(hitsOf((await find(user, "strasse")).chats[0]!.title)).toEqual(["straße"]);
    // Too short for the index: ß is ss there too.
    const short = await find(user, "ss");
    expect(chatIds(short)).toEqual([chat.id]);
    expect(hitsOf(short.chats[0]!.title)).toEqual(["ß"]);
  });
});

describe("words of one or two characters in Chinese, Japanese and Korean", () => {
  test("are found in messages, not only in titles", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const tokyo = await addExchange({ chatId: chat.id, parentId: null, question: "明日は東京に行きます", answer: "ok" });
    const beijing = await addExchange({ chatId: chat.id, parentId: tokyo.assistantMessageId, question: "我在北京工作", answer: "ok" });
    const seoul = await addExchange({ chatId: chat.id, parentId: beijing.assistantMessageId, question: "서울에 갑니다", answer: "ok" });
    const cat = await addExchange({ chatId: chat.id, parentId: seoul.assistantMessageId, question: "猫が好きです", answer: "ok" });
    for (const [q, id] of [
      ["東京", tokyo.userMessageId],
      ["北京", beijing.userMessageId],
      ["서울", seoul.userMessageId],
      ["猫", cat.userMessageId],
    ] as const) {
      const found = await find(user, q);
      expect(found.tooShort, q).toBe(false);
      expect(messageIds(found), q).toEqual([id]);
      expect(hitsOf(found.messages[0]!.snippet), q).toEqual([q]);
    }
    // Each word must appear, beside words long enough for the index too.
    expect(messageIds(await find(user, "東京 行きます"))).toEqual([tokyo.userMessageId]);
    expect(messageIds(await find(user, "北京 行きます"))).toEqual([]);
    expect(messageIds(await find(user, "東京 北京"))).toEqual([]);
    // The marks a sentence puts around a word are not part of it; alone, they are no word.
    expect(messageIds(await find(user, "「東京」？"))).toEqual([tokyo.userMessageId]);
    expect(await find(user, "。")).toMatchObject({ tooShort: true, messages: [] });
    // In the quick switcher too.
    expect(messageIds(await find(user, "北京", { view: "quick" }))).toEqual([beijing.userMessageId]);
    // Short words in other scripts still search titles only.
    expect(await find(user, "ok")).toMatchObject({ tooShort: true, messages: [] });
  });
});

describe("an older database", () => {
  test("upgrading indexes its chats and messages again, folded", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "parley-search-fold-"));
    try {
      const client = await upgradedDatabase(19, dir, (old) =>
        old.executeMultiple(`
        INSERT INTO users (id, email, name, password_hash) VALUES ('u1', 'u1@example.com', 'U', 'x');
        INSERT INTO chats (id, user_id, title, model) VALUES ('c1', 'u1', 'Ёлка в İstanbul', 'demo:parley-demo');
        INSERT INTO messages (id, chat_id, role, parts, content) VALUES ('m1', 'c1', 'user', '[]', 'Наряжаем ёлку у Hauptstraße');
        INSERT INTO messages (id, chat_id, role, parts, content) VALUES ('m2', 'c1', 'user', '[]', 'cafe\u0301 au lait');`),
      );
      const messagesMatching = async (match: string) =>
        (await client.execute({ sql: "SELECT r.message_id FROM message_search s JOIN message_search_rows r ON r.id = s.rowid WHERE message_search MATCH ? ORDER BY r.message_id", args: [match] })).rows.map((r) => r.message_id);
      expect(await messagesMatching('"елку"')).toEqual(["m1"]);
      expect(await messagesMatching('"hauptstrasse"')).toEqual(["m1"]);
      expect(await messagesMatching('"café"')).toEqual(["m2"]);
      const titles = await client.execute(`SELECT r.chat_id FROM chat_search s JOIN chat_search_rows r ON r.id = s.rowid WHERE chat_search MATCH '"елка" "istanbul"'`);
      expect(titles.rows.map((r) => r.chat_id)).toEqual(["c1"]);
      // And what is written after the upgrade.
      await client.execute("INSERT INTO messages (id, chat_id, role, parts, content) VALUES ('m3', 'c1', 'user', '[]', 'Ещё одна ёлка')");
      expect(await messagesMatching('"еще"')).toEqual(["m3"]);
      client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
