import { and, eq, ne, sql } from "drizzle-orm";
import { sessions, type User, users } from "../../drizzle/schema";
import { database } from "../db.server";
import { createId } from "../utils/id";

export type PublicUser = Pick<User, "id" | "email" | "name" | "role">;

export class EmailTakenError extends Error {}

/** The first account ever created becomes admin — decided inside the INSERT, so two racing sign-ups cannot both win. */
export async function createUser({
  email,
  name,
  passwordHash,
}: {
  email: string;
  name: string;
  passwordHash: string;
}): Promise<PublicUser> {
  const id = createId();
  try {
    await database().run(sql`
      INSERT INTO users (id, email, name, password_hash, role)
      VALUES (${id}, ${email.toLowerCase()}, ${name}, ${passwordHash},
              CASE WHEN EXISTS (SELECT 1 FROM users) THEN 'member' ELSE 'admin' END)`);
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

/** Whether sign-up is open: as configured, and always for the very first account (who becomes admin). */
export async function registrationOpen(allowRegistration: boolean): Promise<boolean> {
  return allowRegistration || !(await hasAnyUser());
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
  await database().update(users).set({ theme, locale, customInstructions }).where(eq(users.id, userId));
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

/** The custom instructions of whoever asks for an answer (null: none). */
export async function getCustomInstructions({ userId }: { userId: string }): Promise<string | null> {
  const [row] = await database().select({ text: users.customInstructions }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.text ?? null;
}

/** The theme and language alone (chosen before signing up, or from the small chooser beside the login form). */
export async function updateThemeAndLocale({ userId, theme, locale }: { userId: string; theme: User["theme"]; locale: User["locale"] }): Promise<void> {
  await database().update(users).set({ theme, locale }).where(eq(users.id, userId));
}
