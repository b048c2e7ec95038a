// A Parley server of a test's own (fresh database, its own settings, its
// output captured), for what the shared server cannot show: its log, a closed
// registration on an empty database, the files it creates.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { E2E } from "./env";

export interface OwnServer {
  baseURL: string;
  dataDir: string;
  /** Every line the server wrote to stdout or stderr so far. */
  output: string[];
  /** The environment it runs with (port and database included), for starting another server just like it. */
  env: Record<string, string>;
  /** Stops the server; its data folder goes too unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startOwnServer(env: Record<string, string> = {}, { dataDir = mkdtempSync(path.join(path.dirname(E2E.dataDir), "own-")) } = {}): Promise<OwnServer> {
  const port = await freePort();
  const output: string[] = [];
  const serverEnv = { ...E2E.serverEnv, DATABASE_URL: `file:${path.join(dataDir, "parley.db")}`, PORT: String(port), LOG_LEVEL: "info", ...env };
  const child: ChildProcess = spawn("node_modules/.bin/bun", ["server.ts"], { env: { ...process.env, ...serverEnv }, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = "";
    stream.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      output.push(...lines);
    });
  }
  const baseURL = `http://127.0.0.1:${port}`;
  for (let deadline = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error(`the server did not start:\n${output.join("\n")}`);
    if (await fetch(`${baseURL}/healthz`).then((r) => r.ok, () => false)) break;
  }
  return {
    baseURL,
    dataDir,
    output,
    env: serverEnv,
    async stop({ keepData = false } = {}) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
