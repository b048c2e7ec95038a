// Phase 2 — fan-out: N answers streaming at once (N new chats, one SSE reader
// each), every answer 200 tokens paced 50 ms apart by the fake. Checks that
// every token arrives exactly once, in order, with consecutive event ids and
// the same text in the database; measures the latency and jitter Parley adds
// per token and the server's RSS per active stream. The baseline is the same
// N streams read straight from the fake.
import type { Database } from "bun:sqlite";
import { followUpstream, type FollowResult, type ParleyUser, type ReceivedToken } from "../lib/client";
import { cpuMs, type FakeUpstream, rssBytes } from "../lib/processes";
import { pacedScript } from "../lib/protocol";
import { mapBounded, percentile, summarize, type Summary } from "../lib/stats";

export const FANOUT_TOKENS = 200;
export const FANOUT_GAP_MS = 50;
const CREATE_CONCURRENCY = 16;

export interface TokenTiming {
  /** Fake wrote the token → reader read it (live tokens only). */
  latency: Summary;
  /** Reader inter-arrival minus the fake's actual inter-send gap, consecutive live tokens. */
  addedGap: Summary;
  /** The fake's actual gap between consecutive tokens (nominal 50 ms). */
  upstreamGap: Summary;
  /** Reader inter-arrival gap. */
  readerGap: Summary;
}

function tokenTiming(streams: ReceivedToken[][]): TokenTiming {
  const latency: number[] = [];
  const addedGap: number[] = [];
  const upstreamGap: number[] = [];
  const readerGap: number[] = [];
  for (const tokens of streams) {
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (!token.live) continue;
      latency.push(token.at - token.sentAt);
      const previous = tokens[i - 1];
      if (previous?.live && previous.index === token.index - 1) {
        const sentGap = token.sentAt - previous.sentAt;
        const arrivalGap = token.at - previous.at;
        upstreamGap.push(sentGap);
        readerGap.push(arrivalGap);
        addedGap.push(arrivalGap - sentGap);
      }
    }
  }
  return { latency: summarize(latency), addedGap: summarize(addedGap), upstreamGap: summarize(upstreamGap), readerGap: summarize(readerGap) };
}

export interface DirectFanout {
  streams: number;
  completed: number;
  tokensReceived: number;
  tokensWritten: number;
  timing: TokenTiming;
  durationMs: number;
  fakeCpuCores: number;
}

/** The baseline: N Chat Completions streams straight from the fake, read by this process. */
export async function directFanout({ fake, streams, log }: { fake: FakeUpstream; streams: number; log: (line: string) => void }): Promise<DirectFanout> {
  await fake.setDefaultScript(pacedScript(FANOUT_TOKENS, FANOUT_GAP_MS));
  await fake.resetTokenCount();
  const started = Date.now();
  const fakeCpuBefore = cpuMs(fake.process.pid);
  const deadline = started + 60_000;
  const pending: Promise<Awaited<ReturnType<typeof followUpstream>>>[] = [];
  // Same start pattern as the Parley run: bounded concurrency of *starts*.
  await mapBounded(Array.from({ length: streams }), CREATE_CONCURRENCY, async () => {
    pending.push(followUpstream(fake.openaiURL, { deadline }));
    await Bun.sleep(0);
  });
  const results = await Promise.all(pending);
  const durationMs = Date.now() - started;
  const fakeCpuCores = (cpuMs(fake.process.pid) - fakeCpuBefore) / durationMs;
  const { written } = await fake.tokens();
  const completed = results.filter((r) => r.finished && r.tokens.length === FANOUT_TOKENS && r.tokens.every((t, i) => t.index === i)).length;
  log(`  direct ×${streams}: ${completed}/${streams} complete in ${(durationMs / 1000).toFixed(1)} s`);
  return {
    streams,
    completed,
    tokensReceived: results.reduce((sum, r) => sum + r.tokens.length, 0),
    tokensWritten: written,
    timing: tokenTiming(results.map((r) => r.tokens)),
    durationMs,
    fakeCpuCores,
  };
}

