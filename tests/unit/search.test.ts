// Full-text search through the real service on a real SQLite file: the index
// follows every write path (a send, an answer as it is stored, an edit, a
// branch or chat deleted, a rename), finds Russian words and pieces of words,
// shows a person only the chats they may read, filters and pages (every chat
// found by its title is reachable page by page), and hands snippets to the
// page as text, never as HTML.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { messages } from "../../drizzle/schema";
import { HighlightedText } from "~/components/search/HighlightedText";
import { database, prepareDatabase } from "~/db.server";
import { grantChatRole, requireChatAccess } from "~/models/chat-access.server";
import { createExchange, saveStreamFinal, saveStreamProgress } from "~/models/message.server";
import { AppError } from "~/protocol/errors";
import { textParts } from "~/protocol/parts";
import * as conversation from "~/services/conversation.server";
import { CHATS_ABOVE_MESSAGES, parseSearchQuery, termsOf, search, type SearchResults, SEARCH_PAGE_SIZE } from "~/services/search.server";
import { streamRegistry } from "~/streaming/streams.server";
import { upgradedDatabase } from "./first-migrations";
import { deleteChat } from "~/models/chat.server";
import { filePartOf, storeUpload } from "~/services/attachments.server";
import { exportChat } from "~/services/export.server";
import { importFile } from "~/services/import.server";
import { pdfBytes } from "../files";
import { addExchange, createTestChat, createTestUser, TEST_MODEL } from "./fixtures";

beforeAll(async () => {
  await prepareDatabase();
});

afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

type Who = { id: string };

async function find(user: Who, q: string, extra: Record<string, string> = {}): Promise<SearchResults> {
  return search({ user, query: parseSearchQuery(new URLSearchParams({ q, ...extra })) });
}

const plain = (segments: { text: string }[]) => segments.map((s) => s.text).join("");
const hitsOf = (segments: { text: string; hit: boolean }[]) => segments.filter((s) => s.hit).map((s) => s.text);
const messageIds = (results: SearchResults) => results.messages.map((m) => m.messageId);
const chatIds = (results: SearchResults) => results.chats.map((c) => c.chatId);

async function settled() {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
}

