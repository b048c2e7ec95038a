// Phase 2 — fan-out: N answers streaming at once, one SSE reader each, every
// answer 200 tokens paced 50 ms apart by the fake. Checks that every token
// arrives exactly once, in order, with consecutive event ids (and, for
// Parley, the same text in the database); measures the latency and jitter
// added per token and the RSS per active stream.
//
// Three targets read the same upstream script: the fake directly (baseline
// for latency), bench/bare-relay.ts (baseline for a Bun relay's memory and
// latency floor) and Parley. Creating a Parley chat costs server CPU, so N
// chats take seconds to create; to have all N answers generating at once,
// the fake holds every first token until a common start time (plus up to 1 s
// of jitter so the streams' tokens do not fall on the same instants).
import type { ReceivedToken } from "../lib/client";
import { cpuMs, type FakeUpstream, rssBytes } from "../lib/processes";
import { pacedScript } from "../lib/protocol";
import { mapBounded, now, percentile, summarize, type Summary } from "../lib/stats";

export const FANOUT_TOKENS = 200;
export const FANOUT_GAP_MS = 50;
export const CREATE_CONCURRENCY = 16;
const START_JITTER_MS = 1_000;

export interface TokenTiming {
  /** Fake wrote the token → reader read it (live tokens only). */
  latency: Summary;
  /** Reader inter-arrival minus the fake's actual inter-send gap, consecutive live tokens. */
  addedGap: Summary;
  /** The fake's actual gap between consecutive tokens (nominal 50 ms). */
  upstreamGap: Summary;
}

function tokenTiming(streams: ReceivedToken[][]): TokenTiming {
  const latency: number[] = [];
  const addedGap: number[] = [];
  const upstreamGap: number[] = [];
  for (const tokens of streams) {
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (!token.live) continue;
      latency.push(token.at - token.sentAt);
      const previous = tokens[i - 1];
      if (previous?.live && previous.index === token.index - 1) {
        const sentGap = token.sentAt - previous.sentAt;
        upstreamGap.push(sentGap);
        addedGap.push(token.at - previous.at - sentGap);
      }
    }
  }
  return { latency: summarize(latency), addedGap: summarize(addedGap), upstreamGap: summarize(upstreamGap) };
}

/** What one reader saw. */
export interface Followed {
  tokens: ReceivedToken[];
  /** Event ids in arrival order; null where the protocol has none (the fake's own stream). */
  ids: number[] | null;
  complete: boolean;
  text: string;
  malformed: number;
  error?: string;
  /** Parley only: the answer's message id, to compare with the database. */
  messageId?: string;
}

export interface FanoutRun {
  target: "direct" | "relay" | "parley";
  streams: number;
  startFailures: number;
  /** Creating the chats (Parley) or opening the requests (others). */
  startDurationMs: number;
  checks: { tokensExact: number; idsConsecutive: number; completeStatus: number; persisted: number | null; duplicatedTokens: number; missingTokens: number };
  tokensDelivered: number;
  tokensWritten: number;
  timing: TokenTiming;
  liveTokenShare: number;
  /** Answers generating at once (the fake's open exchanges), the most seen. */
  maxActive: number;
  /** Answers whose first token left the fake more than 1 s after the common start (+ jitter). */
  startedLate: number;
  rss: null | {
    before: number;
    /** Median reading while (nearly) all answers were streaming tokens. */
    streaming: number;
    /** Highest reading of the phase (a backlog, if the process falls behind, shows here). */
    max: number;
    /** (streaming − before) / maxActive. */
    perActiveStream: number;
    /** (max − before) / maxActive: the worst case. */
    perActiveStreamMax: number;
  };
  cpuCores: { target: number | null; fake: number };
  /**
   * CPU time of the relaying process (or of the fake, for the direct
   * baseline) per token delivered, from the common start to the end: what a
   * token costs, whatever else the machine was doing. Includes persistence,
   * final saves and auto-titles for Parley.
   */
  cpuPerTokenUs: { target: number | null; fake: number; readers: number };
  /**
   * CPU the whole rig (relay + fake + readers) needs for this many tokens per
   * second, in cores: near or above the machine's cores, the level measures
   * a CPU-bound machine (queueing), not the relay's own latency.
   */
  rigCoresNeeded: number;
  /** Last token read, in seconds after the fake's schedule would have ended (start + jitter + tokens × gap). */
  behindScheduleS: number;
  durationMs: number;
  errors: string[];
}

/**
 * Makes the fake hold each answer's first token until `startAt` (+ jitter):
 * the default script is refreshed every 100 ms with the time left, so a
 * request gets the right delay whenever it arrives. Returns the function that stops it.
 */
