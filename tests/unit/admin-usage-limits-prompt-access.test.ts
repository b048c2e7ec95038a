// The admin pages for usage, limits and the server's system prompt, through
// the real loaders and actions with real session cookies: anonymous people are
// sent to log in, members get a 404 and change nothing, admins get in and
// their changes take effect; the CSV is an attachment only admins download.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, test } from "vitest";
import { prepareDatabase } from "~/db.server";
import { systemPromptHistory } from "~/models/system-prompt.server";
import { usersWithOwnLimits } from "~/models/user-limits.server";
import { action as limitsAction, loader as limitsLoader } from "~/routes/admin.limits";
import { action as promptAction, loader as promptLoader } from "~/routes/admin.prompt";
import { loader as usageLoader } from "~/routes/admin.usage";
import { loader as usageCsvLoader } from "~/routes/admin.usage[.]csv";
import { loader as moderationLoader } from "~/routes/admin.moderation";
import { effectiveLimits, storedDefaultLimits } from "~/services/usage-limits.server";
import { createTestUser } from "./fixtures";
import { cookieFor, formRequest, getRequest, settle } from "./requests";

beforeAll(async () => {
  await prepareDatabase();
});

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;
type Action = (args: ActionFunctionArgs) => Promise<unknown>;

const PAGES: { path: string; loader: Loader }[] = [
  { path: "/admin/usage", loader: usageLoader },
  { path: "/admin/usage?from=2026-01-01&to=2026-01-31", loader: usageLoader },
  { path: "/admin/usage.csv", loader: usageCsvLoader },
  { path: "/admin/moderation", loader: moderationLoader },
  { path: "/admin/limits", loader: limitsLoader },
  { path: "/admin/prompt", loader: promptLoader },
  { path: "/admin/prompt?a=1&b=1", loader: promptLoader },
];

const ACTIONS: { name: string; path: string; action: Action; fields: (target: { email: string }) => Record<string, string> }[] = [
  { name: "save a prompt", path: "/admin/prompt", action: promptAction, fields: () => ({ intent: "save", text: `Be kind. ${Math.random()}` }) },
  { name: "set a person's limits", path: "/admin/limits", action: limitsAction, fields: (t) => ({ email: t.email, chats: "5", messages: "20", window: "3h" }) },
  { name: "set everyone's limits", path: "/admin/limits", action: limitsAction, fields: () => ({ intent: "defaults", chats: "", messages: "", window: "", tokensPerMonth: String(1e9 + Math.floor(Math.random() * 1000)) }) },
];

let admin: Awaited<ReturnType<typeof createTestUser>> | undefined;
async function people() {
  admin ??= await createTestUser("Admin");
  expect(admin.role).toBe("admin");
  const member = await createTestUser("Member");
  return { admin, member, cookies: { admin: await cookieFor(admin.id), member: await cookieFor(member.id) } };
}

const load = (page: (typeof PAGES)[number], cookie: string | null) => settle(() => page.loader({ request: getRequest(page.path, cookie), params: {}, context: {} } as LoaderFunctionArgs));
const act = (entry: (typeof ACTIONS)[number], cookie: string | null, target: { email: string }) =>
  settle(() => entry.action({ request: formRequest(entry.path, cookie, entry.fields(target)), params: {}, context: {} } as ActionFunctionArgs));
const state = async () => ({ prompts: (await systemPromptHistory()).length, limits: await usersWithOwnLimits(), defaults: await storedDefaultLimits() });