describe("the index follows every write path", () => {
  test("a sent message is found at once, and its answer once stored", async () => {
    const user = await createTestUser();
    const { chat, userMessageId, assistantMessageId } = await conversation.startChat({ user, text: "How do zeppelins float over the Baltic?", model: "demo:parley-demo" });
    const first = await find(user, "zeppelin");
    expect(messageIds(first)).toContain(userMessageId);
    // No embeddings model is set up here: words only, and the results say so.
    expect(first.meaning).toBe("off");
    expect(first.messages.every((m) => m.found === "words")).toBe(true);
    await settled();
    const answer = await find(user, "offline demo model");
    expect(answer.messages.filter((m) => m.chatId === chat.id).map((m) => m.messageId)).toEqual([assistantMessageId]);
    const access = await requireChatAccess({ chatId: chat.id, user, level: "write" });
    const more = await conversation.sendMessage({ access, user, text: "And what about quokkas in Perth?" });
    expect(messageIds(await find(user, "quokkas"))).toEqual([more.userMessageId]);
  });

  test("an answer is indexed when it ends, not at each piece stored while it streams", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const ids = await createExchange({ chatId: chat.id, parentId: null, parts: textParts("tell me"), model: TEST_MODEL, instanceId: null });
    await saveStreamProgress({ messageId: ids.assistantMessageId, parts: textParts("The albatross glides"), lastEventId: 3 });
    expect(messageIds(await find(user, "albatross"))).toEqual([]);
    await saveStreamFinal({ messageId: ids.assistantMessageId, parts: textParts("The albatross glides for hours"), lastEventId: 5, status: "interrupted" });
    expect(messageIds(await find(user, "albatross"))).toEqual([ids.assistantMessageId]);
    // Continued later: the stored text stays findable while the rest is written, and the whole is indexed at the end.
    await database().update(messages).set({ status: "streaming" }).where(eq(messages.id, ids.assistantMessageId));
    await saveStreamProgress({ messageId: ids.assistantMessageId, parts: textParts("The albatross glides for hours. Then the cormorant"), lastEventId: 7 });
    expect(messageIds(await find(user, "cormorant"))).toEqual([]);
    expect(messageIds(await find(user, "albatross"))).toEqual([ids.assistantMessageId]);
    await saveStreamFinal({ messageId: ids.assistantMessageId, parts: textParts("The albatross glides for hours. Then the cormorant dives"), lastEventId: 9, status: "complete" });
    expect(messageIds(await find(user, "cormorant"))).toEqual([ids.assistantMessageId]);
  });

  test("a stored answer whose text changes is found by its new words only", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const { assistantMessageId } = await addExchange({ chatId: chat.id, parentId: null, question: "tell me", answer: "The pelican waits" });
    await database().update(messages).set({ content: "The heron waits" }).where(eq(messages.id, assistantMessageId));
    expect(messageIds(await find(user, "pelican"))).toEqual([]);
    expect(messageIds(await find(user, "heron"))).toEqual([assistantMessageId]);
  });

  test("an edit adds the new words and keeps the old branch findable", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const first = await addExchange({ chatId: chat.id, parentId: null, question: "Recipe for borscht please", answer: "ok" });
    const access = await requireChatAccess({ chatId: chat.id, user, level: "write" });
    const edited = await conversation.editMessage({ access, user, messageId: first.userMessageId, text: "Recipe for solyanka please" });
    await settled();
    expect(messageIds(await find(user, "solyanka"))).toContain(edited.userMessageId);
    expect(messageIds(await find(user, "borscht"))).toContain(first.userMessageId);
  });

  test("a deleted branch leaves the index with everything below it, its siblings stay", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const root = await addExchange({ chatId: chat.id, parentId: null, question: "root about lighthouses", answer: "ok" });
    const kept = await addExchange({ chatId: chat.id, parentId: root.assistantMessageId, question: "keep the walrus", answer: "ok" });
    const gone = await addExchange({ chatId: chat.id, parentId: root.assistantMessageId, question: "drop the narwhal", answer: "narwhal tusks below" });
    const access = await requireChatAccess({ chatId: chat.id, user, level: "write" });
    await conversation.deleteBranch({ access, messageId: gone.userMessageId });
    expect(messageIds(await find(user, "narwhal"))).toEqual([]);
    expect(messageIds(await find(user, "walrus"))).toEqual([kept.userMessageId]);
    expect(messageIds(await find(user, "lighthouses"))).toEqual([root.userMessageId]);
  });

  test("a deleted chat leaves the index, title and messages", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id, title: "Marmalade planning" });
    await addExchange({ chatId: chat.id, parentId: null, question: "marmalade with oranges", answer: "ok" });
    expect((await find(user, "marmalade")).messages).toHaveLength(1);
    expect(chatIds(await find(user, "marmalade"))).toEqual([chat.id]);
    const access = await requireChatAccess({ chatId: chat.id, user, level: "own" });
    await conversation.removeChat({ access });
    expect(await find(user, "marmalade")).toMatchObject({ chats: [], messages: [] });
    const [rows] = await Promise.all([database().all<{ n: number }>(sql`SELECT (SELECT count(*) FROM message_search_rows r LEFT JOIN messages m ON m.id = r.message_id WHERE m.id IS NULL) + (SELECT count(*) FROM chat_search_rows r LEFT JOIN chats c ON c.id = r.chat_id WHERE c.id IS NULL) AS n`)]);
    expect(rows[0]!.n).toBe(0);
  });

  test("a renamed chat is found by its new title only", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id, title: "Trip to Lisbon" });
    const access = await requireChatAccess({ chatId: chat.id, user, level: "write" });
    await conversation.renameChat({ access, title: "Trip to Porto" });
    expect(chatIds(await find(user, "Lisbon"))).toEqual([]);
    const found = await find(user, "porto");
    expect(chatIds(found)).toEqual([chat.id]);
    expect(hitsOf(found.chats[0]!.title)).toEqual(["Porto"]);
  });
});

