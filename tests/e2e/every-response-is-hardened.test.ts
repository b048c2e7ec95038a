// Security review regressions: headers on every kind of response, malformed
// requests answered 4xx (never 500), quiet logs, private files, one process.
import { request as rawRequest } from "node:http";
import { connect } from "node:net";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { answerMessageId, expect, newChatAndSend, signUp, streamUrl, test, waitForAnswer } from "./fixtures";
import { E2E } from "./env";
import { startOwnServer } from "./own-server";

const REQUIRED = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
};

function expectHardened(headers: Record<string, string>, what: string, { sessionDependent = true } = {}) {
  for (const [name, value] of Object.entries(REQUIRED)) expect(headers[name], `${what}: ${name}`).toBe(value);
  expect(headers["permissions-policy"], what).toContain("camera=()");
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  if (sessionDependent) expect(headers["cache-control"], what).toMatch(/^private, no-store/);
  expect(headers["strict-transport-security"], `${what}: no HSTS over plain http`).toBeUndefined();
}

test("pages, data requests, streams, static files and errors all carry the security headers", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(404);
  await signUp(page);
  const { chatId, chatUrl } = await newChatAndSend(page, "Headers please");
  await waitForAnswer(page);
  const messageId = await answerMessageId(page);

  const documentResponse = await page.request.get(chatUrl);
  const pageHeaders = documentResponse.headers();
  expectHardened(pageHeaders, "page");
  // The page's scripts run through a per-request nonce, never unsafe-inline.
  const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(pageHeaders["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  const html = await documentResponse.text();
  const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
  expect(inlineScripts.length).toBeGreaterThan(0);
  for (const [, attributes] of inlineScripts) expect(attributes).toContain(`nonce="${nonce}"`);
  expect((await page.request.get(chatUrl)).headers()["content-security-policy"]).not.toContain(nonce!);

  expectHardened((await page.request.get(`${chatUrl}.data`)).headers(), ".data");
  const stream = await page.request.get(streamUrl(chatId, messageId));
  expectHardened(stream.headers(), "stream");
  expect(stream.headers()["cache-control"]).toBe("private, no-store, no-transform");
  expectHardened((await page.request.get("/chats/0000000000000000none")).headers(), "404 page");
  expectHardened((await page.request.get("/healthz")).headers(), "health check");
  const asset = html.match(/\/assets\/[^"]+\.js/)![0];
  const staticFile = await page.request.get(asset);
  expectHardened(staticFile.headers(), "static file", { sessionDependent: false });
  expect(staticFile.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  const missingAsset = await page.request.get("/assets/gone-after-a-deploy.js");
  expect(missingAsset.status()).toBe(404);
  expectHardened(missingAsset.headers(), "missing asset");
});

test("HSTS is sent when Parley is reached over https", async ({ request }) => {
  const response = await request.get("/login", { headers: { "X-Forwarded-Proto": "https" } });
  expect(response.headers()["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
});

test("bad bodies and methods are 400, 405 or 415 with a message, never a 500", async ({ page, request }) => {
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "A chat to poke at");
  await waitForAnswer(page);
  const cases: { path: string; method: string; headers?: Record<string, string>; data?: string }[] = [];
  for (const target of ["/login", "/signup", "/chats?index", chatUrl]) {
    cases.push(
      { path: target, method: "POST", headers: { "Content-Type": "application/json" }, data: '{"email":"a@b.c"}' },
      { path: target, method: "POST", headers: { "Content-Type": "text/plain" }, data: "intent=send" },
      { path: target, method: "POST", data: "" },
      { path: target, method: "POST", headers: { "Content-Type": "multipart/form-data; boundary=broken" }, data: "--nope\r\nnot a part" },
      { path: target, method: "PUT", headers: { "Content-Type": "application/x-www-form-urlencoded" }, data: "intent=rename&title=x" },
      { path: target, method: "DELETE" },
      { path: target, method: "PATCH", headers: { "Content-Type": "application/x-www-form-urlencoded" }, data: "intent=delete" },
    );
  }
  for (const { path: target, method, headers, data } of cases) {
    // Login and sign-up as a visitor (a signed-in user is sent on to their chats); the chats signed in.
    const client = target === "/login" || target === "/signup" ? request : page.request;
    const response = await client.fetch(target, { method, headers, data, maxRedirects: 0 });
    const what = `${method} ${target} ${headers?.["Content-Type"] ?? "(no type)"}`;
    expect([400, 405, 415], what).toContain(response.status());
    expect((await response.text()).length, what).toBeGreaterThan(0);
    if (response.status() === 405) expect(response.headers()["allow"], what).toBe("GET, HEAD, POST");
  }
  // The chat is untouched by all of that.
  await page.reload();
  await expect(page.getByTestId("chat-title")).not.toHaveText("x");
});

test("an HTTP/1.0 request without a Host header is a 400", async () => {
  const { port } = new URL(E2E.baseURL);
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.write("GET /login HTTP/1.0\r\n\r\n"));
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString()));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error("no answer")));
  });
  expect(reply).toMatch(/^HTTP\/1\.[01] 400/);
  // And a sane request still works after it.
  const status = await new Promise<number>((resolve) => rawRequest(`${E2E.baseURL}/healthz`, (res) => resolve(res.statusCode ?? 0)).end());
  expect(status).toBe(200);
});

