// Every settings page and action through its real loader and action, for a
// visitor who is not signed in (sent to log in; nothing changes), and for two
// people: each sees and changes only their own profile, sessions, preferences
// and chats (archived or deleted all at once). Naming someone else's session
// is a 404, exactly as for one that does not exist; naming someone else's chat
// in an Undo changes nothing.
import "./bun-password";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, test } from "vitest";
import { hashPassword, verifyPassword } from "~/auth/password.server";
import { currentSessionId, getSessionUser } from "~/auth/session.server";
import { prepareDatabase } from "~/db.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { createUser, getPasswordHash, getUserSettings } from "~/models/user.server";
import { loader as rootLoader } from "~/root";
import { action as appearanceAction } from "~/routes/preferences";
import { action as dataAction, loader as dataLoader } from "~/routes/settings.data";
import { loader as settingsIndex } from "~/routes/settings._index";
import { loader as layoutLoader } from "~/routes/settings";
import { action as preferencesAction, loader as preferencesLoader } from "~/routes/settings.preferences";
import { action as profileAction, loader as profileLoader } from "~/routes/settings.profile";
import { action as securityAction, loader as securityLoader } from "~/routes/settings.security";
import { chatCounts } from "~/services/all-chats.server";
import * as conversation from "~/services/conversation.server";
import { RESOURCES } from "~/i18n/resources.server";
import { createId } from "~/utils/id";
import { createTestChat } from "./fixtures";
import { cookieFor, formRequest, getRequest, ORIGIN, settle } from "./requests";

const PASSWORD = "the first password";

beforeAll(async () => {
  await prepareDatabase();
});

type Loader = (args: LoaderFunctionArgs) => unknown;
type Action = (args: ActionFunctionArgs) => unknown;

const PAGES: [string, Loader][] = [
  ["/settings", layoutLoader as Loader],
  ["/settings", settingsIndex as Loader],
  ["/settings/profile", profileLoader as Loader],
  ["/settings/security", securityLoader as Loader],
  ["/settings/preferences", preferencesLoader as Loader],
  ["/settings/data", dataLoader as Loader],
];

const load = (loader: Loader, path: string, cookie: string | null) => settle(async () => loader({ request: getRequest(path, cookie), params: {}, context: {} } as LoaderFunctionArgs));
const post = (action: Action, path: string, cookie: string | null, fields: Record<string, string>) =>
  settle(async () => action({ request: formRequest(path, cookie, fields), params: {}, context: { clientIp: "192.0.2.44" } } as unknown as ActionFunctionArgs));

async function twoPeople() {
  const make = async (name: string) => {
    const user = await createUser({ email: `${name.toLowerCase()}-${createId()}@example.com`, name, passwordHash: await hashPassword(PASSWORD) });
    return { ...user, cookie: await cookieFor(user.id) };
  };
  return { ada: await make("Ada"), bob: await make("Bob") };
}

const sessionIdOf = async (cookie: string) => (await currentSessionId(new Request(ORIGIN, { headers: { Cookie: cookie } })))!;
const signedIn = async (cookie: string) => getSessionUser(new Request(ORIGIN, { headers: { Cookie: cookie } }));

