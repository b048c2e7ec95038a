// The admin area's rules, through its services and a real SQLite file: the
// server always keeps an enabled admin (even when two admins demote each
// other at once), disabling ends sessions and refuses logins, deleting takes
// the account's data with it, reset links work once and for a day, invites
// expire, run out and can be revoked, and a model turned off is refused.
import { vi } from "vitest";

vi.hoisted(async () => {
  process.env.DEMO_TOKENS_PER_SECOND = "100000";
  process.env.ALLOW_REGISTRATION = "true";
  // Vitest runs under Node, where Bun's argon2id is not there: passwords are
  // hashed with Node's scrypt instead (what is tested is who may log in, not the hash).
  const { randomBytes, scryptSync, timingSafeEqual } = await import("node:crypto");
  (globalThis as { Bun?: unknown }).Bun ??= {
    password: {
      hash: async (password: string) => {
        const salt = randomBytes(16);
        return `scrypt$${salt.toString("hex")}$${scryptSync(password, salt, 32).toString("hex")}`;
      },
      verify: async (password: string, hash: string) => {
        const [, salt = "", digest = ""] = hash.split("$");
        const expected = Buffer.from(digest, "hex");
        const actual = scryptSync(password, Buffer.from(salt, "hex"), 32);
        return expected.length === actual.length && timingSafeEqual(expected, actual);
      },
    },
  };
});

import { count, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { attachments, blobs, chats, messages, sessions, usageRecords, userApiKeys } from "../../drizzle/schema";
import { authenticator } from "~/auth/auth.server";
import { hashPassword } from "~/auth/password.server";
import { getSessionUser, requireUser } from "~/auth/session.server";
import { database, prepareDatabase } from "~/db.server";
import { listModelGroups } from "~/llm/catalog.server";
import { modelPolicy, saveModelPolicy } from "~/llm/model-policy.server";
import { grantChatRole, requireChatAccess } from "~/models/chat-access.server";
import { createExchange, saveStreamFinal } from "~/models/message.server";
import { createUser, getUserForAdmin, type PublicUser } from "~/models/user.server";
import { AppError } from "~/protocol/errors";
import { textParts } from "~/protocol/parts";
import { createInviteLink, inviteViews, revokeInviteLink, setRegistrationMode } from "~/services/admin-registration.server";
import { changeRole, createResetLink, usersPage, deleteUser, disableUser, enableUser, RESET_LINK_TTL_MS, resetLinkAccount, resetPassword } from "~/services/admin-users.server";
import { filePartOf, storeUpload } from "~/services/attachments.server";
import * as conversation from "~/services/conversation.server";
import { readShare, shareChat } from "~/services/sharing.server";
import { streamRegistry } from "~/streaming/streams.server";
import { maybeGenerateTitle } from "~/streaming/title.server";
import { addExchange, answerUntilStopped, createTestChat, createTestUser, TEST_MODEL } from "./fixtures";
import { cookieFor, getRequest } from "./requests";
import { tFor } from "~/i18n/translate.server";

const english = tFor("en") as (key: string) => string;

const PASSWORD = "correct horse battery staple";
let firstAdmin: PublicUser;

beforeAll(async () => {
  await prepareDatabase();
  firstAdmin = await createTestUser("First admin");
  expect(firstAdmin.role).toBe("admin");
});

afterEach(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
});

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return "none";
}

async function signedIn(userId: string) {
  return getSessionUser(getRequest("/chats", await cookieFor(userId)));
}

function loginRequest(email: string, password: string): Request {
  return new Request("http://parley.test/login", { method: "POST", body: new URLSearchParams({ email, password }) });
}

async function userWithPassword(name: string) {
  return createUser({ email: `${name.toLowerCase().replace(/\W/g, "")}-${crypto.randomUUID()}@example.com`, name, passwordHash: await hashPassword(PASSWORD) });
}

