// Child processes of a benchmark run: the fake upstream and Parley servers.
// Every child is registered so it is killed on normal exit, on error and on
// SIGINT/SIGTERM; every wait has a deadline.
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import type { Subprocess } from "bun";

const root = path.resolve(import.meta.dir, "../..");
const bunBinary = process.execPath;
const children = new Set<Subprocess>();

/** Kills every child still running (SIGKILL: used on the way out, when there is no time to be polite). */
export function killAllChildren(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
  children.clear();
}

/**
 * Runs a benchmark script's `body` and exits: an error is printed and fails
 * the run, and so does a body that returns false. Whatever happens, `closeFirst`
 * runs (a browser to close), every child is killed and `dir` is removed.
 */
export async function runToTheEnd(dir: string, body: () => Promise<boolean | void>, closeFirst?: () => Promise<unknown> | undefined): Promise<never> {
  let ok = true;
  try {
    ok = (await body()) !== false;
  } catch (error) {
    console.error(error);
    ok = false;
  } finally {
    await closeFirst?.()?.catch(() => undefined);
    killAllChildren();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(ok ? 0 : 1);
}

/** Spawns `bun <args>` with a raised open-files limit and a clean environment. */
function spawnBun(args: string[], env: Record<string, string>, name: string): Subprocess<"ignore", "pipe", "pipe"> {
  // `exec` keeps the pid the bun process's own, so /proc/<pid>/status is the server's.
  const command = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`;
  const child = Bun.spawn(["sh", "-c", command, bunBinary, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  children.add(child);
  void child.exited.then(() => children.delete(child));
  pipeLines(child.stderr, (line) => process.stderr.write(`[${name}] ${line}\n`));
  return child;
}

/** Calls `onLine` for each line of a stream (until it ends). */
function pipeLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): void {
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    const reader = stream.getReader();
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        onLine(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
    }
    if (buffer) onLine(buffer);
  })().catch(() => undefined);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface FakeUpstream {
  process: Subprocess;
  openaiURL: string;
  statsURL: string;
  /** Sets the script every generation request gets (also Parley's title requests). */
  setDefaultScript(script: unknown): Promise<void>;
  tokens(): Promise<{ written: number; open: number }>;
  resetTokenCount(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const child = spawnBun(["bench/fake-upstream.ts"], { FAKE_OPENAI_PORT: "0", FAKE_ANTHROPIC_PORT: "0", FAKE_STATS_PORT: "0", FAKE_RECORD_LIMIT: "200" }, "fake");
  const urls: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the fake upstream did not print `ready` within 15 s")), 15_000);
    void child.exited.then((code) => reject(new Error(`the fake upstream exited early (code ${code})`)));
    pipeLines(child.stdout, (line) => {
      const [name, url] = line.split(" ");
      if (name && url) urls[name] = url;
      if (line.trim() === "ready") {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const openaiURL = urls.openai!;
  const statsURL = urls.stats!;
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    await response.arrayBuffer();
  };
  return {
    process: child,
    openaiURL,
    statsURL,
    setDefaultScript: (script) => post(`${openaiURL}/__default`, script),
    tokens: async () => (await fetch(`${statsURL}/tokens`)).json() as Promise<{ written: number; open: number }>,
    resetTokenCount: () => post(`${statsURL}/tokens/reset`, {}),
    stop: () => stopChild(child),
  };
}

export interface ParleyServer {
  process: Subprocess;
  pid: number;
  baseURL: string;
  stop(): Promise<void>;
}

export async function startParley({ env, name = "parley", bootTimeoutMs = 20_000 }: { env: Record<string, string>; name?: string; bootTimeoutMs?: number }): Promise<ParleyServer> {
  await waitForBuild();
  const port = await freePort();
  // BENCH_CPU_PROFILE_DIR=<folder>: each server writes a CPU profile there (Markdown, readable as text) when it stops.
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const profile = profileDir ? ["--cpu-prof-md", `--cpu-prof-dir=${path.resolve(profileDir)}`, "--cpu-prof-interval=200"] : [];
  const child = spawnBun([...profile, "server.ts"], { ...env, PORT: String(port), HOST: "127.0.0.1" }, name);
  pipeLines(child.stdout, (line) => {
    if (!line.includes('"Parley is listening"')) process.stdout.write(`[${name}] ${line}\n`);
  });
  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + bootTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during boot (code ${child.exitCode})`);
    try {
      const response = await fetch(`${baseURL}/healthz`);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${name} did not answer /healthz within ${bootTimeoutMs / 1000} s`);
    await Bun.sleep(20);
  }
  return { process: child, pid: child.pid, baseURL, stop: () => stopChild(child) };
}

/**
 * server.ts imports build/server/index.js. Another `remix vite:build` on the
 * same checkout (a test run, say) empties build/ for a few seconds: wait for it.
 */
async function waitForBuild(): Promise<void> {
  const entry = path.join(root, "build", "server", "index.js");
  const deadline = Date.now() + 90_000;
  while (!(await Bun.file(entry).exists())) {
    if (Date.now() > deadline) throw new Error("build/server/index.js is missing: run `npx remix vite:build` first");
    await Bun.sleep(500);
  }
}

export interface BareRelay {
  process: Subprocess;
  pid: number;
  baseURL: string;
  stop(): Promise<void>;
}

/**
 * Starts `bun <script>`, a baseline server that prints `<word> <url>` once it
 * listens, and resolves with that address (10 s at most).
 */
async function startBaselineServer(script: string, env: Record<string, string>, word: string, name: string): Promise<{ child: Subprocess; url: string }> {
  const child = spawnBun([script], env, name);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 10 s`)), 10_000);
    pipeLines(child.stdout, (line) => {
      const [first, address, ...rest] = line.trim().split(" ");
      if (first === word && address && rest.length === 0) {
        clearTimeout(timer);
        resolve(address);
      }
    });
  });
  return { child, url };
}

