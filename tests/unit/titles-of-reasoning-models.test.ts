// A model that reasons before it answers spends its hidden reasoning from the
// same output allowance as the title: asked for a title's few tokens, it would
// end before writing a word. Checked with the real OpenAI SDK against the fake
// upstream, which records what it was asked.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { chats } from "../../drizzle/schema";
import { type FakeServer, startFakeOpenAI } from "../fakes/openai";
import { database, prepareDatabase } from "~/db.server";
import * as conversation from "~/services/conversation.server";
import { createId } from "~/utils/id";
import { answersSettled, closeFakesAfterAnswers, createTestUser } from "./fixtures";

let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  Object.assign(process.env, { OPENAI_API_KEY: "server-key-of-reasoning-titles-01", OPENAI_BASE_URL: fake.url });
  await prepareDatabase();
});

afterEach(answersSettled);
afterAll(() => closeFakesAfterAnswers(fake));

/** Starts a chat with `model` and returns the body of the request that asked for its title once it is named. */
async function titleRequestOf(model: string): Promise<Record<string, unknown>> {
  const user = await createTestUser();
  const question = `Plan a week in Lisbon ${createId()}`;
  fake.script({ match: question, text: "Day one: Alfama." }, { match: question, text: "A week in Lisbon" });
  const { chat } = await conversation.startChat({ user, text: question, model });
  await vi.waitFor(async () => {
    const [row] = await database().select({ titleSet: chats.titleSet }).from(chats).where(eq(chats.id, chat.id));
    expect(row?.titleSet).toBe(true);
  }, { timeout: 5_000 });
  const asked = fake.requests.filter((r) => JSON.stringify(r.body ?? {}).includes(question) && (r.body as { stream?: boolean }).stream !== true);
  expect(asked).toHaveLength(1);
  return asked[0]!.body as Record<string, unknown>;
}

describe("a chat's title", () => {
  test("from a reasoning model leaves room for its reasoning before the title's words", async () => {
    const body = await titleRequestOf("openai:o4-mini");
    expect(body.max_tokens).toBeUndefined();
    expect(body.max_completion_tokens).toBe(2_048);
  });

  test("from a model that answers at once asks for a title's few tokens", async () => {
    const body = await titleRequestOf("openai:gpt-4o-mini");
    expect(body.max_tokens).toBe(24);
  });
});
