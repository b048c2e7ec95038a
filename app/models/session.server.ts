// The sessions list on Settings → Security: a person's signed-in sessions,
// ended one at a time or all but the current one. Every query names the
// user, so nobody can see or end a session that is not theirs.
import { and, desc, eq, gt, ne } from "drizzle-orm";
import { sessions } from "../../drizzle/schema";
import { database } from "../db.server";

export interface SessionRow {
  id: string;
  createdAt: number;
  lastSeenAt: number | null;
  userAgent: string | null;
  ip: string | null;
}

export async function listSessions({ userId, now = Date.now() }: { userId: string; now?: number }): Promise<SessionRow[]> {
  return database()
    .select({ id: sessions.id, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, userAgent: sessions.userAgent, ip: sessions.ip })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt));
}

/** Ends one of the person's sessions; false when they have none with that id. */
export async function deleteSession({ userId, sessionId }: { userId: string; sessionId: string }): Promise<boolean> {
  const deleted = await database()
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))
    .returning({ id: sessions.id });
  return deleted.length > 0;
}

/** Ends every session of the person but `keepSessionId`; returns how many ended. */
export async function deleteOtherSessions({ userId, keepSessionId }: { userId: string; keepSessionId: string }): Promise<number> {
  const deleted = await database()
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
    .returning({ id: sessions.id });
  return deleted.length;
}
