// Importing chats into a real SQLite file: Parley's own export comes back
// whole (tree, active branch, models, stats, files), ChatGPT's mapping tree
// and Claude's chat_messages become Parley trees, a broken file or a broken
// conversation is refused with a reason and leaves nothing behind, and
// importing the same file again adds nothing.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.MAX_IMPORT_BYTES = String(256 * 1024);
  // Small enough that one test's file does not fit, large enough for the others' 22-byte file.
  process.env.MAX_UPLOAD_BYTES_PER_USER = "64";
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { attachments, blobs, chats, messages } from "../../drizzle/schema";
import { database, prepareDatabase } from "~/db.server";
import { DEMO_MODEL_ID } from "~/llm/demo.server";
import { readBlobBytes } from "~/models/attachment.server";
import { switchToBranch } from "~/models/tree.server";
import { createExchange, saveStreamFinal } from "~/models/message.server";
import { portingCounts } from "~/models/porting.server";
import { setUserLimits } from "~/models/user-limits.server";
import { describe as describeProblem } from "~/protocol/catalogue";
import { AppError } from "~/protocol/errors";
import { filePartOf, storeUpload } from "~/services/attachments.server";
import { exportChat } from "~/services/export.server";
import { importFile, type ImportReport } from "~/services/import.server";
import { parseSearchQuery, search } from "~/services/search.server";
import { addExchange, createTestChat, createTestUser, pathContents, TEST_MODEL } from "./fixtures";

beforeAll(async () => {
  await prepareDatabase();
});

const folder = mkdtempSync(path.join(tmpdir(), "parley-import-test-"));
let fileCount = 0;

