import { and, count, desc, eq, like, ne, or, sql } from "drizzle-orm";
import { attachments, chats, passwordResets, sessions, type User, users } from "../../drizzle/schema";
import { database } from "../db.server";
import { SETTING_FRESH_MS } from "./app-setting.server";
import { blobCleanup } from "./attachment.server";
import { rememberedReads } from "./remembered.server";
import { usableInvite } from "./invite.server";
import { createId } from "../utils/id";

export type PublicUser = Pick<User, "id" | "email" | "name" | "role">;

export class EmailTakenError extends Error {}

/**
 * Creates an account. The first account ever created becomes admin — decided
 * inside the INSERT, so two racing sign-ups cannot both win. With `invite`,
 * the account is created only while that invite can be used, and takes one
 * of its uses in the same transaction (undefined: the invite could not be used).
 * With `onlyFirst`, it is created only while the server has no account at
 * all (undefined: another sign-up was first), so while registration is not
 * open, two racing sign-ups on an empty server cannot both get in.
 */
export async function createUser(input: { email: string; name: string; passwordHash: string }): Promise<PublicUser>;
export async function createUser(input: { email: string; name: string; passwordHash: string; invite: { tokenHash: string; now?: number } }): Promise<PublicUser | undefined>;
export async function createUser(input: { email: string; name: string; passwordHash: string; onlyFirst: true }): Promise<PublicUser | undefined>;
export async function createUser({
  email,
  name,
  passwordHash,
  invite,
  onlyFirst,
}: {
  email: string;
  name: string;
  passwordHash: string;
  invite?: { tokenHash: string; now?: number };
  onlyFirst?: true;
}): Promise<PublicUser | undefined> {
  const id = createId();
  const db = database();
  const role = sql`CASE WHEN EXISTS (SELECT 1 FROM users) THEN 'member' ELSE 'admin' END`;
  try {
    if (invite) {
      const now = invite.now ?? Date.now();
      const [inserted] = await db.batch([
        db.run(sql`
          INSERT INTO users (id, email, name, password_hash, role)
          SELECT ${id}, ${email.toLowerCase()}, ${name}, ${passwordHash}, ${role}
          WHERE EXISTS (SELECT 1 FROM invites WHERE ${usableInvite(invite.tokenHash, now)})`),
        db.run(sql`UPDATE invites SET uses = uses + 1 WHERE ${usableInvite(invite.tokenHash, now)} AND EXISTS (SELECT 1 FROM users WHERE id = ${id})`),
      ]);
      if (inserted.rowsAffected === 0) return undefined;
    } else if (onlyFirst) {
      const inserted = await db.run(sql`
        INSERT INTO users (id, email, name, password_hash, role)
        SELECT ${id}, ${email.toLowerCase()}, ${name}, ${passwordHash}, 'admin'
        WHERE NOT EXISTS (SELECT 1 FROM users)`);
      if (inserted.rowsAffected === 0) return undefined;
    } else {
      await db.run(sql`
        INSERT INTO users (id, email, name, password_hash, role)
        VALUES (${id}, ${email.toLowerCase()}, ${name}, ${passwordHash}, ${role})`);
    }
  } catch (error) {
    if (isEmailTaken(error)) throw new EmailTakenError();
    throw error;
  }
  const user = await getUserById(id);
  if (!user) throw new Error("user vanished right after insert");
  return user;
}

