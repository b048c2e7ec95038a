// Attachments and the blobs that hold their bytes (docs/decisions/022).
// A blob is written in ~1 MiB chunks while its upload streams in, under a
// `pending:` hash; when the last byte is in, it either takes its real SHA-256
// or, if those bytes are stored already, gives way to the existing blob.
// Messages use attachments through message_attachments; an attachment no
// message uses (and no shared snapshot shows), and a blob no attachment
// uses, are deleted with the last use.
import { and, eq, inArray, sql } from "drizzle-orm";
import { type Attachment, attachments, blobChunks, blobs, messageAttachments, shareAttachments } from "../../drizzle/schema";
import { type Database, database } from "../db.server";
import { reindexMessageFiles } from "./search.server";
import { concatBytes } from "../utils/bytes";
import { storableText } from "../utils/stored-text";
import { createId } from "../utils/id";

export type { Attachment };

/** Uploads that no message took up are kept this long (a composer left open), then swept. */
export const PENDING_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
/** A blob still `pending:` after this long belongs to an upload that never finished. */
const PENDING_BLOB_TTL_MS = 60 * 60 * 1000;

export async function createPendingBlob(): Promise<string> {
  const id = createId();
  await database().insert(blobs).values({ id, sha256: `pending:${id}`, size: 0, mediaType: "application/octet-stream" });
  return id;
}

export async function writeChunk({ blobId, seq, data }: { blobId: string; seq: number; data: Uint8Array }): Promise<void> {
  await database().insert(blobChunks).values({ blobId, seq, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
}

/** Throws away an upload that was refused or failed (its chunks go with it). */
export async function discardPendingBlob({ blobId }: { blobId: string }): Promise<void> {
  await database().delete(blobs).where(and(eq(blobs.id, blobId), sql`${blobs.sha256} LIKE 'pending:%'`));
}

/**
 * Finishes an upload: the bytes become the blob with this SHA-256 (an
 * existing one if the same bytes were stored before, and the new copy is
 * dropped), and the attachment row is written — one transaction either way.
 * The attachment is written only if the user's files, it included, still fit
 * in `quota` bytes: uploads that stream in side by side each read against the
 * same allowance, and this check, inside the transaction, is the one that
 * holds. Returns undefined when the file did not fit (the new blob is left
 * pending for the caller to discard), else the attachment and whether its
 * blob is new (a new PDF needs its text read).
 */
export async function finishUpload({
  blobId,
  sha256,
  size,
  mediaType,
  userId,
  name,
  quota,
}: {
  blobId: string;
  sha256: string;
  size: number;
  mediaType: string;
  userId: string;
  name: string;
  quota: number;
}): Promise<{ attachment: Attachment; newBlob: boolean } | undefined> {
  const db = database();
  const id = createId();
  const written = sql`EXISTS (SELECT 1 FROM attachments WHERE id = ${id})`;
  for (let attempt = 0; ; attempt++) {
    const [existing] = await db.select({ id: blobs.id }).from(blobs).where(eq(blobs.sha256, sha256)).limit(1);
    const insertIfItFits = sql`INSERT INTO attachments (id, user_id, blob_id, name, media_type, size)
      SELECT ${id}, ${userId}, ${existing?.id ?? blobId}, ${name}, ${mediaType}, ${size}
      WHERE (SELECT coalesce(sum(size), 0) FROM attachments WHERE user_id = ${userId}) + ${size} <= ${quota}`;
    try {
      await db.batch([
        db.run(insertIfItFits),
        existing
          ? db.delete(blobs).where(and(eq(blobs.id, blobId), written))
          : db.update(blobs).set({ sha256, size, mediaType }).where(and(eq(blobs.id, blobId), written)),
      ]);
      const [attachment] = await db.select().from(attachments).where(eq(attachments.id, id));
      return attachment && { attachment, newBlob: !existing };
    } catch (error) {
      // The same bytes finished at the same moment in another upload: take its blob.
      if (attempt === 0 && String(error).includes("UNIQUE")) continue;
      throw error;
    }
  }
}

/** Stores a file's extracted text (without the control characters that would cut it short in SQLite). */
export async function setExtractedText({ attachmentId, text: extracted }: { attachmentId: string; text: string }): Promise<void> {
  const db = database();
  const text = storableText(extracted).trim();
  const blob = sql`(SELECT blob_id FROM attachments WHERE id = ${attachmentId})`;
  await db.batch([
    db.run(sql`UPDATE blobs SET extracted_text = ${text} WHERE id = ${blob}`),
    // Messages already stored with the file (an import's) are found by its text from now on.
    db.run(reindexMessageFiles(sql`SELECT ma.message_id FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id WHERE a.blob_id = ${blob}`)),
  ]);
}

/** Bytes one person's attachments take (what counts against their quota). */
export async function bytesUsedBy({ userId }: { userId: string }): Promise<number> {
  const [row] = await database()
    .select({ total: sql<number>`coalesce(sum(${attachments.size}), 0)` })
    .from(attachments)
    .where(eq(attachments.userId, userId));
  return Number(row?.total ?? 0);
}

/** The attachments among `ids` that `userId` uploaded, in the order asked. */
export async function ownedAttachments({ userId, ids }: { userId: string; ids: string[] }): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  const rows = await database().select().from(attachments).where(and(eq(attachments.userId, userId), inArray(attachments.id, ids)));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Deletes an upload its owner took back before sending (one a message uses stays). */
export async function discardUnusedAttachment({ userId, attachmentId }: { userId: string; attachmentId: string }): Promise<void> {
  const db = database();
  const [blob] = await db.select({ blobId: attachments.blobId }).from(attachments).where(and(eq(attachments.id, attachmentId), eq(attachments.userId, userId)));
  if (!blob) return;
  await db.batch([
    db.run(sql`DELETE FROM attachments WHERE id = ${attachmentId} AND user_id = ${userId}
      AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE attachment_id = ${attachmentId})
      AND NOT EXISTS (SELECT 1 FROM share_attachments WHERE attachment_id = ${attachmentId})`),
    orphanBlobs(db, [blob.blobId]),
  ]);
}

export interface ServedAttachment {
  attachment: Attachment;
  sha256: string;
}

/** An attachment as seen through a chat: only if a message of that chat uses it. */
export async function attachmentInChat({ chatId, attachmentId }: { chatId: string; attachmentId: string }): Promise<ServedAttachment | undefined> {
  const rows = await database()
    .select({ attachment: attachments, sha256: blobs.sha256 })
    .from(attachments)
    .innerJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(
      and(
        eq(attachments.id, attachmentId),
        sql`EXISTS (SELECT 1 FROM message_attachments ma JOIN messages m ON m.id = ma.message_id
          WHERE ma.attachment_id = ${attachmentId} AND m.chat_id = ${chatId})`,
      ),
    )
    .limit(1);
  return rows[0];
}

/** An attachment as seen by the person who uploaded it (a draft's file, before any message uses it). */
export async function attachmentOfUploader({ userId, attachmentId }: { userId: string; attachmentId: string }): Promise<ServedAttachment | undefined> {
  const rows = await database()
    .select({ attachment: attachments, sha256: blobs.sha256 })
    .from(attachments)
    .innerJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(and(eq(attachments.id, attachmentId), eq(attachments.userId, userId)))
    .limit(1);
  return rows[0];
}

/** A blob's bytes, one stored chunk at a time (a large file is never read whole). */
export async function* readBlob({ attachmentId }: { attachmentId: string }): AsyncGenerator<Uint8Array> {
  const db = database();
  const [row] = await db.select({ blobId: attachments.blobId }).from(attachments).where(eq(attachments.id, attachmentId));
  if (!row) return;
  for (let seq = 0; ; seq++) {
    const [chunk] = await db
      .select({ data: blobChunks.data })
      .from(blobChunks)
      .where(and(eq(blobChunks.blobId, row.blobId), eq(blobChunks.seq, seq)));
    if (!chunk) return;
    yield new Uint8Array(chunk.data);
  }
}

/** A blob's bytes in one piece (what a model is sent). */
export async function readBlobBytes({ attachmentId }: { attachmentId: string }): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of readBlob({ attachmentId })) parts.push(chunk);
  return parts.length === 0 ? new Uint8Array() : concatBytes(parts);
}

