// Tree path query benchmark: one page of a branch (getPathPage) in a chat of
// 10,000 messages with 1,000 side branches, against the same page in a chat
// of 100 messages (equal times mean the query costs O(page), not O(chat)),
// and against the naive way: load every message of the chat and walk parents
// in JS. Uses the app's own modules on a fresh SQLite file.
//   bun bench/tree-path.ts [--json <file>] [--runs 300]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { watchLoad } from "./lib/machine";
import { printTree } from "./lib/report";
import { ms, rounded, summarize } from "./lib/stats";
import { textParts } from "../app/protocol/parts";

const args = process.argv.slice(2);
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const runs = Number(args.includes("--runs") ? args[args.indexOf("--runs") + 1] : 300);
const PAGE = 50;

const dir = mkdtempSync(path.join(tmpdir(), "parley-tree-bench-"));
// Before any app module reads the environment (env() parses it once).
process.env.DATABASE_URL = `file:${path.join(dir, "tree.db")}`;
process.env.LOG_LEVEL = "warn";
const { prepareDatabase, databaseClient, database, closeDatabase } = await import("../app/db.server");
const { getPathPage } = await import("../app/models/message.server");
const { createId } = await import("../app/utils/id");
const { messages } = await import("../drizzle/schema");
const { eq } = await import("drizzle-orm");
type PathPage = Awaited<ReturnType<typeof getPathPage>>;

interface BuiltChat {
  chatId: string;
  mainLine: string[];
  total: number;
}

const USER_TEXT = "How would I go about this? ".repeat(8); // ~200 characters
const ANSWER_TEXT = "Here is a careful answer with some detail and a code sample. ".repeat(16); // ~1,000 characters

/**
 * A main line of `mainLength` messages (user/assistant alternating) and a side
 * branch of `branchLength` messages next to every `every`-th main message
 * (an edit or regeneration: a sibling with its own continuation).
 */
async function buildChat({ userId, mainLength, branchEvery, branchLength, branches }: { userId: string; mainLength: number; branchEvery: number; branchLength: number; branches: number }): Promise<BuiltChat> {
  const client = databaseClient();
  const chatId = createId();
  await client.execute({ sql: "INSERT INTO chats (id, user_id, title, model) VALUES (?, ?, 'bench', 'demo:parley-demo')", args: [chatId, userId] });
  type Row = [id: string, parentId: string | null, role: "user" | "assistant"];
  const rows: Row[] = [];
  const mainLine: string[] = [];
  for (let i = 0; i < mainLength; i++) {
    const id = createId();
    rows.push([id, mainLine[i - 1] ?? null, i % 2 === 0 ? "user" : "assistant"]);
    mainLine.push(id);
  }
  let made = 0;
  for (let i = branchEvery - 1; i < mainLength && made < branches; i += branchEvery, made++) {
    let parent = mainLine[i - 1] ?? null;
    for (let j = 0; j < branchLength; j++) {
      const id = createId();
      rows.push([id, parent, (i + j) % 2 === 0 ? "user" : "assistant"]);
      parent = id;
    }
  }
  for (let start = 0; start < rows.length; start += 1_000) {
    await client.batch(
      rows.slice(start, start + 1_000).map(([id, parentId, role]) => ({
        sql: "INSERT INTO messages (id, chat_id, parent_id, role, parts, content, status, model) VALUES (?, ?, ?, ?, ?, ?, 'complete', ?)",
        args: [id, chatId, parentId, role, JSON.stringify(textParts(role === "user" ? USER_TEXT : ANSWER_TEXT)), role === "user" ? USER_TEXT : ANSWER_TEXT, role === "user" ? null : "demo:parley-demo"],
      })),
      "write",
    );
  }
  await client.execute({ sql: "UPDATE chats SET active_leaf_id = ? WHERE id = ?", args: [mainLine.at(-1)!, chatId] });
  return { chatId, mainLine, total: rows.length };
}

/** The naive page: every message of the chat, then a walk up the parents in JS. Same shape as getPathPage's answer. */
async function naivePathPage({ chatId, leafId, before, limit }: { chatId: string; leafId: string; before?: string; limit: number }): Promise<PathPage> {
  const rows = await database().select().from(messages).where(eq(messages.chatId, chatId));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const children = new Map<string, string[]>();
  for (const row of rows) {
    const key = row.parentId ?? "";
    const list = children.get(key);
    if (list) list.push(row.id);
    else children.set(key, [row.id]);
  }
  for (const list of children.values()) list.sort();
  const path: string[] = [];
  let current = before ? byId.get(before)?.parentId ?? null : leafId;
  while (current && path.length <= limit) {
    path.push(current);
    current = byId.get(current)?.parentId ?? null;
  }
  const hasEarlier = path.length > limit;
  const ids = path.slice(0, limit).reverse();
  return {
    messages: ids.map((id) => {
      const row = byId.get(id)!;
      return { ...row, siblingIds: children.get(row.parentId ?? "") ?? [row.id] };
    }),
    earlierCursor: hasEarlier ? ids[0]! : null,
  };
}

function samePage(a: PathPage, b: PathPage): boolean {
  return (
    a.earlierCursor === b.earlierCursor &&
    a.messages.length === b.messages.length &&
    a.messages.every((m, i) => m.id === b.messages[i]!.id && m.content === b.messages[i]!.content && m.siblingIds.join() === b.messages[i]!.siblingIds.join())
  );
}

interface Case {
  label: string;
  runs: number;
  run: () => Promise<PathPage>;
  samples: number[];
  page?: PathPage;
}

