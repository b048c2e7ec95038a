// Attachments on a real database: a file's type comes from its bytes (never
// its name), limits hold while the bytes stream in and a refused file leaves
// nothing behind, names are made safe, the same bytes are stored once, and
// the bytes go when the last message using them is deleted.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
  process.env.MAX_FILE_BYTES = String(3 * 1024 * 1024);
  process.env.MAX_UPLOAD_BYTES_PER_USER = String(8 * 1024 * 1024);
  process.env.MAX_FILES_PER_MESSAGE = "3";
  // A local server that is not running: its listing fails and its configured model (unknown, so no vision) is offered.
  process.env.OLLAMA_BASE_URL = "http://127.0.0.1:9/v1";
  process.env.OLLAMA_MODELS = "plain-text-model";
});

import { count, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { attachments, blobChunks, blobs, messageAttachments } from "../../drizzle/schema";
import { database, prepareDatabase } from "~/db.server";
import { attachmentInChat, readBlobBytes, sweepUnusedUploads } from "~/models/attachment.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { describe as describeProblem } from "~/protocol/catalogue";
import { AppError } from "~/protocol/errors";
import { readMessageForm, sniff, storeUpload, type UploadResult } from "~/services/attachments.server";
import * as conversation from "~/services/conversation.server";
import { safeFileName } from "~/services/file-kind";
import { streamRegistry } from "~/streaming/streams.server";
import { toAnthropicMessages } from "~/llm/anthropic.server";
import { assembleContext, DEFAULT_SYSTEM_PROMPT, estimateTokens, type PathTurn } from "~/llm/context";
import { loadContextFiles } from "~/llm/context-files.server";
import { toChatCompletionMessages } from "~/llm/openai.server";
import { filePartOf } from "~/services/attachments.server";
import { createTestChat, createTestUser } from "./fixtures";
import { damagedPdfBytes, encryptedPdfBytes, jpegBytes, pdfBytes, pdfWithNulGlyphs, pngBytes, officeOpenXmlBytes, zipWithEntry } from "../files";

beforeAll(async () => {
  await prepareDatabase();
});

afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

const MiB = 1024 * 1024;
const text = (s: string) => new TextEncoder().encode(s);

/** A file arriving in pieces of `piece` bytes, as a request body does. */
async function* arriving(bytes: Uint8Array, piece = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece);
}

function randomBytes(size: number, head = pngBytes()): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(size, i + 65536)));
  out.set(head.subarray(0, Math.min(head.length, size)));
  return out;
}

async function upload(userId: string, filename: string, bytes: Uint8Array, allowance = { perFile: 3 * MiB, left: 8 * MiB }): Promise<UploadResult> {
  return storeUpload({ userId, file: { filename, stream: arriving(bytes) }, allowance });
}

async function stored(userId: string, filename: string, bytes: Uint8Array) {
  const result = await upload(userId, filename, bytes);
  if (!result.ok) throw new Error(`expected ${filename} to be stored, got ${result.problem.code}`);
  return result.attachment;
}

async function rows() {
  const db = database();
  const [a] = await db.select({ n: count() }).from(attachments);
  const [b] = await db.select({ n: count() }).from(blobs);
  const [c] = await db.select({ n: count() }).from(blobChunks);
  return { attachments: a!.n, blobs: b!.n, chunks: c!.n };
}

