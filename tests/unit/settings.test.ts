// The settings services on a real SQLite file: profile changes, the password
// change (and how it counts against the login throttle), the sessions list,
// revoking, preferences, and deleting one's own account.
import "./bun-password";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, test } from "vitest";
import { chats, messages, sessions, users } from "../../drizzle/schema";
import { hashPassword, verifyPassword } from "~/auth/password.server";
import { createSession, currentSessionId, getSessionUser } from "~/auth/session.server";
import { beginLoginAttempt, LOGIN_LIMITS } from "~/auth/throttle.server";
import { database, prepareDatabase } from "~/db.server";
import { createUser, getCustomInstructions, getPasswordHash, getUserById, getUserSettings, setUserRole } from "~/models/user.server";
import { AppError } from "~/protocol/errors";
import {
  changePassword,
  CUSTOM_INSTRUCTIONS_MAX,
  deleteAccountSchema,
  deleteOwnAccount,
  deviceWordsFor,
  passwordSchema,
  preferencesSchema,
  revokeOtherSessions,
  revokeSession,
  saveProfile,
  savePreferences,
  sessionsOf,
} from "~/services/settings.server";
import { createId } from "~/utils/id";
import { addExchange, createTestChat } from "./fixtures";
import { localeOf } from "~/utils/http.server";
import { describeUserAgent } from "~/utils/user-agent";

const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const PASSWORD = "old password 123";

beforeAll(async () => {
  await prepareDatabase();
});

async function person(name = "Ada") {
  return createUser({ email: `${name.toLowerCase()}-${createId()}@example.com`, name, passwordHash: await hashPassword(PASSWORD) });
}

/** Signs `userId` in from a browser: the request that browser would send afterwards. */
async function browser(userId: string, userAgent = CHROME_LINUX, ip = "203.0.113.7"): Promise<Request> {
  const setCookie = await createSession({ request: new Request("http://parley.test/login", { headers: { "User-Agent": userAgent } }), userId, ip });
  return new Request("http://parley.test/settings/security", { headers: { Cookie: setCookie.split(";")[0]!, "User-Agent": userAgent } });
}

const address = () => `198.51.100.${Math.floor(Math.random() * 250)}`;
const codeOf = async (work: Promise<unknown>) => work.then(() => null, (error: unknown) => (error instanceof AppError ? { code: error.code, field: error.field } : Promise.reject(error)));

function passwordForm(currentPassword: string, newPassword = "a brand new password") {
  return passwordSchema.parse({ intent: "password", currentPassword, newPassword, confirmPassword: newPassword });
}

describe("the profile", () => {
  test("a person renames themselves and changes their email (kept in lower case)", async () => {
    const ada = await person();
    const email = `Ada.New-${createId()}@Example.com`;
    await saveProfile({ user: ada, input: { intent: "profile", name: "Ada L.", email } });
    expect(await getUserSettings({ userId: ada.id })).toMatchObject({ name: "Ada L.", email: email.toLowerCase() });
  });

  test("an email another account uses is refused beside the email field, and nothing changes", async () => {
    const ada = await person("Ada");
    const bob = await person("Bob");
    expect(await codeOf(saveProfile({ user: ada, input: { intent: "profile", name: "Ada 2", email: bob.email.toUpperCase() } }))).toEqual({ code: "email_taken", field: "email" });
    expect(await getUserSettings({ userId: ada.id })).toMatchObject({ name: "Ada", email: ada.email });
  });
});

