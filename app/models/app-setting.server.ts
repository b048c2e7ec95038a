// Server-wide settings the admin area changes (table app_settings): one JSON
// value per key. Callers parse what they read (a row written by an older
// version may not fit today's shape) and fall back to the environment.
import { eq, sql } from "drizzle-orm";
import { appSettings } from "../../drizzle/schema";
import { database, prepared } from "../db.server";

const settingByKey = prepared((db) =>
  db
    .select({ value: appSettings.value })
    .from(appSettings)
    .where(eq(appSettings.key, sql.placeholder("key")))
    .limit(1)
    .prepare(),
);

/** The stored value, or undefined when the admin never set it. */
export async function readSetting({ key }: { key: string }): Promise<unknown> {
  const [row] = await settingByKey().execute({ key });
  return row?.value;
}

/** `changedBy`: the admin who changed it, or null when the server itself keeps the value. */
export async function writeSetting({ key, value, changedBy }: { key: string; value: unknown; changedBy: string | null }): Promise<void> {
  const changedAt = Date.now();
  await database()
    .insert(appSettings)
    .values({ key, value, changedBy, changedAt })
    .onConflictDoUpdate({ target: appSettings.key, set: { value, changedBy, changedAt } });
}
