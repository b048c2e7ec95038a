import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, expect, test, vi } from "vitest";
import { sessions } from "../../drizzle/schema";
import { database, prepareDatabase } from "~/db.server";
import { createUser } from "~/models/user.server";
import { createId } from "~/utils/id";
import { getMessage } from "~/models/message.server";
import { plainText } from "~/protocol/parts";
import { startChat } from "~/services/conversation.server";
import { streamRegistry } from "~/streaming/streams.server";
import { boot, hurryShutdown, shutdown } from "./lifecycle.server";

const migrationsFolder = path.resolve("drizzle/migrations");

afterAll(async () => {
  await shutdown({ graceMs: 0 });
});

test("boot deletes expired sessions at once and starts an hourly sweep that does not keep the process alive", async () => {
  await prepareDatabase({ migrationsFolder });
  const user = await createUser({ email: `sweep-${createId()}@example.com`, name: "Sweep", passwordHash: "x" });
  const [expired, live] = [createId(), createId()];
  await database().insert(sessions).values([
    { id: expired, userId: user.id, expiresAt: Date.now() - 1_000 },
    { id: live, userId: user.id, expiresAt: Date.now() + 60_000 },
  ]);
  const intervals = vi.spyOn(globalThis, "setInterval");
  try {
    await boot({ migrationsFolder });
    const remaining = await database().select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id));
    expect(remaining.map((row) => row.id)).toEqual([live]);
    const sweep = intervals.mock.calls.findIndex(([, ms]) => ms === 60 * 60 * 1000);
    expect(sweep).toBeGreaterThanOrEqual(0);
    expect((intervals.mock.results[sweep]!.value as NodeJS.Timeout).hasRef()).toBe(false);
  } finally {
    intervals.mockRestore();
  }
});

test("a second Ctrl-C ends the answers' time to finish: they are stored as they are, with their stats", async () => {
  await prepareDatabase({ migrationsFolder });
  const user = await createUser({ email: `hurry-${createId()}@example.com`, name: "Hurry", passwordHash: "x" });
  const { chat, assistantMessageId } = await startChat({ user, text: "Tell me a long story about the sea and its ships", model: "demo:parley-demo" });
  await vi.waitFor(() => expect(plainText(streamRegistry().get(assistantMessageId)!.parts).length).toBeGreaterThan(0), { timeout: 5_000 });
  const started = performance.now();
  const stopping = shutdown({ graceMs: 60_000 });
  setTimeout(hurryShutdown, 200);
  await stopping;
  expect(performance.now() - started).toBeLessThan(10_000);
  const message = await getMessage({ chatId: chat.id, messageId: assistantMessageId });
  expect(message).toMatchObject({ status: "interrupted", problem: { code: "interrupted_by_shutdown" } });
  expect(message!.stats!.outputTokens).toBeGreaterThan(0);
});
