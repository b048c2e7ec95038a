// Export and import of a large account: 3,000 chats (every tenth with a
// second branch, thirty with a 64 KiB file) exported as one ZIP through the
// app's own streaming export, imported into another account, then imported
// again (every conversation skipped). Figures: time, bytes, JS heap peak
// (sampled every 10 ms) and RSS peak; baseline measured in the same run: the
// same rows read with plain SELECTs and held in memory, as an export built
// in memory would start. Uses the app's modules on a fresh SQLite file.
//   bun bench/export-import.ts [--chats 3000] [--json <file>]
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const CHATS = Number(args.includes("--chats") ? args[args.indexOf("--chats") + 1] : 3_000);
const EXCHANGES = 5;
const FILES = 30;
const FILE_BYTES = 64 * 1024;

const dir = mkdtempSync(path.join(tmpdir(), "parley-port-bench-"));
// Before any app module reads the environment (env() parses it once).
process.env.DATABASE_URL = `file:${path.join(dir, "port.db")}`;
process.env.LOG_LEVEL = "warn";
process.env.MAX_IMPORT_BYTES = String(2 * 1024 * 1024 * 1024);
const { prepareDatabase, databaseClient, closeDatabase } = await import("../app/db.server");
const { exportAccount } = await import("../app/services/export.server");
const { importFile } = await import("../app/services/import.server");
const { portingCounts } = await import("../app/models/porting.server");
const { createId } = await import("../app/utils/id");

const USER_TEXT = "How would I go about this? ".repeat(8); // ~200 characters
const ANSWER_TEXT = "Here is a careful answer with some detail and a code sample. ".repeat(16); // ~1,000 characters
const MODEL = "demo:parley-demo";

