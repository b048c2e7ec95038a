// The one gate to a chat: requireChatAccess({ chatId, user, level }). Access
// comes from the chat_members table (owner, editor, viewer), so sharing and
// group rooms add rows, not code paths (docs/decisions/016).
import { and, eq, sql } from "drizzle-orm";
import { type Chat, type ChatRole, chatMembers, chats } from "../../drizzle/schema";
import { database, prepared } from "../db.server";
import { AppError } from "../protocol/errors";
import { isId } from "../utils/id";

/** What a caller may do: read < write < own. */
export type AccessLevel = "read" | "write" | "own";

const RANK: Record<AccessLevel, number> = { read: 1, write: 2, own: 3 };
const LEVEL_OF_ROLE: Record<ChatRole, AccessLevel> = { viewer: "read", editor: "write", owner: "own" };

export interface ChatAccess {
  chat: Chat;
  role: ChatRole;
  level: AccessLevel;
}

export function levelOf(role: ChatRole): AccessLevel {
  return LEVEL_OF_ROLE[role];
}

export function allows(granted: AccessLevel, needed: AccessLevel): boolean {
  return RANK[granted] >= RANK[needed];
}

// On every chat request: the chat and the caller's role in one indexed lookup.
const chatWithRole = prepared((db) =>
  db
    .select({ chat: chats, role: chatMembers.role })
    .from(chats)
    .innerJoin(chatMembers, and(eq(chatMembers.chatId, chats.id), eq(chatMembers.userId, sql.placeholder("userId"))))
    .where(eq(chats.id, sql.placeholder("chatId")))
    .limit(1)
    .prepare(),
);

/** The caller's access to a chat, or null when they have none (or the id is not an id). */
export async function findChatAccess({ chatId, userId }: { chatId: unknown; userId: string }): Promise<ChatAccess | null> {
  if (!isId(chatId)) return null;
  const [row] = await chatWithRole().execute({ chatId, userId });
  return row ? { chat: row.chat, role: row.role, level: levelOf(row.role) } : null;
}

/**
 * Someone with no access gets `not_found` — never a hint that the chat
 * exists. A member below the level needed gets `chat_read_only`: they can see
 * the chat already, so a 403 leaks nothing.
 */
export async function requireChatAccess({ chatId, user, level }: { chatId: unknown; user: { id: string }; level: AccessLevel }): Promise<ChatAccess> {
  const access = await findChatAccess({ chatId, userId: user.id });
  if (!access) throw new AppError("not_found");
  return requireLevel(access, level);
}

/** An access already read, checked against a higher level: a member below it gets `chat_read_only`. */
export function requireLevel(access: ChatAccess, level: AccessLevel): ChatAccess {
  if (!allows(access.level, level)) throw new AppError("chat_read_only");
  return access;
}

/** Gives a user a role in a chat (sharing and rooms build on this); replaces an existing role. */
export async function grantChatRole({ chatId, userId, role }: { chatId: string; userId: string; role: ChatRole }): Promise<void> {
  await database()
    .insert(chatMembers)
    .values({ chatId, userId, role })
    .onConflictDoUpdate({ target: [chatMembers.chatId, chatMembers.userId], set: { role } });
}