describe("the type comes from the bytes", () => {
  test("a .png that is really an HTML page is refused as not what its name says", async () => {
    expect(await sniff({ head: text("<!doctype html><script>alert(1)</script>"), name: "cat.png", complete: true })).toEqual({
      ok: false,
      code: "file_type_mismatch",
      type: "text/plain",
    });
  });

  test("a JPEG named .txt is an image", async () => {
    expect(await sniff({ head: jpegBytes(), name: "notes.txt", complete: true })).toEqual({ ok: true, mediaType: "image/jpeg" });
  });

  test("HTML, SVG and code under their own names are text, never rendered", async () => {
    for (const [name, body] of [
      ["page.html", "<html><body>hi</body></html>"],
      ["drawing.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`],
      ["main.py", "print('привет')\n"],
    ]) {
      expect(await sniff({ head: text(body!), name: name!, complete: true })).toEqual({ ok: true, mediaType: "text/plain" });
    }
  });

  test("archives and unknown binary data are refused with what they are", async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, ...new Array(40).fill(0)]);
    expect(await sniff({ head: zip, name: "code.zip", complete: true })).toMatchObject({ ok: false, code: "file_type_unsupported" });
    expect(await sniff({ head: new Uint8Array([1, 2, 0, 255, 254, 3]), name: "data.bin", complete: true })).toEqual({
      ok: false,
      code: "file_type_unsupported",
      type: "application/octet-stream",
    });
  });

  test("text in UTF-16 or an older encoding is refused as such, with how to save it, never as an MP3", async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...[..."name,city\r\nAda,Oslo\r\n"].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(await sniff({ head: utf16, name: "export.csv", complete: true })).toEqual({ ok: false, code: "file_not_utf8", type: "UTF-16" });
    const latin1 = new Uint8Array([..."café naïve, crème brûlée\n"].map((c) => c.charCodeAt(0)));
    expect(await sniff({ head: latin1, name: "menu.csv", complete: true })).toEqual({ ok: false, code: "file_not_utf8", type: "legacy" });
    expect(describeProblem({ code: "file_not_utf8", params: { name: "menu.csv", type: "legacy" } }, "en")).toBe(
      "“menu.csv” is text in an older encoding, not UTF-8. Save it as UTF-8 (editors offer it under Save As, as the encoding) and attach it again.",
    );
  });

  test("Russian text in Windows-1251 is refused as an older encoding, without naming one it is not", async () => {
    // „Привет, мир“ and a second line, as Windows-1251 writes them.
    const cp1251 = new Uint8Array([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xec, 0xe8, 0xf0, 0x0d, 0x0a, 0xc2, 0xf2, 0xee, 0xf0, 0xe0, 0xff, 0x20, 0xf1, 0xf2, 0xf0, 0xee, 0xea, 0xe0, 0x0d, 0x0a]);
    const sniffed = await sniff({ head: cp1251, name: "заметки.txt", complete: true });
    expect(sniffed).toEqual({ ok: false, code: "file_not_utf8", type: "legacy" });
    const en = describeProblem({ code: "file_not_utf8", params: { name: "заметки.txt", type: "legacy" } }, "en");
    const ru = describeProblem({ code: "file_not_utf8", params: { name: "заметки.txt", type: "legacy" } }, "ru");
    expect(ru).toBe("Файл «заметки.txt» — текст в старой кодировке, не в UTF-8. Сохраните его в UTF-8 (редакторы предлагают это в «Сохранить как», в выборе кодировки) и приложите снова.");
    for (const words of [en, ru]) expect(words).not.toMatch(/Windows-|125\d/);
    expect(describeProblem({ code: "file_not_utf8", params: { name: "export.csv", type: "UTF-16" } }, "en")).toContain("is text in UTF-16, not UTF-8.");
  });

  test("office files are refused with their kind in words and what to do, never their MIME type", async () => {
    const docx = await sniff({ head: officeOpenXmlBytes("wordprocessingml.document"), name: "Отчёт.docx", complete: true });
    expect(docx).toEqual({ ok: false, code: "file_type_unsupported", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
    const say = (sniffed: Awaited<ReturnType<typeof sniff>>, name: string, locale: "en" | "ru" = "en") =>
      describeProblem({ code: "file_type_unsupported", params: { name, type: sniffed.ok ? "" : sniffed.type } }, locale);
    expect(say(docx, "Отчёт.docx")).toBe("“Отчёт.docx”: Word documents (.docx) cannot be read here. To attach it, save it as PDF and attach that.");
    expect(say(docx, "Отчёт.docx", "ru")).toBe("Файл «Отчёт.docx»: документы Word (.docx) здесь не читаются. Чтобы приложить его, сохраните его в PDF и приложите этот файл.");
    const xlsx = await sniff({ head: officeOpenXmlBytes("spreadsheetml.sheet"), name: "budget.xlsx", complete: true });
    expect(say(xlsx, "budget.xlsx")).toBe("“budget.xlsx”: Excel workbooks (.xlsx) cannot be read here. To attach it, save it as CSV (a sheet at a time) or PDF and attach that.");
    const pptx = await sniff({ head: officeOpenXmlBytes("presentationml.presentation"), name: "deck.pptx", complete: true });
    expect(say(pptx, "deck.pptx")).toContain("PowerPoint presentations (.pptx) cannot be read here.");
    // Word, Excel and PowerPoint 97–2003 share one container: the name says which.
    const cfb = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]);
    expect(say(await sniff({ head: cfb, name: "old.doc", complete: true }), "old.doc")).toContain("Word 97–2003 documents (.doc) cannot be read here.");
    expect(say(await sniff({ head: cfb, name: "old.xls", complete: true }), "old.xls", "ru")).toContain("книги Excel 97–2003 (.xls) здесь не читаются.");
    expect(say(await sniff({ head: cfb, name: "old.ppt", complete: true }), "old.ppt")).toContain("PowerPoint 97–2003 presentations (.ppt)");
    expect(say(await sniff({ head: text("{\\rtf1\\ansi Hello}"), name: "letter.rtf", complete: true }), "letter.rtf")).toContain("RTF documents (.rtf) cannot be read here.");
    const odt = await sniff({ head: zipWithEntry("mimetype", "application/vnd.oasis.opendocument.text"), name: "essay.odt", complete: true });
    expect(say(odt, "essay.odt")).toContain("OpenDocument text documents (.odt) cannot be read here.");
    // Anything else keeps its type, as before.
    expect(describeProblem({ code: "file_type_unsupported", params: { name: "a.zip", type: "application/zip" } }, "en")).toContain("“a.zip” (application/zip) is not a kind of file");
  });

  test("a character cut at the end of the sniffed sample does not make a long text file binary", async () => {
    const head = text("я".repeat(2051)).subarray(0, 4101);
    expect(await sniff({ head, name: "long.txt", complete: false })).toEqual({ ok: true, mediaType: "text/plain" });
    expect(await sniff({ head, name: "long.txt", complete: true })).toMatchObject({ ok: false });
  });
});

