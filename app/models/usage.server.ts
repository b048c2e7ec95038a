// Usage records (table usage_records): one row per finished request to a
// model, written with the answer's final save. Reports add them up per
// person, per model and per day (UTC) over a period.
import { sql } from "drizzle-orm";
import { database } from "../db.server";

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface UsageRow extends UsageTotals {
  /** YYYY-MM-DD, UTC. */
  day: string;
  userId: string | null;
  /** The asker's name and email; null once the account is deleted. */
  userName: string | null;
  userEmail: string | null;
  model: string;
  paidBy: "server" | "user";
}

/** Every (day, person, model, payer) with usage in [from, to) — milliseconds since the epoch — busiest days last. */
export async function usageRows({ from, to }: { from: number; to: number }): Promise<UsageRow[]> {
  const result = await database().all<{
    day: string;
    user_id: string | null;
    user_name: string | null;
    user_email: string | null;
    model: string;
    paid_by: "server" | "user";
    requests: number;
    input_tokens: number;
    output_tokens: number;
    cost_usd: number;
  }>(sql`
    SELECT date(u.created_at / 1000, 'unixepoch') AS day, u.user_id, users.name AS user_name, users.email AS user_email,
      u.model, u.paid_by, count(*) AS requests, sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens,
      sum(u.cost_usd) AS cost_usd
    FROM usage_records u LEFT JOIN users ON users.id = u.user_id
    WHERE u.created_at >= ${from} AND u.created_at < ${to}
    GROUP BY day, u.user_id, u.model, u.paid_by
    ORDER BY day, user_email, u.model, u.paid_by`);
  return result.map((row) => ({
    day: row.day,
    userId: row.user_id,
    userName: row.user_name,
    userEmail: row.user_email,
    model: row.model,
    paidBy: row.paid_by,
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: Number(row.cost_usd),
  }));
}
