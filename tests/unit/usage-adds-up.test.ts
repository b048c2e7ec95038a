// Usage and cost reports on a real database: every finished answer is one
// request counted against whoever asked, and so is the title a new chat's
// first answer asks for; the totals equal the sum of the stored answers'
// stats and the titles' records, and the record outlives the chat and the
// account.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
});

import { and, eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { chats, messages, usageRecords, users } from "../../drizzle/schema";
import { database, prepareDatabase } from "~/db.server";
import { requireChatAccess } from "~/models/chat-access.server";
import * as conversation from "~/services/conversation.server";
import { usageCsv, usagePeriodSchema, usageReport } from "~/services/usage.server";
import { streamRegistry } from "~/streaming/streams.server";
import { createTestUser } from "./fixtures";

beforeAll(async () => {
  await prepareDatabase();
});

afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

const settled = () => Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
const today = () => usagePeriodSchema.parse({});

/** Once a new chat's title is stored, the request that asked for it is recorded too (the same transaction). */
async function titled(chatId: string) {
  await vi.waitFor(async () => expect((await database().select().from(chats).where(eq(chats.id, chatId)))[0]?.titleSet).toBe(true), { timeout: 5_000 });
}

async function answeredChat(user: { id: string }, questions: string[]) {
  const { chat } = await conversation.startChat({ user, text: questions[0]! });
  await settled();
  await titled(chat.id);
  for (const text of questions.slice(1)) {
    await conversation.sendMessage({ access: await requireChatAccess({ chatId: chat.id, user, level: "write" }), user, text });
    await settled();
  }
  return chat;
}

describe("usage adds up", () => {
  test("each answer and each new chat's title is one request against whoever asked, and the totals equal the stored answers' stats and titles' records", async () => {
    const before = await usageReport(today());
    const ada = await createTestUser("Ada");
    const bob = await createTestUser("Bob");
    const adaChat = await answeredChat(ada, ["Explain binary search.", "And in TypeScript?"]);
    const bobChat = await answeredChat(bob, ["Write a haiku about tea."]);

    const answers = await database().select().from(messages).where(eq(messages.role, "assistant"));
    const mine = answers.filter((m) => m.chatId === adaChat.id || m.chatId === bobChat.id);
    expect(mine).toHaveLength(3);
    expect(mine.every((m) => m.status === "complete" && (m.stats?.outputTokens ?? 0) > 0)).toBe(true);
    // One title per new chat, asked of the chat's model for whoever asked for its first answer, with what it used.
    const titles = await database().select().from(usageRecords).where(and(eq(usageRecords.kind, "title"), inArray(usageRecords.userId, [ada.id, bob.id])));
    expect(titles).toHaveLength(2);
    for (const [user, chat] of [[ada, adaChat], [bob, bobChat]] as const) {
      const title = titles.find((t) => t.userId === user.id);
      const firstAnswer = mine.filter((m) => m.chatId === chat.id).sort((a, b) => a.createdAt - b.createdAt)[0]!;
      expect(title).toMatchObject({ messageId: firstAnswer.id, model: "demo:parley-demo", provider: "demo", paidBy: "server", status: "complete", costUsd: 0 });
      expect(title!.inputTokens).toBeGreaterThan(0);
      expect(title!.outputTokens).toBeGreaterThan(0);
    }
    const titleTokens = (userId: string, pick: "inputTokens" | "outputTokens") => titles.filter((t) => t.userId === userId).reduce((total, t) => total + t[pick], 0);
    const sum = (pick: (stats: NonNullable<(typeof mine)[number]["stats"]>) => number | undefined) => mine.reduce((total, m) => total + (pick(m.stats!) ?? 0), 0);

    const report = await usageReport(today());
    expect(report.total.requests - before.total.requests).toBe(5);
    expect(report.total.inputTokens - before.total.inputTokens).toBe(sum((s) => s.inputTokens) + titleTokens(ada.id, "inputTokens") + titleTokens(bob.id, "inputTokens"));
    expect(report.total.outputTokens - before.total.outputTokens).toBe(sum((s) => s.outputTokens) + titleTokens(ada.id, "outputTokens") + titleTokens(bob.id, "outputTokens"));
    const byUser = new Map(report.byUser.map((g) => [g.key, g]));
    expect(byUser.get(ada.id)).toMatchObject({ requests: 3, label: ada.email });
    expect(byUser.get(bob.id)).toMatchObject({ requests: 2, label: bob.email });
    expect(byUser.get(ada.id)!.outputTokens + byUser.get(bob.id)!.outputTokens).toBe(sum((s) => s.outputTokens) + titleTokens(ada.id, "outputTokens") + titleTokens(bob.id, "outputTokens"));
    expect(report.byModel.find((g) => g.key === "demo:parley-demo")?.requests).toBeGreaterThanOrEqual(5);
    const day = report.byDay.at(-1)!;
    expect(day.key).toBe(new Date().toISOString().slice(0, 10));
    expect(day.requests - (before.byDay.at(-1)?.requests ?? 0)).toBe(5);
    // The CSV tells a title's request from an answer's.
    const csv = usageCsv(report).split("\r\n");
    expect(csv.some((line) => line.startsWith(`${day.key},${bob.email},Bob,demo:parley-demo,server,answer,1,`))).toBe(true);
    expect(csv).toContainEqual(`${day.key},${bob.email},Bob,demo:parley-demo,server,title,1,${titleTokens(bob.id, "inputTokens")},${titleTokens(bob.id, "outputTokens")},0.000000`);
  });

  test("deleting the chat keeps what it cost; deleting the account keeps it as a deleted account's", async () => {
    const carol = await createTestUser("Carol");
    const chat = await answeredChat(carol, ["What is a monad?"]);
    await conversation.removeChat({ access: await requireChatAccess({ chatId: chat.id, user: carol, level: "own" }) });
    let report = await usageReport(today());
    // Its answer, and the title it asked for.
    expect(report.byUser.find((g) => g.key === carol.id)?.requests).toBe(2);
    await database().delete(users).where(eq(users.id, carol.id));
    report = await usageReport(today());
    expect(report.byUser.find((g) => g.key === carol.id)).toBeUndefined();
    // Named in the page's language by the page; the CSV says it in its own column.
    expect(report.byUser.find((g) => g.key === "")).toMatchObject({ label: "" });
    expect(usageCsv(report).split("\r\n").some((line) => /^\d{4}-\d{2}-\d{2},\(deleted account\),,/.test(line))).toBe(true);
  });

  test("a period is whole UTC days, every day listed, and a bad or too long one is refused with a code", () => {
    const period = usagePeriodSchema.parse({ from: "2026-01-30", to: "2026-02-02" });
    expect(period).toMatchObject({ fromDay: "2026-01-30", toDay: "2026-02-02", start: Date.UTC(2026, 0, 30), end: Date.UTC(2026, 1, 3) });
    const issue = (input: object) => usagePeriodSchema.safeParse(input).error?.issues[0]?.message;
    expect(issue({ from: "2026-02-30x" })).toBe("date_invalid");
    // A day the calendar does not have is not rolled over to March.
    expect(issue({ from: "2026-02-30", to: "2026-03-01" })).toBe("date_invalid");
    expect(issue({ from: "2026-04-31" })).toBe("date_invalid");
    expect(issue({ from: "2026-02-03", to: "2026-02-02" })).toBe("period_invalid");
    expect(issue({ from: "2024-01-01", to: "2026-02-02" })).toBe("period_too_long");
  });

  test("the CSV has a header, quotes what needs quoting and defuses spreadsheet formulas", async () => {
    const report = await usageReport(today());
    const withOddName = {
      ...report,
      rows: [{ day: "2026-02-01", userId: "u", userName: '=HYPERLINK("x"), "Ada"', userEmail: "ada@example.com", model: "openai:gpt-4o", paidBy: "user" as const, kind: "answer" as const, requests: 2, inputTokens: 10, outputTokens: 20, costUsd: 0.0015 }],
    };
    const csv = usageCsv(withOddName);
    // A byte-order mark first: Excel reads UTF-8 names right only with it.
    expect(csv.startsWith("\uFEFFday,")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines[0]).toBe("day,user_email,user_name,model,paid_by,kind,requests,input_tokens,output_tokens,cost_usd");
    expect(lines[1]).toBe(`2026-02-01,ada@example.com,"'=HYPERLINK(""x""), ""Ada""",openai:gpt-4o,user,answer,2,10,20,0.001500`);
    expect(lines[2]).toBe("");
  });
});
