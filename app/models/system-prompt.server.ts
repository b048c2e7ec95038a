// The server's system prompt and its versions (table system_prompt_versions).
import { desc, eq } from "drizzle-orm";
import { type SystemPromptVersion, systemPromptVersions, users } from "../../drizzle/schema";
import { type Database, database } from "../db.server";
import { SETTING_FRESH_MS } from "./app-setting.server";

export type { SystemPromptVersion };
export type VersionWithAuthor = SystemPromptVersion & { authorName: string | null; authorEmail: string | null };

/** The version in force: the newest (undefined before the first is saved). */
export async function currentSystemPromptVersion(): Promise<SystemPromptVersion | undefined> {
  const [row] = await database().select().from(systemPromptVersions).orderBy(desc(systemPromptVersions.version)).limit(1);
  return row;
}

type InForce = { text: string; version: number } | null;
/** The prompt in force as last read, trusted for SETTING_FRESH_MS like the server's settings (docs/decisions/107). */
let known: { db: Database; prompt: InForce; readAt: number } | undefined;
/** Counts saved versions: a read that a save overtook does not remember what it read. */
let saves = 0;

/** What the server asks of every answer, and its version (null before an admin saves one, or while it is empty). */
export async function serverPrompt(): Promise<InForce> {
  const db = database();
  if (known?.db === db && performance.now() - known.readAt < SETTING_FRESH_MS) return known.prompt;
  const readAt = performance.now();
  const savesBefore = saves;
  const current = await currentSystemPromptVersion();
  const prompt = current && current.text ? { text: current.text, version: current.version } : null;
  if (saves === savesBefore) known = { db, prompt, readAt };
  return prompt;
}

export async function systemPromptVersion({ version }: { version: number }): Promise<SystemPromptVersion | undefined> {
  const [row] = await database().select().from(systemPromptVersions).where(eq(systemPromptVersions.version, version));
  return row;
}

/** Every version, newest first, with who saved it. */
export async function systemPromptHistory(): Promise<VersionWithAuthor[]> {
  const rows = await database()
    .select({ version: systemPromptVersions, authorName: users.name, authorEmail: users.email })
    .from(systemPromptVersions)
    .leftJoin(users, eq(users.id, systemPromptVersions.createdBy))
    .orderBy(desc(systemPromptVersions.version));
  return rows.map((row) => ({ ...row.version, authorName: row.authorName, authorEmail: row.authorEmail }));
}

export async function addSystemPromptVersion({ text, createdBy, restoredFrom }: { text: string; createdBy: string; restoredFrom?: number }): Promise<SystemPromptVersion> {
  saves++;
  const [row] = await database().insert(systemPromptVersions).values({ text, createdBy, restoredFrom: restoredFrom ?? null }).returning();
  saves++;
  known = undefined;
  return row!;
}