describe("the list of accounts", () => {
  test("searches names and emails, 50 a page, newest first; wildcards typed are plain characters", async () => {
    const tag = `zq${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 55; i++) await createUser({ email: `${tag}-${i}@example.com`, name: `Person ${i}`, passwordHash: "x" });
    await createUser({ email: `someone-${crypto.randomUUID()}@example.com`, name: `Named ${tag.toUpperCase()} 100%_done`, passwordHash: "x" });
    const first = await usersPage({ query: tag, page: 1 });
    expect(first).toMatchObject({ total: 56, pages: 2, page: 1 });
    expect(first.users).toHaveLength(50);
    expect(first.users[0]!.name).toContain(tag.toUpperCase());
    expect(first.users[1]!.email).toBe(`${tag}-54@example.com`);
    expect((await usersPage({ query: tag, page: 2 })).users.map((u) => u.email).at(-1)).toBe(`${tag}-0@example.com`);
    expect((await usersPage({ query: "100%_d", page: 1 })).users.map((u) => u.name)).toEqual([`Named ${tag.toUpperCase()} 100%_done`]);
    expect((await usersPage({ query: "0%_d", page: 1 })).total).toBe(1);
    expect((await usersPage({ query: "%", page: 1 })).total).toBe(1);
  });
});

describe("the last admin", () => {
  test("cannot be demoted, disabled or deleted; with a second admin each can", async () => {
    // Everyone else in this file is a member or a disabled admin; make the first admin the only enabled one again.
    const alone = await createTestUser("Alone");
    await changeRole({ admin: firstAdmin, userId: alone.id, role: "admin" });
    await changeRole({ admin: alone, userId: firstAdmin.id, role: "member" });
    expect(await codeOf(changeRole({ admin: alone, userId: alone.id, role: "member" }))).toBe("last_admin");
    expect(await codeOf(disableUser({ admin: alone, userId: alone.id }))).toBe("last_admin");
    expect(await codeOf(deleteUser({ userId: alone.id, confirmEmail: alone.email }))).toBe("last_admin");
    expect(await getUserForAdmin({ userId: alone.id })).toMatchObject({ role: "admin", disabledAt: null });

    await changeRole({ admin: alone, userId: firstAdmin.id, role: "admin" });
    await changeRole({ admin: firstAdmin, userId: alone.id, role: "member" });
    expect(await getUserForAdmin({ userId: alone.id })).toMatchObject({ role: "member", changedByName: "First admin", changedByEmail: firstAdmin.email });
  });

  test("two admins demoting each other at the same moment: one wins, one admin remains", async () => {
    const a = await createTestUser("Admin A");
    const b = await createTestUser("Admin B");
    await changeRole({ admin: firstAdmin, userId: a.id, role: "admin" });
    await changeRole({ admin: firstAdmin, userId: b.id, role: "admin" });
    await changeRole({ admin: a, userId: firstAdmin.id, role: "member" });
    const outcomes = await Promise.all([codeOf(changeRole({ admin: a, userId: b.id, role: "member" })), codeOf(changeRole({ admin: b, userId: a.id, role: "member" }))]);
    expect(outcomes.sort()).toEqual(["last_admin", "none"]);
    const roles = [(await getUserForAdmin({ userId: a.id }))!.role, (await getUserForAdmin({ userId: b.id }))!.role];
    expect(roles.filter((r) => r === "admin")).toHaveLength(1);
    // Disabling each other at once ends the same way.
    const survivor = roles[0] === "admin" ? a : b;
    await changeRole({ admin: survivor, userId: firstAdmin.id, role: "admin" });
    const disabled = await Promise.all([codeOf(disableUser({ admin: survivor, userId: firstAdmin.id })), codeOf(disableUser({ admin: firstAdmin, userId: survivor.id }))]);
    expect(disabled.sort()).toEqual(["last_admin", "none"]);
    // Back to one enabled first admin for the tests that follow.
    await enableUser({ admin: survivor, userId: firstAdmin.id });
    await enableUser({ admin: firstAdmin, userId: survivor.id });
    await changeRole({ admin: firstAdmin, userId: survivor.id, role: "member" });
  });
});

describe("disabling an account", () => {
  test("ends its sessions at once and refuses its login, saying why only after the right password", async () => {
    const member = await userWithPassword("Disabled member");
    const cookie = await cookieFor(member.id);
    expect(await getSessionUser(getRequest("/chats", cookie))).toMatchObject({ id: member.id });
    await disableUser({ admin: firstAdmin, userId: member.id });
    expect(await getSessionUser(getRequest("/chats", cookie))).toBeNull();
    expect(await database().select({ n: count() }).from(sessions).where(eq(sessions.userId, member.id))).toEqual([{ n: 0 }]);
    // A session made some other way is refused as well.
    expect(await signedIn(member.id)).toBeNull();
    // The browser that had the session is sent to log in and told that its session was ended; one that never had one is not.
    const sentAway = await requireUser(getRequest("/chats", cookie)).catch((error: unknown) => error);
    expect(sentAway).toBeInstanceOf(Response);
    expect((sentAway as Response).headers.get("Location")).toBe("/login?redirectTo=%2Fchats&ended=1");
    const visitor = await requireUser(getRequest("/chats", null)).catch((error: unknown) => error);
    expect((visitor as Response).headers.get("Location")).toBe("/login?redirectTo=%2Fchats");

    const wrong = await authenticator.authenticate("login", loginRequest(member.email, "not the password")).catch((error: unknown) => error);
    // The form's message is a key of the interface's words; in English it is the generic one.
    expect(wrong).toMatchObject({ message: "auth.invalidCredentials" });
    expect(english(String((wrong as Error).message))).toBe("That email and password do not match an account.");
    const right = await authenticator.authenticate("login", loginRequest(member.email, PASSWORD)).catch((error: unknown) => error);
    expect(right).toBeInstanceOf(AppError);
    expect((right as AppError).code).toBe("account_disabled");

    await enableUser({ admin: firstAdmin, userId: member.id });
    expect(await authenticator.authenticate("login", loginRequest(member.email, PASSWORD))).toMatchObject({ id: member.id });
    expect(await signedIn(member.id)).toMatchObject({ id: member.id });
  });

  test("stops the answers being written in its chats and the titles they would ask for, and its shared links answer 404 until it is enabled again", async () => {
    const member = await userWithPassword("Member with a long answer");
    const chat = await createTestChat({ userId: member.id, title: "Rivers" });
    const untitled = await createTestChat({ userId: member.id, title: "New chat" });
    const shared = await addExchange({ chatId: chat.id, parentId: null, question: "Tell me about rivers" });
    const share = await shareChat({ access: await requireChatAccess({ chatId: chat.id, user: member, level: "own" }), user: member });
    expect((await readShare({ token: share.token })).share.id).toBe(share.id);
    const { running, stream } = await answerUntilStopped({ chatId: chat.id, parentId: shared.assistantMessageId, question: "And the seas?", begun: "The seas are" });
    // A new chat's first answer under way, with its title to be asked for once it ends.
    const { running: first, stream: firstStream } = await answerUntilStopped({ chatId: untitled.id, parentId: null, question: "Tell me about glaciers", begun: "Glaciers are" });
    const titled = maybeGenerateTitle({ chat: (await requireChatAccess({ chatId: untitled.id, user: member, level: "own" })).chat, firstMessage: "Tell me about glaciers", answerId: first.assistantMessageId, askedBy: member });

    await disableUser({ admin: firstAdmin, userId: member.id });
    expect(stream.finished).toBe(true);
    expect(firstStream.finished).toBe(true);
    await titled;
    // Named after its first message, with no model asked on the account's behalf.
    expect((await requireChatAccess({ chatId: untitled.id, user: member, level: "own" })).chat.title).toBe("Tell me about glaciers");
    expect(await database().select().from(usageRecords).where(eq(usageRecords.messageId, first.assistantMessageId))).toEqual([]);
    expect(await database().select({ status: messages.status, parts: messages.parts }).from(messages).where(eq(messages.id, running.assistantMessageId))).toEqual([
      { status: "interrupted", parts: textParts("The seas are") },
    ]);
    expect(await codeOf(readShare({ token: share.token }))).toBe("not_found");

    await enableUser({ admin: firstAdmin, userId: member.id });
    expect((await readShare({ token: share.token })).share.id).toBe(share.id);
  });
});

describe("deleting an account", () => {
  test("takes its chats, messages, files, keys and sessions; a file someone else's chat shows stays with that chat", async () => {
    const leaving = await createTestUser("Leaving");
    const staying = await createTestUser("Staying");
    await cookieFor(leaving.id);
    await database().insert(userApiKeys).values({ id: crypto.randomUUID(), userId: leaving.id, provider: "ollama", baseUrl: "https://llm.example.com/v1" });
    const allowance = { perFile: 1024 * 1024, left: 1024 * 1024 };
    const upload = async (name: string, text: string) => {
      const result = await storeUpload({ userId: leaving.id, file: { filename: name, stream: (async function* () { yield new TextEncoder().encode(text); })() }, allowance });
      if (!result.ok) throw new Error(result.problem.code);
      return result.attachment;
    };
    const own = await upload("own.txt", `only mine ${crypto.randomUUID()}`);
    const shared = await upload("shared.txt", `shown elsewhere ${crypto.randomUUID()}`);
    const ownChat = await createTestChat({ userId: leaving.id, title: "Mine" });
    const mine = await createExchange({ chatId: ownChat.id, parentId: null, parts: [filePartOf(own)], attachmentIds: [own.id], model: TEST_MODEL, instanceId: null });
    await saveStreamFinal({ messageId: mine.assistantMessageId, parts: textParts("Read it."), lastEventId: 1, status: "complete" });
    const theirChat = await createTestChat({ userId: staying.id, title: "Theirs" });
    await grantChatRole({ chatId: theirChat.id, userId: leaving.id, role: "editor" });
    const theirs = await createExchange({ chatId: theirChat.id, parentId: null, parts: [filePartOf(shared)], attachmentIds: [shared.id], model: TEST_MODEL, instanceId: null });
    await saveStreamFinal({ messageId: theirs.assistantMessageId, parts: textParts("Read it too."), lastEventId: 1, status: "complete" });

    expect(await codeOf(deleteUser({ userId: leaving.id, confirmEmail: "someone-else@example.com" }))).toBe("confirmation_mismatch");
    expect(await getUserForAdmin({ userId: leaving.id })).toBeDefined();

    await deleteUser({ userId: leaving.id, confirmEmail: ` ${leaving.email.toUpperCase()} ` });
    const db = database();
    expect(await getUserForAdmin({ userId: leaving.id })).toBeUndefined();
    expect(await db.select().from(chats).where(eq(chats.id, ownChat.id))).toEqual([]);
    expect(await db.select().from(messages).where(eq(messages.chatId, ownChat.id))).toEqual([]);
    expect(await db.select().from(sessions).where(eq(sessions.userId, leaving.id))).toEqual([]);
    expect(await db.select().from(userApiKeys).where(eq(userApiKeys.userId, leaving.id))).toEqual([]);
    expect(await db.select().from(attachments).where(eq(attachments.id, own.id))).toEqual([]);
    expect(await db.select().from(blobs).where(eq(blobs.id, own.blobId))).toEqual([]);
    // The other person's chat is whole: its message, and the file it shows, now theirs.
    expect(await db.select({ n: count() }).from(messages).where(eq(messages.chatId, theirChat.id))).toEqual([{ n: 2 }]);
    expect(await db.select({ userId: attachments.userId }).from(attachments).where(eq(attachments.id, shared.id))).toEqual([{ userId: staying.id }]);
    expect(await db.select({ n: count() }).from(blobs).where(eq(blobs.id, shared.blobId))).toEqual([{ n: 1 }]);
    expect(await codeOf(deleteUser({ userId: leaving.id, confirmEmail: leaving.email }))).toBe("user_not_found");
  });
});

describe("password-reset links", () => {
  test("work once, end every session, and set the new password", async () => {
    const member = await userWithPassword("Forgetful");
    const oldCookie = await cookieFor(member.id);
    const { token, expiresAt } = await createResetLink({ admin: firstAdmin, userId: member.id });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(expiresAt - Date.now()).toBeGreaterThan(RESET_LINK_TTL_MS - 60_000);
    expect(await resetLinkAccount({ token })).toMatchObject({ id: member.id });

    expect(await resetPassword({ token, password: "a brand new password" })).toBe(member.id);
    expect(await getSessionUser(getRequest("/chats", oldCookie))).toBeNull();
    expect(await authenticator.authenticate("login", loginRequest(member.email, "a brand new password"))).toMatchObject({ id: member.id });
    expect(await codeOf(resetPassword({ token, password: "yet another password" }))).toBe("reset_link_invalid");
    expect(await codeOf(resetLinkAccount({ token }))).toBe("reset_link_invalid");
    expect(await authenticator.authenticate("login", loginRequest(member.email, "a brand new password"))).toMatchObject({ id: member.id });
  });

  test("a disabled account's link says so and sets nothing, and works once the account is enabled again", async () => {
    const member = await userWithPassword("Paused");
    const { token } = await createResetLink({ admin: firstAdmin, userId: member.id });
    await disableUser({ admin: firstAdmin, userId: member.id });
    expect(await codeOf(resetLinkAccount({ token }))).toBe("account_disabled");
    expect(await codeOf(resetPassword({ token, password: "a password while disabled" }))).toBe("account_disabled");
    await enableUser({ admin: firstAdmin, userId: member.id });
    expect(await resetPassword({ token, password: "a password once enabled" })).toBe(member.id);
    expect(await authenticator.authenticate("login", loginRequest(member.email, "a password once enabled"))).toMatchObject({ id: member.id });
  });

  test("expire after 24 hours, and a newer link replaces an older one", async () => {
    const member = await userWithPassword("Slow");
    const { token } = await createResetLink({ admin: firstAdmin, userId: member.id });
    const later = Date.now() + RESET_LINK_TTL_MS + 1000;
    expect(await codeOf(resetLinkAccount({ token, now: later }))).toBe("reset_link_invalid");
    expect(await codeOf(resetPassword({ token, password: "too late password", now: later }))).toBe("reset_link_invalid");

    const newer = await createResetLink({ admin: firstAdmin, userId: member.id });
    expect(await codeOf(resetLinkAccount({ token }))).toBe("reset_link_invalid");
    expect(await resetLinkAccount({ token: newer.token })).toMatchObject({ id: member.id });
    expect(await codeOf(resetLinkAccount({ token: "not-a-token" }))).toBe("reset_link_invalid");
    expect(await codeOf(createResetLink({ admin: firstAdmin, userId: "0000000000000000000z" }))).toBe("user_not_found");
  });
});

describe("invites", () => {
  const signUpWith = (invite: string | null, name = "Invited") =>
    authenticator.authenticate(
      "signup",
      new Request(`http://parley.test/signup${invite ? `?invite=${invite}` : ""}`, {
        method: "POST",
        body: new URLSearchParams({ name, email: `${name.toLowerCase().replace(/\W/g, "")}-${crypto.randomUUID()}@example.com`, password: PASSWORD }),
      }),
    );
  const refusal = (work: Promise<unknown>) => codeOf(work);

  test("while invite-only, an invite lets in as many people as its uses allow, then says it is used up", async () => {
    await setRegistrationMode({ admin: firstAdmin, mode: "invite" });
    expect(await refusal(signUpWith(null))).toBe("invite_required");
    expect(await refusal(signUpWith("x".repeat(43)))).toBe("invite_invalid");
    const { token, invite } = await createInviteLink({ admin: firstAdmin, note: "two friends", maxUses: 2, days: 7 });
    expect(await signUpWith(token, "Friend one")).toMatchObject({ role: "member" });
    expect((await inviteViews()).find((v) => v.id === invite.id)).toMatchObject({ uses: 1, usesLeft: 1, state: "usable" });
    expect(await signUpWith(token, "Friend two")).toMatchObject({ role: "member" });
    expect(await refusal(signUpWith(token, "Friend three"))).toBe("invite_used_up");
    expect((await inviteViews()).find((v) => v.id === invite.id)).toMatchObject({ uses: 2, usesLeft: 0, state: "used_up" });
  });

  test("racing for an invite's last use: one gets in", async () => {
    await setRegistrationMode({ admin: firstAdmin, mode: "invite" });
    const { token } = await createInviteLink({ admin: firstAdmin, note: "", maxUses: 1, days: 1 });
    const outcomes = await Promise.all([refusal(signUpWith(token, "Racer one")), refusal(signUpWith(token, "Racer two"))]);
    expect(outcomes.sort()).toEqual(["invite_used_up", "none"]);
  });

  test("an expired or revoked invite is refused with its reason; closed registration refuses invites too", async () => {
    await setRegistrationMode({ admin: firstAdmin, mode: "invite" });
    const expired = await createInviteLink({ admin: firstAdmin, note: "", maxUses: 5, days: 1, now: Date.now() - 2 * 24 * 60 * 60 * 1000 });
    expect(await refusal(signUpWith(expired.token))).toBe("invite_expired");
    const revoked = await createInviteLink({ admin: firstAdmin, note: "", maxUses: 5, days: 7 });
    await revokeInviteLink({ inviteId: revoked.invite.id });
    expect(await refusal(signUpWith(revoked.token))).toBe("invite_revoked");
    expect((await inviteViews()).find((v) => v.id === revoked.invite.id)).toMatchObject({ state: "revoked", usesLeft: 5 });

    const usable = await createInviteLink({ admin: firstAdmin, note: "", maxUses: 5, days: 7 });
    await setRegistrationMode({ admin: firstAdmin, mode: "closed" });
    expect(await refusal(signUpWith(usable.token))).toBe("registration_closed");
    expect(await refusal(signUpWith(null))).toBe("registration_closed");
    await setRegistrationMode({ admin: firstAdmin, mode: "open" });
    expect(await signUpWith(null, "Walk in")).toMatchObject({ role: "member" });
  });
});

