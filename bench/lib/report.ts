// The benchmark's printed report: one table per phase, absolute figures and
// ratios against the baselines of the same run, then the summary with targets.
import { availableParallelism } from "node:os";
import type { FanoutRun } from "../phases/fanout";
import { FANOUT_GAP_MS, FANOUT_TOKENS } from "../phases/fanout";
import type { ResumeResult } from "../phases/resume";
import type { TtftLevel } from "../phases/ttft";
import { isNoisy, type LoadReport, NOISE_CORES } from "./machine";
import { heading, kib, mib, ms, ratio, table } from "./stats";

function us(value: number | null): string {
  return value === null || !Number.isFinite(value) ? "—" : `${value.toFixed(0)} µs`;
}

/** Tokens per second one fully busy core could relay at this CPU cost. */
function perCore(cpuPerTokenUs: number | null): string {
  return cpuPerTokenUs === null || !(cpuPerTokenUs > 0) ? "—" : `${Math.round(1_000_000 / cpuPerTokenUs).toLocaleString("en")} tokens/s`;
}

export interface FanoutLevel {
  streams: number;
  /** Chats Parley created per second in the probe before the run. */
  chatsPerSecond: number;
  direct: FanoutRun;
  /** Only at the largest level. */
  relay: FanoutRun | null;
  parley: FanoutRun;
}

export interface TreeResult {
  cases: Array<{ label: string; n: number; p50: number; p99: number }>;
  ratios: Record<string, number>;
  checks: Record<string, boolean>;
  load: LoadReport;
}

/** Phase 1's table: Parley's time to first token against the fake's, one at a time and many at once. */
export function printTtft(ttft: TtftLevel[], loads: Record<string, LoadReport>) {
  const loadLine = (...names: string[]) => loadLines(loads, names);
  console.log(heading("1. Time to first token: send (POST and stream GET together, as the page does) → first `delta`"));
  const [one, many] = ttft as [(typeof ttft)[0], (typeof ttft)[0]];
  const pair = (pick: (level: typeof one) => { p50: number; p99: number }) => [ms(pick(one).p50), ms(pick(one).p99), ms(pick(many).p50), ms(pick(many).p99)];
  console.log(
    table([
      ["", `1 stream p50`, `p99`, `${many.concurrency} at once p50`, `p99`],
      ["Parley TTFT", ...pair((l) => l.parley.ttft)],
      ["  POST send → its response", ...pair((l) => l.parley.sendAnswered)],
      ["  stream GET → response headers", ...pair((l) => l.parley.streamOpened)],
      ["  send → fake wrote token 0", ...pair((l) => l.parley.sendToUpstreamToken)],
      ["  fake wrote token 0 → reader", ...pair((l) => l.parley.upstreamTokenToReader)],
      ["Direct from fake TTFT (baseline)", ...pair((l) => l.direct.ttft)],
      ["Parley server CPU per answer (whole life)", ms(one.serverCpuMsPerAnswer), "", ms(many.serverCpuMsPerAnswer), ""],
      ["Overhead (Parley − direct)", ms(one.overhead.p50), ms(one.overhead.p99), ms(many.overhead.p50), ms(many.overhead.p99)],
      ["Floor TTFT (bench/bare-send.ts: same SDK, nothing else)", ...pair((l) => l.floor.ttft)],
      ["  floor overhead (floor − direct)", ms(one.floor.overhead.p50), ms(one.floor.overhead.p99), ms(many.floor.overhead.p50), ms(many.floor.overhead.p99)],
      ["  Parley − floor (checks, reads, store, registry)", ms(one.overFloor.p50), ms(one.overFloor.p99), ms(many.overFloor.p50), ms(many.overFloor.p99)],
      ["Ratio Parley / direct", ratio(one.parley.ttft.p50, one.direct.ttft.p50), ratio(one.parley.ttft.p99, one.direct.ttft.p99), ratio(many.parley.ttft.p50, many.direct.ttft.p50), ratio(many.parley.ttft.p99, many.direct.ttft.p99)],
      ...(one.newChat
        ? [["New chat (form POST → redirect → stream GET) TTFT", ms(one.newChat.ttft.p50), ms(one.newChat.ttft.p99), "", ""], ["  overhead vs direct", ms(one.newChat.overhead.p50), ms(one.newChat.overhead.p99), "", ""]]
        : []),
    ]),
  );
  console.log(`samples: ${one.samples} one at a time (follow-ups in a pool of chats, interleaved with direct ones), ${many.samples} at once; failures ${one.failures + many.failures}${[...one.errors, ...many.errors].map((e) => `\n  ! ${e}`).join("")}`);
  console.log("the fake answers at once (no upstream think time), so all of Parley's work is on the critical path");
  console.log(loadLine("TTFT"));

}