/** bench/bare-relay.ts: the minimal Bun SSE relay used as the fan-out memory/latency baseline. */
export async function startBareRelay(upstreamURL: string): Promise<BareRelay> {
  const { child, url } = await startBaselineServer("bench/bare-relay.ts", { RELAY_PORT: "0", UPSTREAM_URL: upstreamURL, BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" }, "relay", "relay");
  return { process: child, pid: child.pid, baseURL: url, stop: () => stopChild(child) };
}

/** bench/bare-send.ts: a send and its stream with nothing but the SDK's request between them (the first-token floor). */
export async function startBareSend(upstreamURL: string): Promise<BareRelay> {
  const { child, url } = await startBaselineServer("bench/bare-send.ts", { SEND_PORT: "0", UPSTREAM_URL: upstreamURL, BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" }, "send", "bare-send");
  return { process: child, pid: child.pid, baseURL: url, stop: () => stopChild(child) };
}

/** bench/buffering-upload.ts: a bare Bun server that reads each upload whole (the upload-memory baseline). */
export async function startBufferingUploadServer(): Promise<{ pid: number; url: string; stop(): Promise<void> }> {
  const { child, url } = await startBaselineServer("bench/buffering-upload.ts", { UPLOAD_PORT: "0" }, "uploads", "buffering-upload");
  return { pid: child.pid, url, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after 12 s (Parley gives running answers up to 10 s on shutdown). */
async function stopChild(child: Subprocess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  const killed = await Promise.race([child.exited.then(() => true), Bun.sleep(12_000).then(() => false)]);
  if (!killed) child.kill("SIGKILL");
  await child.exited;
  children.delete(child);
}

/** Resident set size of a process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU time (user + system) of a process in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** Runs `bun <args>` to completion with its output shown; killed with the rest on the way out. */
export async function runBunScript(args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Promise<number> {
  const child = Bun.spawn([bunBinary, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
  });
  children.add(child);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  children.delete(child);
  return code;
}