describe("a model the admin turned off", () => {
  test("leaves the pickers, is refused for new chats, sends and regenerations, and its chats keep their answers", async () => {
    const member = await createTestUser("Picker");
    const chat = await createTestChat({ userId: member.id, title: "Old chat" });
    const { assistantMessageId } = await addExchange({ chatId: chat.id, parentId: null, question: "Before", answer: "Answered before" });
    const before = await modelPolicy();
    await saveModelPolicy({ policy: { ...before, disabledModels: [TEST_MODEL] }, changedBy: firstAdmin.id });
    try {
      const groups = await listModelGroups({ viewer: member });
      expect(groups.flatMap((g) => g.models.map((m) => m.id))).not.toContain(TEST_MODEL);
      expect(await codeOf(conversation.startChat({ user: member, text: "New", model: TEST_MODEL }))).toBe("model_disabled");
      const access = await requireChatAccess({ chatId: chat.id, user: member, level: "write" });
      expect(await codeOf(conversation.sendMessage({ access, user: member, text: "Again" }))).toBe("model_disabled");
      expect(await codeOf(conversation.regenerate({ access, user: member, messageId: assistantMessageId }))).toBe("model_disabled");
      const kept = await database().select({ content: messages.content, model: messages.model }).from(messages).where(eq(messages.chatId, chat.id));
      expect(kept).toEqual(expect.arrayContaining([{ content: "Answered before", model: TEST_MODEL }]));

      // Turning the provider off does the same.
      await saveModelPolicy({ policy: { ...before, disabledProviders: ["demo"] }, changedBy: firstAdmin.id });
      expect(await codeOf(conversation.sendMessage({ access, user: member, text: "Again" }))).toBe("model_disabled");
    } finally {
      await saveModelPolicy({ policy: before, changedBy: firstAdmin.id });
    }
    const access = await requireChatAccess({ chatId: chat.id, user: member, level: "write" });
    expect(await conversation.sendMessage({ access, user: member, text: "Back on" })).toMatchObject({ assistantMessageId: expect.any(String) });
  });
});
