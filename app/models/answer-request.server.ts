// The answers each person asked for (table answer_requests): what the
// answers-per-window limit counts. A request is recorded by the statement that
// checks the limit, so a burst of sends cannot all pass it (docs/decisions/094).
import { type SQL, sql } from "drizzle-orm";
import { type Database, database } from "../db.server";
import { createId } from "../utils/id";

/** The longest window a limit may have (the admin form allows 7 days): older rows count for nothing. */
const LONGEST_WINDOW_MS = 7 * 86_400_000;

/**
 * Records one answer asked for by `userId`, unless `max` (0: no limit) are
 * already recorded since `windowStart`: the count and the insert are one
 * statement, so SQLite's single writer makes them atomic. Returns the
 * record's id, or null when the limit is reached.
 */
export async function reserveAnswer({ userId, max, windowStart, now = Date.now() }: { userId: string; max: number; windowStart: number; now?: number }): Promise<string | null> {
  const id = createId();
  const db = database();
  const [inserted] = await db.batch([
    db.run(sql`
      INSERT INTO answer_requests (id, user_id, created_at)
      SELECT ${id}, ${userId}, ${now}
      WHERE ${max} = 0 OR (SELECT count(*) FROM answer_requests WHERE user_id = ${userId} AND created_at >= ${windowStart}) < ${max}`),
    db.run(sql`DELETE FROM answer_requests WHERE user_id = ${userId} AND created_at < ${now - LONGEST_WINDOW_MS}`),
  ]);
  return inserted.rowsAffected === 1 ? id : null;
}

/**
 * Records the answer `messageId` asked for by `userId` in the batch that
 * stores it, when no limit has to count first: it writes only `when` that
 * batch stored the answer, under the answer's own id, so a send retried with
 * the same ids is counted once.
 */
export function requestOfNewAnswer(db: Database, { messageId, userId, now, when }: { messageId: string; userId: string; now: number; when: SQL }) {
  return [
    db.run(sql`
      INSERT INTO answer_requests (id, user_id, created_at)
      SELECT ${messageId}, ${userId}, ${now}
      WHERE ${when}
      ON CONFLICT (id) DO NOTHING`),
    db.run(sql`DELETE FROM answer_requests WHERE user_id = ${userId} AND created_at < ${now - LONGEST_WINDOW_MS}`),
  ] as const;
}

/** Gives back an answer that was refused before anything was stored or sent. */
export async function releaseAnswer({ id }: { id: string }): Promise<void> {
  await database().run(sql`DELETE FROM answer_requests WHERE id = ${id}`);
}