// drizzle wraps driver errors in a DrizzleQueryError ("Failed query: …" plus
// the SQL and its params); SQLite's own message is on its `cause`.
function isEmailTaken(error: unknown): boolean {
  let current = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (String((current as { message?: string }).message ?? current).includes("UNIQUE constraint failed: users.email")) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export async function getUserById(id: string): Promise<PublicUser | undefined> {
  return database().query.users.findFirst({
    where: eq(users.id, id),
    columns: { id: true, email: true, name: true, role: true },
  });
}

export async function getUserWithPasswordByEmail(email: string): Promise<User | undefined> {
  return database().query.users.findFirst({ where: eq(users.email, email.toLowerCase()) });
}

/** True once any account exists (closed registration still lets the first one through). */
export async function hasAnyUser(): Promise<boolean> {
  const rows = await database().select({ id: users.id }).from(users).limit(1);
  return rows.length > 0;
}

// ---------------------------------------------------------------- the admin area

/** What the admin's list of accounts shows. */
export type UserListItem = Pick<User, "id" | "email" | "name" | "role" | "createdAt" | "lastActiveAt" | "disabledAt" | "changedAt"> & {
  changedByName: string | null;
  /** Names are chosen by their owners: the email tells two admins called alike apart. */
  changedByEmail: string | null;
};

/** `%`, `_` and `\` typed into a search are themselves, not LIKE wildcards. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One page of accounts, newest first, those whose name or email contains `query`; and how many match in all. */
/** What the admin area shows of an account, in its list and on its page. */
const adminListColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
  lastActiveAt: users.lastActiveAt,
  disabledAt: users.disabledAt,
  changedAt: users.changedAt,
  changedByName: sql<string | null>`(SELECT changer.name FROM users AS changer WHERE changer.id = "users"."changed_by")`,
  changedByEmail: sql<string | null>`(SELECT changer.email FROM users AS changer WHERE changer.id = "users"."changed_by")`,
};

export async function listUsers({ query, page, pageSize }: { query: string; page: number; pageSize: number }): Promise<{ users: UserListItem[]; total: number }> {
  const db = database();
  const pattern = likePattern(query);
  const where = query
    ? or(sql`lower(${users.name}) LIKE ${pattern} ESCAPE '\\'`, like(users.email, sql`${pattern} ESCAPE '\\'`))
    : undefined;
  const [rows, [totalRow]] = await db.batch([
    db
      .select(adminListColumns)
      .from(users)
      .where(where)
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ total: count() }).from(users).where(where),
  ]);
  return { users: rows, total: totalRow?.total ?? 0 };
}

/** An account as the admin sees it (undefined: there is none). */
export async function getUserForAdmin({ userId }: { userId: string }): Promise<UserListItem | undefined> {
  const [row] = await database()
    .select(adminListColumns)
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row;
}

/**
 * True unless the account is an enabled admin and no other enabled admin
 * exists. Written into the statement that makes the change, so the check and
 * the change are one step: two admins demoting each other at the same moment
 * cannot both succeed.
 */
const notTheLastAdmin = (userId: string) => sql`(
  NOT EXISTS (SELECT 1 FROM users AS target WHERE target.id = ${userId} AND target.role = 'admin' AND target.disabled_at IS NULL)
  OR EXISTS (SELECT 1 FROM users AS other WHERE other.id != ${userId} AND other.role = 'admin' AND other.disabled_at IS NULL))`;

/** Whether the account is the server's only enabled admin (a change that guards against it refuses anyway; this lets a caller refuse before anything else is done). */
export async function isTheLastAdmin({ userId }: { userId: string }): Promise<boolean> {
  const [row] = await database().all<{ ok: number }>(sql`SELECT ${notTheLastAdmin(userId)} AS ok`);
  return row?.ok === 0;
}

/** How a guarded change went: done, refused because it would leave no admin, or no such account. */
export type GuardedOutcome = "done" | "last_admin" | "not_found";

async function outcomeOf(changed: number, userId: string): Promise<GuardedOutcome> {
  if (changed > 0) return "done";
  return (await getUserById(userId)) ? "last_admin" : "not_found";
}

/** Sets an account's role; taking the role from the last enabled admin is refused. */
export async function setUserRole({ userId, role, changedBy }: { userId: string; role: User["role"]; changedBy: string }): Promise<GuardedOutcome> {
  const result = await database().run(sql`
    UPDATE users SET role = ${role}, changed_by = ${changedBy}, changed_at = ${Date.now()}
    WHERE id = ${userId} AND (${role} = 'admin' OR ${notTheLastAdmin(userId)})`);
  return outcomeOf(result.rowsAffected, userId);
}

/**
 * Disables an account (its sessions go in the same transaction, so it is
 * signed out everywhere at once) or enables it again. Disabling the last
 * enabled admin is refused.
 */
