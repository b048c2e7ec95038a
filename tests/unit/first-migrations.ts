// A migrations folder holding only the first `count` of the real migrations:
// how the migration tests build a database with an older schema.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";

const migrations = path.resolve("drizzle/migrations");

export function firstMigrations(count: number, parentDir: string): string {
  const folder = path.join(parentDir, `first-${count}`);
  mkdirSync(path.join(folder, "meta"), { recursive: true });
  const journal = JSON.parse(readFileSync(path.join(migrations, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(path.join(folder, "meta/_journal.json"), JSON.stringify(journal));
  for (const { tag } of journal.entries) copyFileSync(path.join(migrations, `${tag}.sql`), path.join(folder, `${tag}.sql`));
  return folder;
}

/**
 * What an upgrade finds: a database file in `dir` at the schema of the first
 * `count` migrations, filled by `seed`, then brought up to date by every
 * migration there is.
 */
export async function upgradedDatabase(count: number, dir: string, seed: (client: Client) => Promise<unknown>): Promise<Client> {
  const client = createClient({ url: `file:${path.join(dir, "old.db")}` });
  const db = drizzle(client);
  await migrate(db, { migrationsFolder: firstMigrations(count, dir) });
  await seed(client);
  await migrate(db, { migrationsFolder: migrations });
  return client;
}
