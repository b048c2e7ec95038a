// `npm start` as a person runs it: it does not rebuild a fresh build, says
// little, and Ctrl-C or a SIGTERM to npm stops the server and frees its port.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./fixtures";
import { E2E } from "./env";
import { freePort } from "./own-server";

async function listening(baseURL: string): Promise<boolean> {
  return fetch(`${baseURL}/healthz`).then((response) => response.ok, () => false);
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal} to npm start stops the server and frees its port`, async () => {
    const dataDir = mkdtempSync(path.join(path.dirname(E2E.dataDir), "npm-start-"));
    const port = await freePort();
    const baseURL = `http://127.0.0.1:${port}`;
    const output: string[] = [];
    const npm: ChildProcess = spawn("npm", ["start"], {
      env: { ...process.env, ...E2E.serverEnv, PORT: String(port), DATABASE_URL: `file:${path.join(dataDir, "parley.db")}`, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [npm.stdout!, npm.stderr!]) stream.on("data", (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter((line) => line.trim())));
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    try {
      await expect.poll(() => listening(baseURL), { timeout: 30_000, message: "the server should start" }).toBe(true);
      // The build the suite made is fresh: no rebuild, and a handful of lines rather than the bundler's page.
      expect(output.join("\n")).not.toContain("Building Parley");
      expect(output.length, output.join("\n")).toBeLessThanOrEqual(8);

      npm.kill(signal);
      await expect.poll(() => listening(baseURL), { timeout: 15_000, message: "the port should be free" }).toBe(false);
      expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 15_000))])).not.toBe("still running");
      // Nothing answers on the port any more, not even a half-closed server.
      const refused = await fetch(`${baseURL}/healthz`).then(() => false, () => true);
      expect(refused).toBe(true);
    } finally {
      if (npm.exitCode === null && npm.signalCode === null) npm.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