function holdFirstTokensUntil(fake: FakeUpstream, startAt: number, script: { tokens: number; gapMs: number }): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    const stopAt = Date.now() + 120_000;
    while (running && Date.now() < stopAt) {
      const wait = Math.max(0, startAt - Date.now()) + Math.random() * START_JITTER_MS;
      await fake.setDefaultScript(pacedScript(script.tokens, script.gapMs, Math.round(wait)));
      await Bun.sleep(100);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

function checkStream(result: Followed, row: { content: string; status: string } | null | undefined, expectedTokens: number) {
  const seen = new Map<number, number>();
  for (const token of result.tokens) seen.set(token.index, (seen.get(token.index) ?? 0) + 1);
  let duplicatedTokens = 0;
  let missingTokens = 0;
  for (let index = 0; index < expectedTokens; index++) {
    const count = seen.get(index) ?? 0;
    if (count === 0) missingTokens++;
    if (count > 1) duplicatedTokens += count - 1;
  }
  return {
    tokensExact: result.tokens.length === expectedTokens && result.tokens.every((token, i) => token.index === i) && result.malformed === 0,
    idsConsecutive: result.ids === null || (result.ids.length > 0 && result.ids.every((id, i) => id === i + 1)),
    completeStatus: result.complete,
    persisted: row === undefined ? null : row !== null && row.status === "complete" && row.content === result.text,
    duplicatedTokens,
    missingTokens,
  };
}

export interface FanoutTarget {
  target: FanoutRun["target"];
  /** Process whose RSS and CPU are measured (none for the direct baseline). */
  pid: number | null;
  /** Seconds it takes to start N streams, to place the common start after the last one. */
  estimatedStartSeconds: number;
  /**
   * Starts stream i (called with bounded concurrency) and resolves once it is
   * started, with the (boxed, so not awaited here) promise of what its reader will see.
   */
  start(index: number, deadline: number): Promise<{ followed: Promise<Followed> }>;
  /** Parley: the stored row of an answer (after the run). */
  storedRow?(messageId: string): { content: string; status: string } | null;
  /** Parley: resolves once the final rows are written. */
  settle?(): Promise<void>;
}

export async function runFanout({
  fake,
  target,
  streams,
  log,
  tokens = FANOUT_TOKENS,
  gapMs = FANOUT_GAP_MS,
}: {
  fake: FakeUpstream;
  target: FanoutTarget;
  streams: number;
  log: (line: string) => void;
  tokens?: number;
  gapMs?: number;
}): Promise<FanoutRun> {
  const label = `${target.target} ×${streams}`;
  let before = Number.NaN;
  if (target.pid !== null) {
    // A settled "before": median of a few readings on the idle, warmed-up process.
    const idle: number[] = [];
    for (let i = 0; i < 5; i++) {
      idle.push(rssBytes(target.pid));
      await Bun.sleep(100);
    }
    before = percentile(idle, 50);
  }
  await fake.resetTokenCount();

  const started = Date.now();
  // Wall clock (like the token stamps) at which every first token may leave the fake.
  const startAt = now() + target.estimatedStartSeconds * 1_000 + 1_000;
  const stopHolding = holdFirstTokensUntil(fake, startAt, { tokens, gapMs });
  await Bun.sleep(150); // the first hold script is in place before the first request

  const samples: Array<{ t: number; rss: number; active: number }> = [];
  let sampling = true;
  const sampler = (async () => {
    const stopAt = Date.now() + 120_000;
    while (sampling && Date.now() < stopAt) {
      const { open } = await fake.tokens();
      samples.push({ t: now(), rss: target.pid === null ? 0 : rssBytes(target.pid), active: open });
      await Bun.sleep(200);
    }
  })();

  const cpuBefore = { target: target.pid === null ? 0 : cpuMs(target.pid), fake: cpuMs(fake.process.pid) };
  const deadline = startAt + START_JITTER_MS + tokens * gapMs * 3 + 30_000;
  const errors: string[] = [];
  let startFailures = 0;
  const followers: Promise<Followed>[] = [];
  await mapBounded(Array.from({ length: streams }), CREATE_CONCURRENCY, async (_, index) => {
    try {
      followers.push((await target.start(index, deadline)).followed);
    } catch (error) {
      startFailures++;
      if (errors.length < 5) errors.push(String(error));
    }
  });
  const startDurationMs = Date.now() - started;
  await stopHolding();
  // Requests that arrive from now on (Parley's auto-title calls) get an immediate answer.
  await fake.setDefaultScript(pacedScript(tokens, gapMs));
  const late = startDurationMs > startAt - started;
  // From the common start (or the last chat, if later) on, the process only streams: its CPU per token.
  await Bun.sleep(Math.max(0, startAt - now()));
  const streamCpuFrom = { at: now(), target: target.pid === null ? 0 : cpuMs(target.pid), fake: cpuMs(fake.process.pid), readers: process.cpuUsage() };
  log(`  ${label}: ${streams - startFailures} started in ${(startDurationMs / 1000).toFixed(1)} s${late ? " (after the common start: fewer run at once)" : ""}, following…`);

  const followed = await Promise.all(followers);
  const durationMs = Date.now() - started;
  if (target.settle) await target.settle();
  await Bun.sleep(500); // auto-titles and final writes of the last answers
  const readerUsage = process.cpuUsage(streamCpuFrom.readers);
  const streamCpu = {
    target: target.pid === null ? 0 : cpuMs(target.pid) - streamCpuFrom.target,
    fake: cpuMs(fake.process.pid) - streamCpuFrom.fake,
    readers: (readerUsage.user + readerUsage.system) / 1000,
  };
  const cpuCores = {
    target: target.pid === null ? null : (cpuMs(target.pid) - cpuBefore.target) / durationMs,
    fake: (cpuMs(fake.process.pid) - cpuBefore.fake) / durationMs,
  };
  sampling = false;
  await sampler;
  const { written } = await fake.tokens();

  const checks = { tokensExact: 0, idsConsecutive: 0, completeStatus: 0, persisted: target.storedRow ? 0 : null, duplicatedTokens: 0, missingTokens: startFailures * tokens };
  for (const result of followed) {
    const row = target.storedRow && result.messageId ? target.storedRow(result.messageId) : undefined;
    const check = checkStream(result, row, tokens);
    if (check.tokensExact) checks.tokensExact++;
    if (check.idsConsecutive) checks.idsConsecutive++;
    if (check.completeStatus) checks.completeStatus++;
    if (check.persisted && checks.persisted !== null) checks.persisted++;
    checks.duplicatedTokens += check.duplicatedTokens;
    checks.missingTokens += check.missingTokens;
    if (result.error && errors.length < 5) errors.push(result.error);
  }

  const maxActive = Math.max(0, ...samples.map((s) => s.active));
  // First tokens written well after the common start: answers that could not start with the others.
  const startedLate = followed.filter((f) => (f.tokens[0]?.sentAt ?? Number.POSITIVE_INFINITY) > startAt + START_JITTER_MS + 1_000).length;
  const allTokens = followed.flatMap((f) => f.tokens);
  let rss: FanoutRun["rss"] = null;
  if (target.pid !== null) {
    const max = Math.max(before, ...samples.map((s) => s.rss));
    const streamingSamples = samples.filter((s) => s.t >= startAt + START_JITTER_MS && s.active >= 0.95 * maxActive).map((s) => s.rss);
    const streaming = streamingSamples.length ? percentile(streamingSamples, 50) : max;
    rss = {
      before,
      streaming,
      max,
      perActiveStream: (streaming - before) / Math.max(1, maxActive),
      perActiveStreamMax: (max - before) / Math.max(1, maxActive),
    };
  }
  const tokensDelivered = allTokens.length;
  const cpuPerToken = {
    target: target.pid === null ? null : (streamCpu.target * 1000) / Math.max(1, tokensDelivered),
    fake: (streamCpu.fake * 1000) / Math.max(1, tokensDelivered),
    readers: (streamCpu.readers * 1000) / Math.max(1, tokensDelivered),
  };
  log(`  ${label}: done in ${(durationMs / 1000).toFixed(1)} s, ${maxActive} answers generating at once at most`);
  return {
    target: target.target,
    streams,
    startFailures,
    startDurationMs,
    checks,
    tokensDelivered: allTokens.length,
    tokensWritten: written,
    timing: tokenTiming(followed.map((f) => f.tokens)),
    liveTokenShare: allTokens.filter((t) => t.live).length / Math.max(1, allTokens.length),
    maxActive,
    startedLate,
    rss,
    cpuCores,
    cpuPerTokenUs: cpuPerToken,
    rigCoresNeeded: ((cpuPerToken.target ?? 0) + cpuPerToken.fake + cpuPerToken.readers) * (streams * (1000 / gapMs)) / 1_000_000,
    behindScheduleS: (allTokens.reduce((latest, t) => Math.max(latest, t.at), 0) - (startAt + START_JITTER_MS + tokens * gapMs)) / 1000,
    durationMs,
    errors,
  };
}
