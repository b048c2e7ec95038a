// `npm run bench`: Parley's streaming and tree benchmarks, one command.
// Starts the fake upstream (bench/fake-upstream.ts) and Parley servers
// (`bun server.ts`, fresh temp database) as child processes on 127.0.0.1,
// measures, prints tables with absolute figures and ratios against baselines
// measured in the same run, then a summary with targets, and writes
// bench/results/latest.json.
//   bun bench/run.ts [--quick]       (--quick: small sizes, for trying changes)
import { Database } from "bun:sqlite";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { ParleyUser } from "./lib/client";
import { killAllChildren, runBunScript, startBareRelay, startFakeUpstream, startParley, type FakeUpstream, type ParleyServer } from "./lib/processes";
import { pacedScript } from "./lib/protocol";
import { idleCheck, isNoisy, type LoadReport, watchLoad } from "./lib/machine";
import { type FanoutLevel, printReport, type TreeResult } from "./lib/report";
import { rounded } from "./lib/stats";
import { FANOUT_GAP_MS, FANOUT_TOKENS, type FanoutRun, runFanout } from "./phases/fanout";
import { directTarget, measureSendRate, parleyTarget, relayTarget } from "./phases/fanout-targets";
import { measureResume } from "./phases/resume";
import { measureTtft, newChatTtftSample } from "./phases/ttft";
import { benchParleyEnv } from "./lib/limits";

// Bun's fetch() allows 256 requests in flight per process unless this is set
// before the process starts; 1,000 SSE readers need more. Re-run ourselves with it.
const FETCH_LIMIT = "4096";
if (process.env.BUN_CONFIG_MAX_HTTP_REQUESTS !== FETCH_LIMIT) {
  const child = Bun.spawn([process.execPath, import.meta.path, ...process.argv.slice(2)], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: FETCH_LIMIT },
    stdio: ["inherit", "inherit", "inherit"],
  });
  // The child cleans up its own servers on SIGINT/SIGTERM; wait for it.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  process.exit(await child.exited);
}

const quick = process.argv.includes("--quick");
const config = {
  sequentialSamples: quick ? 10 : 100,
  concurrentStreams: quick ? 20 : 100,
  fanoutLevels: quick ? [20, 50] : [100, 500, 1000],
  resumeSamples: quick ? 20 : 100,
  fetchLimitStreams: quick ? 0 : 300,
  treeRuns: quick ? 50 : 300,
  persistIntervalMs: 500,
};
const RUN_BUDGET_MS = 12 * 60_000;
/** Waiting for other processes to calm down before a phase, in total over the run. */
let quietBudgetMs = quick ? 0 : 60_000;

const root = path.resolve(import.meta.dir, "..");
const dataDir = mkdtempSync(path.join(tmpdir(), "parley-bench-"));
const databaseFile = path.join(dataDir, "parley.db");
const startedAt = Date.now();
const log = (line: string) => console.log(`${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s ${line}`);