export interface AttachmentForContext {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  extractedText: string | null;
}

export async function attachmentsForContext({ ids }: { ids: string[] }): Promise<AttachmentForContext[]> {
  if (ids.length === 0) return [];
  return database()
    .select({ id: attachments.id, name: attachments.name, mediaType: attachments.mediaType, size: attachments.size, extractedText: blobs.extractedText })
    .from(attachments)
    .innerJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(inArray(attachments.id, ids));
}

/** Statements linking a message to its attachments, run only if the statement before them changed a row. */
export function linkAfterPrevious(db: Database, { messageId, attachmentIds }: { messageId: string; attachmentIds: string[] }) {
  return db.run(sql`
    INSERT INTO message_attachments (message_id, attachment_id)
    SELECT ${messageId}, value FROM json_each(${JSON.stringify(attachmentIds)})
    WHERE changes() = 1`);
}

/** Links a message to attachments (fork, edit): plain inserts for a batch. */
export function linkStatement(db: Database, { messageId, attachmentIds }: { messageId: string; attachmentIds: string[] }) {
  return db.insert(messageAttachments).values(attachmentIds.map((attachmentId) => ({ messageId, attachmentId }))).onConflictDoNothing();
}

/**
 * The attachments the messages of a chat use, and those its shared snapshot
 * shows (which may be of messages deleted since): candidates for clean-up
 * when they are deleted.
 */