export async function setUserDisabled({ userId, disabled, changedBy }: { userId: string; disabled: boolean; changedBy: string }): Promise<GuardedOutcome> {
  const db = database();
  const now = Date.now();
  const [updated] = await db.batch([
    disabled
      ? db.run(sql`
          UPDATE users SET disabled_at = coalesce(disabled_at, ${now}), changed_by = ${changedBy}, changed_at = ${now}
          WHERE id = ${userId} AND ${notTheLastAdmin(userId)}`)
      : db.run(sql`UPDATE users SET disabled_at = NULL, changed_by = ${changedBy}, changed_at = ${now} WHERE id = ${userId}`),
    db.run(sql`DELETE FROM sessions WHERE user_id = ${userId} AND EXISTS (SELECT 1 FROM users WHERE id = ${userId} AND disabled_at IS NOT NULL)`),
  ]);
  return outcomeOf(updated.rowsAffected, userId);
}

/** The ids of the chats an account owns (their answers being written are stopped before the account goes). */
export async function chatIdsOwnedBy({ userId }: { userId: string }): Promise<string[]> {
  const rows = await database().select({ id: chats.id }).from(chats).where(eq(chats.userId, userId));
  return rows.map((row) => row.id);
}

/**
 * Deletes an account and everything that is only theirs, in one transaction:
 * their chats with the messages in them, sessions, keys, reset links
 * (ON DELETE CASCADE), their files no one else's chat uses, and the stored
 * bytes no file uses any more. A file of theirs that a message in someone
 * else's chat shows is handed to that chat's owner, so that chat stays whole.
 * Deleting the last enabled admin is refused.
 */
export async function deleteUserWithData({ userId }: { userId: string }): Promise<GuardedOutcome> {
  const db = database();
  const blobIds = (await db.selectDistinct({ blobId: attachments.blobId }).from(attachments).where(eq(attachments.userId, userId))).map((row) => row.blobId);
  const guard = notTheLastAdmin(userId);
  const usedElsewhere = sql`(
    SELECT chats.user_id FROM message_attachments
      JOIN messages ON messages.id = message_attachments.message_id
      JOIN chats ON chats.id = messages.chat_id
    WHERE message_attachments.attachment_id = attachments.id AND chats.user_id != ${userId}
    LIMIT 1)`;
  const [, removed] = await db.batch([
    db.run(sql`UPDATE attachments SET user_id = ${usedElsewhere} WHERE user_id = ${userId} AND ${usedElsewhere} IS NOT NULL AND ${guard}`),
    db.run(sql`DELETE FROM users WHERE id = ${userId} AND ${guard}`),
    blobCleanup(db, blobIds),
  ]);
  return outcomeOf(removed.rowsAffected, userId);
}

/** Counts rows that belong to an account, for tests and the confirmation page. */
export async function userFootprint({ userId }: { userId: string }): Promise<{ chats: number; attachments: number; sessions: number }> {
  const db = database();
  const [[c], [a], [s]] = await db.batch([
    db.select({ n: count() }).from(chats).where(eq(chats.userId, userId)),
    db.select({ n: count() }).from(attachments).where(eq(attachments.userId, userId)),
    db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)),
  ]);
  return { chats: c?.n ?? 0, attachments: a?.n ?? 0, sessions: s?.n ?? 0 };
}

/** Whether an account is disabled (login refuses it once the password has been checked). */
export function isDisabled(user: Pick<User, "disabledAt">): boolean {
  return user.disabledAt !== null;
}

// ---------------------------------------------------------------- password-reset links

/** Stores a new reset link for an account; earlier unused links of the account stop working. */
export async function createPasswordReset({ userId, tokenHash, expiresAt, createdBy }: { userId: string; tokenHash: string; expiresAt: number; createdBy: string }): Promise<boolean> {
  const db = database();
  const [, inserted] = await db.batch([
    db.delete(passwordResets).where(and(eq(passwordResets.userId, userId), sql`${passwordResets.usedAt} IS NULL`)),
    db.run(sql`INSERT INTO password_resets (id, user_id, created_by, expires_at)
      SELECT ${tokenHash}, ${userId}, ${createdBy}, ${expiresAt} WHERE EXISTS (SELECT 1 FROM users WHERE id = ${userId})`),
  ]);
  return inserted.rowsAffected > 0;
}