describe("names are stored safe", () => {
  test("folders, NUL and control characters, and extension-disguising bidi controls are dropped", () => {
    expect(safeFileName("../../etc/passwd")).toBe("passwd");
    expect(safeFileName("..\\..\\windows\\win.ini")).toBe("win.ini");
    expect(safeFileName("re\u0000port\u0007.pdf")).toBe("report.pdf");
    expect(safeFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(safeFileName("..")).toBe("file");
    expect(safeFileName("   ")).toBe("file");
  });

  test("a 300-character name is cut to 255 characters and keeps its extension", () => {
    const name = safeFileName(`${"ж".repeat(300)}.txt`);
    expect([...name]).toHaveLength(255);
    expect(name.endsWith(".txt")).toBe(true);
  });

  test("a hostile name is stored as its safe form and served with it", async () => {
    const user = await createTestUser();
    const attachment = await stored(user.id, `../x\u0000${"a".repeat(300)}.py`, text("print(1)\n"));
    expect(attachment.name.startsWith("x")).toBe(true);
    for (const unsafe of ["/", "\\", "\u0000"]) expect(attachment.name).not.toContain(unsafe);
    expect([...attachment.name].length).toBeLessThanOrEqual(255);
  });
});

describe("a composer's form as it arrives", () => {
  test("a file sent as “.”, “..” or with folders is kept under a safe name; an empty file input is not a file", async () => {
    const user = await createTestUser();
    const boundary = "----parleyformboundary";
    const part = (filename: string, body: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${body}\r\n`;
    const body = `${part(".", "dot\n")}${part("..", "dots\n")}${part("notes/../../plan.md", "# plan\n")}${part("", "")}--${boundary}--\r\n`;
    const request = new Request("http://127.0.0.1/attachments", { method: "POST", headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` }, body });
    const form = await readMessageForm({ request, userId: user.id });
    expect(form.refusal).toBeUndefined();
    expect(form.uploaded.map((a) => a.name)).toEqual(["file", "file", "plan.md"]);
  });

  test("a name with quotes keeps them: browsers send them as %22", async () => {
    const user = await createTestUser();
    const boundary = "----parleyquotes";
    // What Chromium sends for a file named: report "final".txt
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="report %22final%22.txt"\r\nContent-Type: text/plain\r\n\r\nfinal\n\r\n--${boundary}--\r\n`;
    const request = new Request("http://127.0.0.1/attachments", { method: "POST", headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` }, body });
    const form = await readMessageForm({ request, userId: user.id });
    expect(form.uploaded.map((a) => a.name)).toEqual(['report "final".txt']);
  });
});

