// What search that folds letters costs (docs/decisions/174), on a generated
// corpus: one person's chats of 50 messages — a third English (a tenth of its
// words accented, café-like), a third Russian (ё where Russian has it), a
// third Chinese and Japanese (words of one and two characters, kana between
// them) — and as many chats of another person's, whom no search here reads.
// Measures, in one run:
//   - writing: the same inserts into a database whose index folds (every
//     migration) and into one indexed as before (the migrations up to 0018);
//     then that one upgraded: the migration builds its index again;
//   - words long enough for the index, through search(): plain English, a
//     Russian word holding ё (one form to look for), an accented English word
//     (composed and decomposed: two forms);
//   - words of one or two Chinese or Japanese characters, through search():
//     each reads the person's messages, the most recently active chats first,
//     until a page is found or SHORT_WORDS_SCANNED messages were read —
//     common, rare and absent words, beside a word the index finds.
//   bun bench/search-folding.ts [--messages 20000] [--runs 100] [--json <file>]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, type Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { rng, zipf } from "./lib/draws";
import { RATE_LIMITS_OFF } from "./lib/limits";
import { idleCheck, isNoisy, watchLoad } from "./lib/machine";
import { ms, ratio, summarize, type Summary } from "./lib/stats";
import { firstMigrations } from "../tests/unit/first-migrations";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const MESSAGES = option("--messages", 20_000);
const runs = option("--runs", 100);
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const MESSAGES_PER_CHAT = 50;
const CHATS = Math.ceil(MESSAGES / MESSAGES_PER_CHAT);

const dir = mkdtempSync(path.join(tmpdir(), "parley-search-folding-bench-"));
const foldingFile = path.join(dir, "folding.db");
const beforeFile = path.join(dir, "before.db");
Object.assign(process.env, RATE_LIMITS_OFF, { DATABASE_URL: `file:${foldingFile}`, LOG_LEVEL: "warn", SESSION_SECRET: "search-folding-bench-secret-0123456789abcdef", NODE_ENV: "production" });
const { prepareDatabase, databaseClient } = await import("../app/db.server");
const { createUser } = await import("../app/models/user.server");
const { parseSearchQuery, search, SHORT_WORDS_SCANNED } = await import("../app/services/search.server");

// ---------------------------------------------------------------- corpus

let random = rng(20261210);

/** Words of letters drawn with weights (most frequent first), `accent` of them with one letter accented. */
function vocabulary({ consonants, vowels, accented = "", accent = 0 }: { consonants: string; vowels: string; accented?: string; accent?: number }, count: number): string[] {
  const weighted = (letters: string) => () => [...letters][Math.floor([...letters].length * random() * random())]!;
  const consonant = weighted(consonants);
  const vowel = weighted(vowels);
  const words = new Set<string>();
  while (words.size < count) {
    const length = 3 + Math.floor(random() * random() * 9);
    let word = "";
    let vowelNext = random() < 0.3;
    while ([...word].length < length) {
      word += vowelNext ? (random() < accent ? [...accented][Math.floor(random() * [...accented].length)]! : vowel()) : consonant();
      vowelNext = !vowelNext;
    }
    words.add(word);
  }
  return [...words];
}
const english = vocabulary({ consonants: "tnshrdlcmwfgypbvkjxqz", vowels: "eaoiuy", accented: "éèàô", accent: 0.03 }, 6_000);
const russian = vocabulary({ consonants: "нтсрвлкмдпгзбчйхжшцщф", vowels: "оеаиуяыюёэ" }, 4_000);
const han = Array.from({ length: 3_000 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000)));
/** Chinese and Japanese words: two in five of one character, the rest of two. */
const cjk = (() => {
  const words = new Set<string>();
  while (words.size < 8_000) words.add(random() < 0.4 ? han[Math.floor(random() * han.length)]! : han[Math.floor(random() * han.length)]! + han[Math.floor(random() * han.length)]!);
  return [...words];
})();
const PARTICLES = ["の", "に", "は", "を", "が", "で", "と", "も"];

const draw = { en: zipf(english, () => random()), ru: zipf(russian, () => random()), cjk: zipf(cjk, () => random()) };
type Language = keyof typeof draw;