function cleanUp() {
  killAllChildren();
  rmSync(dataDir, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the servers`);
    cleanUp();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  console.error(`\nThe benchmark ran past ${RUN_BUDGET_MS / 60_000} minutes: stopping.`);
  cleanUp();
  process.exit(2);
}, RUN_BUDGET_MS);

function serverEnv(fake: FakeUpstream, { defaultFetchLimit = false } = {}): Record<string, string> {
  return {
    // The session secret is fixed, so the sign-up cookie stays valid across the restarts between phases.
    ...benchParleyEnv({ databaseFile, fake }),
    PERSIST_INTERVAL_MS: String(config.persistIntervalMs),
    // See the "upstream fetch limit" check: without this, Bun holds Parley to 256 upstream answers at once.
    ...(defaultFetchLimit ? {} : { BUN_CONFIG_MAX_HTTP_REQUESTS: FETCH_LIMIT }),
  };
}

/** A fresh server on the shared database, warmed up (JIT, model list, pools) with a few short answers. */
async function warmServer(fake: FakeUpstream, user: ParleyUser, options: { defaultFetchLimit?: boolean } = {}): Promise<ParleyServer> {
  const server = await startParley({ env: serverEnv(fake, options) });
  user.baseURL = server.baseURL;
  await fake.setDefaultScript(pacedScript(5, 5));
  for (let i = 0; i < 20; i++) await newChatTtftSample(user, `warm-up ${i}`);
  await Bun.sleep(1_000);
  return server;
}

const results: Record<string, unknown> = {};
/** CPU use per phase: ours and everybody else's (a shared machine makes latencies noisy). */
const loads: Record<string, LoadReport> = {};
/**
 * Runs a phase, recording the CPU it and everybody else used. On a shared
 * machine, first waits (out of a bounded budget for the whole run) until
 * other processes leave the cores alone for a second.
 */
async function withLoad<T>(name: string, pids: () => number[], work: () => Promise<T>): Promise<T> {
  await waitForQuiet(name);
  const stop = watchLoad(pids);
  try {
    return await work();
  } finally {
    loads[name] = stop();
  }
}
async function waitForQuiet(name: string): Promise<void> {
  const waitStarted = Date.now();
  while (quietBudgetMs > 0) {
    const load = await idleCheck(1_000);
    quietBudgetMs -= 1_000;
    if (!isNoisy(load)) break;
  }
  if (Date.now() - waitStarted > 1_500) log(`  (waited ${((Date.now() - waitStarted) / 1000).toFixed(0)} s for other processes to calm down before ${name})`);
}
let exitCode = 0;
try {
  console.log(`Parley benchmark — ${new Date().toISOString()}, ${availableParallelism()} CPUs, Bun ${Bun.version}${quick ? " (quick)" : ""}`);
  console.log(`fake upstream pacing for fan-out/resume: ${FANOUT_TOKENS} tokens, ${FANOUT_GAP_MS} ms apart; PERSIST_INTERVAL_MS=${config.persistIntervalMs}`);
  const before = await idleCheck();
  if (isNoisy(before)) console.log(`⚠ other processes (or the hypervisor) are using ${(before.foreignCores + before.stealCores).toFixed(2)} of ${availableParallelism()} cores: each phase waits for a quiet second first (≤ ${quietBudgetMs / 1000} s in all)`);
  const fake = await startFakeUpstream();
  log(`fake upstream at ${fake.openaiURL}`);

  // ── 1 + 3: TTFT and resume, on one server ────────────────────────────────
  let server = await startParley({ env: serverEnv(fake) });
  const user = new ParleyUser(server.baseURL, databaseFile);
  await user.signup("bench@bench.local");
  log(`Parley at ${server.baseURL} (pid ${server.pid}); phase 1: TTFT`);
  const ours = () => [process.pid, fake.process.pid, server.pid];
  const ttft = await withLoad("TTFT", ours, () => measureTtft({ fake, user, serverPid: server.pid, sequentialSamples: config.sequentialSamples, concurrentStreams: config.concurrentStreams, log }));
  log("phase 3: resume");
  const resume = await withLoad("resume", ours, () => measureResume({ fake, user, samples: config.resumeSamples, log }));
  await server.stop();

  // ── 2: fan-out, a fresh server per level (clean RSS baseline) ────────────
  const db = new Database(databaseFile);
  db.exec("PRAGMA busy_timeout = 5000");
  const fanout: FanoutLevel[] = [];
  for (const streams of config.fanoutLevels) {
    log(`phase 2: fan-out ×${streams}`);
    const direct = await withLoad(`direct ×${streams}`, () => [process.pid, fake.process.pid], () => runFanout({ fake, target: directTarget(fake), streams, log }));
    let relay: FanoutRun | null = null;
    if (streams === Math.max(...config.fanoutLevels)) {
      const bare = await startBareRelay(fake.openaiURL);
      relay = await withLoad(`relay ×${streams}`, () => [process.pid, fake.process.pid, bare.pid], () => runFanout({ fake, target: relayTarget(bare), streams, log }));
      await bare.stop();
    }
    server = await warmServer(fake, user);
    const chatsPerSecond = await measureSendRate(user, fake);
    const target = parleyTarget({ user, pid: server.pid, db, chatsPerSecond, streams });
    const parley = await withLoad(`parley ×${streams}`, ours, () => runFanout({ fake, target, streams, log }));
    await server.stop();
    fanout.push({ streams, chatsPerSecond, direct, relay, parley });
  }

  // ── check: Bun's default fetch limit on the server ───────────────────────
  let fetchLimit: FanoutRun | null = null;
  if (config.fetchLimitStreams > 0) {
    const streams = config.fetchLimitStreams;
    log(`check: ${streams} answers on a server with Bun's default fetch limit`);
    server = await warmServer(fake, user, { defaultFetchLimit: true });
    const chatsPerSecond = await measureSendRate(user, fake);
    const target = parleyTarget({ user, pid: server.pid, db, chatsPerSecond, streams });
    fetchLimit = await withLoad("fetch-limit check", ours, () => runFanout({ fake, target, streams, log, tokens: 40 }));
    await server.stop();
  }
  db.close();
  user.close();
  await fake.stop();

  // ── 4: tree path query (its own script and database) ─────────────────────
  log("phase 4: tree path query (bench/tree-path.ts)");
  const treeJson = path.join(dataDir, "tree.json");
  await waitForQuiet("tree path");
  const treeCode = await runBunScript(["bench/tree-path.ts", "--json", treeJson, "--runs", String(config.treeRuns)]);
  if (treeCode !== 0) throw new Error(`bench/tree-path.ts exited with ${treeCode}`);
  const tree = JSON.parse(readFileSync(treeJson, "utf8")) as TreeResult;
  loads["tree path"] = tree.load;

  printReport({ ttft, fanout, resume, fetchLimit, tree, fanoutLevels: config.fanoutLevels, loads });

  // Phase 5 prints its own table (it drives Chromium in a process of its own).
  log("phase 5: Enter → first visible token in Chromium (bench/browser-ttft.ts)");
  const browserJson = path.join(dataDir, "browser-ttft.json");
  await waitForQuiet("browser TTFT");
  const browserCode = await runBunScript(["bench/browser-ttft.ts", "--json", browserJson, "--samples", String(quick ? 10 : 30)]);
  if (browserCode !== 0) throw new Error(`bench/browser-ttft.ts exited with ${browserCode}`);
  const browserTtft = JSON.parse(readFileSync(browserJson, "utf8")) as unknown;

  // Phase 6 prints its own tables too (Chromium again, its own servers).
  log("phase 6: rendering a long markdown answer in Chromium (bench/browser-render.ts)");
  const renderJson = path.join(dataDir, "browser-render.json");
  await waitForQuiet("browser rendering");
  const renderArgs = quick ? ["--tokens", "3000", "--messages", "120"] : [];
  const renderCode = await runBunScript(["bench/browser-render.ts", "--json", renderJson, ...renderArgs], {}, 300_000);
  if (renderCode !== 0) throw new Error(`bench/browser-render.ts exited with ${renderCode}`);
  const browserRender = JSON.parse(readFileSync(renderJson, "utf8")) as unknown;

  // Phase 7 prints its own table (its own Parley and a buffering baseline).
  log("phase 7: large uploads at once, the server's memory (bench/upload-memory.ts)");
  const uploadJson = path.join(dataDir, "upload-memory.json");
  await waitForQuiet("uploads");
  const uploadCode = await runBunScript(["bench/upload-memory.ts", "--json", uploadJson, ...(quick ? ["--files", "5"] : [])]);
  if (uploadCode !== 0) throw new Error(`bench/upload-memory.ts exited with ${uploadCode}`);
  const uploads = JSON.parse(readFileSync(uploadJson, "utf8")) as unknown;
  Object.assign(results, { ttft, fanout, resume, fetchLimit, tree, browserTtft, browserRender, uploads, loads });
} catch (error) {
  console.error("\nThe benchmark failed:", error);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  cleanUp();
}

if (exitCode === 0) {
  const outDir = path.join(root, "bench", "results");
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, "latest.json");
  writeFileSync(
    file,
    JSON.stringify(
      rounded({ date: new Date().toISOString(), machine: { cpus: availableParallelism(), bun: Bun.version }, quick, config, durationMs: Date.now() - startedAt, ...results }),
      null,
      2,
    ),
  );
  console.log(`\nresults: ${path.relative(process.cwd(), file)} (whole run ${((Date.now() - startedAt) / 1000).toFixed(0)} s)`);
}
process.exit(exitCode);