describe("usage, limits and system prompt pages", () => {
  test.each(PAGES.map((p) => [p.path, p] as const))("anonymous: %s sends people to log in", async (_, page) => {
    await people();
    const result = await load(page, null);
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^\/login\?redirectTo=/);
  });

  test.each(PAGES.map((p) => [p.path, p] as const))("a member: %s is a 404", async (_, page) => {
    const { cookies } = await people();
    expect((await load(page, cookies.member)).status).toBe(404);
  });

  test.each(PAGES.map((p) => [p.path, p] as const))("an admin: %s opens", async (_, page) => {
    const { cookies } = await people();
    expect((await load(page, cookies.admin)).status).toBe(200);
  });

  test.each(ACTIONS.map((a) => [a.name, a] as const))("anonymous and members: %s changes nothing", async (_, entry) => {
    const { member, cookies } = await people();
    const before = await state();
    expect((await act(entry, null, member)).status).toBe(302);
    expect((await act(entry, cookies.member, member)).status).toBe(404);
    expect(await state()).toEqual(before);
  });

  test("an admin saves a prompt version and sets a person's limits", async () => {
    const { member, cookies } = await people();
    const before = await state();
    expect((await act(ACTIONS[0]!, cookies.admin, member)).location).toBe("/admin/prompt?saved=1");
    expect((await act(ACTIONS[1]!, cookies.admin, member)).location).toBe(`/admin/limits?saved=${encodeURIComponent(member.email)}`);
    expect((await state()).prompts).toBe(before.prompts + 1);
    expect(await effectiveLimits({ userId: member.id })).toMatchObject({ chats: 5, messages: 20, windowSeconds: 3 * 3600 });
    // Everyone's defaults: a blank field follows the environment; a number replaces it for all without limits of their own.
    const other = await createTestUser("Other");
    expect((await act(ACTIONS[2]!, cookies.admin, other)).location).toBe("/admin/limits?defaults=1");
    expect((await storedDefaultLimits())?.chats).toBeNull();
    expect((await effectiveLimits({ userId: other.id })).tokensPerMonth).toBeGreaterThanOrEqual(1e9);
    expect((await effectiveLimits({ userId: member.id })).chats).toBe(5);
  });

  test("bad input is a 4xx with words, never a 500: an unknown email, a bad number, a bad period", async () => {
    const { cookies } = await people();
    const unknown = await act(ACTIONS[1]!, cookies.admin, { email: "nobody@example.com" });
    expect(unknown).toMatchObject({ status: 404, body: { code: "user_not_found", fieldErrors: { email: "No account has the email nobody@example.com. Check it on the Users page." }, typed: { email: "nobody@example.com" } } });
    const badNumber = await settle(() => limitsAction({ request: formRequest("/admin/limits", cookies.admin, { email: "x@example.com", chats: "-3" }), params: {}, context: {} } as unknown as ActionFunctionArgs));
    expect(badNumber).toMatchObject({ status: 400, body: { code: "limit_count_invalid", fieldErrors: { chats: expect.any(String) } } });
    // Nothing the form cannot take is rounded, dropped or saved: each is refused beside its field, with what it takes.
    const member = await createTestUser("Limited");
    const refused = async (fields: Record<string, string>) =>
      (await settle(() => limitsAction({ request: formRequest("/admin/limits", cookies.admin, { email: member.email, ...fields }), params: {}, context: {} } as unknown as ActionFunctionArgs))) as {
        status: number;
        body: { code?: string; fieldErrors?: Record<string, string>; typed?: Record<string, string> };
      };
    for (const window of ["9d", "8d", "0h", "30m", "abc"]) {
      expect(await refused({ messages: "5", window }), window).toMatchObject({ status: 400, body: { code: "limit_window_invalid", fieldErrors: { window: "Write the window in hours or days, from 1h to 7d: for example 3h or 1d." } } });
    }
    expect(await refused({ chats: "1.5" })).toMatchObject({ status: 400, body: { code: "limit_count_invalid", fieldErrors: { chats: expect.any(String) } } });
    expect(await refused({ spendPerMonthUsd: "0.0001" })).toMatchObject({ status: 400, body: { code: "limit_spend_invalid", fieldErrors: { spendPerMonthUsd: expect.any(String) } } });
    // Every field it cannot take is named, and what was typed comes back (without JavaScript the page is drawn afresh).
    const several = await refused({ chats: "-3", messages: "abc", window: "3h", tokensPerMonth: "1.5", spendPerMonthUsd: "xx" });
    expect(Object.keys(several.body.fieldErrors ?? {}).sort()).toEqual(["chats", "messages", "spendPerMonthUsd", "tokensPerMonth"]);
    expect(several.body.typed).toEqual({ email: member.email, chats: "-3", messages: "abc", window: "3h", tokensPerMonth: "1.5", spendPerMonthUsd: "xx" });
    expect(await effectiveLimits({ userId: member.id })).toEqual(await effectiveLimits({ userId: (await createTestUser("Default")).id }));
    // What it takes is saved as written.
    expect((await refused({ messages: "5", window: "7d", spendPerMonthUsd: "12.50" })).status).toBe(302);
    expect(await effectiveLimits({ userId: member.id })).toMatchObject({ messages: 5, windowSeconds: 7 * 86_400, spendPerMonthUsd: 12.5 });
    // The Russian page writes hours and days as "ч" and "д": the form takes them, and capitals too.
    expect((await refused({ messages: "5", window: "3ч" })).status).toBe(302);
    expect(await effectiveLimits({ userId: member.id })).toMatchObject({ messages: 5, windowSeconds: 3 * 3600 });
    expect((await refused({ messages: "5", window: "2 Д" })).status).toBe(302);
    expect(await effectiveLimits({ userId: member.id })).toMatchObject({ messages: 5, windowSeconds: 2 * 86_400 });
    const csv = await settle(() => usageCsvLoader({ request: getRequest("/admin/usage.csv?from=2026-02-10&to=2026-02-01", cookies.admin), params: {}, context: {} } as LoaderFunctionArgs));
    expect(csv.status).toBe(400);
    const page = await load({ path: "/admin/usage?from=nonsense", loader: usageLoader }, cookies.admin);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ error: expect.stringContaining("YYYY-MM-DD") });
  });

  test("the CSV downloads as an attachment that is never cached", async () => {
    const { cookies } = await people();
    const result = await load(PAGES[2]!, cookies.admin);
    expect(result.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(result.headers.get("Content-Disposition")).toMatch(/^attachment; filename="parley-usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(result.headers.get("Cache-Control")).toBe("private, no-store");
    expect(String(result.body).split("\r\n")[0]).toBe("day,user_email,user_name,model,paid_by,kind,requests,input_tokens,output_tokens,cost_usd");
  });
});
