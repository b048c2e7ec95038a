// The database side of export and import (docs/decisions/066). Export reads
// one chat at a time (its messages and the files they use), so an account of
// any size is streamed out chat by chat. Import writes one conversation as
// one batch — the chat, its membership, every message, the files it brings
// and the chat_imports row that keeps a second import from adding it again —
// so a conversation is either all there or not at all.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { attachments, blobChunks, blobs, type Chat, chatImports, chatMembers, chats, type Message, messageAttachments, messages } from "../../drizzle/schema";
import { database } from "../db.server";
import { reindexMessageFiles } from "./search.server";
import { attachmentIdsOf } from "../protocol/parts";
import { AppError } from "../protocol/errors";
import { storableText } from "../utils/stored-text";

export interface ExportAttachment {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
}

export interface ChatForExport {
  chat: Chat;
  /** Every message of the tree, oldest first (a parent always before its children). */
  messages: Message[];
  /** The files the messages use, by attachment id. */
  attachments: Map<string, ExportAttachment>;
}

/** The ids of the chats a person owns, oldest first: what "the whole account" exports. */
export async function ownedChatIds({ userId }: { userId: string }): Promise<string[]> {
  const rows = await database().select({ id: chats.id }).from(chats).where(eq(chats.userId, userId)).orderBy(asc(chats.createdAt), asc(chats.id));
  return rows.map((r) => r.id);
}

/**
 * Several chats with their trees and files, in the order asked: three
 * queries for the lot, so an account is read a slice at a time rather than
 * a chat at a time (the caller checked access, and keeps slices small).
 */
export async function chatsForExport({ chatIds }: { chatIds: string[] }): Promise<ChatForExport[]> {
  if (chatIds.length === 0) return [];
  const db = database();
  const chatRows = await db.select().from(chats).where(inArray(chats.id, chatIds));
  // Parts were checked when they were written; an export reads thousands of them and passes them on as they are.
  const rows = await db.select().from(messages).where(inArray(messages.chatId, chatIds)).orderBy(asc(messages.createdAt), asc(messages.id));
  // Most chats have no files: their parts say so, and no query is needed.
  const fileIds = [...new Set(rows.flatMap((m) => attachmentIdsOf(m.parts)))];
  const files =
    fileIds.length === 0
      ? []
      : await db
          .select({ id: attachments.id, name: attachments.name, mediaType: attachments.mediaType, size: attachments.size, sha256: blobs.sha256 })
          .from(attachments)
          .innerJoin(blobs, eq(blobs.id, attachments.blobId))
          .where(inArray(attachments.id, fileIds));
  const fileById = new Map(files.map((f) => [f.id, f]));
  const byChat = new Map<string, Message[]>();
  for (const row of rows) {
    const list = byChat.get(row.chatId);
    if (list) list.push(row);
    else byChat.set(row.chatId, [row]);
  }
  const chatById = new Map(chatRows.map((c) => [c.id, c]));
  return chatIds.flatMap((id) => {
    const chat = chatById.get(id);
    if (!chat) return [];
    const tree = byChat.get(id) ?? [];
    const used = new Map<string, ExportAttachment>();
    for (const m of tree) for (const fileId of attachmentIdsOf(m.parts)) if (fileById.has(fileId)) used.set(fileId, fileById.get(fileId)!);
    return [{ chat, messages: orderParentsFirst(tree), attachments: used }];
  });
}

/** Messages with every parent before its children (timestamps can tie or run backwards across machines). */
function orderParentsFirst(rows: Message[]): Message[] {
  const byParent = new Map<string | null, Message[]>();
  const ids = new Set(rows.map((r) => r.id));
  for (const row of rows) {
    const parent = row.parentId && ids.has(row.parentId) ? row.parentId : null;
    const list = byParent.get(parent);
    if (list) list.push(row);
    else byParent.set(parent, [row]);
  }
  const out: Message[] = [];
  const stack = [...(byParent.get(null) ?? [])].reverse();
  while (stack.length > 0) {
    const next = stack.pop()!;
    out.push(next);
    stack.push(...[...(byParent.get(next.id) ?? [])].reverse());
  }
  return out;
}

// ---------------------------------------------------------------- import

/** Of `externalIds` from `source`, those this person has imported already (and whose chat still exists). */
export async function alreadyImported({ userId, source, externalIds }: { userId: string; source: string; externalIds: string[] }): Promise<Set<string>> {
  const found = new Set<string>();
  const db = database();
  // In slices: SQLite limits the variables of one statement.
  for (let i = 0; i < externalIds.length; i += 500) {
    const rows = await db
      .select({ externalId: chatImports.externalId })
      .from(chatImports)
      .where(and(eq(chatImports.userId, userId), eq(chatImports.source, source), inArray(chatImports.externalId, externalIds.slice(i, i + 500))));
    for (const row of rows) found.add(row.externalId);
  }
  return found;
}

/** The stored blob with these bytes, if any. */
export async function blobIdBySha({ sha256 }: { sha256: string }): Promise<string | undefined> {
  const [row] = await database().select({ id: blobs.id }).from(blobs).where(eq(blobs.sha256, sha256)).limit(1);
  return row?.id;
}

