// Uploads: a file is sniffed from its first bytes, checked against the
// limits while it streams in, hashed, and written to the database in chunks
// (docs/decisions/022). A refused file costs nothing but its reading; the
// caller gets either the stored attachment or the reason, and carries on
// with the rest of the form.
import { createHash } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import { env } from "../env.server";
import { type IncomingFile, readForm } from "../utils/multipart.server";
import {
  type Attachment,
  bytesUsedBy,
  createPendingBlob,
  discardPendingBlob,
  discardUnusedAttachment,
  finishUpload,
  ownedAttachments,
  readBlobBytes,
  setExtractedText,
  writeChunk,
} from "../models/attachment.server";
import { AppError, type Problem } from "../protocol/errors";
import type { FilePart } from "../protocol/parts";
import { concatBytes } from "../utils/bytes";
import { isId } from "../utils/id";
import { logger } from "../utils/logger.server";
import { claimsBinary, extensionOf, IMAGE_TYPES, kindOf, looksLikeText, otherTextEncoding, PDF_TYPE, safeFileName, TEXT_TYPE } from "./file-kind";
import { consume } from "./limits.server";

/** The type of an older Office file, by its extension (its bytes are the same container for all three). */
const LEGACY_OFFICE: Record<string, string> = { doc: "application/msword", xls: "application/vnd.ms-excel", ppt: "application/vnd.ms-powerpoint" };

/** file-type reads at most this much of a file to tell its type. */
const SNIFF_BYTES = 4100;
/** Rows of blob_chunks: large enough to keep row count low, small enough to stream. */
const CHUNK_BYTES = 1024 * 1024;

export type Sniffed = { ok: true; mediaType: string } | { ok: false; code: "file_type_unsupported" | "file_type_mismatch" | "file_not_utf8"; type: string };

/**
 * What a file is, from its first bytes (and its name only to catch text
 * dressed up as a binary format). `complete` says whether `head` is the whole file.
 */
export async function sniff({ head, name, complete }: { head: Uint8Array; name: string; complete: boolean }): Promise<Sniffed> {
  // UTF-16's byte-order mark reads as an MP3 frame to file-type: text first.
  if (otherTextEncoding(head) === "UTF-16") return { ok: false, code: "file_not_utf8", type: "UTF-16" };
  const found = await fileTypeFromBuffer(head);
  if (found) {
    if ((IMAGE_TYPES as readonly string[]).includes(found.mime) || found.mime === PDF_TYPE) return { ok: true, mediaType: found.mime };
    // Word, Excel and PowerPoint 97–2003 files are all one container format to file-type: their name tells which.
    if (found.mime === "application/x-cfb") return { ok: false, code: "file_type_unsupported", type: LEGACY_OFFICE[extensionOf(name)] ?? found.mime };
    return { ok: false, code: "file_type_unsupported", type: found.mime };
  }
  if (!looksLikeText(head, complete)) {
    if (otherTextEncoding(head) === "legacy" && !claimsBinary(name)) return { ok: false, code: "file_not_utf8", type: "legacy" };
    return { ok: false, code: "file_type_unsupported", type: "application/octet-stream" };
  }
  if (claimsBinary(name)) return { ok: false, code: "file_type_mismatch", type: TEXT_TYPE };
  return { ok: true, mediaType: TEXT_TYPE };
}

export type UploadResult = { ok: true; attachment: Attachment } | { ok: false; problem: Problem; name: string };

function refused(code: Problem["code"], name: string, params: Problem["params"] = {}): UploadResult {
  return { ok: false, name, problem: { code, params: { name, ...params } } };
}

/** What one user may still upload, and the most one file may be. */
export async function uploadAllowance({ userId }: { userId: string }): Promise<{ perFile: number; left: number }> {
  const config = env();
  return { perFile: config.MAX_FILE_BYTES, left: Math.max(0, config.MAX_UPLOAD_BYTES_PER_USER - (await bytesUsedBy({ userId }))) };
}

/**
 * Stores one incoming file for `userId`, reading its stream to the end. A
 * file over a limit or of a kind Parley does not read is refused (nothing is
 * kept); `allowance.left` shrinks by what was stored.
 */
