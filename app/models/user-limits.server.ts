// Usage limits set for one person apart from the server's defaults
// (table user_limits), and the counts the limits are checked against.
import { eq, sql } from "drizzle-orm";
import { type UserLimits, userLimits, users } from "../../drizzle/schema";
import { database, prepared } from "../db.server";
import { DEMO_PROVIDER_ID } from "../llm/demo.server";

export type { UserLimits };

// Read on every send (the usage limits): compiled once.
const limitsOfUser = prepared((db) => db.query.userLimits.findFirst({ where: eq(userLimits.userId, sql.placeholder("userId")) }).prepare());

export async function getUserLimits({ userId }: { userId: string }): Promise<UserLimits | undefined> {
  return limitsOfUser().execute({ userId });
}

export type LimitOverrides = Pick<UserLimits, "chats" | "messages" | "windowSeconds" | "tokensPerMonth" | "spendPerMonthUsd">;

/** Sets (or, with every value null, clears) one person's limits. */
export async function setUserLimits({ userId, overrides, changedBy }: { userId: string; overrides: LimitOverrides; changedBy: string }): Promise<void> {
  const db = database();
  if (Object.values(overrides).every((value) => value === null)) {
    await db.delete(userLimits).where(sql`${userLimits.userId} = ${userId}`);
    return;
  }
  const values = { ...overrides, updatedBy: changedBy, updatedAt: Date.now() };
  await db.insert(userLimits).values({ userId, ...values }).onConflictDoUpdate({ target: userLimits.userId, set: values });
}

export interface LimitCounts {
  chats: number;
  /** Answers asked for since `windowStart`, and when the oldest of them was asked. */
  messages: number;
  oldestMessageAt: number | null;
  /** Tokens and spend since `monthStart` of the requests the server paid for, answers and titles (not the demo's, not a person's own key's). */
  tokens: number;
  spendUsd: number;
}

/** What one person has used, for the limits that apply (one read). */
export async function limitCounts({ userId, windowStart, monthStart }: { userId: string; windowStart: number; monthStart: number }): Promise<LimitCounts> {
  const [row] = await database().all<{ chats: number; messages: number; oldest: number | null; tokens: number; spend: number }>(sql`
    SELECT
      (SELECT count(*) FROM chats WHERE user_id = ${userId}) AS chats,
      (SELECT count(*) FROM answer_requests WHERE user_id = ${userId} AND created_at >= ${windowStart}) AS messages,
      (SELECT min(created_at) FROM answer_requests WHERE user_id = ${userId} AND created_at >= ${windowStart}) AS oldest,
      (SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM usage_records WHERE user_id = ${userId} AND created_at >= ${monthStart} AND paid_by = 'server' AND provider <> ${DEMO_PROVIDER_ID}) AS tokens,
      (SELECT coalesce(sum(cost_usd), 0) FROM usage_records WHERE user_id = ${userId} AND created_at >= ${monthStart} AND paid_by = 'server' AND provider <> ${DEMO_PROVIDER_ID}) AS spend`);
  return {
    chats: Number(row?.chats ?? 0),
    messages: Number(row?.messages ?? 0),
    oldestMessageAt: row?.oldest == null ? null : Number(row.oldest),
    tokens: Number(row?.tokens ?? 0),
    spendUsd: Number(row?.spend ?? 0),
  };
}

/** Everyone with limits of their own, with their email and name, by email. */
export async function usersWithOwnLimits(): Promise<(UserLimits & { email: string; name: string })[]> {
  const rows = await database()
    .select({ limits: userLimits, email: users.email, name: users.name })
    .from(userLimits)
    .innerJoin(users, eq(users.id, userLimits.userId))
    .orderBy(users.email);
  return rows.map((row) => ({ ...row.limits, email: row.email, name: row.name }));
}
