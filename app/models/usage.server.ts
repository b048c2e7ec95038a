// Usage records (table usage_records): one row per finished request to a
// model, written with the answer's final save (an answer's) or with the title
// it gives a chat (a title's). Reports add them up per person, per model and
// per day (UTC) over a period.
import { sql } from "drizzle-orm";
import type { UsageRecord } from "../../drizzle/schema";
import { type Database, database } from "../db.server";

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
  kind: UsageRecord["kind"];
}

/** One request to a model as its usage record holds it (an answer's is written by `saveStreamFinal`). */
export type NewUsageRecord = Pick<UsageRecord, "id" | "messageId" | "userId" | "model" | "provider" | "paidBy" | "kind" | "status" | "inputTokens" | "outputTokens" | "costUsd">;

/**
 * The statement recording `record`, for a caller's batch. Against nobody
 * when the person's account is gone by then (as a deleted account's records
 * are), and once only: a batch tried again with the same id adds nothing.
 */
export function usageRecordStatement(db: Database, record: NewUsageRecord) {
  return db.run(sql`
    INSERT INTO usage_records (id, message_id, user_id, model, provider, paid_by, kind, status, input_tokens, output_tokens, cost_usd)
    VALUES (${record.id}, ${record.messageId}, (SELECT id FROM users WHERE id = ${record.userId}), ${record.model}, ${record.provider}, ${record.paidBy},
      ${record.kind}, ${record.status}, ${record.inputTokens}, ${record.outputTokens}, ${record.costUsd})
    ON CONFLICT (id) DO NOTHING`);
}

/** Every (day, person, model, payer, kind) with usage in [from, to) — milliseconds since the epoch — busiest days last. */
export async function usageRows({ from, to }: { from: number; to: number }): Promise<UsageRow[]> {
  const result = await database().all<{
    day: string;
    user_id: string | null;
    user_name: string | null;
    user_email: string | null;
    model: string;
    paid_by: "server" | "user";
    kind: UsageRecord["kind"];
    requests: number;
    input_tokens: number;
    output_tokens: number;
    cost_usd: number;
  }>(sql`
    SELECT date(u.created_at / 1000, 'unixepoch') AS day, u.user_id, users.name AS user_name, users.email AS user_email,
      u.model, u.paid_by, u.kind, count(*) AS requests, sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens,
      sum(u.cost_usd) AS cost_usd
    FROM usage_records u LEFT JOIN users ON users.id = u.user_id
    WHERE u.created_at >= ${from} AND u.created_at < ${to}
    GROUP BY day, u.user_id, u.model, u.paid_by, u.kind
    ORDER BY day, user_email, u.model, u.paid_by, u.kind`);
  return result.map((row) => ({
    day: row.day,
    userId: row.user_id,
    userName: row.user_name,
    userEmail: row.user_email,
    model: row.model,
    paidBy: row.paid_by,
    kind: row.kind,
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: Number(row.cost_usd),
  }));
}
