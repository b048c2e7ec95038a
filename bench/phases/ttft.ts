// Phase 1 — time to first token through Parley vs straight from the fake
// upstream, one stream at a time and 100 at once. Every sample is a new chat
// (a chat has at most one answer streaming).
import { cpuMs, type FakeUpstream } from "../lib/processes";
import { followUpstream, type ParleyUser } from "../lib/client";
import { pacedScript } from "../lib/protocol";
import { summarize, type Summary } from "../lib/stats";

const TOKENS = 5;
const GAP_MS = 5;

export interface ParleyTtftSample {
  ok: boolean;
  /** POST send → first delta read from the SSE stream. */
  ttft: number;
  sendToRedirect: number;
  /** Message-id lookup + GET until response headers. */
  redirectToOpen: number;
  openToFirstDelta: number;
  /** POST send → the fake wrote token 0 (Parley's work before the upstream answers, plus the fake's). */
  sendToUpstreamToken: number;
  /** The fake wrote token 0 → the reader got it (the relay: SDK, registry, SSE). */
  upstreamTokenToReader: number;
  error?: string;
}

export interface DirectTtftSample {
  ok: boolean;
  ttft: number;
  upstreamTokenToReader: number;
  error?: string;
}

export async function parleyTtftSample(user: ParleyUser, label: string): Promise<ParleyTtftSample> {
  const failed = (error: string): ParleyTtftSample => ({ ok: false, ttft: NaN, sendToRedirect: NaN, redirectToOpen: NaN, openToFirstDelta: NaN, sendToUpstreamToken: NaN, upstreamTokenToReader: NaN, error });
  try {
    const { chatId, sentAt, redirectedAt } = await user.send(label);
    const answerId = user.answerIdOf(chatId);
    const result = await user.follow(chatId, answerId, { deadline: Date.now() + 15_000 });
    const first = result.tokens[0];
    if (!first) return failed(result.error ?? "no token");
    const complete = result.terminal?.data.status === "complete" && result.tokens.length === TOKENS && first.index === 0;
    return {
      ok: complete,
      ttft: first.at - sentAt,
      sendToRedirect: redirectedAt - sentAt,
      redirectToOpen: result.openedAt - redirectedAt,
      openToFirstDelta: first.at - result.openedAt,
      sendToUpstreamToken: first.sentAt - sentAt,
      upstreamTokenToReader: first.at - first.sentAt,
      error: complete ? undefined : `incomplete: ${result.tokens.length} tokens, ${JSON.stringify(result.terminal)} ${result.error ?? ""}`,
    };
  } catch (error) {
    return failed(String(error));
  }
}

export async function directTtftSample(openaiURL: string): Promise<DirectTtftSample> {
  const result = await followUpstream(openaiURL, { deadline: Date.now() + 15_000 });
  const first = result.tokens[0];
  if (!first) return { ok: false, ttft: NaN, upstreamTokenToReader: NaN, error: result.error ?? "no token" };
  return { ok: result.finished && result.tokens.length === TOKENS, ttft: first.at - result.requestedAt, upstreamTokenToReader: first.at - first.sentAt };
}

export interface TtftLevel {
  concurrency: number;
  samples: number;
  failures: number;
  errors: string[];
  parley: {
    ttft: Summary;
    sendToRedirect: Summary;
    redirectToOpen: Summary;
    openToFirstDelta: Summary;
    sendToUpstreamToken: Summary;
    upstreamTokenToReader: Summary;
  };
  direct: { ttft: Summary; upstreamTokenToReader: Summary };
  overhead: { p50: number; p99: number };
  /** Server CPU time per answer over its whole life (send, stream, persistence, auto-title): robust to a busy machine. */
  serverCpuMsPerAnswer: number;
}

function level(concurrency: number, parley: ParleyTtftSample[], direct: DirectTtftSample[], serverCpuMsPerAnswer: number): TtftLevel {
  const good = parley.filter((s) => s.ok);
  const goodDirect = direct.filter((s) => s.ok);
  const of = (pick: (s: ParleyTtftSample) => number) => summarize(good.map(pick));
  const parleyTtft = of((s) => s.ttft);
  const directTtft = summarize(goodDirect.map((s) => s.ttft));
  return {
    concurrency,
    samples: parley.length,
    failures: parley.length - good.length + (direct.length - goodDirect.length),
    errors: [...parley, ...direct].filter((s) => !s.ok).map((s) => s.error ?? "?").slice(0, 5),
    parley: {
      ttft: parleyTtft,
      sendToRedirect: of((s) => s.sendToRedirect),
      redirectToOpen: of((s) => s.redirectToOpen),
      openToFirstDelta: of((s) => s.openToFirstDelta),
      sendToUpstreamToken: of((s) => s.sendToUpstreamToken),
      upstreamTokenToReader: of((s) => s.upstreamTokenToReader),
    },
    direct: { ttft: directTtft, upstreamTokenToReader: summarize(goodDirect.map((s) => s.upstreamTokenToReader)) },
    overhead: { p50: parleyTtft.p50 - directTtft.p50, p99: parleyTtft.p99 - directTtft.p99 },
    serverCpuMsPerAnswer,
  };
}

export async function measureTtft({
  fake,
  user,
  serverPid,
  sequentialSamples,
  concurrentStreams,
  log,
}: {
  fake: FakeUpstream;
  user: ParleyUser;
  serverPid: number;
  sequentialSamples: number;
  concurrentStreams: number;
  log: (line: string) => void;
}): Promise<TtftLevel[]> {
  await fake.setDefaultScript(pacedScript(TOKENS, GAP_MS));
  // Warm-up (JIT, model list cache, connection pools): discarded.
  for (let i = 0; i < 8; i++) {
    await directTtftSample(fake.openaiURL);
    await parleyTtftSample(user, `warm-up ${i}`);
  }
  await Bun.sleep(200);

  // One stream at a time, direct and Parley interleaved so both see the same machine.
  const parley: ParleyTtftSample[] = [];
  const direct: DirectTtftSample[] = [];
  const cpuBefore = cpuMs(serverPid);
  for (let i = 0; i < sequentialSamples; i++) {
    direct.push(await directTtftSample(fake.openaiURL));
    parley.push(await parleyTtftSample(user, `sequential sample ${i}`));
    // Let the answer's auto-title request and final write finish before the next sample.
    await Bun.sleep(30);
  }
  await Bun.sleep(300);
  const sequentialCpu = (cpuMs(serverPid) - cpuBefore) / sequentialSamples;
  log(`  1 stream: ${parley.length} Parley + ${direct.length} direct samples`);

  // N at once: all sends leave together; then N direct requests together.
  const concurrentCpuBefore = cpuMs(serverPid);
  const concurrentParley = await Promise.all(Array.from({ length: concurrentStreams }, (_, i) => parleyTtftSample(user, `concurrent sample ${i}`)));
  await Bun.sleep(1_000);
  const concurrentCpu = (cpuMs(serverPid) - concurrentCpuBefore) / concurrentStreams;
  const concurrentDirect = await Promise.all(Array.from({ length: concurrentStreams }, () => directTtftSample(fake.openaiURL)));
  log(`  ${concurrentStreams} streams: ${concurrentParley.length} Parley + ${concurrentDirect.length} direct samples`);
  await Bun.sleep(1_000);
  return [level(1, parley, direct, sequentialCpu), level(concurrentStreams, concurrentParley, concurrentDirect, concurrentCpu)];
}