describe("what a search finds", () => {
  test("Russian words in any case, and pieces of words in any script", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id, title: "Поездка на Байкал" });
    const { userMessageId, assistantMessageId } = await addExchange({
      chatId: chat.id,
      parentId: null,
      question: "Когда лучше ехать на Байкал зимой?",
      answer: "Лёд крепчает в феврале; photographing the hummocks is best then.",
    });
    expect(messageIds(await find(user, "байкал"))).toEqual([userMessageId]);
    expect(messageIds(await find(user, "ЗИМОЙ"))).toEqual([userMessageId]);
    // Pieces of words: the middle of a Russian word, the middle of an English one.
    expect(messageIds(await find(user, "крепча"))).toEqual([assistantMessageId]);
    expect(messageIds(await find(user, "ummock"))).toEqual([assistantMessageId]);
    expect(chatIds(await find(user, "БАЙКАЛ"))).toEqual([chat.id]);
    const snippet = (await find(user, "феврал")).messages[0]!.snippet;
    expect(hitsOf(snippet)).toEqual(["феврал"]);
    expect(plain(snippet)).toContain("Лёд крепчает в феврале");
  });

  test("every word must appear, in any order; a quoted phrase must appear as written", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const a = await addExchange({ chatId: chat.id, parentId: null, question: "purple elephant dancing", answer: "ok" });
    await addExchange({ chatId: chat.id, parentId: a.assistantMessageId, question: "purple giraffe sleeping", answer: "fine" });
    expect(messageIds(await find(user, "dancing purple"))).toEqual([a.userMessageId]);
    expect(messageIds(await find(user, '"elephant dancing"'))).toEqual([a.userMessageId]);
    expect(messageIds(await find(user, '"dancing elephant"'))).toEqual([]);
    // FTS5 syntax typed by a person is just text.
    expect((await find(user, 'purple AND NOT" OR (*')).messages).toEqual([]);
    expect((await find(user, "NEAR(purple giraffe)")).messages).toEqual([]);
    // Control characters separate words; SQLite never sees them.
    expect(messageIds(await find(user, "dancing\u0000purple"))).toEqual([a.userMessageId]);
    expect(messageIds(await find(user, "eleph\u0000"))).toEqual([a.userMessageId]);
    expect((await find(user, "\u0000\u0007\u007f")).messages).toEqual([]);
  });

  test("a word is found with the punctuation a sentence puts around it, and a phrase in typographic quotes as written", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const a = await addExchange({ chatId: chat.id, parentId: null, question: "walking over tundra hummocks (slowly)", answer: "ok" });
    for (const q of ["hummocks?", "hummocks,", "tundra.", "“hummocks”", "«tundra hummocks»", "„tundra hummocks“", "(slowly)", "hummocks!?…"]) {
      expect(messageIds(await find(user, q)), q).toEqual([a.userMessageId]);
    }
    expect(messageIds(await find(user, "«hummocks tundra»"))).toEqual([]);
    // What is part of a word stays: C++ is not C.
    expect(termsOf("C++ node.js #tag $100 tundra?")).toEqual(["C++", "node.js", "#tag", "$100", "tundra"]);
  });

  test("a query under three characters searches titles only, and says so", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id, title: "Go modules and AI" });
    await addExchange({ chatId: chat.id, parentId: null, question: "ai question", answer: "ok" });
    const found = await find(user, "ai");
    expect(found).toMatchObject({ tooShort: true, messages: [] });
    expect(chatIds(found)).toEqual([chat.id]);
    expect(hitsOf(found.chats[0]!.title)).toEqual(["AI"]);
    // LIKE's own wildcards are text too.
    expect(chatIds(await find(user, "%"))).toEqual([]);
  });

  test("an attachment's name is found with the message that carries it", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const db = database();
    await db.insert(messages).values({
      id: "0search0file0message",
      chatId: chat.id,
      role: "user",
      parts: [{ type: "file", attachmentId: "0search0attachment01", name: "quarterly-report.pdf", mediaType: "application/pdf", size: 10 }, { type: "text", text: "see attached" }],
      content: "see attached",
    });
    const found = await find(user, "quarterly");
    expect(messageIds(found)).toEqual(["0search0file0message"]);
    expect(hitsOf(found.messages[0]!.snippet)).toEqual(["quarterly"]);
  });

  test("a snippet shows an answer's words, not its markdown", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const answers: [string, string, string][] = [
      ["pantry", "## Open **the pantry**", "Open the pantry"],
      ["flour", "1. take the `flour_sack` now", "1. take the flour_sack now"],
      ["water", "- mix with _warm_ water (2 * 3 cups)", "mix with warm water (2 * 3 cups)"],
      ["recipe", `> see [the recipe](https://recipes.example/${"bread_loaf/".repeat(30)})`, "see the recipe…"], // the snippet ends inside the address
      ["knead", "| step | time |\n|---|:-:|\n| knead | 10 min |", "step · time knead · 10 min"],
      ["oven", "```sh\noven --hot\n```\n\n---", "oven --hot"],
    ];
    let parentId: string | null = null;
    for (const [, answer] of answers) parentId = (await addExchange({ chatId: chat.id, parentId, question: "and then?", answer })).assistantMessageId;
    for (const [word, , shown] of answers) {
      const snippet = (await find(user, word)).messages[0]!.snippet;
      expect(plain(snippet)).toBe(shown);
      expect(hitsOf(snippet)).toEqual([word]);
    }
  });

  test("a snippet is a passage of a few lines around the first hit, cut between words", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const before = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const after = Array.from({ length: 60 }, (_, i) => `later${i}`).join(" ");
    await addExchange({ chatId: chat.id, parentId: null, question: `${before} the hummocks of Lake Baikal in winter ${after}`, answer: "ok" });
    const snippet = plain((await find(user, "hummocks")).messages[0]!.snippet);
    expect(snippet).toMatch(/^…word\d+ /);
    expect(snippet).toMatch(/ later\d+…$/);
    expect(snippet).toContain("word39 the hummocks of Lake Baikal in winter later0 later1");
    expect(snippet.length).toBeGreaterThan(200);
    expect(snippet.length).toBeLessThanOrEqual(245);
    // A short message is shown whole.
    await addExchange({ chatId: chat.id, parentId: null, question: "Short note on tussocks", answer: "ok" });
    expect(plain((await find(user, "tussocks")).messages[0]!.snippet)).toBe("Short note on tussocks");
  });

  test("snippets are text: markup in a message reaches the page escaped", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id, title: "<img src=x onerror=alert(1)> title" });
    await addExchange({ chatId: chat.id, parentId: null, question: "<script>alert('pwned')</script> findme <b>bold</b>", answer: "ok" });
    const found = await find(user, "findme");
    const snippet = found.messages[0]!.snippet;
    expect(plain(snippet)).toContain("<script>alert('pwned')</script>");
    const html = renderToStaticMarkup(createElement(HighlightedText, { segments: snippet }));
    expect(html).toContain("<mark");
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>");
    const title = renderToStaticMarkup(createElement(HighlightedText, { segments: (await find(user, "onerror")).chats[0]!.title }));
    expect(title).not.toContain("<img");
  });
});