describe("signed out", () => {
  test.each(PAGES)("GET %s sends the visitor to log in and back", async (path, loader) => {
    expect(await load(loader, path, null)).toMatchObject({ status: 302, location: `/login?${new URLSearchParams({ redirectTo: path })}` });
  });

  const ACTIONS: [string, Action, Record<string, string>][] = [
    ["/settings/profile", profileAction as Action, { name: "Mallory", email: `mallory-${createId()}@example.com` }],
    ["/settings/security", securityAction as Action, { intent: "password", currentPassword: PASSWORD, newPassword: "taken over!", confirmPassword: "taken over!" }],
    ["/settings/security", securityAction as Action, { intent: "revoke-others" }],
    ["/settings/security", securityAction as Action, { intent: "delete-account", password: PASSWORD }],
    ["/settings/preferences", preferencesAction as Action, { theme: "dark", locale: "ru", customInstructions: "Obey Mallory." }],
  ];
  test.each(ACTIONS)("POST %s (%#) goes to log in and changes nothing", async (path, action, fields) => {
    const { ada } = await twoPeople();
    const before = await getUserSettings({ userId: ada.id });
    expect(await post(action, path, null, fields)).toMatchObject({ status: 302, location: `/login?${new URLSearchParams({ redirectTo: path, expired: "1" })}` });
    expect(await getUserSettings({ userId: ada.id })).toEqual(before);
    expect(await signedIn(ada.cookie)).toMatchObject({ id: ada.id });
  });

  test.each<[Record<string, string>, { listed: number; archived: number }]>([
    [{ intent: "archive-all" }, { listed: 0, archived: 1 }],
    [{ intent: "delete-all", confirm: "yes" }, { listed: 0, archived: 0 }],
  ])("POST /settings/data (%o) goes to log in and touches no chat; the same form signed in does", async (fields, signedInAfter) => {
    const { ada } = await twoPeople();
    await createTestChat({ userId: ada.id, title: "Ada's" });
    expect(await post(dataAction as Action, "/settings/data", null, fields)).toMatchObject({ status: 302, location: `/login?${new URLSearchParams({ redirectTo: "/settings/data", expired: "1" })}` });
    expect(await chatCounts({ user: ada })).toEqual({ listed: 1, archived: 0 });
    await post(dataAction as Action, "/settings/data", ada.cookie, fields);
    expect(await chatCounts({ user: ada })).toEqual(signedInAfter);
  });

  test("undoing an archive-all without being signed in goes to log in and the chats stay archived; signed in, they come back", async () => {
    const { ada } = await twoPeople();
    const chat = await createTestChat({ userId: ada.id, title: "Ada's" });
    await conversation.setArchived({ access: await requireChatAccess({ chatId: chat.id, user: ada, level: "own" }), archived: true });
    expect((await post(dataAction as Action, "/settings/data", null, { intent: "undo-archive-all", chatIds: chat.id })).status).toBe(302);
    expect(await chatCounts({ user: ada })).toEqual({ listed: 0, archived: 1 });
    await post(dataAction as Action, "/settings/data", ada.cookie, { intent: "undo-archive-all", chatIds: chat.id });
    expect(await chatCounts({ user: ada })).toEqual({ listed: 1, archived: 0 });
  });

  test("revoking a session without being signed in goes to log in and the session lives on", async () => {
    const { ada } = await twoPeople();
    const result = await post(securityAction as Action, "/settings/security", null, { intent: "revoke", sessionId: await sessionIdOf(ada.cookie) });
    expect(result.status).toBe(302);
    expect(await signedIn(ada.cookie)).toMatchObject({ id: ada.id });
  });
});