export function printReport({
  ttft,
  fanout,
  resume,
  fetchLimit,
  tree,
  fanoutLevels,
  loads,
}: {
  ttft: TtftLevel[];
  fanout: FanoutLevel[];
  resume: ResumeResult;
  fetchLimit: FanoutRun | null;
  tree: TreeResult;
  fanoutLevels: number[];
  /** CPU use per phase, ours and everybody else's. */
  loads: Record<string, LoadReport>;
}) {
  const loadLine = (...names: string[]) => loadLines(loads, names);
  printTtft(ttft, loads);

  // 2. Fan-out
  console.log(heading(`2. Fan-out: N answers at once, ${FANOUT_TOKENS} tokens each ${FANOUT_GAP_MS} ms apart, one SSE reader each`));
  const cols = (pick: (f: FanoutLevel) => string) => fanout.map(pick);
  const check = (run: FanoutRun, key: "tokensExact" | "idsConsecutive" | "completeStatus") => `${run.checks[key]}/${run.streams}`;
  console.log(
    table([
      ["streams", ...cols((f) => String(f.streams))],
      ["Parley: chats created (16 sends in flight)", ...cols((f) => `${f.parley.streams - f.parley.startFailures} in ${(f.parley.startDurationMs / 1000).toFixed(1)} s`)],
      ["Parley: answers generating at once (max)", ...cols((f) => String(f.parley.maxActive))],
      ["tokens delivered / written by the fake", ...cols((f) => `${f.parley.tokensDelivered} / ${f.parley.tokensWritten}`)],
      ["streams exact (tokens 0..199 once, in order)", ...cols((f) => check(f.parley, "tokensExact"))],
      ["streams with event ids 1, 2, 3… (no gap/repeat)", ...cols((f) => check(f.parley, "idsConsecutive"))],
      ["streams ending `done` complete", ...cols((f) => check(f.parley, "completeStatus"))],
      ["database text = streamed text", ...cols((f) => `${f.parley.checks.persisted}/${f.parley.streams}`)],
      ["duplicated / missing tokens", ...cols((f) => `${f.parley.checks.duplicatedTokens} / ${f.parley.checks.missingTokens}`)],
      ["fake's actual gap p50 / p99 (nominal 50)", ...cols((f) => `${ms(f.parley.timing.upstreamGap.p50)} / ${ms(f.parley.timing.upstreamGap.p99)}`)],
      ["added inter-token delay p50 Parley / direct", ...cols((f) => `${ms(f.parley.timing.addedGap.p50)} / ${ms(f.direct.timing.addedGap.p50)}`)],
      ["added inter-token delay p99 Parley / direct", ...cols((f) => `${ms(f.parley.timing.addedGap.p99)} / ${ms(f.direct.timing.addedGap.p99)}`)],
      ["token latency fake→reader p50 Parley / direct", ...cols((f) => `${ms(f.parley.timing.latency.p50)} / ${ms(f.direct.timing.latency.p50)}`)],
      ["token latency fake→reader p99 Parley / direct", ...cols((f) => `${ms(f.parley.timing.latency.p99)} / ${ms(f.direct.timing.latency.p99)}`)],
      ["  p99 ratio Parley / direct", ...cols((f) => ratio(f.parley.timing.latency.p99, f.direct.timing.latency.p99))],
      ["server RSS before → streaming (max)", ...cols((f) => (f.parley.rss ? `${mib(f.parley.rss.before)} → ${mib(f.parley.rss.streaming)} (${mib(f.parley.rss.max)})` : "—"))],
      ["RSS per active stream (worst: max)", ...cols((f) => (f.parley.rss ? `${kib(f.parley.rss.perActiveStream)} (${kib(f.parley.rss.perActiveStreamMax)})` : "—"))],
      ["last token after the fake's schedule", ...cols((f) => `${f.parley.behindScheduleS.toFixed(1)} s (direct ${f.direct.behindScheduleS.toFixed(1)} s)`)],
      ["CPU per token: server / fake / readers", ...cols((f) => `${us(f.parley.cpuPerTokenUs.target)} / ${us(f.parley.cpuPerTokenUs.fake)} / ${us(f.parley.cpuPerTokenUs.readers)}`)],
      ["  → tokens/s one core could relay (server)", ...cols((f) => perCore(f.parley.cpuPerTokenUs.target))],
      ["rig CPU needed at this rate (of 2 cores)", ...cols((f) => `${f.parley.rigCoresNeeded.toFixed(2)}${f.parley.rigCoresNeeded > 1.6 ? " ⚠ CPU-bound" : ""}`)],
      ["CPU cores: Parley server / fake (of 2)", ...cols((f) => `${(f.parley.cpuCores.target ?? 0).toFixed(2)} / ${f.parley.cpuCores.fake.toFixed(2)}`)],
      ["took (start of sends → last token)", ...cols((f) => `${(f.parley.durationMs / 1000).toFixed(1)} s (direct ${(f.direct.durationMs / 1000).toFixed(1)} s)`)],
      ["direct baseline: streams exact, tokens / written", ...cols((f) => `${check(f.direct, "tokensExact")}, ${f.direct.tokensDelivered} / ${f.direct.tokensWritten}`)],
    ]),
  );
  const top = fanout.at(-1)!;
  if (top.relay) {
    const relay = top.relay;
    const parley = top.parley;
    console.log(`\nBaseline at ${top.streams}: bench/bare-relay.ts, a minimal Bun process relaying each upstream stream as SSE (fetch → parse → enqueue):`);
    console.log(
      table([
        ["", "bare relay", "Parley", "Parley / relay"],
        ["streams exact / ids consecutive", `${check(relay, "tokensExact")} / ${check(relay, "idsConsecutive")}`, `${check(parley, "tokensExact")} / ${check(parley, "idsConsecutive")}`, ""],
        ["answers at once (max)", String(relay.maxActive), String(parley.maxActive), ""],
        ["token latency fake→reader p50", ms(relay.timing.latency.p50), ms(parley.timing.latency.p50), ratio(parley.timing.latency.p50, relay.timing.latency.p50)],
        ["token latency fake→reader p99", ms(relay.timing.latency.p99), ms(parley.timing.latency.p99), ratio(parley.timing.latency.p99, relay.timing.latency.p99)],
        ["added inter-token delay p99", ms(relay.timing.addedGap.p99), ms(parley.timing.addedGap.p99), ratio(parley.timing.addedGap.p99, relay.timing.addedGap.p99)],
        ["RSS per active stream", kib(relay.rss!.perActiveStream), kib(parley.rss!.perActiveStream), ratio(parley.rss!.perActiveStream, relay.rss!.perActiveStream)],
        ["RSS per active stream, worst (max)", kib(relay.rss!.perActiveStreamMax), kib(parley.rss!.perActiveStreamMax), ratio(parley.rss!.perActiveStreamMax, relay.rss!.perActiveStreamMax)],
        ["CPU per token delivered", us(relay.cpuPerTokenUs.target), us(parley.cpuPerTokenUs.target), ratio(parley.cpuPerTokenUs.target ?? NaN, relay.cpuPerTokenUs.target ?? NaN)],
        ["rig CPU needed at this rate (of 2 cores)", relay.rigCoresNeeded.toFixed(2), parley.rigCoresNeeded.toFixed(2), ""],
        ["last token after the fake's schedule", `${relay.behindScheduleS.toFixed(1)} s`, `${parley.behindScheduleS.toFixed(1)} s`, ""],
        ["took (start → last token)", `${(relay.durationMs / 1000).toFixed(1)} s`, `${(parley.durationMs / 1000).toFixed(1)} s`, ""],
      ]),
    );
  }
  const fanoutErrors = fanout.flatMap((f) => [...f.parley.errors, ...f.direct.errors, ...(f.relay?.errors ?? [])]);
  if (fanoutErrors.length) console.log(fanoutErrors.map((e) => `  ! ${e}`).join("\n"));
  console.log("added inter-token delay = reader inter-arrival − the fake's actual gap between the same two tokens; latency = reader time − the fake's write stamp (live tokens only)");
  console.log("every first token is held until all N chats exist (+ up to 1 s jitter), so the N answers stream together");
  console.log(loadLine(...fanout.flatMap((f) => [`direct ×${f.streams}`, ...(f.relay ? [`relay ×${f.streams}`] : []), `parley ×${f.streams}`])));

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
  console.log(`samples: ${resume.samples}; the first replayed event was exactly n + 1 in ${resume.exact}${resume.errors.map((e) => `\n  ! ${e}`).join("")}`);
  console.log(loadLine("resume"));

  // 4. Tree
  const naiveBig = tree.cases[4]!;
  const bigFirst = tree.cases[1]!;
  printTree({ cases: tree.cases, naiveVsQuery: [naiveBig, bigFirst], load: tree.load, checks: tree.checks });

  // Check: fetch limit
  if (fetchLimit) {
    console.log(heading("Check: Parley on Bun's default fetch limit (BUN_CONFIG_MAX_HTTP_REQUESTS unset)"));
    console.log(
      table([
        ["answers started together", "upstream requests open (max)", "first token > 1 s late", "complete", "took"],
        [String(fetchLimit.streams), String(fetchLimit.maxActive), String(fetchLimit.startedLate), `${fetchLimit.checks.completeStatus}/${fetchLimit.streams}`, `${(fetchLimit.durationMs / 1000).toFixed(1)} s`],
      ]),
    );
    console.log("every other Parley run above sets BUN_CONFIG_MAX_HTTP_REQUESTS=4096 on the server; without it Bun's fetch() keeps ≤ 256 requests in flight per process");
    console.log(loadLine("fetch-limit check"));
  }

  // Summary
  const largest = fanout.at(-1)!;
  const exact = (run: FanoutRun) =>
    run.startFailures === 0 &&
    run.tokensDelivered === run.tokensWritten &&
    run.tokensDelivered === run.streams * FANOUT_TOKENS &&
    run.checks.tokensExact === run.streams &&
    run.checks.idsConsecutive === run.streams &&
    run.checks.completeStatus === run.streams;
  const fanoutExact = fanout.every((f) => exact(f.parley));
  const allConcurrent = fanout.every((f) => f.parley.maxActive >= f.streams);
  const persisted = fanout.every((f) => f.parley.checks.persisted === f.streams);
  const bigVsSmall = tree.ratios.bigFirstVsBaselineP50!;
  const deepVsSmall = tree.ratios.bigDeepVsBaselineP50!;
  const treeOk = Object.values(tree.checks).every(Boolean);
  const mark = (ok: boolean) => (ok ? "PASS" : "MISS");
  const [one, many] = ttft as [TtftLevel, TtftLevel];
  console.log(heading("Summary"));
  console.log(
    table([
      ["target", "measured", ""],
      ["TTFT added at 1 stream: p50 ≤ 2 ms, p99 ≤ 10 ms", `p50 ${ms(one.overhead.p50)}, p99 ${ms(one.overhead.p99)} (${ratio(one.parley.ttft.p50, one.direct.ttft.p50)} direct; floor p50 ${ms(one.floor.overhead.p50)}, p99 ${ms(one.floor.overhead.p99)})`, mark(one.overhead.p50 <= 2 && one.overhead.p99 <= 10)],
      [`TTFT added, ${many.concurrency} sends at once: p99 ≤ 25 ms`, `p50 ${ms(many.overhead.p50)}, p99 ${ms(many.overhead.p99)} (floor p50 ${ms(many.floor.overhead.p50)}, p99 ${ms(many.floor.overhead.p99)})`, mark(many.overhead.p99 <= 25)],
      [`fan-out ${fanoutLevels.join("/")}: tokens delivered = sent`, fanout.map((f) => `${f.parley.tokensDelivered}/${f.parley.tokensWritten}`).join(", "), mark(fanoutExact)],
      ["fan-out: every stream exact, ids consecutive, ends complete", fanout.map((f) => `${Math.min(f.parley.checks.tokensExact, f.parley.checks.idsConsecutive, f.parley.checks.completeStatus)}/${f.streams}`).join(", "), mark(fanoutExact)],
      ["fan-out: database text = streamed text", fanout.map((f) => `${f.parley.checks.persisted}/${f.streams}`).join(", "), mark(persisted)],
      ["fan-out: all N answers generating at once", fanout.map((f) => `${f.parley.maxActive}/${f.streams}`).join(", "), mark(allConcurrent)],
      [`RSS per active stream ≤ 50 KB (at ${largest.streams})`, `${kib(largest.parley.rss!.perActiveStream)}, worst ${kib(largest.parley.rss!.perActiveStreamMax)}${largest.relay ? ` (bare Bun relay: ${kib(largest.relay.rss!.perActiveStream)})` : ""}`, mark(largest.parley.rss!.perActiveStream <= 50 * 1000)],
      [`server CPU per token at ${largest.streams}`, `${us(largest.parley.cpuPerTokenUs.target)}${largest.relay ? ` (bare relay ${us(largest.relay.cpuPerTokenUs.target)})` : ""} → ≈ ${perCore(largest.parley.cpuPerTokenUs.target)} per core`, "INFO"],
      [`added inter-token delay at ${largest.streams}`, `p50 ${ms(largest.parley.timing.addedGap.p50)}, p99 ${ms(largest.parley.timing.addedGap.p99)} (direct p99 ${ms(largest.direct.timing.addedGap.p99)})`, "INFO"],
      ["resume replays exactly from n + 1", `${resume.exact}/${resume.samples}`, mark(resume.exact === resume.samples)],
      ["resume → first event vs /healthz first byte", `p50 ${ms(resume.resume.firstEvent.p50)} vs ${ms(resume.healthz.firstByte.p50)} (${ratio(resume.resume.firstEvent.p50, resume.healthz.firstByte.p50)})`, "INFO"],
      ["tree page is O(page): 10k-message chat p50 ≤ 2× 100-message chat *", `${bigVsSmall.toFixed(2)}× newest page, ${deepVsSmall.toFixed(2)}× deep \`before\` page`, mark(bigVsSmall <= 2 && deepVsSmall <= 2)],
      ["tree: getPathPage vs load-all-and-walk (10k messages)", `load-all is ${tree.ratios.naiveVsQueryP50!.toFixed(0)}× slower at p50`, "INFO"],
      ["tree: pages correct (query = naive walk)", treeOk ? "all checks ok" : "a check failed", mark(treeOk)],
      ...(fetchLimit
        ? [[`${fetchLimit.streams} answers at once with Bun's default fetch limit *`, `${fetchLimit.maxActive}/${fetchLimit.streams} upstream requests open; ${fetchLimit.startedLate} first tokens > 1 s late`, mark(fetchLimit.maxActive >= fetchLimit.streams)]]
        : []),
    ]),
  );
  console.log("* this benchmark's own reading of the brief, not a stated project target");
  const noisy = Object.entries(loads).filter(([, load]) => isNoisy(load));
  if (noisy.length) console.log(`⚠ other processes or steal took > ${NOISE_CORES} cores during: ${noisy.map(([name, load]) => `${name} (${(load.foreignCores + load.stealCores).toFixed(2)})`).join(", ")} — rerun on a quiet machine before trusting the latencies of those phases`);
}