describe("PDFs no one can open are refused at upload", () => {
  test("a PDF with a password and a damaged PDF are refused with what to do, and nothing of them is kept", async () => {
    const user = await createTestUser();
    const before = await rows();
    const allowance = { perFile: 3 * MiB, left: 8 * MiB };
    const locked = await upload(user.id, "payslip.pdf", encryptedPdfBytes(), allowance);
    expect(locked).toEqual({ ok: false, name: "payslip.pdf", problem: { code: "file_pdf_encrypted", params: { name: "payslip.pdf" } } });
    const broken = await upload(user.id, "scan-2.pdf", damagedPdfBytes(), allowance);
    expect(broken).toEqual({ ok: false, name: "scan-2.pdf", problem: { code: "file_pdf_damaged", params: { name: "scan-2.pdf" } } });
    expect(await rows()).toEqual(before);
    expect(allowance.left).toBe(8 * MiB);
    expect(new AppError("file_pdf_encrypted").status).toBe(415);
    expect(new AppError("file_pdf_damaged").status).toBe(415);
    expect(describeProblem({ code: "file_pdf_encrypted", params: { name: "payslip.pdf" } }, "en")).toBe(
      "“payslip.pdf” is protected by a password, so Parley cannot read it. Remove the password (print it to a new PDF, or save it without one) and attach it again.",
    );
    expect(describeProblem({ code: "file_pdf_damaged", params: { name: "scan-2.pdf" } }, "ru")).toBe(
      "Файл «scan-2.pdf» повреждён и не читается как PDF. Сохраните его заново в программе, где он сделан, и приложите новый файл.",
    );
  });

  test("a PDF without a text layer (a scan) is kept, with no text", async () => {
    const user = await createTestUser();
    const scan = await stored(user.id, "scan.pdf", pdfBytes([]));
    const [row] = await database().select({ text: blobs.extractedText }).from(blobs).where(eq(blobs.id, scan.blobId));
    expect(row!.text ?? "").toBe("");
  });

  test("a form with a locked PDF keeps its other files and names the PDF's reason", async () => {
    const user = await createTestUser();
    const body = new FormData();
    body.append("content", "Read these");
    body.append("files", new File([encryptedPdfBytes() as BlobPart], "locked.pdf", { type: "application/pdf" }));
    body.append("files", new File([text("fine\n") as BlobPart], "notes.txt", { type: "text/plain" }));
    const form = await readMessageForm({ request: new Request("http://localhost/", { method: "POST", body }), userId: user.id });
    expect(form.uploaded.map((a) => a.name)).toEqual(["notes.txt"]);
    expect(form.refusal?.code).toBe("file_pdf_encrypted");
  });
});

describe("a form over the file limit", () => {
  test("names every file it left out, and the other files' reasons, beside the limit", async () => {
    const user = await createTestUser();
    const body = new FormData();
    body.append("content", "Four files");
    body.append("files", new File([text("") as BlobPart], "blank.txt"));
    for (const name of ["a.txt", "b.txt", "c.txt", "d\u202Etxt.exe"]) body.append("files", new File([text(`${name}\n`) as BlobPart], name));
    const form = await readMessageForm({ request: new Request("http://localhost/", { method: "POST", body }), userId: user.id });
    // Three files may go (MAX_FILES_PER_MESSAGE): blank.txt takes a place and is refused, c.txt and the fourth are left out.
    expect(form.uploaded.map((a) => a.name)).toEqual(["a.txt", "b.txt"]);
    expect(form.refusal?.code).toBe("too_many_files");
    expect(describeProblem(form.refusal!.problem, "en")).toBe(
      "A message can carry at most 3 files. Remove some and send again. “blank.txt” is empty. Not attached: “c.txt”, “dtxt.exe”.",
    );
    expect(describeProblem(form.refusal!.problem, "ru")).toBe(
      "К сообщению можно приложить не больше 3 файлов. Уберите лишние и отправьте снова. Файл «blank.txt» пуст. Не приложены: «c.txt», «dtxt.exe».",
    );
  });
});

