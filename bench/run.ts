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
import { killAllChildren, runBunScript, startFakeUpstream, startParley, type FakeUpstream, type ParleyServer } from "./lib/processes";
import { pacedScript } from "./lib/protocol";
import { heading, kib, mib, ms, ratio, rounded, table } from "./lib/stats";
import { directFanout, FANOUT_GAP_MS, FANOUT_TOKENS, parleyFanout, type DirectFanout, type ParleyFanout } from "./phases/fanout";
import { measureResume } from "./phases/resume";
import { measureTtft, parleyTtftSample } from "./phases/ttft";
import { measureUpstreamCap } from "./phases/upstream-cap";

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
  sequentialSamples: quick ? 10 : 40,
  concurrentStreams: quick ? 20 : 100,
  fanoutLevels: quick ? [20, 50] : [100, 500, 1000],
  resumeSamples: quick ? 20 : 60,
  upstreamCapStreams: quick ? 0 : 300,
  treeRuns: quick ? 50 : 300,
  persistIntervalMs: 500,
};
const RUN_BUDGET_MS = 9 * 60_000;

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
    NODE_ENV: "production",
    DATABASE_URL: `file:${databaseFile}`,
    // Fixed, so the sign-up cookie stays valid across the restarts between phases.
    SESSION_SECRET: "bench-session-secret-0123456789abcdef0123456789",
    LOG_LEVEL: "warn",
    OPENAI_API_KEY: "sk-bench",
    OPENAI_BASE_URL: fake.openaiURL,
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
  for (let i = 0; i < 20; i++) await parleyTtftSample(user, `warm-up ${i}`);
  await Bun.sleep(1_000);
  return server;
}