/** Peak JS heap and RSS while `work` runs (sampled every 10 ms), after a full GC. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; heapPeakMiB: number; heapStartMiB: number; rssPeakMiB: number }> {
  Bun.gc(true);
  const start = process.memoryUsage();
  let heapPeak = start.heapUsed;
  let rssPeak = start.rss;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    heapPeak = Math.max(heapPeak, now.heapUsed);
    rssPeak = Math.max(rssPeak, now.rss);
  }, 10);
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  clearInterval(timer);
  const end = process.memoryUsage();
  heapPeak = Math.max(heapPeak, end.heapUsed);
  rssPeak = Math.max(rssPeak, end.rss);
  const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return { result, ms: Math.round(ms), heapPeakMiB: mib(heapPeak - start.heapUsed), heapStartMiB: mib(start.heapUsed), rssPeakMiB: mib(rssPeak) };
}

async function seed(userId: string): Promise<{ messages: number }> {
  const client = databaseClient();
  let count = 0;
  const statements: { sql: string; args: (string | number | null | Uint8Array)[] }[] = [];
  const flush = async () => {
    if (statements.length) await client.batch(statements.splice(0), "write");
  };
  for (let c = 0; c < CHATS; c++) {
    const chatId = createId();
    const created = 1_700_000_000_000 + c * 60_000;
    statements.push({ sql: "INSERT INTO chats (id, user_id, title, model, created_at, updated_at, title_set) VALUES (?, ?, ?, ?, ?, ?, 1)", args: [chatId, userId, `Bench chat ${c}`, MODEL, created, created + 50_000] });
    statements.push({ sql: "INSERT INTO chat_members (chat_id, user_id, role) VALUES (?, ?, 'owner')", args: [chatId, userId] });
    let parent: string | null = null;
    let leaf = "";
    let firstUser = "";
    for (let e = 0; e < EXCHANGES; e++) {
      const q = createId();
      const a = createId();
      if (e === 0) firstUser = q;
      const stats = JSON.stringify({ model: MODEL, inputTokens: 100 + e, outputTokens: 250, durationMs: 1200 });
      statements.push({
        sql: "INSERT INTO messages (id, chat_id, parent_id, role, parts, content, status, created_at, active_at) VALUES (?, ?, ?, 'user', ?, ?, 'complete', ?, ?)",
        args: [q, chatId, parent, JSON.stringify([{ type: "text", text: USER_TEXT }]), USER_TEXT, created + e * 2_000, created + e * 2_000],
      });
      statements.push({
        sql: "INSERT INTO messages (id, chat_id, parent_id, role, parts, content, status, model, stats, created_at, active_at) VALUES (?, ?, ?, 'assistant', ?, ?, 'complete', ?, ?, ?, ?)",
        args: [a, chatId, q, JSON.stringify([{ type: "text", text: ANSWER_TEXT }]), ANSWER_TEXT, MODEL, stats, created + e * 2_000 + 1_000, created + e * 2_000 + 1_000],
      });
      parent = a;
      leaf = a;
      count += 2;
    }
    if (c % 10 === 0) {
      // An edited first question with its own answer: a second branch, not the one shown.
      const q = createId();
      const a = createId();
      statements.push({ sql: "INSERT INTO messages (id, chat_id, parent_id, role, parts, content, created_at, active_at) VALUES (?, ?, NULL, 'user', ?, ?, ?, ?)", args: [q, chatId, JSON.stringify([{ type: "text", text: "Edited" }]), "Edited", created - 1, created - 1] });
      statements.push({ sql: "INSERT INTO messages (id, chat_id, parent_id, role, parts, content, model, created_at, active_at) VALUES (?, ?, ?, 'assistant', ?, ?, ?, ?, ?)", args: [a, chatId, q, JSON.stringify([{ type: "text", text: ANSWER_TEXT }]), ANSWER_TEXT, MODEL, created, created] });
      count += 2;
    }
    if (c < FILES) {
      const blobId = createId();
      const attachmentId = createId();
      const bytes = new Uint8Array(FILE_BYTES);
      crypto.getRandomValues(bytes.subarray(0, 65_536));
      const sha = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
      statements.push({ sql: "INSERT INTO blobs (id, sha256, size, media_type) VALUES (?, ?, ?, 'text/plain')", args: [blobId, sha, FILE_BYTES] });
      statements.push({ sql: "INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, 0, ?)", args: [blobId, bytes] });
      statements.push({ sql: "INSERT INTO attachments (id, user_id, blob_id, name, media_type, size) VALUES (?, ?, ?, ?, 'text/plain', ?)", args: [attachmentId, userId, blobId, `file-${c}.txt`, FILE_BYTES] });
      const part = { type: "file", attachmentId, name: `file-${c}.txt`, mediaType: "text/plain", size: FILE_BYTES };
      statements.push({ sql: "UPDATE messages SET parts = ? WHERE id = ?", args: [JSON.stringify([part, { type: "text", text: USER_TEXT }]), firstUser] });
      statements.push({ sql: "INSERT INTO message_attachments (message_id, attachment_id) VALUES (?, ?)", args: [firstUser, attachmentId] });
    }
    statements.push({ sql: "UPDATE chats SET active_leaf_id = ? WHERE id = ?", args: [leaf, chatId] });
    if (statements.length > 2_000) await flush();
  }
  await flush();
  return { messages: count };
}

/** The baseline: the same rows read with plain SELECTs and held, as an in-memory export would begin. */
async function plainSelect(userId: string): Promise<unknown[]> {
  const client = databaseClient();
  const chats = await client.execute({ sql: "SELECT * FROM chats WHERE user_id = ?", args: [userId] });
  const messages = await client.execute({ sql: "SELECT m.* FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.user_id = ?", args: [userId] });
  const files = await client.execute({ sql: "SELECT b.id, bc.data FROM attachments a JOIN blobs b ON b.id = a.blob_id JOIN blob_chunks bc ON bc.blob_id = b.id WHERE a.user_id = ?", args: [userId] });
  return [...chats.rows, ...messages.rows, ...files.rows];
}