describe("limits hold while the file streams in", () => {
  test("a file over the per-file limit is refused as soon as it passes it, and nothing is kept", async () => {
    const user = await createTestUser();
    const before = await rows();
    const result = await upload(user.id, "big.png", randomBytes(3 * MiB + 1));
    expect(result).toMatchObject({ ok: false, problem: { code: "file_too_large", params: { name: "big.png", max: 3 * MiB } } });
    expect(await rows()).toEqual(before);
  });

  test("a file that does not fit in what is left of the user's quota is refused with the quota's words", async () => {
    const user = await createTestUser();
    const result = await upload(user.id, "photo.png", randomBytes(2 * MiB), { perFile: 3 * MiB, left: MiB });
    expect(result).toMatchObject({ ok: false, problem: { code: "upload_quota_exceeded", params: { max: 8 * MiB } } });
  });

  test("a file over the per-file limit is named too large even when the quota ran out first (room would not help it)", async () => {
    const user = await createTestUser();
    const before = await rows();
    const result = await upload(user.id, "poster.png", randomBytes(3 * MiB + 1), { perFile: 3 * MiB, left: MiB });
    expect(result).toMatchObject({ ok: false, problem: { code: "file_too_large", params: { name: "poster.png", max: 3 * MiB } } });
    expect(await rows()).toEqual(before);
  });

  test("uploads streaming side by side, each read against the whole allowance, keep only what fits in the quota", async () => {
    const user = await createTestUser();
    const before = await rows();
    // Each request read the same allowance before any of them finished: together they ask for 10 MiB of 8.
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => upload(user.id, `photo-${n}.png`, randomBytes(2.5 * MiB), { perFile: 3 * MiB, left: 8 * MiB })),
    );
    const kept = results.filter((result) => result.ok);
    expect(kept).toHaveLength(3);
    expect(results.filter((result) => !result.ok)).toEqual([
      expect.objectContaining({ ok: false, problem: { code: "upload_quota_exceeded", params: expect.objectContaining({ max: 8 * MiB }) } }),
    ]);
    const [used] = await database().select({ n: count() }).from(attachments).where(eq(attachments.userId, user.id));
    expect(used!.n).toBe(3);
    // The refused file's chunks went with it: only the kept files' blobs were added.
    expect(await rows()).toEqual({ attachments: before.attachments + 3, blobs: before.blobs + 3, chunks: before.chunks + 9 });
  });

  test("an empty file is refused", async () => {
    const user = await createTestUser();
    expect(await upload(user.id, "empty.txt", new Uint8Array())).toMatchObject({ ok: false, problem: { code: "file_empty" } });
  });

  test("a stored file's bytes read back exactly, from chunks of about a mebibyte", async () => {
    const user = await createTestUser();
    const bytes = randomBytes(2.5 * MiB);
    const attachment = await stored(user.id, "photo.png", bytes);
    expect(attachment).toMatchObject({ mediaType: "image/png", size: bytes.length });
    expect(Buffer.from(await readBlobBytes({ attachmentId: attachment.id })).equals(Buffer.from(bytes))).toBe(true);
    const [blob] = await database().select().from(attachments).where(eq(attachments.id, attachment.id));
    const chunks = await database().select({ n: count() }).from(blobChunks).where(eq(blobChunks.blobId, blob!.blobId));
    expect(chunks[0]!.n).toBe(3);
  });

  test("pieces that straddle the chunks' edges read back exactly, and side-by-side uploads do not mix", async () => {
    const user = await createTestUser();
    const files = [randomBytes(2.5 * MiB + 7), randomBytes(MiB + 1), randomBytes(MiB)];
    const results = await Promise.all(
      files.map((bytes, i) => storeUpload({ userId: user.id, file: { filename: `odd-${i}.png`, stream: arriving(bytes, 100_003 + i) }, allowance: { perFile: 3 * MiB, left: 8 * MiB } })),
    );
    for (const [i, result] of results.entries()) {
      if (!result.ok) throw new Error(`odd-${i}.png was refused: ${result.problem.code}`);
      expect(result.attachment.size).toBe(files[i]!.length);
      expect(Buffer.from(await readBlobBytes({ attachmentId: result.attachment.id })).equals(Buffer.from(files[i]!))).toBe(true);
    }
  });
});