test("unknown addresses, ?_data requests and refused methods write at most one short line to the log", async () => {
  const server = await startOwnServer();
  try {
    const before = server.output.length;
    const probes: [string, RequestInit?][] = [
      ["/definitely/not/here"],
      ["/chats/not-an-id/messages/x/stream/extra"],
      ["/login?_data=routes%2Flogin"],
      ["/chats?_data=root&x=1"],
      ["/healthz", { method: "DELETE" }],
      ["/login", { method: "OPTIONS" }],
      ["/healthz", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "a=1" }],
      // Broken %-escapes in the path.
      ["/%ZZ"],
      ["/chats/%ZZ"],
      ["/s/%ff%fe"],
    ];
    for (const [target, init] of probes) {
      const linesBefore = server.output.length;
      const response = await fetch(server.baseURL + target, { redirect: "manual", ...init });
      expect(response.status, target).toBeGreaterThanOrEqual(300);
      expect(response.status, target).toBeLessThan(500);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.output.slice(linesBefore).filter((line) => line.trim() !== "").length, `lines logged for ${target}`).toBeLessThanOrEqual(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written = server.output.slice(before).filter((line) => line.trim() !== "");
    expect(written.length).toBeLessThanOrEqual(probes.length);
    for (const line of written) expect(line.length, line).toBeLessThan(200);
    expect(written.join("\n")).not.toMatch(/\n\s+at /);
  } finally {
    await server.stop();
  }
});

test("the database and its WAL are readable by their owner only, and requests run on one connection with its settings", async () => {
  // No SESSION_SECRET: the server makes one and keeps it beside the database, in a folder it creates.
  const dataDir = mkdtempSync(path.join(path.dirname(E2E.dataDir), "own-"));
  const folder = path.join(dataDir, "made-by-parley");
  const server = await startOwnServer({ SESSION_SECRET: "", DATABASE_URL: `file:${path.join(folder, "parley.db")}` }, { dataDir });
  try {
    expect((statSync(folder).mode & 0o777).toString(8), "data folder").toBe("700");
    for (const name of ["parley.db", "parley.db-wal", "parley.db-shm", "session-secret"]) {
      const mode = statSync(path.join(folder, name)).mode & 0o777;
      expect(mode.toString(8), name).toBe("600");
    }
    const health = await (await fetch(`${server.baseURL}/healthz`)).json();
    // synchronous 1 = NORMAL, on the very connection that serves requests; one
    // connection and one configuration in the whole process (a second copy of
    // the app's modules beside the build would count 2).
    expect(health).toEqual({ status: "ok", database: { connections: 1, configs: 1, journalMode: "wal", synchronous: 1, foreignKeys: 1 } });
  } finally {
    await server.stop();
  }
});

test("files an older version left readable by everyone are made private at boot", async () => {
  const dataDir = mkdtempSync(path.join(path.dirname(E2E.dataDir), "own-"));
  const names = ["parley.db", "parley.db-wal", "parley.db-shm"];
  // An empty file is a valid empty SQLite database; stale -wal/-shm files of zero bytes are ignored by SQLite.
  for (const name of names) writeFileSync(path.join(dataDir, name), "", { mode: 0o644 });
  for (const name of names) chmodSync(path.join(dataDir, name), 0o644);
  const server = await startOwnServer({}, { dataDir });
  try {
    for (const name of names) expect((statSync(path.join(dataDir, name)).mode & 0o777).toString(8), name).toBe("600");
  } finally {
    await server.stop();
  }
});

test("server.ts loads only the server build, never a second copy of the app's modules", () => {
  const source = readFileSync("server.ts", "utf8");
  const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gm)];
  for (const [, isType, from] of imports) if (from!.startsWith("./app") || from!.startsWith("~/")) expect(isType, `server.ts imports ${from}`).toBeTruthy();
  expect(source).toContain('path.join(root, "build", "server", "index.js")');
});
