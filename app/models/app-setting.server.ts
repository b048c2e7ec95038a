// Server-wide settings the admin area changes (table app_settings): one JSON
// value per key. Callers parse what they read (a row written by an older
// version may not fit today's shape) and fall back to the environment.
import { eq, sql } from "drizzle-orm";
import { appSettings } from "../../drizzle/schema";
import { database, prepared } from "../db.server";
import { rememberedReads } from "./remembered.server";

const settingByKey = prepared((db) =>
  db
    .select({ value: appSettings.value })
    .from(appSettings)
    .where(eq(appSettings.key, sql.placeholder("key")))
    .limit(1)
    .prepare(),
);

/**
 * How long a value read is trusted without asking the database again. A
 * change made through this process is seen at once (writeSetting forgets the
 * key); this bounds how late a change made by another process sharing the
 * database (another machine on a libsql:// server) is seen. docs/decisions/107.
 */
export const SETTING_FRESH_MS = 1_000;

const remembered = rememberedReads<string, unknown>(SETTING_FRESH_MS);

/** The stored value, or undefined when the admin never set it. */
export async function readSetting({ key }: { key: string }): Promise<unknown> {
  return remembered.read(key, async () => {
    const [row] = await settingByKey().execute({ key });
    return row?.value;
  });
}

/** `changedBy`: the admin who changed it, or null when the server itself keeps the value. */
export async function writeSetting({ key, value, changedBy }: { key: string; value: unknown; changedBy: string | null }): Promise<void> {
  const changedAt = Date.now();
  await remembered.write(key, () =>
    database()
      .insert(appSettings)
      .values({ key, value, changedBy, changedAt })
      .onConflictDoUpdate({ target: appSettings.key, set: { value, changedBy, changedAt } }),
  );
}