describe("the same bytes are stored once and go with their last use", () => {
  test("two uploads of the same file are two attachments sharing one blob", async () => {
    const user = await createTestUser();
    const other = await createTestUser("Bob");
    const bytes = randomBytes(1.5 * MiB);
    const before = await rows();
    const first = await stored(user.id, "a.png", bytes);
    const second = await stored(other.id, "copy.png", bytes);
    expect(second.id).not.toBe(first.id);
    expect(second.blobId).toBe(first.blobId);
    expect(await rows()).toEqual({ attachments: before.attachments + 2, blobs: before.blobs + 1, chunks: before.chunks + 2 });
  });

  test("deleting a chat keeps a file its fork still uses, and deleting the fork removes it", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const access = () => requireChatAccess({ chatId: chat.id, user, level: "own" });
    const file = await stored(user.id, "diagram.png", randomBytes(200_000));
    const { userMessageId } = await conversation.sendMessage({ access: await access(), user, text: "What is this?", attachmentIds: [file.id] });
    await streamRegistry().get((await access()).chat.activeLeafId!)?.settled;
    const forkId = await conversation.fork({ access: await access(), user, messageId: userMessageId });
    expect(await attachmentInChat({ chatId: forkId, attachmentId: file.id })).toBeDefined();

    await conversation.removeChat({ access: await access() });
    expect(await database().select().from(attachments).where(eq(attachments.id, file.id))).toHaveLength(1);
    await conversation.removeChat({ access: await requireChatAccess({ chatId: forkId, user, level: "own" }) });
    expect(await database().select().from(attachments).where(eq(attachments.id, file.id))).toHaveLength(0);
    expect(await database().select().from(blobs).where(eq(blobs.id, file.blobId))).toHaveLength(0);
    expect(await database().select().from(blobChunks).where(eq(blobChunks.blobId, file.blobId))).toHaveLength(0);
  });

  test("deleting the branch that holds a file removes it; the other branch's file stays", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const access = () => requireChatAccess({ chatId: chat.id, user, level: "own" });
    const first = await stored(user.id, "one.txt", text("first file\n"));
    const second = await stored(user.id, "two.txt", text("second file\n"));
    const a = await conversation.sendMessage({ access: await access(), user, text: "one", attachmentIds: [first.id] });
    await streamRegistry().get(a.assistantMessageId)?.settled;
    const b = await conversation.sendMessage({ access: await access(), user, text: "two", attachmentIds: [second.id], parentId: a.assistantMessageId });
    await streamRegistry().get(b.assistantMessageId)?.settled;
    await conversation.deleteBranch({ access: await access(), messageId: b.userMessageId });
    expect((await database().select().from(attachments).where(eq(attachments.id, second.id))).length).toBe(0);
    expect((await database().select().from(attachments).where(eq(attachments.id, first.id))).length).toBe(1);
  });

  test("an upload no message took up is swept after a day; one in use is not", async () => {
    const user = await createTestUser();
    const idle = await stored(user.id, "forgotten.txt", text("never sent\n"));
    const used = await stored(user.id, "sent.txt", text("sent\n"));
    const chat = await createTestChat({ userId: user.id });
    const sent = await conversation.sendMessage({ access: await requireChatAccess({ chatId: chat.id, user, level: "own" }), user, text: "here", attachmentIds: [used.id] });
    await streamRegistry().get(sent.assistantMessageId)?.settled;
    await sweepUnusedUploads({ now: Date.now() + 25 * 60 * 60 * 1000 });
    expect(await database().select().from(attachments).where(eq(attachments.id, idle.id))).toHaveLength(0);
    expect(await database().select().from(attachments).where(eq(attachments.id, used.id))).toHaveLength(1);
  });
});

describe("sending with files", () => {
  async function codeOf(work: Promise<unknown>) {
    const error = await work.then(
      () => new Error("expected a refusal"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  }

  test("a message's files come first, then its words; a message of files alone is fine", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const file = await stored(user.id, "notes.md", text("# Notes\n"));
    const access = await requireChatAccess({ chatId: chat.id, user, level: "own" });
    const ids = await conversation.sendMessage({ access, user, text: "", attachmentIds: [file.id] });
    await streamRegistry().get(ids.assistantMessageId)?.settled;
    const links = await database().select().from(messageAttachments).where(eq(messageAttachments.messageId, ids.userMessageId));
    expect(links.map((l) => l.attachmentId)).toEqual([file.id]);
  });

  test("someone else's upload, too many files, nothing at all, and images for a model that cannot see are refused before anything is stored", async () => {
    const user = await createTestUser();
    const stranger = await createTestUser("Eve");
    const chat = await createTestChat({ userId: user.id });
    const access = () => requireChatAccess({ chatId: chat.id, user, level: "own" });
    const theirs = await stored(stranger.id, "secret.txt", text("theirs\n"));
    const image = await stored(user.id, "photo.png", randomBytes(10_000));
    const mine = await Promise.all([1, 2, 3, 4].map((i) => stored(user.id, `f${i}.txt`, text(`file ${i}\n`))));
    expect(await codeOf(conversation.sendMessage({ access: await access(), user, text: "look", attachmentIds: [theirs.id] }))).toBe("attachment_not_found");
    expect(await codeOf(conversation.sendMessage({ access: await access(), user, text: "look", attachmentIds: mine.map((f) => f.id) }))).toBe("too_many_files");
    expect(await codeOf(conversation.sendMessage({ access: await access(), user, text: "  " }))).toBe("message_empty");
    expect(await codeOf(conversation.sendMessage({ access: await access(), user, text: "what is it?", model: "ollama:plain-text-model", attachmentIds: [image.id] }))).toBe(
      "model_cannot_see_images",
    );
    expect((await access()).chat.activeLeafId).toBeNull();
  });

  test("a message with files the model could not read even alone is refused with its size and the model's, before anything is stored", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const access = () => requireChatAccess({ chatId: chat.id, user, level: "own" });
    // About 150,000 tokens of text, for a model that reads 128,000 (an unknown model's window).
    const big = await stored(user.id, "dump.log", text("line of a long log file\n".repeat(25_000)));
    const refused = await conversation.sendMessage({ access: await access(), user, text: "summarise", model: "ollama:plain-text-model", attachmentIds: [big.id] }).then(
      () => undefined,
      (e: unknown) => e as AppError,
    );
    expect(refused?.code).toBe("message_too_big_for_model");
    expect(refused?.params).toEqual({ model: "plain-text-model", tokens: 150_000, max: 128_000 });
    expect(refused?.field).toBe("files");
    expect((await access()).chat.activeLeafId).toBeNull();
    // A file that fits goes.
    const small = await stored(user.id, "tail.log", text("line of a long log file\n".repeat(1_000)));
    const ids = await conversation.sendMessage({ access: await access(), user, text: "summarise", model: "ollama:plain-text-model", attachmentIds: [small.id] });
    await streamRegistry().get(ids.assistantMessageId)?.settled;
  });
});