/**
 * Warms every case up, then runs them round-robin so that GC pauses, JIT tiers
 * and the machine's other work fall on all of them alike.
 */
async function timeRoundRobin(cases: Case[]): Promise<void> {
  for (const c of cases) for (let i = 0; i < 30; i++) c.page = await c.run();
  const stopAt = performance.now() + 90_000;
  const rounds = Math.max(...cases.map((c) => c.runs));
  for (let round = 0; round < rounds && performance.now() < stopAt; round++) {
    for (const c of cases) {
      if (c.samples.length >= c.runs) continue;
      const started = performance.now();
      c.page = await c.run();
      c.samples.push(performance.now() - started);
    }
  }
}

try {
  await prepareDatabase();
  const userId = createId();
  await databaseClient().execute({ sql: "INSERT INTO users (id, email, name, password_hash) VALUES (?, 'tree@bench.local', 'Tree', 'x')", args: [userId] });
  const buildStarted = performance.now();
  // 5,000 on the main line + 1,000 side branches of 5 = 10,000 messages.
  const big = await buildChat({ userId, mainLength: 5_000, branchEvery: 5, branchLength: 5, branches: 1_000 });
  // 80 on the main line + 4 side branches of 5 = 100 messages.
  const small = await buildChat({ userId, mainLength: 80, branchEvery: 5, branchLength: 5, branches: 4 });
  await databaseClient().execute("ANALYZE");
  const buildMs = performance.now() - buildStarted;
  console.log(`built chats of ${big.total.toLocaleString("en")} and ${small.total} messages in ${ms(buildMs)} (${dir})`);

  const bigLeaf = big.mainLine.at(-1)!;
  const deepBefore = big.mainLine[2_500]!;
  const smallLeaf = small.mainLine.at(-1)!;
  // The naive walk loads ~6 MB per run on the big chat: fewer runs keep the whole benchmark short.
  const naiveBigRuns = Math.min(runs, 60);
  const stopLoadWatch = watchLoad(() => [process.pid]);
  const cases: Case[] = [
    { label: "100-message chat, newest page (baseline)", runs, run: () => getPathPage({ chatId: small.chatId, leafId: smallLeaf, limit: PAGE }), samples: [] },
    { label: "10,000-message chat, newest page", runs, run: () => getPathPage({ chatId: big.chatId, leafId: bigLeaf, limit: PAGE }), samples: [] },
    { label: "10,000-message chat, `before` page at depth 2,500", runs, run: () => getPathPage({ chatId: big.chatId, leafId: bigLeaf, before: deepBefore, limit: PAGE }), samples: [] },
    { label: "naive (load chat + JS walk), 100 messages", runs, run: () => naivePathPage({ chatId: small.chatId, leafId: smallLeaf, limit: PAGE }), samples: [] },
    { label: "naive (load chat + JS walk), 10,000 messages", runs: naiveBigRuns, run: () => naivePathPage({ chatId: big.chatId, leafId: bigLeaf, limit: PAGE }), samples: [] },
  ];
  // The naive walk on the big chat allocates megabytes per run: time it on its own so its GC pauses do not land on the others.
  await timeRoundRobin(cases.slice(0, 4));
  Bun.gc(true);
  await timeRoundRobin(cases.slice(4));
  const timed = cases.map((c) => ({ label: c.label, summary: summarize(c.samples), page: c.page! }));
  const [baseline, bigFirst, bigDeep, naiveSmall, naiveBig] = timed as [(typeof timed)[0], (typeof timed)[0], (typeof timed)[0], (typeof timed)[0], (typeof timed)[0]];

  const load = stopLoadWatch();
  // Sanity: every page is 50 messages, the right ones, and the naive walk agrees with the query.
  const naiveDeep = await naivePathPage({ chatId: big.chatId, leafId: bigLeaf, before: deepBefore, limit: PAGE });
  const checks = {
    pagesAreFull: timed.every((c) => c.page.messages.length === PAGE),
    newestPageEndsAtLeaf: bigFirst.page.messages.at(-1)?.id === bigLeaf && baseline.page.messages.at(-1)?.id === smallLeaf,
    beforePageEndsAboveCursor: bigDeep.page.messages.at(-1)?.id === big.mainLine[2_499],
    branchesSeenAsSiblings: bigFirst.page.messages.some((m) => m.siblingIds.length === 2),
    naiveMatchesQuery: samePage(naiveBig.page, bigFirst.page) && samePage(naiveSmall.page, baseline.page) && samePage(naiveDeep, bigDeep.page),
  };

  // Standalone, print the table; under run.ts (--json) the report prints it in its place.
  if (!jsonOut) printTree({ cases: timed.map((c) => ({ label: c.label, ...c.summary })), naiveVsQuery: [naiveBig.summary, bigFirst.summary], load, checks });
  const result = rounded({
    messages: { big: big.total, small: small.total, page: PAGE },
    cases: timed.map((c) => ({ label: c.label, ...c.summary })),
    ratios: {
      bigFirstVsBaselineP50: bigFirst.summary.p50 / baseline.summary.p50,
      bigDeepVsBaselineP50: bigDeep.summary.p50 / baseline.summary.p50,
      bigFirstVsBaselineP99: bigFirst.summary.p99 / baseline.summary.p99,
      naiveVsQueryP50: naiveBig.summary.p50 / bigFirst.summary.p50,
      naiveVsQueryP99: naiveBig.summary.p99 / bigFirst.summary.p99,
    },
    checks,
    load,
  });
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
} finally {
  closeDatabase();
  rmSync(dir, { recursive: true, force: true });
}