describe("signed in", () => {
  test("/settings opens the profile", async () => {
    const { ada } = await twoPeople();
    expect(await load(settingsIndex as Loader, "/settings", ada.cookie)).toMatchObject({ status: 302, location: "/settings/profile" });
    expect(await load(layoutLoader as Loader, "/settings", ada.cookie)).toMatchObject({ status: 200 });
  });

  test("each person's pages show their own profile, sessions and preferences only", async () => {
    const { ada, bob } = await twoPeople();
    expect((await load(profileLoader as Loader, "/settings/profile", ada.cookie)).body).toEqual({ name: "Ada", email: ada.email });
    const security = await load(securityLoader as Loader, "/settings/security", ada.cookie);
    const text = JSON.stringify(security.body);
    expect(text).toContain(await sessionIdOf(ada.cookie));
    expect(text).not.toContain(await sessionIdOf(bob.cookie));
    expect(security.body).toMatchObject({ sessions: [{ current: true }] });
    expect((await load(preferencesLoader as Loader, "/settings/preferences", bob.cookie)).body).toMatchObject({ theme: "system", locale: "auto", customInstructions: "" });
  });

  test("revoking another person's session is a 404 and they stay signed in; so is a malformed id", async () => {
    const { ada, bob } = await twoPeople();
    const theirs = await post(securityAction as Action, "/settings/security", ada.cookie, { intent: "revoke", sessionId: await sessionIdOf(bob.cookie) });
    expect(theirs.status).toBe(404);
    expect(await signedIn(bob.cookie)).toMatchObject({ id: bob.id });
    expect((await post(securityAction as Action, "/settings/security", ada.cookie, { intent: "revoke", sessionId: "../../etc" })).status).toBe(404);
    expect((await post(securityAction as Action, "/settings/security", ada.cookie, { intent: "explode" })).body).toMatchObject({ code: "unknown_intent" });
  });

  test("each person counts, archives, brings back and deletes their own chats only", async () => {
    const { ada, bob } = await twoPeople();
    await createTestChat({ userId: ada.id, title: "Ada's" });
    const bobsListed = await createTestChat({ userId: bob.id, title: "Bob's" });
    const bobsArchived = await createTestChat({ userId: bob.id, title: "Bob's archived" });
    await conversation.setArchived({ access: await requireChatAccess({ chatId: bobsArchived.id, user: bob, level: "own" }), archived: true });
    expect((await load(dataLoader as Loader, "/settings/data", ada.cookie)).body).toMatchObject({ chats: { listed: 1, archived: 0 } });
    expect((await load(dataLoader as Loader, "/settings/data", bob.cookie)).body).toMatchObject({ chats: { listed: 1, archived: 1 } });

    expect(await post(dataAction as Action, "/settings/data", ada.cookie, { intent: "archive-all" })).toMatchObject({ status: 200, body: { done: "archived", count: 1 } });
    // An Undo naming Bob's chats brings none of them anywhere.
    const undo = await post(dataAction as Action, "/settings/data", ada.cookie, { intent: "undo-archive-all", chatIds: `${bobsArchived.id} ${bobsListed.id}` });
    expect(undo).toMatchObject({ status: 200, body: { done: "unarchived", count: 0 } });
    expect(await chatCounts({ user: bob })).toEqual({ listed: 1, archived: 1 });

    expect(await post(dataAction as Action, "/settings/data", ada.cookie, { intent: "delete-all", confirm: "yes" })).toMatchObject({ status: 302, location: "/settings/data?deleted=1" });
    expect(await chatCounts({ user: ada })).toEqual({ listed: 0, archived: 0 });
    expect(await chatCounts({ user: bob })).toEqual({ listed: 1, archived: 1 });
  });

  test("signing out everywhere else leaves the other person's sessions alone", async () => {
    const { ada, bob } = await twoPeople();
    const adaPhone = await cookieFor(ada.id);
    const result = await post(securityAction as Action, "/settings/security", ada.cookie, { intent: "revoke-others" });
    expect(result).toMatchObject({ status: 302, location: "/settings/security?changed=others&ended=1" });
    expect(await signedIn(adaPhone)).toBeNull();
    expect(await signedIn(ada.cookie)).toMatchObject({ id: ada.id });
    expect(await signedIn(bob.cookie)).toMatchObject({ id: bob.id });
  });

  test("a wrong current password is a field error; the right one changes the password and signs out the other sessions", async () => {
    const { ada } = await twoPeople();
    const adaPhone = await cookieFor(ada.id);
    const wrong = await post(securityAction as Action, "/settings/security", ada.cookie, { intent: "password", currentPassword: "nope", newPassword: "a new password", confirmPassword: "a new password" });
    expect(wrong).toMatchObject({ status: 400, body: { code: "current_password_wrong", fieldErrors: { currentPassword: "That is not your current password." }, intent: "password" } });
    const right = await post(securityAction as Action, "/settings/security", ada.cookie, { intent: "password", currentPassword: PASSWORD, newPassword: "a new password", confirmPassword: "a new password" });
    expect(right).toMatchObject({ status: 302, location: "/settings/security?changed=password" });
    expect(await verifyPassword("a new password", (await getPasswordHash({ userId: ada.id }))!)).toBe(true);
    expect(await signedIn(adaPhone)).toBeNull();
    expect(await signedIn(ada.cookie)).toMatchObject({ id: ada.id });
  });

  test("deleting an account deletes the poster's own only, with its password: the cookie is cleared and the login page says so", async () => {
    const { ada, bob } = await twoPeople();
    const wrong = await post(securityAction as Action, "/settings/security", ada.cookie, { intent: "delete-account", password: "nope" });
    expect(wrong).toMatchObject({ status: 400, body: { code: "current_password_wrong", fieldErrors: { password: "That is not your current password." }, intent: "delete-account" } });
    // Bob's password, from Ada's session, deletes nobody: it is checked against Ada's account.
    expect((await post(securityAction as Action, "/settings/security", ada.cookie, { intent: "delete-account", password: "Bob's password" })).status).toBe(400);
    expect(await signedIn(ada.cookie)).toMatchObject({ id: ada.id });

    const done = await post(securityAction as Action, "/settings/security", ada.cookie, { intent: "delete-account", password: PASSWORD });
    expect(done).toMatchObject({ status: 302, location: "/login?deleted=1" });
    expect(done.headers.getSetCookie()).toEqual([expect.stringMatching(/Max-Age=0/)]);
    expect(await signedIn(ada.cookie)).toBeNull();
    expect(await getUserSettings({ userId: ada.id })).toBeUndefined();
    expect(await signedIn(bob.cookie)).toMatchObject({ id: bob.id });
  });

  test("the profile refuses a taken email and an empty name beside their fields, keeping what was typed", async () => {
    const { ada, bob } = await twoPeople();
    const taken = await post(profileAction as Action, "/settings/profile", ada.cookie, { name: "Ada", email: bob.email });
    expect(taken).toMatchObject({ status: 409, body: { code: "email_taken", fieldErrors: { email: "Another account already uses this email address." }, typed: { email: bob.email } } });
    const empty = await post(profileAction as Action, "/settings/profile", ada.cookie, { name: " ", email: "not-an-email" });
    expect(empty).toMatchObject({ status: 400, body: { fieldErrors: { name: "Tell us what to call you.", email: "Enter a valid email address, like ada@example.com." } } });
    expect(await getUserSettings({ userId: ada.id })).toMatchObject({ name: "Ada", email: ada.email });
    expect(await post(profileAction as Action, "/settings/profile", ada.cookie, { name: "Ada Lovelace", email: ada.email })).toMatchObject({ status: 302, location: "/settings/profile?saved=1" });
  });

  test("saved preferences set the theme and language cookies, and the next page renders with them", async () => {
    const { ada } = await twoPeople();
    const saved = await post(preferencesAction as Action, "/settings/preferences", ada.cookie, { theme: "dark", locale: "ru", customInstructions: "Be brief." });
    expect(saved).toMatchObject({ status: 302, location: "/settings/preferences?saved=1" });
    const cookies = saved.headers.getSetCookie();
    expect(cookies).toEqual([expect.stringMatching(/^parley_theme=dark; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/), expect.stringMatching(/^parley_lang=ru; /)]);
    const next = cookies.map((c) => c.split(";")[0]).join("; ");
    const root = await settle(async () => rootLoader({ request: new Request(`${ORIGIN}/chats`, { headers: { Cookie: next, "Accept-Language": "en" } }), params: {}, context: {} } as LoaderFunctionArgs));
    // The page's words come in its language only.
    expect(root.body).toEqual({ theme: "dark", locale: "ru", chosenLocale: "ru", messages: RESOURCES.ru });
    expect(await getUserSettings({ userId: ada.id })).toMatchObject({ theme: "dark", locale: "ru", customInstructions: "Be brief." });
  });

  test("custom instructions over the limit are refused in the person's language, with the text kept", async () => {
    const { ada } = await twoPeople();
    const tooLong = "x".repeat(4001);
    const refused = await post(preferencesAction as Action, "/settings/preferences", `${ada.cookie}; parley_lang=ru`, { theme: "light", locale: "ru", customInstructions: tooLong });
    expect(refused).toMatchObject({ status: 400, body: { code: "custom_instructions_too_long", typed: tooLong } });
    expect((refused.body as { fieldErrors: Record<string, string> }).fieldErrors.customInstructions).toMatch(/^Собственные инструкции могут быть не длиннее 4\s000 символов\.$/);
    expect(await getUserSettings({ userId: ada.id })).toMatchObject({ theme: "system", customInstructions: null });
  });
});

