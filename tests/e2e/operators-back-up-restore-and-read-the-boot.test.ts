// What an operator does beside chatting: a backup made while Parley runs,
// restored as the README says, starts and holds what it held; a database
// that cannot be opened (or that a newer Parley changed) stops the boot with
// the reason; a limit's name typed wrong is said at start instead of being
// ignored; a reset link is made on the command line.
import { spawn } from "node:child_process";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "libsql";
import { expect, signUp, test } from "./fixtures";
import { E2E } from "./env";
import { freePort, startOwnServer } from "./own-server";

test("a backup made while Parley runs, put in place of the database after a stop, starts with what it held", async ({ newContext }) => {
  let server = await startOwnServer({ RATE_LIMIT_SENDS_PER_USER: "5/1m" });
  try {
    // The limit's name is RATE_LIMIT_SEND_PER_USER: the typo is named at start.
    expect(server.output.some((line) => line.includes("unknown setting ignored") && line.includes("RATE_LIMIT_SENDS_PER_USER"))).toBe(true);
    const context = await newContext({ baseURL: server.baseURL });
    const before = await signUp(await context.newPage(), { name: "Before Backup" });
    const file = path.join(server.dataDir, "parley.db");
    const backup = path.join(server.dataDir, "backup.db");
    const live = new Database(file);
    live.exec(`VACUUM INTO '${backup}'`);
    live.close();
    const otherContext = await newContext({ baseURL: server.baseURL });
    const after = await signUp(await otherContext.newPage(), { name: "After Backup" });
    // The pages close before the stop: a page still fetching its scripts would see the connection refused.
    await Promise.all([context.close(), otherContext.close()]);

    await server.stop({ keepData: true });
    // Stopped, the database file is the whole database: no WAL is left to be replayed onto a file put in its place.
    expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
    copyFileSync(backup, file);
    server = await startOwnServer({}, { dataDir: server.dataDir });
    const health = await (await fetch(`${server.baseURL}/healthz`)).json();
    expect(health.status).toBe("ok");
    const check = new Database(file, { readonly: true });
    const emails = check.prepare("SELECT email FROM users ORDER BY email").all().map((row) => (row as { email: string }).email);
    check.close();
    expect(emails).toEqual([before.email]);
    expect(emails).not.toContain(after.email);
  } finally {
    await server.stop();
  }
});