async function writeExport(userId: string, file: string): Promise<number> {
  const download = await exportAccount({ userId, format: "zip" });
  const out = createWriteStream(file);
  let bytes = 0;
  for await (const chunk of download.body) {
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise((resolve) => out.once("drain", resolve));
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return bytes;
}

try {
  await prepareDatabase();
  const client = databaseClient();
  const owner = createId();
  const importer = createId();
  await client.execute({ sql: "INSERT INTO users (id, email, name, password_hash) VALUES (?, 'owner@bench.local', 'Owner', 'x'), (?, 'importer@bench.local', 'Importer', 'x')", args: [owner, importer] });
  const seedStarted = performance.now();
  const seeded = await seed(owner);
  console.log(`seeded ${CHATS.toLocaleString("en")} chats, ${seeded.messages.toLocaleString("en")} messages, ${FILES} files in ${Math.round(performance.now() - seedStarted)} ms (${dir})`);

  const baseline = await measured(() => plainSelect(owner));
  const zipFile = path.join(dir, "parley-export.zip");
  const exported = await measured(() => writeExport(owner, zipFile));
  const imported = await measured(() => importFile({ filePath: zipFile, user: { id: importer } }));
  const reimported = await measured(() => importFile({ filePath: zipFile, user: { id: importer } }));
  const before = await portingCounts({ userId: owner });
  const after = await portingCounts({ userId: importer });

  const checks = {
    zipSizeMatchesStream: statSync(zipFile).size === exported.result,
    everyChatImported: imported.result.imported === CHATS && imported.result.failed.length === 0,
    everyMessageImported: after.messages === before.messages,
    reimportSkipsAll: reimported.result.imported === 0 && reimported.result.skipped === CHATS,
  };
  const result = {
    chats: CHATS,
    messages: before.messages,
    baselinePlainSelect: { ms: baseline.ms, rows: baseline.result.length, heapPeakMiB: baseline.heapPeakMiB },
    export: { ms: exported.ms, bytes: exported.result, heapPeakMiB: exported.heapPeakMiB, rssPeakMiB: exported.rssPeakMiB },
    import: { ms: imported.ms, heapPeakMiB: imported.heapPeakMiB, rssPeakMiB: imported.rssPeakMiB, chatsPerSecond: Math.round((CHATS / imported.ms) * 1000) },
    reimport: { ms: reimported.ms, heapPeakMiB: reimported.heapPeakMiB },
    ratios: {
      exportVsPlainSelectTime: Math.round((exported.ms / baseline.ms) * 10) / 10,
      exportVsPlainSelectHeap: Math.round((exported.heapPeakMiB / Math.max(0.1, baseline.heapPeakMiB)) * 100) / 100,
      importVsExportTime: Math.round((imported.ms / exported.ms) * 10) / 10,
      reimportVsImportTime: Math.round((reimported.ms / imported.ms) * 100) / 100,
    },
    checks,
  };
  const row = (label: string, value: string) => console.log(`  ${label.padEnd(44)} ${value}`);
  console.log(`\nExport and import of ${CHATS.toLocaleString("en")} chats (${before.messages.toLocaleString("en")} messages)`);
  row("baseline: plain SELECT of the same rows", `${baseline.ms} ms, heap +${baseline.heapPeakMiB} MiB`);
  row("export (streamed ZIP)", `${exported.ms} ms, ${(exported.result / 1024 / 1024).toFixed(1)} MiB, heap peak +${exported.heapPeakMiB} MiB, RSS peak ${exported.rssPeakMiB} MiB`);
  row("import (into another account)", `${imported.ms} ms (${result.import.chatsPerSecond} chats/s), heap peak +${imported.heapPeakMiB} MiB, RSS peak ${imported.rssPeakMiB} MiB`);
  row("re-import (all skipped)", `${reimported.ms} ms, heap peak +${reimported.heapPeakMiB} MiB`);
  row("export / plain SELECT (time, heap)", `${result.ratios.exportVsPlainSelectTime}×, ${result.ratios.exportVsPlainSelectHeap}×`);
  row("import / export, re-import / import (time)", `${result.ratios.importVsExportTime}×, ${result.ratios.reimportVsImportTime}×`);
  row("checks", Object.entries(checks).map(([k, v]) => `${k}: ${v ? "ok" : "FAILED"}`).join(", "));
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
  if (Object.values(checks).some((ok) => !ok)) process.exitCode = 1;
} finally {
  closeDatabase();
  rmSync(dir, { recursive: true, force: true });
}