export async function storeUpload({
  userId,
  file,
  allowance,
}: {
  userId: string;
  file: Pick<IncomingFile, "filename" | "stream">;
  allowance: { perFile: number; left: number };
}): Promise<UploadResult> {
  const name = safeFileName(file.filename);
  const iterator = file.stream[Symbol.asyncIterator]();
  /** Reads the rest of the file without keeping it; says how many bytes that was. */
  const drain = async (): Promise<number> => {
    let bytes = 0;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) bytes += next.value.length;
    return bytes;
  };

  // The first bytes decide the type before anything is stored.
  const headParts: Uint8Array[] = [];
  let headSize = 0;
  let ended = false;
  while (headSize < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    headParts.push(next.value);
    headSize += next.value.length;
  }
  const head = concatBytes(headParts, headSize);
  if (headSize === 0) return refused("file_empty", name);
  const sniffed = await sniff({ head: head.subarray(0, SNIFF_BYTES), name, complete: ended && headSize <= SNIFF_BYTES });
  if (!sniffed.ok) {
    await drain();
    return refused(sniffed.code, name, { type: sniffed.type });
  }
  const limit = Math.min(allowance.perFile, allowance.left);
  // Past the limit the rest is read without being kept: a file over the per-file limit is named as such even when
  // the quota ran out first (making room would not help it).
  const overLimit = (size: number): UploadResult =>
    size <= allowance.perFile
      ? refused("upload_quota_exceeded", name, { max: env().MAX_UPLOAD_BYTES_PER_USER })
      : refused("file_too_large", name, { max: allowance.perFile });
  if (headSize > limit) return overLimit(headSize + (await drain()));

  const blobId = await createPendingBlob();
  const hash = createHash("sha256");
  let size = 0;
  let seq = 0;
  // One chunk's buffer, filled and written again and again: 20 uploads at once
  // would otherwise leave a megabyte of garbage per chunk for the collector
  // (bench/upload-memory.ts). The database copies what it is given before
  // writeChunk resolves.
  const chunk = new Uint8Array(Math.min(CHUNK_BYTES, limit));
  let filled = 0;
  const flush = async () => {
    if (filled === 0) return;
    await writeChunk({ blobId, seq: seq++, data: chunk.subarray(0, filled) });
    filled = 0;
  };
  const take = async (bytes: Uint8Array) => {
    size += bytes.length;
    hash.update(bytes);
    for (let offset = 0; offset < bytes.length; ) {
      const part = bytes.subarray(offset, offset + chunk.length - filled);
      chunk.set(part, filled);
      filled += part.length;
      offset += part.length;
      if (filled === chunk.length) await flush();
    }
  };
  try {
    await take(head);
    while (!ended) {
      const next = await iterator.next();
      if (next.done) break;
      if (size + next.value.length > limit) {
        await discardPendingBlob({ blobId });
        return overLimit(size + next.value.length + (await drain()));
      }
      await take(next.value);
    }
    await flush();
  } catch (error) {
    await discardPendingBlob({ blobId });
    throw error;
  }
  const quota = env().MAX_UPLOAD_BYTES_PER_USER;
  const finished = await finishUpload({ blobId, sha256: hash.digest("hex"), size, mediaType: sniffed.mediaType, userId, name, quota });
  if (!finished) {
    // Another upload of this user's, finished meanwhile, took the room this one read against.
    await discardPendingBlob({ blobId });
    allowance.left = 0;
    return refused("upload_quota_exceeded", name, { max: quota });
  }
  const { attachment, newBlob } = finished;
  if (newBlob && kindOf(sniffed.mediaType) === "pdf") {
    // A PDF no one can open (a password, damage) would reach the model as a file without text: it is refused now,
    // while the person can still do something about it. A PDF without a text layer (a scan) is kept.
    const reading = await extractPdfText(attachment);
    if (reading === "encrypted" || reading === "damaged") {
      await discardUnusedAttachment({ userId, attachmentId: attachment.id });
      return refused(reading === "encrypted" ? "file_pdf_encrypted" : "file_pdf_damaged", name);
    }
  }
  allowance.left -= size;
  return { ok: true, attachment };
}

// One PDF at a time: reading a large one is CPU work that would otherwise pile up.
let pdfQueue: Promise<unknown> = Promise.resolve();

/**
 * What reading a PDF came to: its text stored (none for a scan), or why it
 * could not be read at all — a password, or a file that is not a PDF inside
 * (cut short, damaged) — or another failure, only logged.
 */
export type PdfReading = "read" | "encrypted" | "damaged" | "failed";

/** Reads a PDF's text into its blob (one PDF at a time), for models that cannot read PDFs, and for search. */
export async function extractPdfText(attachment: Pick<Attachment, "id">): Promise<PdfReading> {
  const run = pdfQueue.then(async (): Promise<PdfReading> => {
    try {
      const { extractText } = await import("unpdf");
      const bytes = await readBlobBytes({ attachmentId: attachment.id });
      const { text } = await extractText(bytes, { mergePages: true });
      await setExtractedText({ attachmentId: attachment.id, text });
      return "read";
    } catch (error) {
      // pdf.js names why a document cannot be opened by the exception's name.
      const name = error instanceof Error ? error.name : "";
      if (name === "PasswordException") return "encrypted";
      if (name === "InvalidPDFException") return "damaged";
      logger.warn("could not read a PDF's text", { attachmentId: attachment.id, error: String(error) });
      return "failed";
    }
  });
  pdfQueue = run;
  return run;
}

