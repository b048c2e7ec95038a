// Kept compiled statements (keepCompiledStatements): a statement is compiled
// once per connection and reused, and reuse never changes an answer — after
// writes, for statements that return no rows, past the cache's size, across
// a batch, and after the schema changes under a kept statement.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Client, createClient } from "@libsql/client";
import Sqlite from "libsql";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { keepCompiledStatements, STATEMENTS_KEPT } from "./db.server";

keepCompiledStatements();

let dir: string;
let client: Client;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "parley-statements-"));
  client = createClient({ url: `file:${path.join(dir, "test.db")}`, concurrency: 1 });
});
afterEach(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

const values = async (sql: string, args: (string | number)[] = []) => (await client.execute({ sql, args })).rows.map((row) => ({ ...row }));

describe("kept compiled statements", () => {
  test("a connection compiles a statement once and hands the same one back", () => {
    const db = new Sqlite(path.join(dir, "direct.db"));
    try {
      expect(db.prepare("SELECT 1")).toBe(db.prepare("SELECT 1"));
      expect(db.prepare("SELECT 1")).not.toBe(db.prepare("SELECT 2"));
      // Another connection keeps its own.
      const other = new Sqlite(path.join(dir, "direct.db"));
      expect(other.prepare("SELECT 1")).not.toBe(db.prepare("SELECT 1"));
      other.close();
    } finally {
      db.close();
    }
  });

  test("a kept statement reads what was written since, and statements without rows run again and again", async () => {
    await client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    const all = "SELECT id, body FROM notes ORDER BY id";
    expect(await values(all)).toEqual([]);
    for (const body of ["one", "two", "three"]) {
      const inserted = await client.execute({ sql: "INSERT INTO notes (body) VALUES (?)", args: [body] });
      expect(inserted.rowsAffected).toBe(1);
    }
    expect(await values(all)).toEqual([
      { id: 1, body: "one" },
      { id: 2, body: "two" },
      { id: 3, body: "three" },
    ]);
    expect(await values("SELECT body FROM notes WHERE id = ?", [2])).toEqual([{ body: "two" }]);
    expect(await values("SELECT body FROM notes WHERE id = ?", [3])).toEqual([{ body: "three" }]);
    expect((await client.execute({ sql: "DELETE FROM notes WHERE id = ?", args: [1] })).rowsAffected).toBe(1);
    expect((await client.execute({ sql: "DELETE FROM notes WHERE id = ?", args: [1] })).rowsAffected).toBe(0);
    expect(await values(all)).toEqual([
      { id: 2, body: "two" },
      { id: 3, body: "three" },
    ]);
  });

  test("a batch (several statements, one transaction) and its rollback on failure", async () => {
    await client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)");
    await client.batch([
      { sql: "INSERT INTO notes (body) VALUES (?)", args: ["a"] },
      { sql: "INSERT INTO notes (body) VALUES (?)", args: ["b"] },
    ]);
    await expect(
      client.batch([
        { sql: "INSERT INTO notes (body) VALUES (?)", args: ["c"] },
        { sql: "INSERT INTO notes (body) VALUES (?)", args: ["a"] },
      ]),
    ).rejects.toThrow(/UNIQUE/);
    expect(await values("SELECT body FROM notes ORDER BY id")).toEqual([{ body: "a" }, { body: "b" }]);
  });

  test("a changed table gives a kept statement its new columns", async () => {
    await client.execute("CREATE TABLE things (a TEXT)");
    await client.execute("INSERT INTO things VALUES ('x')");
    expect(await values("SELECT * FROM things")).toEqual([{ a: "x" }]);
    await client.execute("ALTER TABLE things ADD COLUMN b TEXT DEFAULT 'y'");
    expect(await values("SELECT * FROM things")).toEqual([{ a: "x", b: "y" }]);
    await client.execute("DROP TABLE things");
    await client.execute("CREATE TABLE things (c INTEGER)");
    expect(await values("SELECT * FROM things")).toEqual([]);
    expect((await client.execute("SELECT * FROM things")).columns).toEqual(["c"]);
  });

  test("more distinct statements than are kept still answer right, the evicted ones compiled again", async () => {
    await client.execute("CREATE TABLE n (v INTEGER)");
    await client.execute("INSERT INTO n VALUES (7)");
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < STATEMENTS_KEPT + 20; i++) {
        expect(await values(`SELECT v + ${i} AS total FROM n`)).toEqual([{ total: 7 + i }]);
      }
    }
  });
});
