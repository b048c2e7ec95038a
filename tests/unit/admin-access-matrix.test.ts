// Who may reach the admin area, through the real loaders and actions with a
// real session cookie: anonymous people are sent to log in, members get the
// same 404 as an address that does not exist (and change nothing), a
// disabled account is out at its very next request, and admins get in.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, test } from "vitest";
import { prepareDatabase } from "~/db.server";
import { modelPolicy, saveModelPolicy } from "~/llm/model-policy.server";
import { getUserForAdmin } from "~/models/user.server";
import { action as indexAction, loader as indexLoader } from "~/routes/admin._index";
import { action as moderationAction } from "~/routes/admin.moderation";
import { action as usageAction } from "~/routes/admin.usage";
import { action as usageCsvAction } from "~/routes/admin.usage[.]csv";
import { action as usersAction } from "~/routes/admin.users._index";
import { action as modelsAction, loader as modelsLoader } from "~/routes/admin.models";
import { action as registrationAction, loader as registrationLoader } from "~/routes/admin.registration";
import { action as layoutAction, loader as layoutLoader } from "~/routes/admin";
import { action as userAction, loader as userLoader } from "~/routes/admin.users.$userId";
import { loader as usersLoader } from "~/routes/admin.users._index";
import { registrationMode } from "~/services/admin-registration.server";
import { disableUser } from "~/services/admin-users.server";
import { createTestUser } from "./fixtures";
import { cookieFor, formRequest, getRequest, settle } from "./requests";

beforeAll(async () => {
  await prepareDatabase();
});

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;
type Action = (args: ActionFunctionArgs) => Promise<unknown>;

/** Every admin page; `:id` stands for the target account. */
const PAGES: { path: string; loader: Loader }[] = [
  { path: "/admin", loader: layoutLoader },
  { path: "/admin?index", loader: indexLoader },
  { path: "/admin/users", loader: usersLoader },
  { path: "/admin/users/:id", loader: userLoader },
  { path: "/admin/registration", loader: registrationLoader },
  { path: "/admin/models", loader: modelsLoader },
];

/** Every admin action, with a form that an admin would have it carry out. */
const ACTIONS: { name: string; path: string; action: Action; fields: Record<string, string> }[] = [
  { name: "make admin", path: "/admin/users/:id", action: userAction, fields: { intent: "role", role: "admin" } },
  { name: "disable", path: "/admin/users/:id", action: userAction, fields: { intent: "disable" } },
  { name: "enable", path: "/admin/users/:id", action: userAction, fields: { intent: "enable" } },
  { name: "reset link", path: "/admin/users/:id", action: userAction, fields: { intent: "reset-link" } },
  { name: "delete", path: "/admin/users/:id", action: userAction, fields: { intent: "delete", confirmEmail: ":email" } },
  { name: "registration mode", path: "/admin/registration", action: registrationAction, fields: { intent: "mode", mode: "closed" } },
  { name: "create invite", path: "/admin/registration", action: registrationAction, fields: { intent: "invite", maxUses: "1", days: "7" } },
  { name: "save models", path: "/admin/models", action: modelsAction, fields: { defaultModel: "", userKeys: "on" } },
];

async function people() {
  const admin = await firstAdmin();
  const member = await createTestUser("Member");
  const target = await createTestUser("Target");
  return { admin, member, target, cookies: { admin: await cookieFor(admin.id), member: await cookieFor(member.id) } };
}

let admin: Awaited<ReturnType<typeof createTestUser>> | undefined;
/** The first account of this file's database, so its admin; every later one is a member. */
async function firstAdmin() {
  admin ??= await createTestUser("Admin");
  expect(admin.role).toBe("admin");
  return admin;
}

const pathFor = (path: string, target: { id: string }) => path.replace(":id", target.id);
const load = (page: (typeof PAGES)[number], cookie: string | null, target: { id: string }) =>
  settle(() => page.loader({ request: getRequest(pathFor(page.path, target), cookie), params: { userId: target.id }, context: {} } as LoaderFunctionArgs));