export interface StreamCheck {
  /** Deltas are tokens 0..199 in order, each exactly once. */
  tokensExact: boolean;
  /** Event ids are 1, 2, 3… with no gap or repeat, through the terminal event. */
  idsConsecutive: boolean;
  completeStatus: boolean;
  /** The database row holds the same text and status "complete". */
  persisted: boolean;
  duplicatedTokens: number;
  missingTokens: number;
}

function checkStream(result: FollowResult, row: { content: string; status: string } | null): StreamCheck {
  const seen = new Map<number, number>();
  for (const token of result.tokens) seen.set(token.index, (seen.get(token.index) ?? 0) + 1);
  let duplicatedTokens = 0;
  let missingTokens = 0;
  for (let index = 0; index < FANOUT_TOKENS; index++) {
    const count = seen.get(index) ?? 0;
    if (count === 0) missingTokens++;
    if (count > 1) duplicatedTokens += count - 1;
  }
  const inOrder = result.tokens.every((token, i) => token.index === i);
  return {
    tokensExact: inOrder && result.tokens.length === FANOUT_TOKENS && !result.malformedDeltas,
    idsConsecutive: result.ids.length > 0 && result.ids.every((id, i) => id === i + 1),
    completeStatus: result.terminal?.event === "done" && result.terminal.data.status === "complete",
    persisted: row !== null && row.status === "complete" && row.content === result.text,
    duplicatedTokens,
    missingTokens,
  };
}

export interface RssSample {
  t: number;
  rss: number;
  activeUpstream: number;
  openReaders: number;
}

export interface ParleyFanout {
  streams: number;
  sendFailures: number;
  sendDurationMs: number;
  checks: {
    tokensExact: number;
    idsConsecutive: number;
    completeStatus: number;
    persisted: number;
    duplicatedTokens: number;
    missingTokens: number;
  };
  tokensDelivered: number;
  tokensWritten: number;
  timing: TokenTiming;
  /** Live tokens only: tokens the fake wrote before the reader was open came from the replay log. */
  liveTokenShare: number;
  rss: {
    before: number;
    /** The highest reading during the phase (garbage not yet collected included). */
    max: number;
    /** Most streams generating at once (fake upstream's open exchanges). */
    maxActive: number;
    /** Reading taken when the most streams were active. */
    atPeakLoad: number;
    /** (max − before) / maxActive: an upper bound of the memory one stream holds. */
    perActiveStream: number;
    /** (atPeakLoad − before) / maxActive. */
    perActiveStreamAtPeakLoad: number;
  };
  cpu: { serverCores: number; fakeCores: number };
  durationMs: number;
  errors: string[];
}