describe("changing the password", () => {
  test("needs the current password; the new one works afterwards and every other session is signed out", async () => {
    const ada = await person();
    const here = await browser(ada.id);
    const phone = await browser(ada.id, SAFARI_IPHONE);
    const ip = address();
    expect(await codeOf(changePassword({ user: ada, input: passwordForm("not it"), ip, currentSessionId: await currentSessionId(here) }))).toEqual({
      code: "current_password_wrong",
      field: "currentPassword",
    });
    expect(await getSessionUser(phone)).toMatchObject({ id: ada.id });

    await changePassword({ user: ada, input: passwordForm(PASSWORD, "the new password"), ip, currentSessionId: await currentSessionId(here) });
    const hash = (await getPasswordHash({ userId: ada.id }))!;
    expect(await verifyPassword("the new password", hash)).toBe(true);
    expect(await verifyPassword(PASSWORD, hash)).toBe(false);
    expect(await getSessionUser(here)).toMatchObject({ id: ada.id });
    expect(await getSessionUser(phone)).toBeNull();
  });

  test("wrong guesses count against the login throttle: after five, even the right password waits, and so does the login form", async () => {
    const ada = await person();
    const here = await currentSessionId(await browser(ada.id));
    const ip = address();
    for (let guess = 1; guess <= LOGIN_LIMITS.addressAndAccount.points; guess++) {
      expect(await codeOf(changePassword({ user: ada, input: passwordForm(`guess ${guess}`), ip, currentSessionId: here })), `guess ${guess}`).toMatchObject({ code: "current_password_wrong" });
    }
    expect(await codeOf(changePassword({ user: ada, input: passwordForm(PASSWORD), ip, currentSessionId: here }))).toMatchObject({ code: "rate_limited" });
    expect(await verifyPassword(PASSWORD, (await getPasswordHash({ userId: ada.id }))!)).toBe(true);
    expect(await beginLoginAttempt({ ip, email: ada.email })).toBeGreaterThan(0);
  });

  test("the form asks for the current password, eight characters and the same new password twice", () => {
    const issues = (form: Record<string, string>) => passwordSchema.safeParse({ intent: "password", ...form }).error?.issues.map((i) => [i.path[0], i.message]);
    expect(issues({ currentPassword: "", newPassword: "short", confirmPassword: "short" })).toEqual([
      ["currentPassword", "password_required"],
      ["newPassword", "password_too_short"],
    ]);
    expect(issues({ currentPassword: "x", newPassword: "long enough", confirmPassword: "long enougH" })).toEqual([["confirmPassword", "passwords_differ"]]);
  });
});

describe("deleting one's own account", () => {
  test("needs the account's password; then the account, its chats and every session are gone, and nobody else's", async () => {
    const ada = await person("Ada");
    const bob = await person("Bob");
    const here = await browser(ada.id);
    const phone = await browser(ada.id, SAFARI_IPHONE);
    const bobs = await browser(bob.id);
    const adaChat = await createTestChat({ userId: ada.id, title: "Ada's" });
    await addExchange({ chatId: adaChat.id, parentId: null, question: "Hello?", answer: "Hi." });
    const bobChat = await createTestChat({ userId: bob.id, title: "Bob's" });
    await addExchange({ chatId: bobChat.id, parentId: null, question: "Hello?", answer: "Hi." });
    const ip = address();

    expect(await codeOf(deleteOwnAccount({ user: ada, password: "not it", ip }))).toEqual({ code: "current_password_wrong", field: "password" });
    expect(await getUserById(ada.id)).toMatchObject({ id: ada.id });
    expect(await getSessionUser(here)).toMatchObject({ id: ada.id });

    await deleteOwnAccount({ user: ada, password: PASSWORD, ip });
    const db = database();
    expect(await getUserById(ada.id)).toBeUndefined();
    expect(await getSessionUser(here)).toBeNull();
    expect(await getSessionUser(phone)).toBeNull();
    expect(await db.select().from(chats).where(eq(chats.id, adaChat.id))).toEqual([]);
    expect(await db.select().from(messages).where(eq(messages.chatId, adaChat.id))).toEqual([]);
    expect(await getSessionUser(bobs)).toMatchObject({ id: bob.id });
    expect((await db.select().from(messages).where(eq(messages.chatId, bobChat.id))).length).toBe(2);
  });

  test("wrong passwords count against the login throttle: after five, even the right one waits and nothing is deleted", async () => {
    const ada = await person();
    const ip = address();
    for (let guess = 1; guess <= LOGIN_LIMITS.addressAndAccount.points; guess++) {
      expect(await codeOf(deleteOwnAccount({ user: ada, password: `guess ${guess}`, ip })), `guess ${guess}`).toMatchObject({ code: "current_password_wrong" });
    }
    expect(await codeOf(deleteOwnAccount({ user: ada, password: PASSWORD, ip }))).toMatchObject({ code: "rate_limited" });
    expect(await getUserById(ada.id)).toMatchObject({ id: ada.id });
  });

  test("the server's only admin is refused before anything is touched; once someone else is an admin, it goes", async () => {
    const admin = await person("Admin");
    const db = database();
    await db.update(users).set({ role: "member" }).where(eq(users.role, "admin"));
    await setUserRole({ userId: admin.id, role: "admin", changedBy: admin.id });
    const chat = await createTestChat({ userId: admin.id });
    const here = await browser(admin.id);
    const asAdmin = { ...admin, role: "admin" as const };

    expect(await codeOf(deleteOwnAccount({ user: asAdmin, password: PASSWORD, ip: address() }))).toEqual({ code: "last_admin", field: undefined });
    expect(await db.select({ id: chats.id }).from(chats).where(eq(chats.id, chat.id))).toEqual([{ id: chat.id }]);
    expect(await getSessionUser(here)).toMatchObject({ id: admin.id, role: "admin" });

    const other = await person("Other");
    await setUserRole({ userId: other.id, role: "admin", changedBy: admin.id });
    await deleteOwnAccount({ user: asAdmin, password: PASSWORD, ip: address() });
    expect(await getUserById(admin.id)).toBeUndefined();
  });

  test("the form asks for the password", () => {
    expect(deleteAccountSchema.safeParse({ intent: "delete-account", password: "" }).error?.issues.map((i) => [i.path[0], i.message])).toEqual([["password", "password_required"]]);
    expect(deleteAccountSchema.safeParse({ intent: "delete-account" }).error?.issues.map((i) => [i.path[0], i.message])).toEqual([["password", "password_required"]]);
  });
});