const act = (entry: (typeof ACTIONS)[number], cookie: string | null, target: { id: string; email: string }) =>
  settle(() =>
    entry.action({
      request: formRequest(pathFor(entry.path, target).split("?")[0]!, cookie, Object.fromEntries(Object.entries(entry.fields).map(([k, v]) => [k, v === ":email" ? target.email : v]))),
      params: { userId: target.id },
      context: {},
    } as ActionFunctionArgs),
  );

describe("the admin area", () => {
  test.each(PAGES.map((p) => [p.path, p] as const))("anonymous: %s sends people to log in", async (_, page) => {
    const { target } = await people();
    const result = await load(page, null, target);
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^\/login\?redirectTo=/);
  });

  test.each(PAGES.map((p) => [p.path, p] as const))("a member: %s is a 404, as for an address that does not exist", async (_, page) => {
    const { target, cookies } = await people();
    const result = await load(page, cookies.member, target);
    expect(result.status).toBe(404);
    expect(result.body).toBe("Not found.");
  });

  test.each(PAGES.map((p) => [p.path, p] as const))("an admin: %s opens", async (_, page) => {
    const { target, cookies } = await people();
    const result = await load(page, cookies.admin, target);
    if (page.path === "/admin?index") expect(result).toMatchObject({ status: 302, location: "/admin/users" });
    else expect(result.status).toBe(200);
  });

  test.each(ACTIONS.map((a) => [a.name, a] as const))("anonymous: %s goes to log in and changes nothing", async (_, entry) => {
    const { target } = await people();
    const before = { mode: await registrationMode(), policy: await modelPolicy(), target: await getUserForAdmin({ userId: target.id }) };
    const result = await act(entry, null, target);
    expect(result.status).toBe(302);
    expect(result.location).toMatch(/^\/login\?redirectTo=.*expired=1$/);
    expect({ mode: await registrationMode(), policy: await modelPolicy(), target: await getUserForAdmin({ userId: target.id }) }).toEqual(before);
  });

  test.each(ACTIONS.map((a) => [a.name, a] as const))("a member: %s is a 404 and changes nothing", async (_, entry) => {
    const { target, cookies } = await people();
    const before = { mode: await registrationMode(), policy: await modelPolicy(), target: await getUserForAdmin({ userId: target.id }) };
    const result = await act(entry, cookies.member, target);
    expect(result.status).toBe(404);
    expect({ mode: await registrationMode(), policy: await modelPolicy(), target: await getUserForAdmin({ userId: target.id }) }).toEqual(before);
  });

  test.each(ACTIONS.map((a) => [a.name, a] as const))("an admin: %s is carried out", async (_, entry) => {
    const { target, cookies } = await people();
    const result = await act(entry, cookies.admin, target);
    expect(result.status, JSON.stringify(result.body)).toBeLessThan(400);
  });

  test("a models form that would turn off the default it names says so to the admin, and changes nothing", async () => {
    const { target, cookies } = await people();
    const before = await modelPolicy();
    const result = await settle(() =>
      modelsAction({ request: formRequest("/admin/models", cookies.admin, { provider: "openai", defaultModel: "demo:parley-demo" }), params: {}, context: {} } as ActionFunctionArgs),
    );
    expect(result).toMatchObject({ status: 400, body: { code: "default_model_off", field: "defaultModel" } });
    expect((result.body as { formError: string }).formError).toBe("The default model “parley-demo” would be turned off by this form. Leave it (or its provider) on, or pick another default.");
    expect(await modelPolicy()).toEqual(before);
    expect(target.role).toBe("member");
  });

  test("a default its provider does not list right now stays chosen through a save of something else; another unlisted one is refused", async () => {
    const { cookies } = await people();
    const before = await modelPolicy();
    const admin = await createTestUser("Policy Admin");
    await saveModelPolicy({ policy: { ...before, defaultModel: "demo:listed-no-more" }, changedBy: admin.id });
    try {
      const save = (defaultModel: string) =>
        settle(() => modelsAction({ request: formRequest("/admin/models", cookies.admin, { provider: "demo", model: "demo:parley-demo", defaultModel, userKeys: "on" }), params: {}, context: {} } as ActionFunctionArgs));
      const kept = await save("demo:listed-no-more");
      expect(kept.status, JSON.stringify(kept.body)).toBe(302);
      expect(await modelPolicy()).toMatchObject({ defaultModel: "demo:listed-no-more", userKeys: true });
      expect(await save("demo:never-listed")).toMatchObject({ status: 400, body: { code: "model_unavailable", field: "defaultModel" } });
      expect((await modelPolicy()).defaultModel).toBe("demo:listed-no-more");
    } finally {
      await saveModelPolicy({ policy: before, changedBy: admin.id });
    }
  });

  test("a users page past the last goes to the last, keeping the search", async () => {
    const { target, cookies } = await people();
    const page = { path: "/admin/users?q=target&page=99", loader: usersLoader };
    const result = await load(page, cookies.admin, target);
    expect(result.status).toBe(302);
    const [, last] = /^\/admin\/users\?q=target&page=(\d+)$/.exec(result.location ?? "") ?? [];
    expect(Number(last)).toBeGreaterThanOrEqual(1);
    expect(Number(last)).toBeLessThan(99);
    expect((await load({ path: `/admin/users?q=target&page=${last}`, loader: usersLoader }, cookies.admin, target)).status).toBe(200);
  });

  // Pages that take no forms: a form posted to one is the 404 for a member, as for an address that does not exist.
  const FORMLESS: [string, Action][] = [
    ["/admin", layoutAction],
    ["/admin?index", indexAction],
    ["/admin/users", usersAction],
    ["/admin/usage", usageAction],
    ["/admin/usage.csv", usageCsvAction],
    ["/admin/moderation", moderationAction],
  ];
  test.each(FORMLESS)("a form posted to %s: anonymous goes to log in, a member gets the 404, an admin a 405", async (path, action) => {
    const { target, cookies } = await people();
    const post = (cookie: string | null) => settle(() => action({ request: formRequest(path.split("?")[0]!, cookie, { a: "b" }), params: {}, context: {} } as ActionFunctionArgs));
    expect((await post(null)).status).toBe(302);
    expect(await post(cookies.member)).toMatchObject({ status: 404, body: "Not found." });
    expect((await post(cookies.admin)).status).toBe(405);
    expect(target.role).toBe("member");
  });

  test("an admin who is disabled is out at the next request, pages and actions alike", async () => {
    const { admin: first } = await people();
    const second = await createTestUser("Second admin");
    const firstCookie = await cookieFor(first.id);
    expect((await act(ACTIONS[0]!, firstCookie, second)).status).toBe(302);
    const secondCookie = await cookieFor(second.id);
    expect((await load(PAGES[2]!, secondCookie, second)).status).toBe(200);
    await disableUser({ admin: first, userId: second.id });
    const page = await load(PAGES[2]!, secondCookie, second);
    expect(page.status).toBe(302);
    expect(page.location).toMatch(/^\/login/);
    const action = await act(ACTIONS[5]!, secondCookie, second);
    expect(action.status).toBe(302);
    expect(action.location).toMatch(/^\/login/);
  });

  test("an admin demoted to member loses the admin area at once", async () => {
    const { admin: first, cookies } = await people();
    const other = await createTestUser("Other admin");
    expect((await act(ACTIONS[0]!, cookies.admin, other)).status).toBe(302);
    const otherCookie = await cookieFor(other.id);
    expect((await load(PAGES[2]!, otherCookie, first)).status).toBe(200);
    expect((await act({ ...ACTIONS[0]!, fields: { intent: "role", role: "member" } }, cookies.admin, other)).status).toBe(302);
    expect((await load(PAGES[2]!, otherCookie, first)).status).toBe(404);
  });

  test("an account that does not exist is a 404 for the admin too", async () => {
    const { cookies } = await people();
    const ghost = { id: "0000000000000000000z", email: "ghost@example.com" };
    expect((await load(PAGES[3]!, cookies.admin, ghost)).status).toBe(404);
    expect((await act(ACTIONS[1]!, cookies.admin, ghost)).status).toBe(404);
  });
});