const results: Record<string, unknown> = {};
let exitCode = 0;
try {
  console.log(`Parley benchmark — ${new Date().toISOString()}, ${availableParallelism()} CPUs, Bun ${Bun.version}${quick ? " (quick)" : ""}`);
  console.log(`fake upstream pacing for fan-out/resume: ${FANOUT_TOKENS} tokens, ${FANOUT_GAP_MS} ms apart; PERSIST_INTERVAL_MS=${config.persistIntervalMs}`);
  const fake = await startFakeUpstream();
  log(`fake upstream at ${fake.openaiURL}`);

  // ── 1 + 3: TTFT and resume, on one server ────────────────────────────────
  let server = await startParley({ env: serverEnv(fake) });
  const user = new ParleyUser(server.baseURL, databaseFile);
  await user.signup("bench@bench.local");
  log(`Parley at ${server.baseURL} (pid ${server.pid}); phase 1: TTFT`);
  const ttft = await measureTtft({ fake, user, sequentialSamples: config.sequentialSamples, concurrentStreams: config.concurrentStreams, log });
  log("phase 3: resume");
  const resume = await measureResume({ fake, user, samples: config.resumeSamples, log });
  await server.stop();

  // ── 2: fan-out, a fresh server per level (clean RSS baseline) ────────────
  const db = new Database(databaseFile);
  db.exec("PRAGMA busy_timeout = 5000");
  const fanout: Array<{ direct: DirectFanout; parley: ParleyFanout }> = [];
  for (const streams of config.fanoutLevels) {
    log(`phase 2: fan-out ×${streams}`);
    const direct = await directFanout({ fake, streams, log });
    server = await warmServer(fake, user);
    const parley = await parleyFanout({ fake, user, serverPid: server.pid, streams, db, log });
    await server.stop();
    fanout.push({ direct, parley });
  }

  // ── check: Bun's default fetch limit on the server ───────────────────────
  let upstreamCap: Awaited<ReturnType<typeof measureUpstreamCap>> | null = null;
  if (config.upstreamCapStreams > 0) {
    log(`check: ${config.upstreamCapStreams} answers on a server with Bun's default fetch limit`);
    server = await warmServer(fake, user, { defaultFetchLimit: true });
    upstreamCap = await measureUpstreamCap({ fake, user, streams: config.upstreamCapStreams, tokens: 40, gapMs: 50, log });
    await server.stop();
  }
  db.close();
  user.close();
  await fake.stop();

  // ── 4: tree path query (its own script and database) ─────────────────────
  log("phase 4: tree path query (bench/tree-path.ts)");
  const treeJson = path.join(dataDir, "tree.json");
  const treeCode = await runBunScript(["bench/tree-path.ts", "--json", treeJson, "--runs", String(config.treeRuns)]);
  if (treeCode !== 0) throw new Error(`bench/tree-path.ts exited with ${treeCode}`);
  const tree = JSON.parse(readFileSync(treeJson, "utf8"));

  report({ ttft, fanout, resume, upstreamCap, tree });
  Object.assign(results, { ttft, fanout, resume, upstreamCap, tree });
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

// ─────────────────────────────────────────────────────────────────────────────

function report({
  ttft,
  fanout,
  resume,
  upstreamCap,
  tree,
}: {
  ttft: Awaited<ReturnType<typeof measureTtft>>;
  fanout: Array<{ direct: DirectFanout; parley: ParleyFanout }>;
  resume: Awaited<ReturnType<typeof measureResume>>;
  upstreamCap: Awaited<ReturnType<typeof measureUpstreamCap>> | null;
  tree: { cases: Array<{ label: string; n: number; p50: number; p99: number }>; ratios: Record<string, number>; checks: Record<string, boolean> };
}) {
  // 1. TTFT
  console.log(heading("1. Time to first token: POST send → first `delta` on the SSE stream"));
  const [one, many] = ttft as [(typeof ttft)[0], (typeof ttft)[0]];
  const pair = (pick: (level: typeof one) => { p50: number; p99: number }) => [ms(pick(one).p50), ms(pick(one).p99), ms(pick(many).p50), ms(pick(many).p99)];
  console.log(
    table([
      ["", `1 stream p50`, `p99`, `${many.concurrency} streams p50`, `p99`],
      ["Parley TTFT", ...pair((l) => l.parley.ttft)],
      ["  send → redirect (POST /chats?index)", ...pair((l) => l.parley.sendToRedirect)],
      ["  redirect → stream open (id lookup + GET)", ...pair((l) => l.parley.redirectToOpen)],
      ["  stream open → first delta", ...pair((l) => l.parley.openToFirstDelta)],
      ["  send → fake wrote token 0", ...pair((l) => l.parley.sendToUpstreamToken)],
      ["  fake wrote token 0 → reader (relay)", ...pair((l) => l.parley.upstreamTokenToReader)],
      ["Direct from fake TTFT (baseline)", ...pair((l) => l.direct.ttft)],
      ["  fake wrote token 0 → reader", ...pair((l) => l.direct.upstreamTokenToReader)],
      ["Overhead (Parley − direct)", ms(one.overhead.p50), ms(one.overhead.p99), ms(many.overhead.p50), ms(many.overhead.p99)],
      ["Ratio Parley / direct", ratio(one.parley.ttft.p50, one.direct.ttft.p50), ratio(one.parley.ttft.p99, one.direct.ttft.p99), ratio(many.parley.ttft.p50, many.direct.ttft.p50), ratio(many.parley.ttft.p99, many.direct.ttft.p99)],
    ]),
  );
  console.log(`samples: ${one.samples} sequential (new chat each, interleaved with direct), ${many.samples} concurrent; failures ${one.failures + many.failures}${[...one.errors, ...many.errors].map((e) => `\n  ! ${e}`).join("")}`);

  // 2. Fan-out
  console.log(heading(`2. Fan-out: N answers at once, ${FANOUT_TOKENS} tokens each, ${FANOUT_GAP_MS} ms apart, one SSE reader each`));
  const cols = (pick: (f: (typeof fanout)[0]) => string) => fanout.map(pick);
  console.log(
    table([
      ["streams", ...cols((f) => String(f.parley.streams))],
      ["chats created (bounded, 16 at a time)", ...cols((f) => `${f.parley.streams - f.parley.sendFailures} in ${(f.parley.sendDurationMs / 1000).toFixed(1)} s`)],
      ["most answers generating at once", ...cols((f) => String(f.parley.rss.maxActive))],
      ["tokens delivered / written by fake", ...cols((f) => `${f.parley.tokensDelivered} / ${f.parley.tokensWritten}`)],
      ["streams exact (tokens 0..199 once, in order)", ...cols((f) => `${f.parley.checks.tokensExact}/${f.parley.streams}`)],
      ["streams with consecutive ids 1..n", ...cols((f) => `${f.parley.checks.idsConsecutive}/${f.parley.streams}`)],
      ["streams ending `done: complete`", ...cols((f) => `${f.parley.checks.completeStatus}/${f.parley.streams}`)],
      ["database text = streamed text", ...cols((f) => `${f.parley.checks.persisted}/${f.parley.streams}`)],
      ["duplicated / missing tokens", ...cols((f) => `${f.parley.checks.duplicatedTokens} / ${f.parley.checks.missingTokens}`)],
      ["fake's actual gap p50 / p99 (nominal 50)", ...cols((f) => `${ms(f.parley.timing.upstreamGap.p50)} / ${ms(f.parley.timing.upstreamGap.p99)}`)],
      ["added inter-token delay p50 (Parley)", ...cols((f) => ms(f.parley.timing.addedGap.p50))],
      ["added inter-token delay p99 (Parley)", ...cols((f) => ms(f.parley.timing.addedGap.p99))],
      ["added inter-token delay p99 (direct)", ...cols((f) => ms(f.direct.timing.addedGap.p99))],
      ["token latency fake→reader p50 (Parley)", ...cols((f) => ms(f.parley.timing.latency.p50))],
      ["token latency fake→reader p50 (direct)", ...cols((f) => ms(f.direct.timing.latency.p50))],
      ["  ratio Parley / direct", ...cols((f) => ratio(f.parley.timing.latency.p50, f.direct.timing.latency.p50))],
      ["token latency fake→reader p99 (Parley)", ...cols((f) => ms(f.parley.timing.latency.p99))],
      ["token latency fake→reader p99 (direct)", ...cols((f) => ms(f.direct.timing.latency.p99))],
      ["  ratio Parley / direct", ...cols((f) => ratio(f.parley.timing.latency.p99, f.direct.timing.latency.p99))],
      ["live tokens (not from replay log)", ...cols((f) => `${(f.parley.liveTokenShare * 100).toFixed(1)} %`)],
      ["server RSS before", ...cols((f) => mib(f.parley.rss.before))],
      ["server RSS at peak load / max", ...cols((f) => `${mib(f.parley.rss.atPeakLoad)} / ${mib(f.parley.rss.max)}`)],
      ["RSS per active stream (max − before) / active", ...cols((f) => kib(f.parley.rss.perActiveStream))],
      ["RSS per active stream at peak load", ...cols((f) => kib(f.parley.rss.perActiveStreamAtPeakLoad))],
      ["CPU: server / fake (cores, of 2)", ...cols((f) => `${f.parley.cpu.serverCores.toFixed(2)} / ${f.parley.cpu.fakeCores.toFixed(2)}`)],
      ["direct baseline: complete, tokens / written", ...cols((f) => `${f.direct.completed}/${f.direct.streams}, ${f.direct.tokensReceived} / ${f.direct.tokensWritten}`)],
    ]),
  );
  const fanoutErrors = fanout.flatMap((f) => f.parley.errors);
  if (fanoutErrors.length) console.log(fanoutErrors.map((e) => `  ! ${e}`).join("\n"));
  console.log("added inter-token delay = reader inter-arrival − the fake's actual gap for the same two tokens (live tokens only)");

  // 3. Resume
  console.log(heading("3. Resume: GET with Last-Event-ID: n mid-answer → first replayed event"));
  console.log(
    table([
      ["", "p50", "p99", "p50 ratio"],
      ["resume → first replayed event", ms(resume.resume.firstEvent.p50), ms(resume.resume.firstEvent.p99), ratio(resume.resume.firstEvent.p50, resume.healthz.firstByte.p50)],
      ["resume → response headers", ms(resume.resume.headers.p50), ms(resume.resume.headers.p99), ratio(resume.resume.headers.p50, resume.healthz.firstByte.p50)],
      ["GET /healthz → first byte (baseline)", ms(resume.healthz.firstByte.p50), ms(resume.healthz.firstByte.p99), "1.00×"],
    ]),
  );
  console.log(`samples: ${resume.samples}; first replayed event was exactly n + 1 in ${resume.exact}${resume.errors.map((e) => `\n  ! ${e}`).join("")}`);

  // Check: fetch limit
  if (upstreamCap) {
    console.log(heading("Check: Parley with Bun's default fetch limit (no BUN_CONFIG_MAX_HTTP_REQUESTS)"));
    console.log(
      table([
        ["answers started at once", "upstream requests open (max)", "completed", "TTFT p50", "TTFT max", "waited > 1 s"],
        [String(upstreamCap.streams), String(upstreamCap.maxUpstreamOpen), String(upstreamCap.completed), ms(upstreamCap.ttft.p50), ms(upstreamCap.ttft.max), String(upstreamCap.waitedOverOneSecond)],
      ]),
    );
  }

  // Summary
  const one1 = one;
  const largest = fanout.at(-1)!;
  const fanoutExact = fanout.every(
    (f) =>
      f.parley.sendFailures === 0 &&
      f.parley.tokensDelivered === f.parley.tokensWritten &&
      f.parley.tokensDelivered === f.parley.streams * FANOUT_TOKENS &&
      f.parley.checks.tokensExact === f.parley.streams &&
      f.parley.checks.idsConsecutive === f.parley.streams &&
      f.parley.checks.completeStatus === f.parley.streams,
  );
  const persisted = fanout.every((f) => f.parley.checks.persisted === f.parley.streams);
  const bigVsSmall = tree.ratios.bigFirstVsBaselineP50!;
  const deepVsSmall = tree.ratios.bigDeepVsBaselineP50!;
  const mark = (ok: boolean) => (ok ? "PASS" : "MISS");
  console.log(heading("Summary"));
  console.log(
    table([
      ["target", "measured", ""],
      ["TTFT overhead p50 at 1 stream ≤ 5 ms", `${ms(one1.overhead.p50)} (p99 ${ms(one1.overhead.p99)})`, mark(one1.overhead.p50 <= 5)],
      [`TTFT overhead at ${many.concurrency} streams (no target)`, `p50 ${ms(many.overhead.p50)}, p99 ${ms(many.overhead.p99)}`, "INFO"],
      [
        `fan-out ${config.fanoutLevels.join("/")}: delivered = sent, exact per stream, ids consecutive`,
        fanout.map((f) => `${f.parley.tokensDelivered}/${f.parley.tokensWritten}`).join(", "),
        mark(fanoutExact),
      ],
      ["fan-out: database text = streamed text", fanout.map((f) => `${f.parley.checks.persisted}/${f.parley.streams}`).join(", "), mark(persisted)],
      [`RSS per active stream ≤ 50 KB (at ${largest.parley.streams})`, `${kib(largest.parley.rss.perActiveStream)} (${fanout.map((f) => kib(f.parley.rss.perActiveStream)).join(", ")})`, mark(largest.parley.rss.perActiveStream <= 50 * 1024)],
      [`added inter-token delay at ${largest.parley.streams} (no target)`, `p50 ${ms(largest.parley.timing.addedGap.p50)}, p99 ${ms(largest.parley.timing.addedGap.p99)} (direct p99 ${ms(largest.direct.timing.addedGap.p99)})`, "INFO"],
      ["resume replays exactly from n + 1", `${resume.exact}/${resume.samples}`, mark(resume.exact === resume.samples)],
      ["resume → first event vs /healthz TTFB (no target)", `${ms(resume.resume.firstEvent.p50)} vs ${ms(resume.healthz.firstByte.p50)} (${ratio(resume.resume.firstEvent.p50, resume.healthz.firstByte.p50)})`, "INFO"],
      ["tree page O(page): 10k-message chat p50 ≤ 2× 100-message chat", `${bigVsSmall.toFixed(2)}× newest, ${deepVsSmall.toFixed(2)}× deep \`before\``, mark(bigVsSmall <= 2 && deepVsSmall <= 2)],
      ["tree: getPathPage vs naive load-and-walk (10k)", `naive is ${tree.ratios.naiveVsQueryP50!.toFixed(0)}× slower at p50`, "INFO"],
      ["tree: pages correct (naive and query agree)", Object.values(tree.checks).every(Boolean) ? "all checks ok" : "check failed", mark(Object.values(tree.checks).every(Boolean))],
      ...(upstreamCap
        ? [[`answers beyond 256 run at once with Bun defaults`, `${upstreamCap.maxUpstreamOpen} of ${upstreamCap.streams} upstream requests open; ${upstreamCap.waitedOverOneSecond} waited > 1 s`, mark(upstreamCap.maxUpstreamOpen >= upstreamCap.streams)]]
        : []),
    ]),
  );
  console.log("(the tree and fetch-limit targets are this benchmark's own reading of the brief, not project targets)");
}