export interface ImportedChatRows {
  userId: string;
  source: string;
  externalId: string;
  chat: Pick<Chat, "id" | "title" | "model" | "systemPrompt" | "pinned" | "archived" | "activeLeafId" | "titleSet" | "createdAt" | "updatedAt">;
  /** Parents before children. */
  messages: Pick<Message, "id" | "parentId" | "role" | "parts" | "content" | "status" | "model" | "stats" | "problem" | "activeAt" | "createdAt">[];
  /** Files whose bytes are not stored yet, with those bytes in pieces of about 1 MiB. */
  newBlobs: { id: string; sha256: string; size: number; mediaType: string; chunks: Uint8Array[]; extractedText?: string }[];
  attachments: { id: string; blobId: string; name: string; mediaType: string; size: number }[];
  links: { messageId: string; attachmentId: string }[];
}

/** Rows per INSERT: well under SQLite's limit on a statement's variables. */
const ROWS_PER_INSERT = 200;

function slices<T>(rows: T[], size = ROWS_PER_INSERT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Writes one imported conversation in one transaction. Returns false when
 * the same conversation was imported meanwhile (the chat_imports key is taken)
 * and nothing was written.
 */
export async function insertImportedChat(rows: ImportedChatRows, { maxChats = 0 }: { maxChats?: number } = {}): Promise<boolean> {
  const db = database();
  const { chat } = rows;
  const statements = [
    // Stored only while its owner has fewer than `maxChats` (0: no limit), counted
    // in the statement itself; otherwise the next row's foreign key fails the batch.
    db.run(sql`
      INSERT INTO chats (id, user_id, title, model, system_prompt, pinned, archived, active_leaf_id, title_set, created_at, updated_at)
      SELECT ${chat.id}, ${rows.userId}, ${chat.title}, ${chat.model}, ${chat.systemPrompt}, ${chat.pinned ? 1 : 0}, ${chat.archived ? 1 : 0},
        ${chat.activeLeafId}, ${chat.titleSet ? 1 : 0}, ${chat.createdAt}, ${chat.updatedAt}
      WHERE ${maxChats} = 0 OR (SELECT count(*) FROM chats WHERE user_id = ${rows.userId}) < ${maxChats}`),
    db.insert(chatMembers).values({ chatId: chat.id, userId: rows.userId, role: "owner" }),
    ...slices(rows.messages).map((slice) =>
      db.insert(messages).values(slice.map((m) => ({ ...m, chatId: chat.id, lastEventId: 2, updatedAt: m.createdAt }))),
    ),
    ...rows.newBlobs.flatMap((blob) => [
      db.insert(blobs).values({ id: blob.id, sha256: blob.sha256, size: blob.size, mediaType: blob.mediaType, extractedText: blob.extractedText === undefined ? null : storableText(blob.extractedText) }),
      ...blob.chunks.map((data, seq) => db.insert(blobChunks).values({ blobId: blob.id, seq, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) })),
    ]),
    ...slices(rows.attachments).map((slice) => db.insert(attachments).values(slice.map((a) => ({ ...a, userId: rows.userId })))),
    ...slices(rows.links).map((slice) => db.insert(messageAttachments).values(slice).onConflictDoNothing()),
    // The messages went in before their files: their search rows learn the files' names and text now.
    db.run(reindexMessageFiles(sql`SELECT id FROM messages WHERE chat_id = ${chat.id}`)),
    // Last: a second import of the same conversation at the same moment fails here and takes its whole batch back.
    db.insert(chatImports).values({ userId: rows.userId, source: rows.source, externalId: rows.externalId, chatId: chat.id }),
  ] as const;
  try {
    await db.batch(statements as unknown as Parameters<typeof db.batch>[0]);
    return true;
  } catch (error) {
    if (/UNIQUE constraint failed: chat_imports/.test(String(error))) return false;
    if (maxChats > 0 && /FOREIGN KEY constraint failed/.test(String(error))) {
      const [row] = await db.all<{ owned: number }>(sql`SELECT count(*) AS owned FROM chats WHERE user_id = ${rows.userId}`);
      if (Number(row?.owned ?? 0) >= maxChats) throw new AppError("chats_limit_reached", { params: { max: maxChats } });
    }
    throw error;
  }
}

/** How many chats, messages and chat_imports rows a person has (tests and the bench read these). */
export async function portingCounts({ userId }: { userId: string }): Promise<{ chats: number; messages: number; imports: number }> {
  const [row] = await database().all<{ chats: number; messages: number; imports: number }>(sql`
    SELECT (SELECT count(*) FROM chats WHERE user_id = ${userId}) AS chats,
      (SELECT count(*) FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.user_id = ${userId}) AS messages,
      (SELECT count(*) FROM chat_imports WHERE user_id = ${userId}) AS imports`);
  return { chats: Number(row?.chats ?? 0), messages: Number(row?.messages ?? 0), imports: Number(row?.imports ?? 0) };
}