function loadLines(loads: Record<string, LoadReport>, names: string[]): string {
  return names
    .filter((name) => loads[name])
    .map((name) => {
      const load = loads[name]!;
      const flag = isNoisy(load) ? "  ⚠ other processes or steal took CPU: expect noise" : "";
      return `CPU during ${name}: benchmark ${load.ourCores.toFixed(2)} cores, other processes ${load.foreignCores.toFixed(2)}, steal ${load.stealCores.toFixed(2)} (of ${availableParallelism()})${flag}`;
    })
    .join("\n");
}

/** Section 4 (also printed by bench/tree-path.ts when run on its own). */
export function printTree({
  cases,
  naiveVsQuery: [naive, query],
  load,
  checks,
}: {
  cases: Array<{ label: string; n: number; p50: number; p99: number }>;
  naiveVsQuery: [{ p50: number; p99: number }, { p50: number; p99: number }];
  load: LoadReport;
  checks: Record<string, boolean>;
}) {
  const baseline = cases[0]!;
  console.log(heading("4. Tree path query: getPathPage({ limit: 50 })"));
  console.log(
    table([
      ["case", "runs", "p50", "p99", "p50 vs baseline"],
      ...cases.map((c) => [c.label, String(c.n), ms(c.p50), ms(c.p99), ratio(c.p50, baseline.p50)]),
    ]),
  );
  console.log(`naive / getPathPage on 10,000 messages: p50 ${ratio(naive.p50, query.p50)}, p99 ${ratio(naive.p99, query.p99)}`);
  console.log(`CPU while timing: this script ${load.ourCores.toFixed(2)} cores, other processes ${load.foreignCores.toFixed(2)}, steal ${load.stealCores.toFixed(2)}${isNoisy(load) ? "  ⚠ expect noise" : ""}`);
  console.log(`checks: ${Object.entries(checks).map(([k, v]) => `${k} ${v ? "ok" : "FAILED"}`).join(", ")}`);
}