function sentence(language: Language, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(draw[language]());
  if (language === "cjk") return `${out.map((word, i) => (i % 3 === 2 ? word + PARTICLES[Math.floor(random() * PARTICLES.length)] : word)).join("")}。`;
  const text = out.join(" ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

type Statement = { sql: string; args: (string | number | null)[] };
const languageOf = (c: number): Language => (["en", "ru", "cjk"] as const)[c % 3]!;
const start = Date.parse("2025-01-01T00:00:00Z");

/** One chat's statements: the chat, its owner, and a 50-message conversation. */
function chatStatements(c: number, userId: string, prefix: string): Statement[] {
  const language = languageOf(c);
  const chatId = `${prefix}c${c.toString(36).padStart(17, "0")}`;
  const createdAt = start + c * 3_600_000;
  const statements: Statement[] = [
    { sql: "INSERT INTO chats (id, user_id, title, model, created_at, updated_at) VALUES (?, ?, ?, 'openai:gpt-4o-mini', ?, ?)", args: [chatId, userId, sentence(language, 4).slice(0, 80), createdAt, createdAt + 49 * 60_000] },
    { sql: "INSERT INTO chat_members (chat_id, user_id, role) VALUES (?, ?, 'owner')", args: [chatId, userId] },
  ];
  for (let m = 0; m < MESSAGES_PER_CHAT; m++) {
    const user = m % 2 === 0;
    const text = user ? sentence(language, 8 + Math.floor(random() * 18)) : Array.from({ length: 2 + Math.floor(random() * 4) }, () => sentence(language, 10 + Math.floor(random() * 15))).join(language === "cjk" ? "" : " ");
    statements.push({
      sql: "INSERT INTO messages (id, chat_id, parent_id, role, parts, content, status, created_at) VALUES (?, ?, ?, ?, '[]', ?, 'complete', ?)",
      args: [`${chatId}m${m}`, chatId, m === 0 ? null : `${chatId}m${m - 1}`, user ? "user" : "assistant", text, createdAt + m * 60_000],
    });
  }
  return statements;
}

/** Chinese and Japanese messages of the person searching, kept while they are written (queries are drawn from them). */
const cjkTexts: string[] = [];

/**
 * The corpus into both databases, 20 chats a transaction, each transaction
 * into one and then the other (so that a busy moment of the machine falls on
 * both alike); the milliseconds spent inserting into each.
 */
async function fill(clients: Client[], people: { id: string; prefix: string }[]): Promise<number[]> {
  random = rng(7);
  const spent = clients.map(() => 0);
  for (const [p, person] of people.entries()) {
    for (let c = 0; c < CHATS; c += 20) {
      const statements: Statement[] = [];
      for (let k = c; k < Math.min(CHATS, c + 20); k++) statements.push(...chatStatements(k, person.id, person.prefix));
      if (p === 0) for (const { args } of statements) if (cjkTexts.length < 2_000 && args.length === 6 && /\p{Script=Han}/u.test(String(args[4]))) cjkTexts.push(String(args[4]));
      for (const [i, client] of clients.entries()) {
        const t0 = performance.now();
        await client.batch(statements, "write");
        spent[i]! += performance.now() - t0;
      }
    }
  }
  return spent;
}

// ---------------------------------------------------------------- run

try {
  console.log(`search folding benchmark: ${CHATS.toLocaleString("en")} chats × ${MESSAGES_PER_CHAT} messages for the person searching, as many for another; ${runs} searches per kind`);
  await idleCheck();
  await prepareDatabase();
  const person = await createUser({ email: "folding@example.com", name: "Folding", passwordHash: "x" });
  const other = await createUser({ email: "other@example.com", name: "Other", passwordHash: "x" });
  const people = [
    { id: person.id, prefix: "0a" },
    { id: other.id, prefix: "0b" },
  ];

  // Writing: the same rows into an index that folds and one that does not.
  const before = createClient({ url: `file:${beforeFile}` });
  await before.execute("PRAGMA journal_mode = WAL");
  await before.execute("PRAGMA synchronous = NORMAL");
  await migrate(drizzle(before), { migrationsFolder: firstMigrations(19, dir) });
  await before.batch(
    people.map((p, i) => ({ sql: "INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, 'U', 'x')", args: [p.id, `u${i}@example.com`] })),
    "write",
  );
  const [foldingMs, beforeMs] = (await fill([databaseClient(), before], people)) as [number, number];
  const total = CHATS * MESSAGES_PER_CHAT * people.length;
  console.log(`insert ${total.toLocaleString("en")} messages: ${ms(foldingMs)} into the folding index, ${ms(beforeMs)} into the index as before → ${ratio(foldingMs, beforeMs)} (${ms((foldingMs - beforeMs) / total)} more per message)`);
  // Upgrading: the migration that folds builds the whole index again, at the server's start.
  const t0 = performance.now();
  await migrate(drizzle(before), { migrationsFolder: path.resolve(import.meta.dir, "../drizzle/migrations") });
  const upgradeMs = performance.now() - t0;
  before.close();
  console.log(`upgrading the database indexed as before (its index built again, folding): ${ms(upgradeMs)} → ${ms(upgradeMs / total)} per message`);

  const qrandom = rng(99);
  const rank = (words: string[], lo: number, hi: number) => words[lo + Math.floor(qrandom() * (hi - lo))]!;
  const accentedWords = english.filter((word) => /[éèàô]/.test(word));
  const yoWords = russian.filter((word) => word.includes("ё"));
  const twoChars = cjk.filter((word) => [...word].length === 2);
  const oneChar = cjk.filter((word) => [...word].length === 1);
  const kinds: Record<string, () => string> = {
    "English word (rank 200–2,000)": () => rank(english, 200, 2_000),
    "Russian word with ё, typed with е": () => rank(yoWords, 0, Math.min(400, yoWords.length)).replaceAll("ё", "е"),
    "accented English word": () => rank(accentedWords, 0, Math.min(200, accentedWords.length)),
    "CJK two characters, common": () => rank(twoChars, 0, 50),
    "CJK two characters, rare": () => rank(twoChars, 2_000, twoChars.length),
    "CJK one character, common": () => rank(oneChar, 0, 50),
    "CJK, in no message": () => "東京",
    // A piece the index finds (three characters of a message) and a word of two characters from the same message.
    "CJK three characters + two": () => {
      const text = [...cjkTexts[Math.floor(qrandom() * cjkTexts.length)]!];
      const at = Math.floor(qrandom() * (text.length - 6));
      return `${text.slice(at, at + 3).join("")} ${text.slice(at + 4, at + 6).join("")}`;
    },
  };
  const results: Record<string, Summary & { cpuP50: number; found: number; upTo: number }> = {};
  const load = watchLoad(() => [process.pid]);
  for (const [kind, next] of Object.entries(kinds)) {
    for (let i = 0; i < 5; i++) await search({ user: person, query: parseSearchQuery(new URLSearchParams({ q: next() })) });
    const wall: number[] = [];
    const cpu: number[] = [];
    let found = 0;
    let upTo = 0;
    for (let i = 0; i < runs; i++) {
      const query = parseSearchQuery(new URLSearchParams({ q: next() }));
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const result = await search({ user: person, query });
      wall.push(performance.now() - t0);
      const used = process.cpuUsage(c0);
      cpu.push((used.user + used.system) / 1000);
      if (result.tooShort) throw new Error(`${kind}: "${query.q}" was refused as too short`);
      found += result.messages.length;
      if (result.shortWordsUpTo !== null) upTo++;
    }
    results[kind] = { ...summarize(wall), cpuP50: summarize(cpu).p50, found: found / runs, upTo };
  }
  const others = load();
  const baseline = results["English word (rank 200–2,000)"]!.p50;
  for (const [kind, r] of Object.entries(results)) {
    console.log(
      `  ${kind.padEnd(38)} p50 ${ms(r.p50).padStart(9)} (${ratio(r.p50, baseline).padStart(6)})  p99 ${ms(r.p99).padStart(9)}  max ${ms(r.max).padStart(9)} | CPU p50 ${ms(r.cpuP50).padStart(9)} | ${r.found.toFixed(1)} results a search${r.upTo ? `, ${r.upTo} of ${runs} stopped at ${SHORT_WORDS_SCANNED.toLocaleString("en")} messages read` : ""}`,
    );
  }
  console.log(`  other processes used ${(others.foreignCores + others.stealCores).toFixed(2)} cores (steal included) while the searches ran${isNoisy(others) ? " — noisy: wall-clock times include waiting for a core" : ""}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ messages: CHATS * MESSAGES_PER_CHAT, runs, insert: { foldingMs, beforeMs }, upgradeMs, search: results, load: others }, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
