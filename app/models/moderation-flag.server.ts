// Messages the moderation model flagged (table moderation_flags), for the
// admin area's list.
import { desc, eq } from "drizzle-orm";
import { moderationFlags, users } from "../../drizzle/schema";
import { database } from "../db.server";
import { createId } from "../utils/id";

const MAX_TEXT = 2000;

export async function recordModerationFlag({ userId, chatId, text, categories, model }: { userId: string; chatId: string | null; text: string; categories: string[]; model: string }): Promise<void> {
  await database().insert(moderationFlags).values({ id: createId(), userId, chatId, text: text.slice(0, MAX_TEXT), categories, model });
}

export interface ModerationFlagItem {
  id: string;
  email: string | null;
  chatId: string | null;
  text: string;
  categories: string[];
  model: string;
  createdAt: number;
}

/** The newest flags first, with who sent them. */
export async function listModerationFlags({ limit = 100 }: { limit?: number } = {}): Promise<ModerationFlagItem[]> {
  return database()
    .select({ id: moderationFlags.id, email: users.email, chatId: moderationFlags.chatId, text: moderationFlags.text, categories: moderationFlags.categories, model: moderationFlags.model, createdAt: moderationFlags.createdAt })
    .from(moderationFlags)
    .leftJoin(users, eq(users.id, moderationFlags.userId))
    .orderBy(desc(moderationFlags.createdAt), desc(moderationFlags.id))
    .limit(limit);
}