/** A message's `file` part for an attachment. */
export function filePartOf(attachment: Pick<Attachment, "id" | "name" | "mediaType" | "size">): FilePart {
  return { type: "file", attachmentId: attachment.id, name: attachment.name, mediaType: attachment.mediaType, size: attachment.size };
}

/** The first refusal of a batch of uploads, as the error the form shows; it carries the other files' refusals too. */
export function refusalError(results: UploadResult[]): AppError | undefined {
  const [first, ...others] = results.filter((r): r is Extract<UploadResult, { ok: false }> => !r.ok);
  if (!first) return undefined;
  const params = others.length > 0 ? { ...first.problem.params, alsoRefused: others.map((r) => ({ ...r.problem, params: { ...r.problem.params, name: r.name } })) } : first.problem.params;
  return new AppError(first.problem.code, { params, field: "files" });
}

export interface MessageForm {
  fields: FormData;
  /** Files stored from this form (ids to hand back if the send is refused). */
  uploaded: Attachment[];
  /** Why a file was not taken, or why the form is over a limit; the rest of the form still counts. */
  refusal?: AppError;
}

/**
 * A composer's form: its fields, and the files of its `files` input stored
 * as they stream in (without JavaScript, files arrive with the message).
 * A message over MAX_MESSAGE_CHARS is `message_too_long`.
 */
export async function readMessageForm({ request, userId, ip }: { request: Request; userId: string; ip?: string }): Promise<MessageForm> {
  const config = env();
  let allowance: { perFile: number; left: number } | undefined;
  const results: UploadResult[] = [];
  const read = await readForm(request, {
    // A character is at most 4 bytes of UTF-8: any message within the limit fits.
    limits: { maxFieldBytes: config.MAX_MESSAGE_CHARS * 4 + 1024, maxFiles: config.MAX_FILES_PER_MESSAGE },
    onFile: async (file) => {
      if (file.field !== "files") return;
      // The slot is taken on arrival: a PDF still being read must not fall behind the files after it.
      const slot = results.push({ ok: false, name: "", problem: { code: "bad_body" } }) - 1;
      // Each file counts against the upload rate limit before a byte of it is kept.
      const limited = await uploadLimitProblem({ userId, ip });
      if (limited) {
        results[slot] = { ok: false, name: safeFileName(file.filename), problem: limited };
        return;
      }
      allowance ??= await uploadAllowance({ userId });
      results[slot] = await storeUpload({ userId, file, allowance });
    },
  });
  const uploaded = results.flatMap((r) => (r.ok ? [r.attachment] : []));
  let refusal = refusalError(results);
  if (read.tooManyFiles) {
    // Past the limit: the limit is what to fix first, and every file not taken is named (those left out by name, the
    // others refused with their own reasons).
    const max = config.MAX_FILES_PER_MESSAGE;
    const leftOut: Problem[] = read.filesLeftOut.map((name) => ({ code: "too_many_files", params: { name: safeFileName(name), max } }));
    const { alsoRefused: others = [], ...firstParams } = refusal?.params ?? {};
    const first: Problem[] = refusal ? [{ code: refusal.code, params: firstParams }] : [];
    const alsoRefused = [...first, ...others, ...leftOut];
    refusal = new AppError("too_many_files", { params: { max, ...(alsoRefused.length ? { alsoRefused } : {}) }, field: "files" });
  }
  if (read.truncatedFields.size > 0) refusal ??= new AppError("message_too_long", { params: { max: config.MAX_MESSAGE_CHARS }, field: "content" });
  return { fields: read.fields, uploaded, refusal };
}

/** The upload rate limit's refusal for one more file, or nothing when it may go. */
async function uploadLimitProblem({ userId, ip }: { userId: string; ip?: string }): Promise<Problem | undefined> {
  try {
    await consume({ action: "upload", user: { id: userId }, ip });
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error.problem;
    throw error;
  }
}

/** A refused form's files, as parts the composer shows again (ids that are not the user's are dropped). */
export async function keptFiles({ userId, ids }: { userId: string; ids: string[] }): Promise<FilePart[] | undefined> {
  const valid = [...new Set(ids)].filter(isId);
  if (valid.length === 0) return undefined;
  return (await ownedAttachments({ userId, ids: valid })).map(filePartOf);
}