export async function attachmentIdsInChat({ chatId }: { chatId: string }): Promise<{ attachmentIds: string[]; blobIds: string[] }> {
  return attachmentIdsInChats({ chatIds: [chatId] });
}

/** attachmentIdsInChat for several chats at once (all of a person's, deleted together). */
export async function attachmentIdsInChats({ chatIds }: { chatIds: string[] }): Promise<{ attachmentIds: string[]; blobIds: string[] }> {
  const ids = JSON.stringify(chatIds);
  const rows = await database().all<{ attachmentId: string; blobId: string }>(sql`
    SELECT DISTINCT a.id AS attachmentId, a.blob_id AS blobId FROM attachments a
    WHERE a.id IN (SELECT ma.attachment_id FROM message_attachments ma JOIN messages m ON m.id = ma.message_id WHERE m.chat_id IN (SELECT value FROM json_each(${ids})))
       OR a.id IN (SELECT sa.attachment_id FROM share_attachments sa JOIN shares s ON s.id = sa.share_id WHERE s.chat_id IN (SELECT value FROM json_each(${ids})))`);
  return { attachmentIds: rows.map((r) => r.attachmentId), blobIds: [...new Set(rows.map((r) => r.blobId))] };
}

/** The attachments a share's snapshot shows (candidates for clean-up when it is replaced or revoked). */
export async function attachmentIdsInShare({ shareId }: { shareId: string }): Promise<{ attachmentIds: string[]; blobIds: string[] }> {
  const rows = await database()
    .select({ attachmentId: attachments.id, blobId: attachments.blobId })
    .from(shareAttachments)
    .innerJoin(attachments, eq(attachments.id, shareAttachments.attachmentId))
    .where(eq(shareAttachments.shareId, shareId));
  return { attachmentIds: rows.map((r) => r.attachmentId), blobIds: [...new Set(rows.map((r) => r.blobId))] };
}

/** An attachment as seen through a share: only if its snapshot shows it. */
export async function attachmentInShare({ shareId, attachmentId }: { shareId: string; attachmentId: string }): Promise<ServedAttachment | undefined> {
  const rows = await database()
    .select({ attachment: attachments, sha256: blobs.sha256 })
    .from(shareAttachments)
    .innerJoin(attachments, eq(attachments.id, shareAttachments.attachmentId))
    .innerJoin(blobs, eq(blobs.id, attachments.blobId))
    .where(and(eq(shareAttachments.shareId, shareId), eq(shareAttachments.attachmentId, attachmentId)))
    .limit(1);
  return rows[0];
}

/**
 * Clean-up statements for after a delete in the same batch: the candidate
 * attachments no message uses and no share shows any more, then the blobs
 * no attachment uses.
 */
export function cleanupStatements(db: Database, { attachmentIds, blobIds }: { attachmentIds: string[]; blobIds: string[] }) {
  if (attachmentIds.length === 0) return [];
  return [
    db.run(sql`
      DELETE FROM attachments WHERE id IN (SELECT value FROM json_each(${JSON.stringify(attachmentIds)}))
        AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE attachment_id = attachments.id)
        AND NOT EXISTS (SELECT 1 FROM share_attachments WHERE attachment_id = attachments.id)`),
    orphanBlobs(db, blobIds),
  ] as const;
}

/** After a delete in the same batch: the blobs among these that no attachment uses any more. */
export function blobCleanup(db: Database, blobIds: string[]) {
  return orphanBlobs(db, blobIds);
}

function orphanBlobs(db: Database, blobIds: string[]) {
  return db.run(sql`
    DELETE FROM blobs WHERE id IN (SELECT value FROM json_each(${JSON.stringify(blobIds)}))
      AND NOT EXISTS (SELECT 1 FROM attachments WHERE blob_id = blobs.id)`);
}

/**
 * The periodic sweep: uploads no message took up within a day, blobs of
 * uploads that never finished, and blobs nothing uses. Returns what went.
 */
export async function sweepUnusedUploads({ now = Date.now() }: { now?: number } = {}): Promise<{ attachments: number; blobs: number }> {
  const db = database();
  const [dropped, , orphaned] = await db.batch([
    db.run(sql`
      DELETE FROM attachments WHERE created_at < ${now - PENDING_UPLOAD_TTL_MS}
        AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE attachment_id = attachments.id)
        AND NOT EXISTS (SELECT 1 FROM share_attachments WHERE attachment_id = attachments.id)`),
    db.run(sql`DELETE FROM blobs WHERE sha256 LIKE 'pending:%' AND created_at < ${now - PENDING_BLOB_TTL_MS}`),
    db.run(sql`
      DELETE FROM blobs WHERE sha256 NOT LIKE 'pending:%'
        AND NOT EXISTS (SELECT 1 FROM attachments WHERE blob_id = blobs.id)`),
  ]);
  return { attachments: dropped.rowsAffected, blobs: orphaned.rowsAffected };
}
