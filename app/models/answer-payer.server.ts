// Whose key paid for each answer (table answer_payers): the server's, or the
// own key of the person who asked. Usage reports per person read this.
import { type AnswerPayer, answerPayers } from "../../drizzle/schema";
import { database } from "../db.server";

export type Payer = { paidBy: "server" } | { paidBy: "user"; keyOwnerId: string };

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