function saved(bytes: Uint8Array | string): string {
  const file = path.join(folder, `file-${fileCount++}`);
  writeFileSync(file, bytes);
  return file;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function importing(userId: string, bytes: Uint8Array | string): Promise<ImportReport> {
  return importFile({ filePath: saved(bytes), user: { id: userId } });
}

async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

async function treeOf(chatId: string) {
  const rows = await database().select().from(messages).where(eq(messages.chatId, chatId));
  const [chat] = await database().select().from(chats).where(eq(chats.id, chatId));
  return { chat: chat!, rows };
}

/** A chat with two branches (the first question edited), an answer with stats and a model label, and a text file. */
async function chatWithBranchesAndAFile(userId: string) {
  const chat = await createTestChat({ userId, title: "Rivers and lakes" });
  const stored = await storeUpload({
    userId,
    file: { filename: "notes.txt", stream: (async function* () { yield new TextEncoder().encode("river notes, line one\n"); })() },
    allowance: { perFile: 1024 * 1024, left: 1024 * 1024 },
  });
  if (!stored.ok) throw new Error("the file was not stored");
  const first = await createExchange({ chatId: chat.id, parentId: null, parts: [filePartOf(stored.attachment), { type: "text", text: "Tell me about rivers" }], attachmentIds: [stored.attachment.id], model: TEST_MODEL, instanceId: null });
  await saveStreamFinal({ messageId: first.assistantMessageId, parts: [{ type: "reasoning", text: "Think of water." }, { type: "text", text: "Rivers flow." }], lastEventId: 2, status: "complete", stats: { model: TEST_MODEL, inputTokens: 12, outputTokens: 3, costUsd: 0.001 } });
  await addExchange({ chatId: chat.id, parentId: first.assistantMessageId, question: "And deltas?" });
  // An edit of the first question: a second branch, which becomes the one shown.
  const edited = await addExchange({ chatId: chat.id, parentId: null, question: "Tell me about lakes" });
  // Back to the first branch: the export must remember that one, not the newest.
  await switchToBranch({ chatId: chat.id, messageId: first.userMessageId });
  return { chat, attachment: stored.attachment, edited };
}

describe("a Parley export imported back", () => {
  test("a ZIP round trip keeps the tree, the branch on screen, models, stats and the files", async () => {
    const owner = await createTestUser("Exporter");
    const { chat } = await chatWithBranchesAndAFile(owner.id);
    const before = await treeOf(chat.id);
    const zip = await collect(exportChat({ chatId: chat.id, title: chat.title, format: "zip" }).body);
    // Each file is in the archive once, under its hash and with its own name (it opens with the right program).
    const names = [...Buffer.from(zip).toString("latin1").matchAll(/attachments\/[0-9a-f]{64}\/[\w .-]*?\.txt/g)].map((m) => m[0]);
    expect(new Set(names).size).toBe(1);
    expect(names[0]).toMatch(/^attachments\/[0-9a-f]{64}\/notes\.txt$/);

    const other = await createTestUser("Importer");
    const report = await importing(other.id, zip);
    expect(report).toMatchObject({ source: "parley", imported: 1, skipped: 0, failed: [] });
    const after = await treeOf(report.chats[0]!.id);

    expect(after.chat).toMatchObject({ title: "Rivers and lakes", model: TEST_MODEL, userId: other.id });
    expect(after.rows).toHaveLength(before.rows.length);
    // The same shape: every message under a parent with the same content.
    const shape = (rows: typeof before.rows) => {
      const byId = new Map(rows.map((r) => [r.id, r]));
      return rows.map((r) => `${r.role}:${r.content} <- ${r.parentId ? byId.get(r.parentId)!.content : "root"}`).sort();
    };
    expect(shape(after.rows)).toEqual(shape(before.rows));
    expect(await pathContents({ chatId: after.chat.id, leafId: after.chat.activeLeafId })).toEqual(await pathContents({ chatId: chat.id, leafId: before.chat.activeLeafId }));
    expect(await pathContents({ chatId: after.chat.id, leafId: after.chat.activeLeafId })).toEqual(["Tell me about rivers", "Rivers flow.", "And deltas?", "Answer to: And deltas?"]);

    const answer = after.rows.find((r) => r.content === "Rivers flow.")!;
    expect(answer).toMatchObject({ model: TEST_MODEL, stats: { model: TEST_MODEL, inputTokens: 12, outputTokens: 3, costUsd: 0.001 } });
    expect(answer.parts).toEqual([{ type: "reasoning", text: "Think of water." }, { type: "text", text: "Rivers flow." }]);

    // The file came along as a file of the importer's, with the same bytes.
    const question = after.rows.find((r) => r.content === "Tell me about rivers")!;
    const part = question.parts[0]!;
    expect(part).toMatchObject({ type: "file", name: "notes.txt", mediaType: "text/plain" });
    const bytes = await readBlobBytes({ attachmentId: (part as { attachmentId: string }).attachmentId });
    expect(new TextDecoder().decode(bytes)).toBe("river notes, line one\n");
  });

  test("the same bytes uploaded under two names are in the ZIP under both, as the Markdown says", async () => {
    const owner = await createTestUser("Renamer");
    const chat = await createTestChat({ userId: owner.id, title: "Two names" });
    const upload = async (filename: string) => {
      const stored = await storeUpload({
        userId: owner.id,
        file: { filename, stream: (async function* () { yield new TextEncoder().encode("the same bytes\n"); })() },
        allowance: { perFile: 1024 * 1024, left: 1024 * 1024 },
      });
      if (!stored.ok) throw new Error("the file was not stored");
      return stored.attachment;
    };
    const [a, b] = [await upload("first.txt"), await upload("Отчёт.txt")];
    await createExchange({ chatId: chat.id, parentId: null, parts: [filePartOf(a), filePartOf(b), { type: "text", text: "Both?" }], attachmentIds: [a.id, b.id], model: TEST_MODEL, instanceId: null });
    const zipBytes = await collect(exportChat({ chatId: chat.id, title: chat.title, format: "zip" }).body);
    const zip = Buffer.from(zipBytes).toString("utf8");
    // The archive's own Markdown names where each file is in it.
    const zipFile = path.join(mkdtempSync(path.join(tmpdir(), "parley-zip-")), "export.zip");
    writeFileSync(zipFile, zipBytes);
    const { openZip } = await import("~/utils/zip.server");
    const reader = await openZip(zipFile);
    const entry = reader.entries.find((e) => e.name.startsWith("markdown/"))!;
    const markdown = new TextDecoder().decode(await reader.read(entry, 1024 * 1024));
    await reader.close();
    const paths = [...markdown.matchAll(/attachments\/[0-9a-f]{64}\/\S+\.txt/g)].map((m) => m[0]);
    expect(paths.map((p) => p.split("/").at(-1))).toEqual(["first.txt", "Отчёт.txt"]);
    expect(new Set(paths.map((p) => p.split("/")[1])).size).toBe(1);
    // Each an entry of its own: its name in a local header and in the central directory.
    for (const path of paths) expect(zip.split(path).length - 1, path).toBe(2);
  });

  test("the Markdown export speaks the exporter's language", async () => {
    const owner = await createTestUser("Russian");
    const { chat } = await chatWithBranchesAndAFile(owner.id);
    const text = (locale: "en" | "ru") => collect(exportChat({ chatId: chat.id, title: chat.title, format: "md", locale }).body).then((bytes) => new TextDecoder().decode(bytes));
    const russian = await text("ru");
    expect(russian).toContain("## Вы\n\nTell me about rivers");
    expect(russian).toContain("## Ассистент · Демо (офлайн)");
    expect(russian).toContain("<summary>Рассуждения</summary>");
    expect(russian).toContain("Файлы:\n- notes.txt (text/plain, 22 Б)");
    expect(russian).toMatch(/^# Rivers and lakes\n\nМодель: .+ · Создан /);
    const english = await text("en");
    expect(english).toContain("## You\n\nTell me about rivers");
    expect(english).toContain("Attachments:\n- notes.txt (text/plain, 22 B)\n");
    // A Markdown file alone names no archive path: there are no files beside it (the ZIP's own Markdown does).
    expect(english).not.toContain("attachments/");
  });

  test("the same file imported again adds nothing, and after deleting the chat it comes back", async () => {
    const owner = await createTestUser("Twice");
    const { chat } = await chatWithBranchesAndAFile(owner.id);
    const zip = await collect(exportChat({ chatId: chat.id, title: chat.title, format: "zip" }).body);
    const other = await createTestUser("TwiceImporter");
    expect(await importing(other.id, zip)).toMatchObject({ imported: 1, skipped: 0 });
    const counts = await portingCounts({ userId: other.id });
    expect(await importing(other.id, zip)).toMatchObject({ imported: 0, skipped: 1, failed: [] });
    expect(await portingCounts({ userId: other.id })).toEqual(counts);

    const [imported] = await database().select().from(chats).where(eq(chats.userId, other.id));
    await database().delete(chats).where(eq(chats.id, imported!.id));
    expect(await importing(other.id, zip)).toMatchObject({ imported: 1, skipped: 0 });
  });

  test("a JSON export without its files keeps the tree and names each file in text", async () => {
    const owner = await createTestUser("Json");
    const { chat } = await chatWithBranchesAndAFile(owner.id);
    const json = await collect(exportChat({ chatId: chat.id, title: chat.title, format: "json" }).body);
    const report = await importing(owner.id, json);
    expect(report).toMatchObject({ imported: 1 });
    const after = await treeOf(report.chats[0]!.id);
    const question = after.rows.find((r) => r.content.includes("Tell me about rivers"))!;
    expect(question.parts.some((p) => p.type === "file")).toBe(false);
    // The note is a paragraph of its own, before the words, and the message reads as one text.
    expect(question.parts.filter((p) => p.type === "text")).toHaveLength(1);
    expect(question.content).toMatch(/^📎 notes\.txt \(text\/plain; the file was not in the import\)\n\nTell me about rivers/);
    // The report says so too, chat by chat: an import without its files is not a silent success.
    expect(report.filesLeftOut).toEqual([{ title: chat.title, name: "notes.txt", reason: "missing" }]);
  });

  test("a file the archive holds damaged is named in text, said to be unreadable rather than missing", async () => {
    const owner = await createTestUser("Damaged");
    const { chat } = await chatWithBranchesAndAFile(owner.id);
    const zip = Buffer.from(await collect(exportChat({ chatId: chat.id, title: chat.title, format: "zip" }).body));
    // The file's local header comes first in the archive, 30 bytes before its name: its signature is broken.
    const name = /attachments\/[0-9a-f]{64}\/notes\.txt/.exec(zip.toString("latin1"))!;
    expect(zip.readUInt32LE(name.index - 30)).toBe(0x04034b50);
    zip.writeUInt32LE(0, name.index - 30);
    const report = await importing(owner.id, new Uint8Array(zip));
    expect(report).toMatchObject({ imported: 1, filesLeftOut: [{ title: chat.title, name: "notes.txt", reason: "unreadable" }] });
    const question = (await treeOf(report.chats[0]!.id)).rows.find((r) => r.content.includes("Tell me about rivers"))!;
    expect(question.content).toMatch(/^📎 notes\.txt \(text\/plain; the file in the import could not be read: it is damaged, or larger than any file this server takes\)/);
  });

  test("an imported file counts against the upload quota: one that does not fit is named in text instead", async () => {
    const owner = await createTestUser("BigFile");
    const chat = await createTestChat({ userId: owner.id, title: "Large file" });
    const big = await storeUpload({
      userId: owner.id,
      file: { filename: "big.txt", stream: (async function* () { yield new TextEncoder().encode("x".repeat(60)); })() },
      allowance: { perFile: 64, left: 64 },
    });
    if (!big.ok) throw new Error("the file was not stored");
    await createExchange({ chatId: chat.id, parentId: null, parts: [filePartOf(big.attachment), { type: "text", text: "Read this" }], attachmentIds: [big.attachment.id], model: TEST_MODEL, instanceId: null });
    const zip = await collect(exportChat({ chatId: chat.id, title: chat.title, format: "zip" }).body);
    const other = await createTestUser("SmallQuota");
    // 10 of the importer's 64 bytes are taken: the 60-byte file no longer fits.
    const taken = await storeUpload({ userId: other.id, file: { filename: "small.txt", stream: (async function* () { yield new TextEncoder().encode("y".repeat(10)); })() }, allowance: { perFile: 64, left: 64 } });
    expect(taken.ok).toBe(true);
    const report = await importing(other.id, zip);
    expect(report).toMatchObject({ imported: 1, failed: [] });
    const after = await treeOf(report.chats[0]!.id);
    const question = after.rows.find((r) => r.role === "user")!;
    expect(question.parts.some((p) => p.type === "file")).toBe(false);
    expect(question.content).toContain("📎 big.txt (text/plain; the file did not fit in your storage)");
    expect(report.filesLeftOut).toEqual([{ title: "Large file", name: "big.txt", reason: "quota" }]);
  });

  test("a file changed inside the archive is not attached, and the message says it was changed", async () => {
    const owner = await createTestUser("Tamperer");
    const { chat } = await chatWithBranchesAndAFile(owner.id);
    const json = new TextDecoder().decode(await collect(exportChat({ chatId: chat.id, title: chat.title, format: "json" }).body));
    const sha = /"sha256":"([0-9a-f]{64})"/.exec(json)![1]!;
    const { zipStream } = await import("~/utils/zip.server");
    const zip = await collect(zipStream([{ name: "conversations.json", data: json.replace(chat.id, "a-changed-copy") }, { name: `attachments/${sha}`, data: "not the notes at all\n" }]));
    const other = await createTestUser("TamperVictim");
    const report = await importing(other.id, zip);
    expect(report).toMatchObject({ imported: 1, failed: [] });
    const question = (await treeOf(report.chats[0]!.id)).rows.find((r) => r.content.includes("Tell me about rivers"))!;
    expect(question.parts.some((p) => p.type === "file")).toBe(false);
    expect(question.content).toContain("📎 notes.txt (text/plain; the file in the import was not the one exported: its bytes do not match)");
  });

  test("a file cannot be claimed by its SHA-256 alone: bytes that do not match are not attached", async () => {
    const owner = await createTestUser("Claim");
    const { chat, attachment } = await chatWithBranchesAndAFile(owner.id);
    const json = JSON.parse(new TextDecoder().decode(await collect(exportChat({ chatId: chat.id, title: chat.title, format: "json" }).body))) as { chats: { id: string }[] };
    json.chats[0]!.id = "someone-elses-chat";
    const thief = await createTestUser("Thief");
    const report = await importing(thief.id, JSON.stringify(json));
    const after = await treeOf(report.chats[0]!.id);
    expect(JSON.stringify(after.rows)).not.toContain(attachment.id);
    expect(after.rows.flatMap((r) => r.parts).some((p) => p.type === "file")).toBe(false);
  });
});

// ---------------------------------------------------------------- ChatGPT

/** A ChatGPT export: a hidden system root, a tool detour, an edited first question (two branches), the older branch current. */
function chatGptExport() {
  const node = (id: string, parent: string | null, children: string[], message: unknown) => ({ id, parent, children, message });
  const msg = (id: string, role: string, text: string | unknown[], extra: Record<string, unknown> = {}) => ({
    id,
    author: { role },
    create_time: 1_700_000_000 + Number(id.replace(/\D/g, "") || 0),
    content: { content_type: Array.isArray(text) ? "multimodal_text" : "text", parts: Array.isArray(text) ? text : [text] },
    status: "finished_successfully",
    recipient: "all",
    metadata: {},
    ...extra,
  });
  return [
    {
      title: "Bridges",
      conversation_id: "conv-bridges",
      create_time: 1_700_000_000.5,
      update_time: 1_700_000_100.25,
      current_node: "n7",
      default_model_slug: "gpt-4o",
      mapping: {
        root: node("root", null, ["n0"], null),
        n0: node("n0", "root", ["n1", "n4"], msg("n0", "system", "", { metadata: { is_visually_hidden_from_conversation: true } })),
        n1: node("n1", "n0", ["n2"], msg("n1", "user", "How do bridges stand?")),
        n2: node("n2", "n1", ["n3"], msg("n2", "assistant", "search('bridges')", { recipient: "browser", content: { content_type: "code", text: "search" } })),
        n3: node("n3", "n2", ["n5"], msg("n3", "tool", "results…")),
        n5: node("n5", "n3", ["n6"], msg("n5", "assistant", "By arches and cables.", { metadata: { model_slug: "gpt-4o" } })),
        n6: node(
          "n6",
          "n5",
          ["n7"],
          msg("n6", "user", ["Show one", { content_type: "image_asset_pointer", asset_pointer: "file-service://file-x" }, { content_type: "image_asset_pointer", asset_pointer: "file-service://file-unlisted" }], {
            metadata: { attachments: [{ id: "file-x", name: "golden-gate.jpg", size: 1234 }] },
          }),
        ),
        n7: node("n7", "n6", [], msg("n7", "assistant", "Here is the Golden Gate.", { metadata: { model_slug: "gpt-4o-mini" } })),
        n4: node("n4", "n0", ["n8"], msg("n4", "user", "How do tunnels stand?")),
        n8: node("n8", "n4", [], msg("n8", "assistant", "By rings of concrete.", { metadata: { model_slug: "o3" } })),
      },
    },
  ];
}

describe("a ChatGPT export", () => {
  test("its mapping becomes the tree, current_node the branch shown; hidden and tool nodes go, the tree stays connected", async () => {
    const user = await createTestUser("GptFan");
    const report = await importing(user.id, JSON.stringify(chatGptExport()));
    expect(report).toMatchObject({ source: "chatgpt", imported: 1, skipped: 0, failed: [] });
    const { chat, rows } = await treeOf(report.chats[0]!.id);
    expect(rows).toHaveLength(6);
    expect(await pathContents({ chatId: chat.id, leafId: chat.activeLeafId })).toEqual(["How do bridges stand?", "By arches and cables.", "Show one\n\n[image: golden-gate.jpg]\n\n[image]", "Here is the Golden Gate."]);
    // Both first questions are roots of the chat (siblings), as in ChatGPT.
    expect(rows.filter((r) => r.parentId === null).map((r) => r.content).sort()).toEqual(["How do bridges stand?", "How do tunnels stand?"]);
    // Models Parley does not have stay as labels; the chat answers with the default model from now on.
    expect(rows.find((r) => r.content === "By rings of concrete.")!.model).toBe("o3");
    expect(rows.find((r) => r.content === "Here is the Golden Gate.")!.model).toBe("gpt-4o-mini");
    expect(chat.model).toBe(DEMO_MODEL_ID);
    expect(chat).toMatchObject({ title: "Bridges", createdAt: 1_700_000_000_500, updatedAt: 1_700_000_100_250 });
  });

  test("inside the .zip ChatGPT sends, and a second time: nothing twice", async () => {
    const user = await createTestUser("GptZip");
    const { zipStream } = await import("~/utils/zip.server");
    const zip = await collect(zipStream([{ name: "chat.html", data: "<html></html>" }, { name: "conversations.json", data: JSON.stringify(chatGptExport()), compress: true }]));
    expect(await importing(user.id, zip)).toMatchObject({ source: "chatgpt", imported: 1 });
    expect(await importing(user.id, zip)).toMatchObject({ source: "chatgpt", imported: 0, skipped: 1 });
    expect((await portingCounts({ userId: user.id })).chats).toBe(1);
  });

  test("a title loses its direction controls and invisible characters, is cut between characters, and one of them alone is no title", async () => {
    const user = await createTestUser("GptTitles");
    const titled = (title: string, n: number) => ({ ...chatGptExport()[0]!, title, conversation_id: `conv-titled-${n}` });
    const report = await importing(user.id, JSON.stringify([titled("Invoice \u202EFDP.exe", 1), titled("👍🏽".repeat(61), 2), titled("\u200b\u200b\u200b", 3)]));
    expect(report).toMatchObject({ imported: 3, failed: [] });
    const titles = await Promise.all(report.chats.map(async ({ id }) => (await treeOf(id)).chat.title));
    expect(titles.sort()).toEqual(["Imported chat", "Invoice FDP.exe", "👍🏽".repeat(60)].sort());
  });
});

// ---------------------------------------------------------------- Claude

describe("a Claude export", () => {
  const claudeMessage = (uuid: string, sender: string, text: string, extra: Record<string, unknown> = {}) => ({
    uuid,
    text,
    content: [{ type: "text", text }],
    sender,
    created_at: `2024-05-01T10:00:0${uuid.replace(/\D/g, "")}Z`,
    attachments: [],
    files: [],
    ...extra,
  });

  test("parent_message_uuid builds the tree; the current leaf is the branch shown; attachments' text becomes a text file", async () => {
    const user = await createTestUser("ClaudeTree");
    const conversation = {
      uuid: "claude-tree",
      name: "Poems",
      created_at: "2024-05-01T10:00:00Z",
      updated_at: "2024-05-01T11:00:00Z",
      current_leaf_message_uuid: "m2",
      chat_messages: [
        claudeMessage("m1", "human", "Write a haiku about this", {
          parent_message_uuid: "00000000-0000-4000-8000-000000000000",
          attachments: [{ file_name: "seed.txt", file_type: "txt", file_size: 10, extracted_content: "autumn moon" }],
        }),
        claudeMessage("m2", "assistant", "Autumn moon rises", { parent_message_uuid: "m1" }),
        claudeMessage("m3", "assistant", "Moon over the pond", { parent_message_uuid: "m1" }),
      ],
    };
    const report = await importing(user.id, JSON.stringify([conversation]));
    expect(report).toMatchObject({ source: "claude", imported: 1, failed: [] });
    const { chat, rows } = await treeOf(report.chats[0]!.id);
    expect(rows).toHaveLength(3);
    const path = await pathContents({ chatId: chat.id, leafId: chat.activeLeafId });
    expect(path).toHaveLength(2);
    expect(path[0]).toBe("Write a haiku about this");
    // What Claude read from the upload is a text file of its name, as if uploaded here: its words are found by search too.
    const question = rows.find((r) => r.role === "user")!;
    const file = question.parts.find((p) => p.type === "file");
    expect(file).toMatchObject({ type: "file", name: "seed.txt", mediaType: "text/plain", size: 11 });
    expect(new TextDecoder().decode(await readBlobBytes({ attachmentId: (file as { attachmentId: string }).attachmentId }))).toBe("autumn moon");
    const found = await search({ user, query: parseSearchQuery(new URLSearchParams({ q: "autumn moon" })) });
    expect(found.messages.map((m) => m.messageId)).toContain(question.id);
    expect(path[1]).toBe("Autumn moon rises");
    expect(rows.filter((r) => r.role === "assistant").every((r) => r.parentId === rows.find((q) => q.role === "user")!.id)).toBe(true);
  });

  test("an upload's text holding NUL characters is stored whole, without them", async () => {
    const user = await createTestUser("ClaudeNul");
    const conversation = {
      uuid: "claude-nul",
      name: "Pages",
      created_at: "2024-05-02T10:00:00Z",
      updated_at: "2024-05-02T10:05:00Z",
      chat_messages: [
        claudeMessage("m1", "human", "Read this", { attachments: [{ file_name: "pages.txt", extracted_content: "page one \u0000\u0001 page two\tand three\n" }] }),
        claudeMessage("m2", "assistant", "Done", { parent_message_uuid: "m1" }),
      ],
    };
    const report = await importing(user.id, JSON.stringify([conversation]));
    expect(report).toMatchObject({ imported: 1, failed: [] });
    const [row] = await database()
      .select({ text: blobs.extractedText })
      .from(attachments)
      .innerJoin(blobs, eq(blobs.id, attachments.blobId))
      .where(eq(attachments.userId, user.id));
    expect(row!.text).toBe("page one  page two\tand three\n");
  });

  test("an upload's text past the storage quota stays in the message as text: nothing of it is lost", async () => {
    const user = await createTestUser("ClaudeQuota");
    const long = "frost ".repeat(20).trim();
    const conversation = {
      uuid: "claude-quota",
      name: "Frost",
      created_at: "2024-05-03T10:00:00Z",
      updated_at: "2024-05-03T10:05:00Z",
      chat_messages: [claudeMessage("m1", "human", "Read this", { attachments: [{ file_name: "frost.txt", extracted_content: long }] }), claudeMessage("m2", "assistant", "Done")],
    };
    const report = await importing(user.id, JSON.stringify([conversation]));
    expect(report).toMatchObject({ imported: 1, failed: [], filesLeftOut: [] });
    const { rows } = await treeOf(report.chats[0]!.id);
    const question = rows.find((r) => r.role === "user")!;
    expect(question.parts.some((p) => p.type === "file")).toBe(false);
    expect(question.content).toContain(`frost.txt:\n\`\`\`\n${long}\n\`\`\``);
  });

  test("without parent ids the messages are one chain, the last one shown", async () => {
    const user = await createTestUser("ClaudeChain");
    const conversation = {
      uuid: "claude-chain",
      name: "",
      created_at: "2024-05-02T10:00:00Z",
      updated_at: "2024-05-02T10:05:00Z",
      chat_messages: [claudeMessage("m1", "human", "One"), claudeMessage("m2", "assistant", "Two"), claudeMessage("m3", "human", "Three"), claudeMessage("m4", "assistant", "Four")],
    };
    const report = await importing(user.id, JSON.stringify([conversation]));
    const { chat } = await treeOf(report.chats[0]!.id);
    expect(chat.title).toBe("Imported chat");
    expect(await pathContents({ chatId: chat.id, leafId: chat.activeLeafId })).toEqual(["One", "Two", "Three", "Four"]);
  });
});

// ---------------------------------------------------------------- refusals

describe("a file that cannot be imported", () => {
  test("truncated JSON is import_malformed and imports nothing", async () => {
    const user = await createTestUser("Truncated");
    const text = JSON.stringify(chatGptExport());
    expect(await refusal(importing(user.id, text.slice(0, Math.floor(text.length / 2))))).toBe("import_malformed");
    expect((await portingCounts({ userId: user.id })).chats).toBe(0);
  });

  test("a truncated ZIP is import_malformed", async () => {
    const user = await createTestUser("TruncatedZip");
    const { zipStream } = await import("~/utils/zip.server");
    const zip = await collect(zipStream([{ name: "conversations.json", data: JSON.stringify(chatGptExport()), compress: true }]));
    const cut = importing(user.id, zip.subarray(0, zip.length - 30));
    expect(await refusal(cut)).toBe("import_malformed");
    // Said in words a person reads, in their language: what the reader tripped on goes to the log.
    const error = (await cut.catch((e: unknown) => e)) as AppError;
    expect(describeProblem(error.problem, "en")).toBe("This file is damaged or cut short (the archive cannot be read). Download the export again and import the new file.");
    expect(describeProblem(error.problem, "ru")).toBe("Файл повреждён или обрезан (архив не читается). Скачайте экспорт заново и импортируйте новый файл.");
    expect((await portingCounts({ userId: user.id })).chats).toBe(0);
  });

  test("an export of a later Parley says so, rather than not being recognised", async () => {
    const user = await createTestUser("FromTheFuture");
    const later = importing(user.id, JSON.stringify({ format: "parley", version: 99, chats: [] }));
    expect(await refusal(later)).toBe("import_newer_version");
    const error = (await later.catch((e: unknown) => e)) as AppError;
    expect(describeProblem(error.problem, "en")).toBe("This export was made by a newer Parley (format version 99) than this server reads. Update this server, or export from the same version.");
  });

  test("something else entirely is import_unrecognized", async () => {
    const user = await createTestUser("Stranger");
    expect(await refusal(importing(user.id, "hello, this is a text file"))).toBe("import_unrecognized");
    expect(await refusal(importing(user.id, JSON.stringify({ some: "object" })))).toBe("import_unrecognized");
    expect(await refusal(importing(user.id, JSON.stringify([{ neither: "format" }])))).toBe("import_unrecognized");
    const { zipStream } = await import("~/utils/zip.server");
    expect(await refusal(importing(user.id, await collect(zipStream([{ name: "photo.txt", data: "x" }]))))).toBe("import_unrecognized");
  });

  test("one broken conversation fails with its reason; the others are imported and it leaves nothing behind", async () => {
    const user = await createTestUser("Mixed");
    const good = chatGptExport()[0]!;
    const broken = { title: "Broken one", conversation_id: "conv-broken", mapping: "not a tree" };
    const report = await importing(user.id, JSON.stringify([broken, good]));
    expect(report).toMatchObject({ imported: 1, skipped: 0 });
    expect(report.failed).toEqual([{ title: "Broken one", reason: "This conversation could not be read: it has no messages." }]);
    // In the importer's language, every word of it.
    const inRussian = await importFile({ filePath: saved(JSON.stringify([broken])), user: { id: user.id }, locale: "ru" });
    expect(inRussian.failed).toEqual([{ title: "Broken one", reason: "Этот разговор не удалось прочитать: в нём нет сообщений." }]);
    expect(await portingCounts({ userId: user.id })).toMatchObject({ chats: 1, messages: 6, imports: 1 });
  });

  test("a Parley conversation with a malformed part fails alone", async () => {
    const user = await createTestUser("BadPart");
    const doc = {
      format: "parley",
      version: 1,
      chats: [
        { id: "a", title: "Fine", model: TEST_MODEL, createdAt: 1, updatedAt: 2, activeLeafId: "m1", messages: [{ id: "m1", parentId: null, role: "user", parts: [{ type: "text", text: "hi" }], createdAt: 1 }] },
        { id: "b", title: "Bad", model: TEST_MODEL, createdAt: 1, updatedAt: 2, activeLeafId: null, messages: [{ id: "m1", parentId: null, role: "user", parts: [{ type: "hologram" }], createdAt: 1 }] },
      ],
    };
    const report = await importing(user.id, JSON.stringify(doc));
    expect(report.imported).toBe(1);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({ title: "Bad" });
    expect(report.failed[0]!.reason).toMatch(/^This conversation could not be read: a value is missing or wrong \(messages\.0\.parts\.0\.type\)\.$/);
    expect((await portingCounts({ userId: user.id })).chats).toBe(1);
  });
});

// ---------------------------------------------------------------- the chats limit

describe("the chats limit", () => {
  /** A Parley export of `count` one-message conversations, with ids starting at `prefix`. */
  function conversations(prefix: string, count: number) {
    return {
      format: "parley",
      version: 1,
      chats: Array.from({ length: count }, (_, i) => ({
        id: `${prefix}${i}`,
        title: `Imported ${prefix}${i}`,
        model: TEST_MODEL,
        createdAt: 1,
        updatedAt: 2,
        activeLeafId: "m1",
        messages: [{ id: "m1", parentId: null, role: "user", parts: [{ type: "text", text: `hello ${i}` }], createdAt: 1 }],
      })),
    };
  }

  test("imported conversations count as chats: those over the limit are refused with the limit's reason, and nothing of them is stored", async () => {
    const user = await createTestUser("Limited");
    await setUserLimits({ userId: user.id, overrides: { chats: 3, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null }, changedBy: user.id });
    await createTestChat({ userId: user.id, title: "Already here" });
    const report = await importing(user.id, JSON.stringify(conversations("a", 4)));
    expect(report.imported).toBe(2);
    expect(report.failed.map((f) => f.title)).toEqual(["Imported a2", "Imported a3"]);
    expect(report.failed[0]!.reason).toBe("This server lets you keep 3 chats, and you have reached that. Delete chats you no longer need to start a new one.");
    expect(await portingCounts({ userId: user.id })).toEqual({ chats: 3, messages: 2, imports: 2 });
    // With room again, importing the same file brings exactly the ones left out.
    await setUserLimits({ userId: user.id, overrides: { chats: null, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null }, changedBy: user.id });
    expect(await importing(user.id, JSON.stringify(conversations("a", 4)))).toMatchObject({ imported: 2, skipped: 2, failed: [] });
  });

  test("imports running at once cannot pass the limit together", async () => {
    const user = await createTestUser("Racing");
    await setUserLimits({ userId: user.id, overrides: { chats: 5, messages: null, windowSeconds: null, tokensPerMonth: null, spendPerMonthUsd: null }, changedBy: user.id });
    const reports = await Promise.all(["p", "q", "r", "s"].map((prefix) => importing(user.id, JSON.stringify(conversations(prefix, 4)))));
    expect(reports.reduce((sum, r) => sum + r.imported, 0)).toBe(5);
    expect(reports.reduce((sum, r) => sum + r.failed.length, 0)).toBe(11);
    expect((await portingCounts({ userId: user.id })).chats).toBe(5);
  });
});