describe("whose chats a search reads", () => {
  test("a stranger's messages never appear; a viewer's chat does, with its owner's words", async () => {
    const owner = await createTestUser("Owner");
    const viewer = await createTestUser("Viewer");
    const stranger = await createTestUser("Stranger");
    const chat = await createTestChat({ userId: owner.id, title: "Secret pangolin plans" });
    const { userMessageId } = await addExchange({ chatId: chat.id, parentId: null, question: "the pangolin password is hunter2", answer: "ok" });
    await grantChatRole({ chatId: chat.id, userId: viewer.id, role: "viewer" });
    expect(messageIds(await find(owner, "pangolin"))).toEqual([userMessageId]);
    expect(messageIds(await find(viewer, "pangolin"))).toEqual([userMessageId]);
    expect(chatIds(await find(viewer, "pangolin"))).toEqual([chat.id]);
    const theirs = await find(stranger, "pangolin");
    expect(theirs).toMatchObject({ chats: [], messages: [] });
    expect(await find(stranger, "pa")).toMatchObject({ chats: [], messages: [] });
  });
});

describe("whose chats a search reads, among many matches", () => {
  test("a person's one match is found below hundreds of better ones in chats they cannot read", async () => {
    const owner = await createTestUser("Busy");
    const person = await createTestUser("Quiet");
    const busy = await createTestChat({ userId: owner.id });
    await database()
      .insert(messages)
      .values(Array.from({ length: 260 }, (_, i) => ({ id: `0search0busy0${String(i).padStart(7, "0")}`, chatId: busy.id, role: "user" as const, content: `okapi okapi okapi ${i}` })));
    const mine = await createTestChat({ userId: person.id });
    const { userMessageId } = await addExchange({ chatId: mine.id, parentId: null, question: `A long question that mentions the okapi only once, among ${"many other words ".repeat(20)}`, answer: "ok" });
    expect(messageIds(await find(person, "okapi"))).toEqual([userMessageId]);
    const theirs = await find(owner, "okapi");
    expect(theirs.messages).toHaveLength(SEARCH_PAGE_SIZE);
    expect(theirs.hasMore).toBe(true);
    expect(messageIds(theirs)).not.toContain(userMessageId);
  });
});