describe("what a model is sent", () => {
  async function turnWithFiles() {
    const user = await createTestUser();
    const image = await stored(user.id, "chart.png", pngBytes());
    const pdf = await stored(user.id, "report.pdf", pdfBytes(["Quarterly revenue grew 12 percent", "Second line"]));
    const code = await stored(user.id, "main.py", text("print('hi')\n```\nnot a fence\n"));
    const turn: PathTurn = { role: "user", status: "complete", parts: [filePartOf(image), filePartOf(pdf), filePartOf(code), { type: "text", text: "Summarise these." }] };
    return { image, pdf, code, turn };
  }

  test("a PDF's text is read when it is uploaded", async () => {
    const { pdf } = await turnWithFiles();
    const [row] = await database().select({ text: blobs.extractedText }).from(blobs).where(eq(blobs.id, pdf.blobId));
    expect(row!.text).toContain("Quarterly revenue grew 12 percent");
  });

  test("a PDF whose glyphs read as NUL characters reaches the model whole, every page, without them", async () => {
    const user = await createTestUser();
    const pdf = await stored(user.id, "report-zh.pdf", pdfWithNulGlyphs(["Page one \u0000\u0000 first", "Page two \u0007second", "Page three last"]));
    const [row] = await database().select({ text: blobs.extractedText }).from(blobs).where(eq(blobs.id, pdf.blobId));
    expect(row!.text).toMatch(/^Page one +first\s+Page two +second\s+Page three last$/);
    const turn: PathTurn = { role: "user", status: "complete", parts: [filePartOf(pdf), { type: "text", text: "Summarise it." }] };
    const files = await loadContextFiles({ turns: [turn], model: { vision: true, pdf: false } });
    const { messages } = assembleContext({ path: [turn], files, contextWindow: 128_000 });
    const words = JSON.stringify(messages.flatMap(toChatCompletionMessages));
    expect(words).toContain("Page three last");
    expect(words).not.toMatch(/\\u000[0-8]/);
  });

  test("Anthropic gets an image block, the PDF itself as a document block, and the code as a text document", async () => {
    const { turn } = await turnWithFiles();
    const files = await loadContextFiles({ turns: [turn], model: { vision: true, pdf: true } });
    const { messages } = assembleContext({ path: [turn], files, contextWindow: 200_000 });
    const [message] = messages.flatMap(toAnthropicMessages);
    const blocks = message!.content as unknown as Array<Record<string, unknown>>;
    expect(blocks.map((b) => b.type)).toEqual(["text", "image", "document", "document", "text"]);
    expect(blocks[0]).toEqual({ type: "text", text: "Attached image “chart.png”:" });
    expect(blocks[1]).toMatchObject({ source: { type: "base64", media_type: "image/png", data: Buffer.from(pngBytes()).toString("base64") } });
    expect(blocks[2]).toMatchObject({ title: "report.pdf", source: { type: "base64", media_type: "application/pdf" } });
    expect(Buffer.from((blocks[2]!.source as { data: string }).data, "base64").toString("latin1")).toMatch(/^%PDF-1\.4/);
    expect(blocks[3]).toMatchObject({ title: "main.py", source: { type: "text", media_type: "text/plain", data: "print('hi')\n```\nnot a fence\n" } });
  });

  test("OpenAI gets an image_url data URL, and the PDF's text and the code as named, fenced text", async () => {
    const { turn } = await turnWithFiles();
    const files = await loadContextFiles({ turns: [turn], model: { vision: true, pdf: false } });
    const { messages } = assembleContext({ path: [turn], files, contextWindow: 128_000 });
    const [message] = messages.flatMap(toChatCompletionMessages);
    const content = message!.content as Array<{ type: string; text?: string; image_url?: { url: string } }>;
    expect(content.map((c) => c.type)).toEqual(["text", "image_url", "text"]);
    expect(content[0]!.text).toBe("Attached image “chart.png”:");
    expect(content[1]!.image_url!.url).toBe(`data:image/png;base64,${Buffer.from(pngBytes()).toString("base64")}`);
    const words = content[2]!.text!;
    expect(words).toContain("Attached file “report.pdf” (text of the PDF):");
    expect(words).toContain("Quarterly revenue grew 12 percent");
    // The file holds a ``` line, so its fence is longer: the file cannot close it early.
    expect(words).toContain("Attached file “main.py”:\n````\nprint('hi')\n```\nnot a fence\n\n````");
    expect(words.endsWith("Summarise these.")).toBe(true);
  });

  test("a model that cannot see images is told an image was there instead of being sent it", async () => {
    const { turn } = await turnWithFiles();
    const files = await loadContextFiles({ turns: [turn], model: { vision: false, pdf: false } });
    const { messages, unseenImages } = assembleContext({ path: [turn], files, contextWindow: 128_000 });
    const [message] = messages.flatMap(toChatCompletionMessages);
    expect(typeof message!.content).toBe("string");
    // Set apart from what follows it, as the files' texts are.
    expect(message!.content).toMatch(/^\[Image “chart\.png”: not shown, this model cannot see images\]\n\nAttached file “report\.pdf”/);
    expect(message!.content).toMatch(/\n\nSummarise these\.$/);
    // The answer says so: this many images went by name only.
    expect(unseenImages).toBe(1);
  });

  test("an image in an earlier turn, for a model that cannot see it, is counted once it is sent and not when it is left out", async () => {
    const { turn } = await turnWithFiles();
    const later: PathTurn[] = [turn, { role: "assistant", status: "complete", parts: [{ type: "text", text: "Done." }] }, { role: "user", status: "complete", parts: [{ type: "text", text: "And now?" }] }];
    const blind = await loadContextFiles({ turns: later, model: { vision: false, pdf: false } });
    expect(assembleContext({ path: later, files: blind, contextWindow: 128_000 }).unseenImages).toBe(1);
    const seeing = await loadContextFiles({ turns: later, model: { vision: true, pdf: false } });
    expect(assembleContext({ path: later, files: seeing, contextWindow: 128_000 }).unseenImages).toBe(0);
    // A window that holds only the newest turn leaves the image's turn out: nothing to say about it.
    const narrow = assembleContext({ path: later, files: blind, contextWindow: 4096 + estimateTokens(DEFAULT_SYSTEM_PROMPT) + 20 });
    expect(narrow.trimmed).toBe(2);
    expect(narrow.unseenImages).toBe(0);
  });
});