/** The account a reset link is for, while the link can still be used. */
export async function passwordResetUser({ tokenHash, now = Date.now() }: { tokenHash: string; now?: number }): Promise<(PublicUser & { disabled: boolean }) | undefined> {
  const [row] = await database()
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, disabled: sql<number>`${users.disabledAt} IS NOT NULL` })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.id, tokenHash), sql`${passwordResets.usedAt} IS NULL`, sql`${passwordResets.expiresAt} > ${now}`))
    .limit(1);
  return row && { ...row, disabled: Boolean(row.disabled) };
}

/**
 * Uses a reset link: sets the new password, ends every session of the
 * account and marks the link used, in one transaction. Returns the account,
 * or undefined when the link was used, expired or never existed.
 */
export async function redeemPasswordReset({ tokenHash, passwordHash, now = Date.now() }: { tokenHash: string; passwordHash: string; now?: number }): Promise<string | undefined> {
  const db = database();
  const owner = sql`(SELECT user_id FROM password_resets WHERE id = ${tokenHash} AND used_at IS NULL AND expires_at > ${now})`;
  const [rows] = await db.batch([
    db.run(sql`UPDATE users SET password_hash = ${passwordHash} WHERE id = ${owner} RETURNING id`),
    db.run(sql`DELETE FROM sessions WHERE user_id = ${owner}`),
    db.run(sql`UPDATE password_resets SET used_at = ${now} WHERE id = ${tokenHash} AND used_at IS NULL AND expires_at > ${now}`),
  ]);
  const id = rows.rows[0]?.id;
  return typeof id === "string" ? id : undefined;
}

// ---------------------------------------------------------------- settings

export type UserSettings = Pick<User, "id" | "email" | "name" | "theme" | "locale" | "customInstructions">;

export async function getUserSettings({ userId }: { userId: string }): Promise<UserSettings | undefined> {
  return database().query.users.findFirst({
    where: eq(users.id, userId),
    columns: { id: true, email: true, name: true, theme: true, locale: true, customInstructions: true },
  });
}

/** Renames a person or changes their email; a taken email is an EmailTakenError (the unique index decides, so two racing changes cannot both win). */
export async function updateProfile({ userId, name, email }: { userId: string; name: string; email: string }): Promise<void> {
  try {
    await database().update(users).set({ name, email: email.toLowerCase() }).where(eq(users.id, userId));
  } catch (error) {
    if (isEmailTaken(error)) throw new EmailTakenError();
    throw error;
  }
}

export async function updatePreferences({
  userId,
  theme,
  locale,
  customInstructions,
}: {
  userId: string;
  theme: User["theme"];
  locale: User["locale"];
  customInstructions: string | null;
}): Promise<void> {
  await instructions.write(userId, () => database().update(users).set({ theme, locale, customInstructions }).where(eq(users.id, userId)));
}

export async function getPasswordHash({ userId }: { userId: string }): Promise<string | undefined> {
  const [row] = await database().select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.passwordHash;
}

/** The new password and the end of every other session, in one batch: no moment where the old sessions outlive the change. */
export async function changePasswordAndEndOtherSessions({ userId, passwordHash, keepSessionId }: { userId: string; passwordHash: string; keepSessionId: string | null }): Promise<void> {
  const db = database();
  await db.batch([
    db.update(users).set({ passwordHash }).where(eq(users.id, userId)),
    db.delete(sessions).where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId)),
  ]);
}

/** Each asker's custom instructions, read once a second at most (docs/decisions/107): one query fewer before most first tokens. */
const instructions = rememberedReads<string, string | null>(SETTING_FRESH_MS, { maxEntries: 10_000 });

/** The custom instructions of whoever asks for an answer (null: none). */
export async function getCustomInstructions({ userId }: { userId: string }): Promise<string | null> {
  return instructions.read(userId, async () => {
    const [row] = await database().select({ text: users.customInstructions }).from(users).where(eq(users.id, userId)).limit(1);
    return row?.text ?? null;
  });
}

/** The theme and language alone (chosen before signing up, or from the small chooser beside the login form). */
export async function updateThemeAndLocale({ userId, theme, locale }: { userId: string; theme: User["theme"]; locale: User["locale"] }): Promise<void> {
  await database().update(users).set({ theme, locale }).where(eq(users.id, userId));
}