describe("sessions", () => {
  test("the list shows one's own sessions, this one first and marked, with the device, the address and when", async () => {
    const ada = await person();
    const bob = await person("Bob");
    await browser(bob.id);
    const phone = await browser(ada.id, SAFARI_IPHONE, "192.0.2.1");
    const here = await browser(ada.id, CHROME_LINUX, "192.0.2.2");
    const list = await sessionsOf({ user: ada, currentSessionId: await currentSessionId(here) });
    expect(list.map(({ device, ip, current }) => ({ device, ip, current }))).toEqual([
      { device: "Chrome on Linux", ip: "192.0.2.2", current: true },
      { device: "Safari on iOS", ip: "192.0.2.1", current: false },
    ]);
    expect(list[1]!.id).toBe(await currentSessionId(phone));
  });

  test("revoking signs that browser out; another person's session id is not found and stays signed in", async () => {
    const ada = await person();
    const bob = await person("Bob");
    const adaPhone = await browser(ada.id, SAFARI_IPHONE);
    const bobs = await browser(bob.id);
    expect(await codeOf(revokeSession({ user: ada, sessionId: (await currentSessionId(bobs))! }))).toEqual({ code: "not_found", field: undefined });
    expect(await getSessionUser(bobs)).toMatchObject({ id: bob.id });
    await revokeSession({ user: ada, sessionId: (await currentSessionId(adaPhone))! });
    expect(await getSessionUser(adaPhone)).toBeNull();
  });

  test("signing out everywhere else keeps this session and nobody else's", async () => {
    const ada = await person();
    const bob = await person("Bob");
    const here = await browser(ada.id);
    const others = [await browser(ada.id, SAFARI_IPHONE), await browser(ada.id)];
    const bobs = await browser(bob.id);
    expect(await revokeOtherSessions({ user: ada, currentSessionId: (await currentSessionId(here))! })).toBe(2);
    for (const other of others) expect(await getSessionUser(other)).toBeNull();
    expect(await getSessionUser(here)).toMatchObject({ id: ada.id });
    expect(await getSessionUser(bobs)).toMatchObject({ id: bob.id });
  });

  test("logging in makes the account active at once (the admin's list does not say never)", async () => {
    const ada = await person();
    const activeAt = async () => (await database().select({ at: users.lastActiveAt }).from(users).where(eq(users.id, ada.id)))[0]!.at;
    expect(await activeAt()).toBeNull();
    const before = Date.now();
    await browser(ada.id);
    expect(await activeAt()).toBeGreaterThanOrEqual(before);
  });

  test("last seen is written when a session is used after five quiet minutes, not on every request", async () => {
    const ada = await person();
    const here = await browser(ada.id);
    const id = (await currentSessionId(here))!;
    const lastSeen = async () => (await database().select({ at: sessions.lastSeenAt }).from(sessions).where(eq(sessions.id, id)))[0]!.at;
    await database().update(sessions).set({ lastSeenAt: 1000 }).where(eq(sessions.id, id));
    await getSessionUser(here);
    const touched = (await lastSeen())!;
    expect(touched).toBeGreaterThan(Date.now() - 60_000);
    await database().update(sessions).set({ lastSeenAt: touched - 60_000 }).where(eq(sessions.id, id));
    await getSessionUser(here);
    expect(await lastSeen()).toBe(touched - 60_000);
  });

  test("a user agent reads as a browser on a system", () => {
    expect(describeUserAgent(CHROME_LINUX)).toBe("Chrome on Linux");
    expect(describeUserAgent(SAFARI_IPHONE)).toBe("Safari on iOS");
    expect(describeUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")).toBe("Edge on Windows");
    expect(describeUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0")).toBe("Firefox on macOS");
    expect(describeUserAgent("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")).toBe("Chrome on Android");
    expect(describeUserAgent("curl/8.5.0")).toBe("curl");
    expect(describeUserAgent(null)).toBe("Unknown browser");
    // In Russian, with the catalogue's words.
    const ru = deviceWordsFor("ru");
    expect(describeUserAgent(CHROME_LINUX, ru)).toBe("Chrome на Linux");
    expect(describeUserAgent("Mozilla/5.0 (X11; Linux x86_64)", ru)).toBe("Браузер на Linux");
    expect(describeUserAgent(null, ru)).toBe("Неизвестный браузер");
  });
});

describe("preferences", () => {
  test("theme, language and custom instructions are saved on the account; empty instructions are none", async () => {
    const ada = await person();
    await savePreferences({ user: ada, input: preferencesSchema.parse({ theme: "dark", locale: "ru", customInstructions: "  Answer like a pirate.\r\nAlways.  " }) });
    expect(await getUserSettings({ userId: ada.id })).toMatchObject({ theme: "dark", locale: "ru", customInstructions: "Answer like a pirate.\nAlways." });
    await savePreferences({ user: ada, input: preferencesSchema.parse({ theme: "system", locale: "auto", customInstructions: "   " }) });
    expect(await getUserSettings({ userId: ada.id })).toMatchObject({ theme: "system", locale: null, customInstructions: null });
    expect(await getCustomInstructions({ userId: ada.id })).toBeNull();
  });

  test(`custom instructions may be ${CUSTOM_INSTRUCTIONS_MAX} characters (a line break counts once), not more; unknown themes and languages are refused`, () => {
    const parse = (fields: Record<string, string>) => preferencesSchema.safeParse({ theme: "light", locale: "en", ...fields });
    expect(parse({ customInstructions: "x".repeat(CUSTOM_INSTRUCTIONS_MAX - 2) + "\r\n" + "y" }).success).toBe(true);
    expect(parse({ customInstructions: "x".repeat(CUSTOM_INSTRUCTIONS_MAX + 1) }).error?.issues[0]).toMatchObject({ path: ["customInstructions"], message: "custom_instructions_too_long" });
    expect(parse({ theme: "neon" }).success).toBe(false);
    expect(parse({ locale: "de" }).success).toBe(false);
  });

  test("the chosen language beats the browser's Accept-Language; without one, Accept-Language decides", () => {
    const request = (cookie: string | null) => new Request("http://parley.test/", { headers: { "Accept-Language": "ru-RU,ru;q=0.9", ...(cookie ? { Cookie: cookie } : {}) } });
    expect(localeOf(request("parley_lang=en"))).toBe("en");
    expect(localeOf(request(null))).toBe("ru");
    expect(localeOf(request("parley_lang=klingon"))).toBe("ru");
  });
});
