// Shared links (docs/decisions/070): a chat's branch copied into a snapshot
// behind an unguessable token. The snapshot is its own rows — later
// messages, edits, branch switches and deletions in the chat never reach
// it — and the files it shows stay stored while it exists. Callers have
// checked that the caller owns the chat (requireChatAccess) before changing
// a share; reading one by its token needs nothing else.
import { and, asc, desc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import { chatMembers, chats, type Message, type Share, type ShareMessage, shareAttachments, shareMessages, shares, users } from "../../drizzle/schema";
import { database, prepared } from "../db.server";
import { attachmentIdsOf } from "../protocol/parts";
import { createId } from "../utils/id";
import { attachmentIdsInShare, cleanupStatements } from "./attachment.server";

export type { Share, ShareMessage };

/** What a snapshot keeps of each message: what the page shows, nothing about who wrote it or what it cost. */
export type SnapshotMessage = Pick<Message, "role" | "parts" | "status" | "model" | "problem">;

/** 24 random bytes: 192 bits no one guesses, 32 URL-safe characters. */
export function newShareToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
}

// Every view of a shared page starts here: one indexed lookup. A link of a
// disabled account is not served while it is disabled (enabling it brings the link back).
const shareByToken = prepared((db) =>
  db
    .select(getTableColumns(shares))
    .from(shares)
    .innerJoin(users, eq(users.id, shares.userId))
    .where(and(eq(shares.token, sql.placeholder("token")), isNull(users.disabledAt)))
    .limit(1)
    .prepare(),
);

export async function findShareByToken({ token }: { token: string }): Promise<Share | undefined> {
  return (await shareByToken().execute({ token }))[0];
}

export async function findShareOfChat({ chatId }: { chatId: string }): Promise<Share | undefined> {
  return database().query.shares.findFirst({ where: eq(shares.chatId, chatId) });
}

export async function findShareById({ shareId }: { shareId: string }): Promise<Share | undefined> {
  return database().query.shares.findFirst({ where: eq(shares.id, shareId) });
}

/** A snapshot's messages, root first. */
export async function getShareMessages({ shareId }: { shareId: string }): Promise<ShareMessage[]> {
  return database().select().from(shareMessages).where(eq(shareMessages.shareId, shareId)).orderBy(asc(shareMessages.position));
}

/**
 * Takes the snapshot: a new share for the chat, or the chat's existing one
 * (same link) with its messages and files replaced — one transaction. Files
 * only the old snapshot showed are deleted with it.
 */
export async function publishShare({
  chatId,
  userId,
  title,
  model,
  messages,
}: {
  chatId: string;
  userId: string;
  title: string;
  model: string;
  messages: SnapshotMessage[];
}): Promise<Share> {
  const db = database();
  for (let attempt = 0; ; attempt++) {
    const existing = await findShareOfChat({ chatId });
    const shareId = existing?.id ?? createId();
    const attachmentIds = [...new Set(messages.flatMap((m) => attachmentIdsOf(m.parts)))];
    const previous = existing ? await attachmentIdsInShare({ shareId }) : { attachmentIds: [], blobIds: [] };
    const nowMs = Date.now();
    try {
      await db.batch([
        existing
          ? db.update(shares).set({ title, model, updatedAt: nowMs }).where(eq(shares.id, shareId))
          : db.insert(shares).values({ id: shareId, token: newShareToken(), chatId, userId, title, model, createdAt: nowMs, updatedAt: nowMs }),
        db.delete(shareMessages).where(eq(shareMessages.shareId, shareId)),
        db.delete(shareAttachments).where(eq(shareAttachments.shareId, shareId)),
        ...messages.map((m, position) =>
          db.insert(shareMessages).values({ shareId, position, role: m.role, parts: m.parts, status: m.status, model: m.model, problem: m.problem }),
        ),
        ...(attachmentIds.length ? [db.insert(shareAttachments).values(attachmentIds.map((attachmentId) => ({ shareId, attachmentId }))).onConflictDoNothing()] : []),
        ...cleanupStatements(db, previous),
      ]);
    } catch (error) {
      // The same chat was shared at the same moment by another request: update that share instead.
      if (attempt === 0 && !existing && String(error).includes("UNIQUE")) continue;
      throw error;
    }
    return (await findShareById({ shareId }))!;
  }
}

/** Deletes a share (its link is a 404 from now on) and the files only it still kept. */
export async function deleteShare({ shareId }: { shareId: string }): Promise<void> {
  const db = database();
  const kept = await attachmentIdsInShare({ shareId });
  await db.batch([db.delete(shares).where(eq(shares.id, shareId)), ...cleanupStatements(db, kept)]);
}

export interface ShareListItem {
  id: string;
  token: string;
  chatId: string;
  /** The chat's title now (the snapshot keeps the one it was shared under). */
  chatTitle: string;
  title: string;
  createdAt: number;
  updatedAt: number;
}

/** The shares of every chat `userId` owns, most recently updated first. */
export async function listSharesOf({ userId }: { userId: string }): Promise<ShareListItem[]> {
  return database()
    .select({
      id: shares.id,
      token: shares.token,
      chatId: shares.chatId,
      chatTitle: chats.title,
      title: shares.title,
      createdAt: shares.createdAt,
      updatedAt: shares.updatedAt,
    })
    .from(shares)
    .innerJoin(chats, eq(chats.id, shares.chatId))
    .innerJoin(chatMembers, and(eq(chatMembers.chatId, shares.chatId), eq(chatMembers.userId, userId), eq(chatMembers.role, "owner")))
    .orderBy(desc(shares.updatedAt), desc(shares.id));
}
