// Whose key paid for each answer (table answer_payers): the server's, or the
// own key of the person who asked. Usage reports per person read this.
import { type SQL, sql } from "drizzle-orm";
import { type AnswerPayer, answerPayers } from "../../drizzle/schema";
import { type Database, database } from "../db.server";

export type Payer = { paidBy: "server" } | { paidBy: "user"; keyOwnerId: string };

/** Who asks for an answer, who pays, and the server prompt's version it is generated with. */
export interface PayerRecord {
  provider: string;
  payer: Payer;
  askedBy: string | null;
  systemPromptVersion: number | null;
}

/**
 * The payer of a new answer as one statement of the batch that stores the
 * answer (one commit fewer before the first token): it writes only `when`
 * that batch stored the answer, and never replaces an earlier record (a send
 * retried with the same ids).
 */
export function payerOfNewAnswer(db: Database, { messageId, record, when }: { messageId: string; record: PayerRecord; when: SQL }) {
  const keyOwnerId = record.payer.paidBy === "user" ? record.payer.keyOwnerId : null;
  return db.run(sql`
    INSERT INTO answer_payers (message_id, paid_by, key_owner_id, provider, asked_by, system_prompt_version)
    SELECT ${messageId}, ${record.payer.paidBy}, ${keyOwnerId}, ${record.provider}, ${record.askedBy}, ${record.systemPromptVersion}
    WHERE ${when}
    ON CONFLICT (message_id) DO NOTHING`);
}

/** Records (or, for a continued answer, replaces) who asked for an answer and who pays for it. */
export async function recordAnswerPayer({
  messageId,
  provider,
  payer,
  askedBy,
  systemPromptVersion = null,
}: {
  messageId: string;
  provider: string;
  payer: Payer;
  askedBy: string | null;
  /** The server system prompt's version the answer is generated with. */
  systemPromptVersion?: number | null;
}): Promise<void> {
  const values = { paidBy: payer.paidBy, keyOwnerId: payer.paidBy === "user" ? payer.keyOwnerId : null, provider, askedBy, systemPromptVersion };
  await database()
    .insert(answerPayers)
    .values({ messageId, ...values })
    .onConflictDoUpdate({ target: answerPayers.messageId, set: values });
}

export async function getAnswerPayer({ messageId }: { messageId: string }): Promise<AnswerPayer | undefined> {
  return database().query.answerPayers.findFirst({ where: (table, { eq }) => eq(table.messageId, messageId) });
}
