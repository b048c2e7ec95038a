// The database handle. Only app/models/* and a few infrastructure modules
// (health check, migrations, stream persistence) import it.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "../drizzle/schema";
import { env } from "./env.server";

export type Database = LibSQLDatabase<typeof schema>;

interface Handle {
  client: Client;
  db: Database;
}

let handle: Handle | undefined;

/** The local file behind a `file:` URL, or null for a remote libSQL server. */
export function localDatabasePath(url: string): string | null {
  if (!url.startsWith("file:")) return null;
  const withoutScheme = url.slice("file:".length).split("?")[0]!;
  return path.resolve(withoutScheme.startsWith("//") ? fileURLToPath(url) : withoutScheme);
}

function open(): Handle {
  const { DATABASE_URL, DATABASE_AUTH_TOKEN } = env();
  const file = localDatabasePath(DATABASE_URL);
  if (file) mkdirSync(path.dirname(file), { recursive: true });
  const client = createClient({
    url: DATABASE_URL,
    authToken: DATABASE_AUTH_TOKEN,
    // One connection for a local file: PRAGMAs such as foreign_keys are
    // per-connection, and SQLite serialises writers anyway. Multi-statement
    // writes use db.batch() (atomic, synchronous on that connection), never
    // interactive transactions, which would hold the only connection.
    concurrency: file ? 1 : undefined,
    // Busy timeout (ms) for a file shared with another process (e.g. a backup).
    timeout: 5_000,
  });
  return { client, db: drizzle(client, { schema }) };
}

export function database(): Database {
  handle ??= open();
  return handle.db;
}

/**
 * A statement built and prepared once per database handle, for the queries on
 * every request's path (session lookup, chat and message by id): drizzle's
 * query builder costs more than SQLite's own lookup (~0.45 ms vs ~0.15 ms).
 */
export function prepared<T>(build: (db: Database) => T): () => T {
  let cache: { db: Database; statement: T } | undefined;
  return () => {
    const db = database();
    if (cache?.db !== db) cache = { db, statement: build(db) };
    return cache.statement;
  };
}

export function databaseClient(): Client {
  handle ??= open();
  return handle.client;
}

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../drizzle/migrations");

/**
 * Prepares the database at server start (migrations run at start, not at
 * build, so an image can be deployed against any database version): WAL so readers never block the writer, a busy timeout, foreign
 * keys, then any pending migrations.
 */
export async function prepareDatabase(options: { migrationsFolder?: string } = {}): Promise<void> {
  const client = databaseClient();
  if (localDatabasePath(env().DATABASE_URL)) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
    await client.execute("PRAGMA busy_timeout = 5000");
  }
  await client.execute("PRAGMA foreign_keys = ON");
  await migrate(database(), { migrationsFolder: options.migrationsFolder ?? migrationsFolder });
}

export async function checkDatabase(): Promise<void> {
  await databaseClient().execute("SELECT 1");
}

export function closeDatabase(): void {
  handle?.client.close();
  handle = undefined;
}