describe("filters and pages", () => {
  test("archived or not, dates, and model narrow the results", async () => {
    const user = await createTestUser();
    const active = await createTestChat({ userId: user.id, title: "active" });
    const archived = await createTestChat({ userId: user.id, title: "archived" });
    const a = await addExchange({ chatId: active.id, parentId: null, question: "kiwifruit in the active chat", answer: "kiwifruit answer" });
    const b = await addExchange({ chatId: archived.id, parentId: null, question: "kiwifruit in the archived chat", answer: "ok" });
    await conversation.setArchived({ access: await requireChatAccess({ chatId: archived.id, user, level: "own" }), archived: true });
    const ids = async (extra: Record<string, string>) => new Set(messageIds(await find(user, "kiwifruit", extra)));
    expect(await ids({})).toEqual(new Set([a.userMessageId, a.assistantMessageId, b.userMessageId]));
    expect(await ids({ archived: "active" })).toEqual(new Set([a.userMessageId, a.assistantMessageId]));
    expect(await ids({ archived: "archived" })).toEqual(new Set([b.userMessageId]));
    // Dates: one message moved to last year.
    await database().run(sql`UPDATE messages SET created_at = ${Date.parse("2025-03-10T12:00:00Z")} WHERE id = ${b.userMessageId}`);
    expect(await ids({ from: "2025-03-10", to: "2025-03-10" })).toEqual(new Set([b.userMessageId]));
    expect(await ids({ to: "2025-03-09" })).toEqual(new Set());
    expect(await ids({ from: "2025-03-11" })).toEqual(new Set([a.userMessageId, a.assistantMessageId]));
    // Model: the answers it wrote and the questions it answered.
    await database().run(sql`UPDATE messages SET model = 'openai:gpt-test' WHERE id = ${a.assistantMessageId}`);
    expect(await ids({ model: "openai:gpt-test" })).toEqual(new Set([a.userMessageId, a.assistantMessageId]));
    expect(await ids({ model: "nobody:none" })).toEqual(new Set());
    // Something that is no model id (control characters, no provider) filters nothing.
    expect(await ids({ model: "\u0000\uFFFD" })).toEqual(await ids({}));
    expect(await ids({ model: "gpt-test" })).toEqual(await ids({}));
  });

  test("dates narrow the chats found by title too: to those written in during the period", async () => {
    const user = await createTestUser();
    const old = await createTestChat({ userId: user.id, title: "Mangosteen plans" });
    const recent = await createTestChat({ userId: user.id, title: "Mangosteen harvest" });
    await database().run(sql`UPDATE chats SET created_at = ${Date.parse("2025-03-01T12:00:00Z")}, updated_at = ${Date.parse("2025-03-20T12:00:00Z")} WHERE id = ${old.id}`);
    const titles = async (extra: Record<string, string>) => new Set((await find(user, "mangosteen", extra)).chats.map((c) => c.chatId));
    expect(await titles({})).toEqual(new Set([old.id, recent.id]));
    expect(await titles({ from: "2025-03-10", to: "2025-03-12" })).toEqual(new Set([old.id]));
    expect(await titles({ from: "2025-03-21" })).toEqual(new Set([recent.id]));
    expect(await titles({ to: "2025-02-28" })).toEqual(new Set());
    // Titles too short for the index are filtered the same way.
    expect(new Set((await find(user, "ma", { to: "2025-02-28" })).chats.map((c) => c.chatId))).toEqual(new Set());
  });

  test("results come a page at a time, best first, without repeats", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    let parent: string | null = null;
    for (let i = 0; i < SEARCH_PAGE_SIZE + 5; i++) {
      const ids: { assistantMessageId: string } = await addExchange({ chatId: chat.id, parentId: parent, question: `xylophone number ${i}`, answer: "noted" });
      parent = ids.assistantMessageId;
    }
    const first = await find(user, "xylophone");
    expect(first).toMatchObject({ page: 1, hasMore: true });
    expect(first.messages).toHaveLength(SEARCH_PAGE_SIZE);
    const second = await find(user, "xylophone", { page: "2" });
    expect(second).toMatchObject({ page: 2, hasMore: false, chats: [] });
    expect(second.messages).toHaveLength(5);
    expect(new Set([...messageIds(first), ...messageIds(second)]).size).toBe(SEARCH_PAGE_SIZE + 5);
  });

  /** The ids of each page of the chats found by their title (`in=chats`), from the first page to the last. */
  async function chatPages(user: Who, q: string, extra: Record<string, string> = {}): Promise<string[][]> {
    const pages: string[][] = [];
    for (let page = 1; page <= 10; page++) {
      const found = await find(user, q, { ...extra, in: "chats", page: String(page) });
      expect(found).toMatchObject({ page, messages: [] });
      pages.push(chatIds(found));
      if (!found.hasMore) return pages;
    }
    throw new Error("the chats found by their title never reached a last page");
  }

  test("every chat found by its title is reachable: eight above the messages, then all of them twenty a page, none twice, none left out", async () => {
    const user = await createTestUser();
    const stranger = await createTestUser("Stranger");
    const mine: string[] = [];
    for (let i = 0; i < 16; i++) mine.push((await createTestChat({ userId: user.id, title: `Very long title number ${i}` })).id);
    // Equal in every way the order looks at (rank and last activity): the pages still split them the same way each time.
    await database().run(sql`UPDATE chats SET updated_at = ${Date.parse("2026-01-05T10:00:00Z")} WHERE user_id = ${user.id}`);
    await createTestChat({ userId: stranger.id, title: "Very long title of someone else" });
    const q = '"Very long title"';

    const pages = await chatPages(user, q);
    expect(pages.map((page) => page.length)).toEqual([16]);
    expect(pages.flat().sort()).toEqual([...mine].sort());
    const first = await find(user, q);
    expect(first.chats).toHaveLength(CHATS_ABOVE_MESSAGES);
    expect(first.chatsFound).toBe(16);
    // The chats' own pages begin with the chats the first page showed, in the same order.
    expect(pages[0]!.slice(0, CHATS_ABOVE_MESSAGES)).toEqual(chatIds(first));
    expect(await find(user, q, { in: "chats" })).toMatchObject({ chatsFound: 16, hasMore: false });
    // The quick switcher keeps its five, with no count.
    const quick = await find(user, q, { view: "quick", in: "chats" });
    expect(quick.chats).toHaveLength(5);
    expect(quick.chatsFound).toBeNull();
  });

  test("a query too short for the index reaches every chat whose title holds it, with the filters in force", async () => {
    const user = await createTestUser();
    const all: string[] = [];
    for (let i = 0; i < 32; i++) all.push((await createTestChat({ userId: user.id, title: `🦜 notes ${i}` })).id);
    await database().run(sql`UPDATE chats SET updated_at = ${Date.parse("2026-01-05T10:00:00Z")} WHERE user_id = ${user.id}`);
    const archived = all.slice(0, 5);
    for (const id of archived) await database().run(sql`UPDATE chats SET archived = 1 WHERE id = ${id}`);

    const pages = await chatPages(user, "🦜");
    expect(pages.map((page) => page.length)).toEqual([SEARCH_PAGE_SIZE, 12]);
    expect(pages.flat().sort()).toEqual([...all].sort());
    const first = await find(user, "🦜");
    expect(first).toMatchObject({ tooShort: true, chatsFound: 32, messages: [] });
    expect(first.chats).toHaveLength(CHATS_ABOVE_MESSAGES);
    const active = await chatPages(user, "🦜", { archived: "active" });
    expect(active.map((page) => page.length)).toEqual([SEARCH_PAGE_SIZE, 7]);
    expect(active.flat().sort()).toEqual(all.filter((id) => !archived.includes(id)).sort());
    expect(await find(user, "🦜", { archived: "archived" })).toMatchObject({ chatsFound: null });
    // Past the last page: nothing, and no way further.
    expect(await find(user, "🦜", { in: "chats", page: "3" })).toMatchObject({ chats: [], hasMore: false, chatsFound: 32 });
  });

  test("input a person can fix is refused with a code naming the field", () => {
    const bad = (params: Record<string, string>) => {
      try {
        parseSearchQuery(new URLSearchParams(params));
      } catch (error) {
        return error instanceof AppError ? { code: error.code, field: error.field } : error;
      }
      return null;
    };
    expect(bad({ q: "x".repeat(201) })).toEqual({ code: "search_query_too_long", field: "q" });
    expect(bad({ q: "ok", from: "yesterday" })).toEqual({ code: "search_date_invalid", field: "from" });
    expect(bad({ q: "ok", from: "2026-02-31x" })).toEqual({ code: "search_date_invalid", field: "from" });
    expect(bad({ q: "ok", from: "2026-05-02", to: "2026-05-01" })).toEqual({ code: "search_dates_reversed", field: "to" });
    // Values with nothing to fix fall back to the defaults.
    expect(parseSearchQuery(new URLSearchParams({ q: "ok", page: "-3", archived: "maybe", view: "odd", in: "everything" }))).toMatchObject({ page: 1, archived: "all", view: "page", in: "all" });
    // Pages of chats go further than pages of messages: every chat found is a page away.
    expect(parseSearchQuery(new URLSearchParams({ q: "ok", page: "51" }))).toMatchObject({ page: 1, in: "all" });
    expect(parseSearchQuery(new URLSearchParams({ q: "ok", page: "51", in: "chats" }))).toMatchObject({ page: 51, in: "chats" });
    expect(parseSearchQuery(new URLSearchParams({ q: "ok", page: "1e9", in: "chats" }))).toMatchObject({ page: 1 });
  });
});