describe("edits and trimming", () => {
  test("editing a message with files keeps its files on the new version", async () => {
    const user = await createTestUser();
    const chat = await createTestChat({ userId: user.id });
    const access = () => requireChatAccess({ chatId: chat.id, user, level: "own" });
    const file = await stored(user.id, "data.csv", text("a,b\n1,2\n"));
    const first = await conversation.sendMessage({ access: await access(), user, text: "Sum column b", attachmentIds: [file.id] });
    await streamRegistry().get(first.assistantMessageId)?.settled;
    const edited = await conversation.editMessage({ access: await access(), messageId: first.userMessageId, text: "Average column b" });
    await streamRegistry().get(edited.assistantMessageId)?.settled;
    const links = await database().select().from(messageAttachments).where(eq(messageAttachments.messageId, edited.userMessageId));
    expect(links.map((l) => l.attachmentId)).toEqual([file.id]);
  });

  test("a large file in an old turn is trimmed away first when the context is full", () => {
    const big = "x".repeat(70_000);
    const files = new Map([["f1", { kind: "text" as const, text: big }]]);
    const path: PathTurn[] = [
      { role: "user", status: "complete", parts: [{ type: "file", attachmentId: "f1", name: "big.txt", mediaType: "text/plain", size: big.length }, { type: "text", text: "read this" }] },
      { role: "assistant", status: "complete", parts: [{ type: "text", text: "done" }] },
      { role: "user", status: "complete", parts: [{ type: "text", text: "and now?" }] },
    ];
    const roomy = assembleContext({ path, files, contextWindow: 200_000 });
    expect(roomy.trimmed).toBe(0);
    const tight = assembleContext({ path, files, contextWindow: 16_000 });
    expect(tight.trimmed).toBe(2);
    expect(tight.messages).toHaveLength(1);
  });
});
