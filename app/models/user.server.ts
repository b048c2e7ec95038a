import { eq, sql } from "drizzle-orm";
import { type User, users } from "../../drizzle/schema";
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
