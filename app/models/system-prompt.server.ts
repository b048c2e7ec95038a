// The server's system prompt and its versions (table system_prompt_versions).
import { desc, eq } from "drizzle-orm";
import { type SystemPromptVersion, systemPromptVersions, users } from "../../drizzle/schema";
import { database } from "../db.server";
import { SETTING_FRESH_MS } from "./app-setting.server";
import { rememberedReads } from "./remembered.server";

export type { SystemPromptVersion };
export type VersionWithAuthor = SystemPromptVersion & { authorName: string | null; authorEmail: string | null };

/** The version in force: the newest (undefined before the first is saved). */
export async function currentSystemPromptVersion(): Promise<SystemPromptVersion | undefined> {
  const [row] = await database().select().from(systemPromptVersions).orderBy(desc(systemPromptVersions.version)).limit(1);
  return row;
}

export type InForce = { text: string; version: number } | null;
/** The prompt in force, trusted for SETTING_FRESH_MS like the server's settings (docs/decisions/107). */
const inForce = rememberedReads<"in-force", InForce>(SETTING_FRESH_MS);

/** What the server asks of every answer, and its version (null before an admin saves one, or while it is empty). */
export async function serverPrompt(): Promise<InForce> {
  return inForce.read("in-force", async () => {
    const current = await currentSystemPromptVersion();
    return current && current.text ? { text: current.text, version: current.version } : null;
  });
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
  const [row] = await inForce.write("in-force", () => database().insert(systemPromptVersions).values({ text, createdBy, restoredFrom: restoredFrom ?? null }).returning());
  return row!;
}
