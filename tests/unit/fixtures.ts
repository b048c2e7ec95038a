// Shared fixtures for unit tests that use the real (per-file) SQLite database.
// Call `await prepareDatabase()` in a beforeAll before using them.
import { eq } from "drizzle-orm";
import { messages } from "../../drizzle/schema";
import { database } from "~/db.server";
import { createChat } from "~/models/chat.server";
import { createExchange, getPathPage, saveStreamFinal } from "~/models/message.server";
import { createUser } from "~/models/user.server";
import { textParts } from "~/protocol/parts";
import { streamRegistry } from "~/streaming/streams.server";
import { createId } from "~/utils/id";

export const TEST_MODEL = "demo:parley-demo";

/** Every answer still being written, ended. */
export const answersSettled = () => Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));

/** After a file's last test: its answers end, the titles asked for in the background are written, then the fake upstreams close. */
export async function closeFakesAfterAnswers(...fakes: { close(): Promise<void> }[]): Promise<void> {
  await answersSettled();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await Promise.all(fakes.map((fake) => fake.close()));
}

/** A user with a unique email (the users table is shared by every test in a file). */
export async function createTestUser(name = "Ada") {
  return createUser({ email: `${name.toLowerCase()}-${createId()}@example.com`, name, passwordHash: "x" });
}

export async function createTestChat({ userId, title }: { userId: string; title?: string }) {
  return createChat({ userId, model: TEST_MODEL, title });
}

/**
 * A question and its finished answer under `parentId` (null: the first
 * message), as the send action and a completed generation would leave them.
 */
export async function addExchange({
  chatId,
  parentId,
  question,
  answer = `Answer to: ${question}`,
}: {
  chatId: string;
  parentId: string | null;
  question: string;
  answer?: string;
}): Promise<{ userMessageId: string; assistantMessageId: string }> {
  const ids = await createExchange({ chatId, parentId, parts: textParts(question), model: TEST_MODEL, instanceId: null });
  await saveStreamFinal({ messageId: ids.assistantMessageId, parts: textParts(answer), lastEventId: 2, status: "complete" });
  return ids;
}

/** The text of the path ending at `leafId`, root first. */
export async function pathContents({ chatId, leafId }: { chatId: string; leafId: string | null }): Promise<string[]> {
  const { messages } = await getPathPage({ chatId, leafId, limit: 10_000 });
  return messages.map((m) => m.content);
}

/** An exchange whose answer, begun with `begun`, goes on until it is stopped. */
export async function answerUntilStopped({ chatId, parentId, question, begun }: { chatId: string; parentId: string | null; question: string; begun: string }) {
  const running = await createExchange({ chatId, parentId, parts: textParts(question), model: TEST_MODEL, instanceId: null });
  await database().update(messages).set({ status: "streaming" }).where(eq(messages.id, running.assistantMessageId));
  const stream = streamRegistry().start({
    messageId: running.assistantMessageId,
    chatId,
    run: (writer) =>
      new Promise((resolve) => {
        writer.text(begun);
        writer.signal.addEventListener("abort", () => resolve({ status: "interrupted", problem: { code: "stopped" } }));
      }),
  });
  return { running, stream };
}