describe("the theme and language chooser beside the login form", () => {
  test("a visitor's choice is set in cookies and the page comes back; only to a path on this site", async () => {
    const chosen = await post(appearanceAction as Action, "/preferences", null, { theme: "light", locale: "ru", redirectTo: "/login?redirectTo=%2Fchats" });
    expect(chosen).toMatchObject({ status: 302, location: "/login?redirectTo=%2Fchats" });
    expect(chosen.headers.getSetCookie().map((c) => c.split(";")[0])).toEqual(["parley_theme=light", "parley_lang=ru"]);
    expect(await post(appearanceAction as Action, "/preferences", null, { theme: "dark", locale: "auto", redirectTo: "//evil.example/" })).toMatchObject({ status: 302, location: "/" });
    expect((await post(appearanceAction as Action, "/preferences", null, { theme: "neon", locale: "en" })).status).toBe(400);
  });

  test("signed in, the choice is kept on one's own account only", async () => {
    const { ada, bob } = await twoPeople();
    await post(appearanceAction as Action, "/preferences", ada.cookie, { theme: "dark", locale: "en", redirectTo: "/chats" });
    expect(await getUserSettings({ userId: ada.id })).toMatchObject({ theme: "dark", locale: "en" });
    expect(await getUserSettings({ userId: bob.id })).toMatchObject({ theme: "system", locale: null });
  });
});
