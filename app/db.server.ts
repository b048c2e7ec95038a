// The database handle. Only app/models/* and a few infrastructure modules
// (health check, migrations, stream persistence) import it.
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import Sqlite from "libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "../drizzle/schema";
import { env, localDatabasePath } from "./env.server";
import { census } from "./utils/census.server";

export type Database = LibSQLDatabase<typeof schema>;

interface Handle {
  client: Client;
  db: Database;
}

let handle: Handle | undefined;

/** Statements kept compiled per connection (the most used; a query seen once more leaves the least recent out). */
export const STATEMENTS_KEPT = 256;

interface Statement {
  columns(): unknown;
  raw(on?: boolean): Statement;
  safeIntegers(on?: boolean): Statement;
}
type Prepare = (this: object, sql: string) => Statement;

/** A statement that answers what cannot change while it is kept (its columns, its modes) without asking SQLite again. */
function remembering(statement: Statement): Statement {
  const { columns, raw, safeIntegers } = statement;
  let knownColumns: unknown;
  let rawMode: boolean | undefined;
  let notAReader: unknown;
  let safe: boolean | undefined;
  statement.columns = () => (knownColumns ??= columns.call(statement));
  statement.raw = (on = true) => {
    if (notAReader !== undefined) throw notAReader;
    if (rawMode !== on) {
      try {
        raw.call(statement, on);
      } catch (error) {
        // A statement that returns no rows refuses raw mode, every time.
        notAReader = error;
        throw error;
      }
      rawMode = on;
    }
    return statement;
  };
  statement.safeIntegers = (on = true) => {
    if (safe !== on) safeIntegers.call(statement, on);
    safe = on;
    return statement;
  };
  return statement;
}

/**
 * For a local file, @libsql/client compiles every statement again each time it
 * runs one, and asks for its columns twice (together a third of the
 * database's CPU on the send path). Each connection keeps its compiled
 * statements by SQL text instead, with their columns. That is safe because
 * the client uses a statement synchronously from start to end (bind, step
 * every row, reset) and never holds one across an await. A schema change
 * (CREATE, DROP, ALTER) forgets the connection's statements, so no kept
 * column list outlives its table. docs/decisions/106.
 */
export function keepCompiledStatements(): void {
  const proto = Sqlite.prototype as unknown as { prepare: Prepare; keepsStatements?: true };
  if (proto.keepsStatements) return;
  const compile = proto.prepare;
  const kept = new WeakMap<object, Map<string, Statement>>();
  proto.prepare = function prepare(sql) {
    let statements = kept.get(this);
    if (!statements) kept.set(this, (statements = new Map()));
    if (/^\s*(create|drop|alter)\b/i.test(sql)) {
      statements.clear();
      return compile.call(this, sql);
    }
    let statement = statements.get(sql);
    if (statement !== undefined) {
      // Most recently used last: the Map's order is the eviction order.
      statements.delete(sql);
    } else {
      statement = remembering(compile.call(this, sql));
      if (statements.size >= STATEMENTS_KEPT) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, statement);
    return statement;
  };
  proto.keepsStatements = true;
}

function open(): Handle {
  const { DATABASE_URL, DATABASE_AUTH_TOKEN } = env();
  const file = localDatabasePath(DATABASE_URL);
  // The folder holds the database and the session secret: its owner's only.
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    keepCompiledStatements();
  }
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
  census().connections++;
  // Per-connection settings, applied when the connection opens. A local
  // file's client runs these at once, before any other statement can be sent.
  if (file) {
    void client.execute("PRAGMA journal_mode = WAL");
    void client.execute("PRAGMA synchronous = NORMAL");
    void client.execute("PRAGMA busy_timeout = 5000");
  }
  void client.execute("PRAGMA foreign_keys = ON");
  return { client, db: drizzle(client, { schema }) };
}

/**
 * The settings of the connection requests use, and how many connections and
 * configurations the whole process made (health check): a second copy of this
 * module or of the configuration shows up as a count of 2.
 */
export async function connectionReport(): Promise<{ connections: number; configs: number; journalMode: string; synchronous: number; foreignKeys: number }> {
  const client = databaseClient();
  const value = async (pragma: string) => Object.values((await client.execute(`PRAGMA ${pragma}`)).rows[0] ?? {})[0];
  return {
    connections: census().connections,
    configs: census().configs,
    journalMode: String(await value("journal_mode")),
    synchronous: Number(await value("synchronous")),
    foreignKeys: Number(await value("foreign_keys")),
  };
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
 * Prepares the database at server start: migrations run at start, not at
 * build, so an image can be deployed against any database version. (The
 * connection's PRAGMAs — WAL, busy timeout, foreign keys — are set in open().)
 */
export async function prepareDatabase(options: { migrationsFolder?: string } = {}): Promise<void> {
  const folder = options.migrationsFolder ?? migrationsFolder;
  await refuseNewerDatabase(folder);
  await migrate(database(), { migrationsFolder: folder });
}

/**
 * A database a newer Parley has changed (an upgrade, then the old version
 * started again) holds tables and columns this version does not know of: it
 * would write rows the newer one then misreads. It is refused at boot, with
 * the way back, rather than used.
 */
async function refuseNewerDatabase(folder: string): Promise<void> {
  const journal = JSON.parse(readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as { entries: { when: number }[] };
  const known = Math.max(...journal.entries.map((entry) => entry.when));
  const client = databaseClient();
  const table = await client.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'");
  if (table.rows.length === 0) return;
  const newest = Number((await client.execute("SELECT max(created_at) AS newest FROM __drizzle_migrations")).rows[0]?.newest ?? 0);
  if (newest > known) {
    throw new Error(
      `a newer version of Parley has changed this database (its last change is from ${new Date(newest).toISOString().slice(0, 10)}, this version knows changes up to ${new Date(known).toISOString().slice(0, 10)}), and this version would not read it right. Start the newer version, or restore the backup made before the upgrade`,
    );
  }
}


/**
 * At shutdown: what the WAL holds is written into the database file and the
 * WAL emptied, so the file alone is the whole database (a restored backup put
 * in its place meets no stale WAL at the next start).
 */
export async function checkpointAndClose(): Promise<void> {
  if (handle && localDatabasePath(env().DATABASE_URL)) await handle.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  closeDatabase();
}

export function closeDatabase(): void {
  handle?.client.close();
  handle = undefined;
}