describe("an older database", () => {
  test("upgrading indexes the chats and messages it already had", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "parley-search-backfill-"));
    try {
      const client = await upgradedDatabase(7, dir, (old) =>
        old.executeMultiple(`
        INSERT INTO users (id, email, name, password_hash) VALUES ('u1', 'u1@example.com', 'U', 'x');
        INSERT INTO chats (id, user_id, title, model) VALUES ('c1', 'u1', 'Old chat about herons', 'demo:parley-demo');
        INSERT INTO messages (id, chat_id, role, parts, content) VALUES ('m1', 'c1', 'user', '[{"type":"text","text":"herons fish at dawn"}]', 'herons fish at dawn');
        INSERT INTO messages (id, chat_id, role, parts, content) VALUES ('m2', 'c1', 'user', 'not json', 'broken parts still indexed');`),
      );
      const hits = await client.execute(`SELECT r.message_id FROM message_search s JOIN message_search_rows r ON r.id = s.rowid WHERE message_search MATCH '"herons"'`);
      expect(hits.rows.map((r) => r.message_id)).toEqual(["m1"]);
      const broken = await client.execute(`SELECT r.message_id FROM message_search s JOIN message_search_rows r ON r.id = s.rowid WHERE message_search MATCH '"broken"'`);
      expect(broken.rows.map((r) => r.message_id)).toEqual(["m2"]);
      const titles = await client.execute(`SELECT r.chat_id FROM chat_search s JOIN chat_search_rows r ON r.id = s.rowid WHERE chat_search MATCH '"heron"'`);
      expect(titles.rows.map((r) => r.chat_id)).toEqual(["c1"]);
      client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an imported PDF is found by its text", () => {
  async function chatWithAPdf(userId: string, word: string) {
    const chat = await createTestChat({ userId, title: "Fish studies" });
    const stored = await storeUpload({
      userId,
      file: { filename: "study.pdf", stream: (async function* () { yield pdfBytes([`Notes on the ${word} and its stripes`]); })() },
      allowance: { perFile: 1024 * 1024, left: 1024 * 1024 },
    });
    if (!stored.ok) throw new Error(`the PDF was not stored: ${stored.problem.code} ${stored.problem.params?.type ?? ""}`);
    await createExchange({ chatId: chat.id, parentId: null, parts: [filePartOf(stored.attachment), { type: "text", text: "What is in this study?" }], attachmentIds: [stored.attachment.id], model: TEST_MODEL, instanceId: null });
    return chat;
  }

  const found = async (userId: string, word: string) => (await find({ id: userId }, word)).messages.map((m) => m.chatId);

  test("when its bytes are already on the server (another person's copy)", async () => {
    const owner = await createTestUser("PdfOwner");
    const chat = await chatWithAPdf(owner.id, "zebrafish");
    const zip = await collect(exportChat({ chatId: chat.id, title: chat.title, format: "zip" }).body);
    const other = await createTestUser("PdfImporter");
    const report = await importing(other.id, zip);
    expect(report).toMatchObject({ imported: 1, failed: [] });
    expect(await found(other.id, "zebrafish")).toEqual([report.chats[0]!.id]);
  });

  test("when its bytes are new to the server: its text is read after the import, as an upload's is", async () => {
    const owner = await createTestUser("PdfLeaver");
    const chat = await chatWithAPdf(owner.id, "axolotl");
    const zip = await collect(exportChat({ chatId: chat.id, title: chat.title, format: "zip" }).body);
    // The only copy goes with its chat: the import brings the bytes back as new.
    await deleteChat({ chatId: chat.id });
    const other = await createTestUser("PdfNewcomer");
    const report = await importing(other.id, zip);
    expect(report).toMatchObject({ imported: 1, failed: [] });
    await expect.poll(() => found(other.id, "axolotl"), { timeout: 10_000 }).toEqual([report.chats[0]!.id]);
  });
});

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function importing(userId: string, bytes: Uint8Array) {
  const folder = mkdtempSync(path.join(tmpdir(), "parley-search-import-"));
  const filePath = path.join(folder, "export.zip");
  writeFileSync(filePath, bytes);
  try {
    return await importFile({ filePath, user: { id: userId } });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
