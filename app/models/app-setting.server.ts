// Server-wide settings the admin area changes (table app_settings): one JSON
// value per key. Callers parse what they read (a row written by an older
// version may not fit today's shape) and fall back to the environment.
import { eq, sql } from "drizzle-orm";
import { appSettings } from "../../drizzle/schema";
import { type Database, database, prepared } from "../db.server";

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

let known: { db: Database; values: Map<string, { value: unknown; readAt: number }> } | undefined;
/** Counts writes: a read that a write overtook does not remember what it read. */
let writes = 0;

function knownValues(): Map<string, { value: unknown; readAt: number }> {
  const db = database();
  if (known?.db !== db) known = { db, values: new Map() };
  return known.values;
}

/** The stored value, or undefined when the admin never set it. */
export async function readSetting({ key }: { key: string }): Promise<unknown> {
  const values = knownValues();
  const remembered = values.get(key);
  if (remembered && performance.now() - remembered.readAt < SETTING_FRESH_MS) return remembered.value;
  const readAt = performance.now();
  const writesBefore = writes;
  const [row] = await settingByKey().execute({ key });
  if (writes === writesBefore) values.set(key, { value: row?.value, readAt });
  return row?.value;
}

/** `changedBy`: the admin who changed it, or null when the server itself keeps the value. */
export async function writeSetting({ key, value, changedBy }: { key: string; value: unknown; changedBy: string | null }): Promise<void> {
  const changedAt = Date.now();
  writes++;
  await database()
    .insert(appSettings)
    .values({ key, value, changedBy, changedAt })
    .onConflictDoUpdate({ target: appSettings.key, set: { value, changedBy, changedAt } });
  writes++;
  knownValues().delete(key);
}