export async function parleyFanout({
  fake,
  user,
  serverPid,
  streams,
  db,
  log,
}: {
  fake: FakeUpstream;
  user: ParleyUser;
  serverPid: number;
  streams: number;
  db: Database;
  log: (line: string) => void;
}): Promise<ParleyFanout> {
  await fake.setDefaultScript(pacedScript(FANOUT_TOKENS, FANOUT_GAP_MS));

  // A settled "before": median of a few RSS readings on the idle, warmed-up server.
  const idle: number[] = [];
  for (let i = 0; i < 5; i++) {
    idle.push(rssBytes(serverPid));
    await Bun.sleep(100);
  }
  const before = percentile(idle, 50);
  await fake.resetTokenCount();

  let openReaders = 0;
  const samples: RssSample[] = [];
  let sampling = true;
  const sampler = (async () => {
    const stopAt = Date.now() + 90_000;
    while (sampling && Date.now() < stopAt) {
      const rss = rssBytes(serverPid);
      const { open } = await fake.tokens();
      samples.push({ t: Date.now(), rss, activeUpstream: open, openReaders });
      await Bun.sleep(200);
    }
  })();

  const started = Date.now();
  const serverCpuBefore = cpuMs(serverPid);
  const fakeCpuBefore = cpuMs(fake.process.pid);
  const deadline = started + 75_000;
  const errors: string[] = [];
  let sendFailures = 0;
  const followers: Promise<{ result: FollowResult; messageId: string } | null>[] = [];
  await mapBounded(Array.from({ length: streams }), CREATE_CONCURRENCY, async (_, i) => {
    try {
      const { chatId } = await user.send(`fan-out ${streams} #${i}`);
      const messageId = user.answerIdOf(chatId);
      openReaders++;
      followers.push(
        user.follow(chatId, messageId, { deadline }).then((result) => {
          openReaders--;
          return { result, messageId };
        }),
      );
    } catch (error) {
      sendFailures++;
      if (errors.length < 5) errors.push(String(error));
    }
  });
  const sendDurationMs = Date.now() - started;
  log(`  Parley ×${streams}: ${streams - sendFailures} chats created in ${(sendDurationMs / 1000).toFixed(1)} s, following…`);
  const followed = (await Promise.all(followers)).filter((f): f is { result: FollowResult; messageId: string } => f !== null);
  const durationMs = Date.now() - started;
  const serverCores = (cpuMs(serverPid) - serverCpuBefore) / durationMs;
  const fakeCores = (cpuMs(fake.process.pid) - fakeCpuBefore) / durationMs;
  sampling = false;
  await sampler;
  const { written } = await fake.tokens();

  // Final rows are written after the terminal event: give the last ones a moment.
  const rowOf = db.query<{ content: string; status: string }, [string]>("SELECT content, status FROM messages WHERE id = ?");
  const settleBy = Date.now() + 10_000;
  while (Date.now() < settleBy) {
    const streamingLeft = db.query<{ n: number }, []>("SELECT count(*) AS n FROM messages WHERE status = 'streaming'").get()!.n;
    if (streamingLeft === 0) break;
    await Bun.sleep(100);
  }
  const checks = { tokensExact: 0, idsConsecutive: 0, completeStatus: 0, persisted: 0, duplicatedTokens: 0, missingTokens: 0 };
  for (const { result, messageId } of followed) {
    const check = checkStream(result, rowOf.get(messageId) ?? null);
    if (check.tokensExact) checks.tokensExact++;
    if (check.idsConsecutive) checks.idsConsecutive++;
    if (check.completeStatus) checks.completeStatus++;
    if (check.persisted) checks.persisted++;
    checks.duplicatedTokens += check.duplicatedTokens;
    checks.missingTokens += check.missingTokens;
    if (result.error && errors.length < 5) errors.push(result.error);
  }
  checks.missingTokens += sendFailures * FANOUT_TOKENS;

  const maxRss = Math.max(before, ...samples.map((s) => s.rss));
  const peakLoad = samples.reduce((best, s) => (s.activeUpstream > best.activeUpstream ? s : best), samples[0] ?? { t: 0, rss: before, activeUpstream: 0, openReaders: 0 });
  const maxActive = Math.max(1, peakLoad.activeUpstream);
  const allTokens = followed.flatMap((f) => f.result.tokens);
  log(`  Parley ×${streams}: done in ${(durationMs / 1000).toFixed(1)} s; at most ${peakLoad.activeUpstream} streams active at once`);
  return {
    streams,
    sendFailures,
    sendDurationMs,
    checks,
    tokensDelivered: allTokens.length,
    tokensWritten: written,
    timing: tokenTiming(followed.map((f) => f.result.tokens)),
    liveTokenShare: allTokens.filter((t) => t.live).length / Math.max(1, allTokens.length),
    rss: {
      before,
      max: maxRss,
      maxActive: peakLoad.activeUpstream,
      atPeakLoad: peakLoad.rss,
      perActiveStream: (maxRss - before) / maxActive,
      perActiveStreamAtPeakLoad: (peakLoad.rss - before) / maxActive,
    },
    cpu: { serverCores, fakeCores },
    durationMs,
    errors,
  };
}