/** `bun server.ts <args>` with a server's environment, to its end: its exit code and what it printed. */
async function command(env: Record<string, string>, args: string[]): Promise<{ code: number | null; said: string }> {
  const output: string[] = [];
  const child = spawn("node_modules/.bin/bun", ["server.ts", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, said: output.join("") };
}

test("a database that cannot be opened stops the boot, saying which and why", async () => {
  const dataDir = mkdtempSync(path.join(path.dirname(E2E.dataDir), "bad-db-"));
  try {
    const file = path.join(dataDir, "notes.db");
    writeFileSync(file, "These are notes, not a database. ".repeat(200));
    const port = await freePort();
    const { code, said } = await command({ ...E2E.serverEnv, PORT: String(port), DATABASE_URL: `file:${file}` }, []);
    expect(code).toBe(1);
    expect(said).toContain(`Could not open the database at DATABASE_URL="file:${file}": `);
    expect(said).toMatch(/not a database/);
    expect(said).not.toContain("Failed query");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a database that cannot be reached or made stops the boot, saying why in words and never printing the address's password", async () => {
  const closedPort = await freePort();
  const cases = [
    { url: `libsql://parley:hunter2-db@127.0.0.1:${closedPort}`, said: `DATABASE_URL="libsql://parley:[redacted]@127.0.0.1:${closedPort}"` },
    { url: "file:/proc/parley.db", said: 'DATABASE_URL="file:/proc/parley.db": SQLite could not open or create the file there: check that its folder exists and this user may write in it' },
    { url: "file:/etc/hostname/parley.db", said: 'DATABASE_URL="file:/etc/hostname/parley.db": /etc/hostname is a file, where the database\'s folder would be' },
  ];
  for (const { url, said } of cases) {
    const booted = await command({ ...E2E.serverEnv, PORT: String(await freePort()), DATABASE_URL: url }, []);
    expect(booted.code, url).toBe(1);
    expect(booted.said, url).toContain(`Could not open the database at ${said}`);
    expect(booted.said, url).not.toContain("hunter2");
  }
});

test("a database a newer Parley has changed is refused by an older one, with the way back, and left as it was", async () => {
  const server = await startOwnServer();
  await server.stop({ keepData: true });
  const file = path.join(server.dataDir, "parley.db");
  // What an upgrade leaves behind: a change to the schema this version does not know of.
  const newer = Date.UTC(2099, 0, 2);
  const db = new Database(file);
  db.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)").run("from-a-newer-parley", newer);
  db.close();
  const { code, said } = await command(server.env, []);
  expect(code).toBe(1);
  expect(said).toMatch(/Could not open the database at DATABASE_URL="[^"]+": a newer version of Parley has changed this database \(its last change is from 2099-01-02, .*Start the newer version, or restore the backup made before the upgrade/);
  const check = new Database(file);
  expect(check.prepare("SELECT count(*) AS n FROM __drizzle_migrations WHERE created_at = ?").get(newer)).toMatchObject({ n: 1 });
  check.close();
  rmSync(server.dataDir, { recursive: true, force: true });
});

test("an operator locked out of the only admin account makes a reset link on the command line, beside the running server", async ({ newContext, browserErrors }) => {
  // The link a newer one replaced is gone (410).
  browserErrors.allowStatus(410);
  const server = await startOwnServer();
  try {
    const page = await (await newContext({ baseURL: server.baseURL })).newPage();
    const admin = await signUp(page, { name: "Only Admin" });
    const unknown = await command(server.env, ["reset-link", "nobody@example.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.said).toContain("No account has the email nobody@example.com in the database at DATABASE_URL=");
    // A database Parley never started on (a wrong DATABASE_URL) is said as such.
    const elsewhere = `file:${path.join(server.dataDir, "never-started", "parley.db")}`;
    const empty = await command({ ...server.env, DATABASE_URL: elsewhere }, ["reset-link", admin.email]);
    expect(empty.code).toBe(1);
    expect(empty.said).toContain(`Parley has not started on the database at DATABASE_URL="${elsewhere}" yet: there are no accounts in it.`);
    expect(empty.said).not.toContain(admin.email);
    const made = await command(server.env, ["reset-link", admin.email.toUpperCase()]);
    expect(made.code, made.said).toBe(0);
    expect(made.said).toContain(`A password-reset link for ${admin.email}, usable once until `);
    const link = new URL(/http:\/\/localhost:\d+\/reset-password\/[A-Za-z0-9_-]{43}/.exec(made.said)![0]);
    expect(link.port).toBe(new URL(server.baseURL).port);
    // On Fly the link has the app's address, and a newer link replaces the one before.
    const onFly = await command({ ...server.env, FLY_APP_NAME: "parley-team" }, ["reset-link", admin.email]);
    expect(onFly.code, onFly.said).toBe(0);
    const flyLink = new URL(/https:\/\/parley-team\.fly\.dev\/reset-password\/[A-Za-z0-9_-]{43}/.exec(onFly.said)![0]);
    const replaced = await (await newContext({ baseURL: server.baseURL })).newPage();
    await replaced.goto(link.pathname);
    await expect(replaced.getByTestId("reset-refused")).toBeVisible();
    // The running server was left alone: the admin's session still works, and the link is its to open.
    await page.goto("/chats");
    await expect(page).toHaveURL(/\/chats$/);
    const other = await (await newContext({ baseURL: server.baseURL })).newPage();
    await other.goto(flyLink.pathname);
    await expect(other.getByText(admin.email)).toBeVisible();
    await other.getByLabel(/New password/).fill("a new and better password");
    await other.getByRole("button", { name: "Set new password" }).click();
    await expect(other).toHaveURL(/\/chats$/);
    await expect(other.getByRole("link", { name: "Admin" })).toBeVisible();
  } finally {
    await server.stop();
  }
});

test("a database server that takes the connection and never answers stops the boot after a while, saying so", async () => {
  test.setTimeout(90_000);
  const sockets: Socket[] = [];
  const silent = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const { port: silentPort } = silent.address() as AddressInfo;
  try {
    const { code, said } = await command({ ...E2E.serverEnv, PORT: String(await freePort()), DATABASE_URL: `libsql://127.0.0.1:${silentPort}` }, []);
    expect(code).toBe(1);
    expect(said).toContain(`Could not open the database at DATABASE_URL="libsql://127.0.0.1:${silentPort}": no answer in 30 s`);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});
