// Phase 1 — time to first token through Parley vs straight from the fake
// upstream, one stream at a time and 100 at once. Parley is measured the way
// the page's script sends: a follow-up in an existing chat, ids chosen by the
// client, the stream opened in parallel with the send. The first message of a
// new chat (a form post and its redirect, as without JavaScript) is measured
// too, one at a time. The floor is the same exchange with a server that does
// nothing but ask the fake through the same SDK (bench/bare-send.ts).
import { cpuMs, type FakeUpstream, startBareSend } from "../lib/processes";
import { followUpstream, type ParleyUser, sendWithStream } from "../lib/client";
import { pacedScript } from "../lib/protocol";
import { summarize, type Summary } from "../lib/stats";

const TOKENS = 5;
const GAP_MS = 5;

export interface ParleyTtftSample {
  ok: boolean;
  /** Enter (the POST and the stream GET leave together) → first delta read from the SSE stream. */
  ttft: number;
  /** POST send → its response. */
  sendAnswered: number;
  /** Stream GET → its response headers. */
  streamOpened: number;
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

/** A follow-up in `chatId` (idle) with the stream opened in parallel, as the browser does. */
export function parleyTtftSample(user: ParleyUser, chatId: string, label: string): Promise<ParleyTtftSample> {
  return followUpSample(() => user.sendInChat(chatId, label, { deadline: Date.now() + 15_000 }));
}

/** The same exchange with the floor server. */
function floorTtftSample(baseURL: string, label: string): Promise<ParleyTtftSample> {
  return followUpSample(() => sendWithStream({ baseURL, chatId: "floor", content: label, deadline: Date.now() + 15_000 }));
}

async function followUpSample(send: () => ReturnType<typeof sendWithStream>): Promise<ParleyTtftSample> {
  const failed = (error: string): ParleyTtftSample => ({ ok: false, ttft: NaN, sendAnswered: NaN, streamOpened: NaN, sendToUpstreamToken: NaN, upstreamTokenToReader: NaN, error });
  try {
    const { sentAt, answeredAt, status, follow: result } = await send();
    const first = result.tokens[0];
    if (status !== 200) return failed(`send answered HTTP ${status}`);
    if (!first) return failed(result.error ?? "no token");
    const complete = result.terminal?.data.status === "complete" && result.tokens.length === TOKENS && first.index === 0;
    return {
      ok: complete,
      ttft: first.at - sentAt,
      sendAnswered: answeredAt - sentAt,
      streamOpened: result.openedAt - result.requestedAt,
      sendToUpstreamToken: first.sentAt - sentAt,
      upstreamTokenToReader: first.at - first.sentAt,
      error: complete ? undefined : `incomplete: ${result.tokens.length} tokens, ${JSON.stringify(result.terminal)} ${result.error ?? ""}`,
    };
  } catch (error) {
    return failed(String(error));
  }
}

/** The first message of a new chat: form POST → redirect → stream GET (the path without JavaScript). */
export async function newChatTtftSample(user: ParleyUser, label: string): Promise<{ ok: boolean; ttft: number; chatId?: string; error?: string }> {
  try {
    const { chatId, sentAt } = await user.send(label);
    const result = await user.follow(chatId, user.answerIdOf(chatId), { deadline: Date.now() + 15_000 });
    const first = result.tokens[0];
    if (!first) return { ok: false, ttft: NaN, error: result.error ?? "no token" };
    return { ok: result.terminal?.data.status === "complete", ttft: first.at - sentAt, chatId };
  } catch (error) {
    return { ok: false, ttft: NaN, error: String(error) };
  }
}

/** `count` chats with one finished exchange each, ready for follow-ups. */
export async function idleChats(user: ParleyUser, count: number): Promise<string[]> {
  const chats: string[] = [];
  for (let i = 0; i < count; i++) {
    const sample = await newChatTtftSample(user, `chat ${i}`);
    if (!sample.chatId) throw new Error(`could not make a chat for the benchmark: ${sample.error}`);
    chats.push(sample.chatId);
  }
  return chats;
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
    sendAnswered: Summary;
    streamOpened: Summary;
    sendToUpstreamToken: Summary;
    upstreamTokenToReader: Summary;
  };
  direct: { ttft: Summary; upstreamTokenToReader: Summary };
  overhead: { p50: number; p99: number };
  /** bench/bare-send.ts: the send and its stream with nothing but the SDK's request between them. */
  floor: { ttft: Summary; overhead: { p50: number; p99: number } };
  /** What Parley adds over the floor: its checks, reads, store and registry. */
  overFloor: { p50: number; p99: number };
  /** Server CPU time per answer over its whole life (send, stream, persistence): robust to a busy machine. */
  serverCpuMsPerAnswer: number;
  /** First message of a new chat (form post + redirect + stream), one at a time. */
  newChat?: { ttft: Summary; overhead: { p50: number; p99: number } };
}

function level(concurrency: number, parley: ParleyTtftSample[], direct: DirectTtftSample[], floor: ParleyTtftSample[], serverCpuMsPerAnswer: number): TtftLevel {
  const good = parley.filter((s) => s.ok);
  const goodDirect = direct.filter((s) => s.ok);
  const goodFloor = floor.filter((s) => s.ok);
  const floorTtft = summarize(goodFloor.map((s) => s.ttft));
  const of = (pick: (s: ParleyTtftSample) => number) => summarize(good.map(pick));
  const parleyTtft = of((s) => s.ttft);
  const directTtft = summarize(goodDirect.map((s) => s.ttft));
  return {
    concurrency,
    samples: parley.length,
    failures: parley.length - good.length + (direct.length - goodDirect.length) + (floor.length - goodFloor.length),
    errors: [...parley, ...direct, ...floor].filter((s) => !s.ok).map((s) => s.error ?? "?").slice(0, 5),
    parley: {
      ttft: parleyTtft,
      sendAnswered: of((s) => s.sendAnswered),
      streamOpened: of((s) => s.streamOpened),
      sendToUpstreamToken: of((s) => s.sendToUpstreamToken),
      upstreamTokenToReader: of((s) => s.upstreamTokenToReader),
    },
    direct: { ttft: directTtft, upstreamTokenToReader: summarize(goodDirect.map((s) => s.upstreamTokenToReader)) },
    overhead: { p50: parleyTtft.p50 - directTtft.p50, p99: parleyTtft.p99 - directTtft.p99 },
    floor: { ttft: floorTtft, overhead: { p50: floorTtft.p50 - directTtft.p50, p99: floorTtft.p99 - directTtft.p99 } },
    overFloor: { p50: parleyTtft.p50 - floorTtft.p50, p99: parleyTtft.p99 - floorTtft.p99 },
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
  const bare = await startBareSend(fake.openaiURL);
  // Chats to send follow-ups in (a chat has at most one answer streaming); a
  // pool, so no conversation grows long enough to change the cost of a send.
  const chats = await idleChats(user, Math.max(concurrentStreams, 20));
  await Bun.sleep(500);
  const sequentialChat = (i: number) => chats[i % 20]!;
  // Warm-up (JIT, model list cache, connection pools): discarded.
  for (let i = 0; i < 8; i++) {
    await directTtftSample(fake.openaiURL);
    await parleyTtftSample(user, sequentialChat(i), `warm-up ${i}`);
    await floorTtftSample(bare.baseURL, `warm-up ${i}`);
  }
  await Bun.sleep(200);

  // One stream at a time, direct and Parley interleaved so both see the same machine.
  const parley: ParleyTtftSample[] = [];
  const direct: DirectTtftSample[] = [];
  const floor: ParleyTtftSample[] = [];
  const cpuBefore = cpuMs(serverPid);
  for (let i = 0; i < sequentialSamples; i++) {
    direct.push(await directTtftSample(fake.openaiURL));
    parley.push(await parleyTtftSample(user, sequentialChat(i), `sequential sample ${i}`));
    // Let the answer's final write finish before the next sample.
    await Bun.sleep(30);
    floor.push(await floorTtftSample(bare.baseURL, `sequential sample ${i}`));
    await Bun.sleep(30);
  }
  await Bun.sleep(300);
  const sequentialCpu = (cpuMs(serverPid) - cpuBefore) / sequentialSamples;
  log(`  1 stream: ${parley.length} Parley + ${direct.length} direct + ${floor.length} floor samples`);

  // The first message of a new chat, one at a time (interleaved with direct samples).
  const newChat: number[] = [];
  const newChatDirect: number[] = [];
  for (let i = 0; i < Math.min(sequentialSamples, 50); i++) {
    const baseline = await directTtftSample(fake.openaiURL);
    const sample = await newChatTtftSample(user, `new chat sample ${i}`);
    if (sample.ok && baseline.ok) {
      newChat.push(sample.ttft);
      newChatDirect.push(baseline.ttft);
    }
    await Bun.sleep(30);
  }
  await Bun.sleep(300);

  // N at once: all sends leave together; then N direct requests together.
  const concurrentCpuBefore = cpuMs(serverPid);
  const concurrentParley = await Promise.all(Array.from({ length: concurrentStreams }, (_, i) => parleyTtftSample(user, chats[i]!, `concurrent sample ${i}`)));
  await Bun.sleep(1_000);
  const concurrentCpu = (cpuMs(serverPid) - concurrentCpuBefore) / concurrentStreams;
  const concurrentDirect = await Promise.all(Array.from({ length: concurrentStreams }, () => directTtftSample(fake.openaiURL)));
  await Bun.sleep(1_000);
  const concurrentFloor = await Promise.all(Array.from({ length: concurrentStreams }, (_, i) => floorTtftSample(bare.baseURL, `concurrent sample ${i}`)));
  log(`  ${concurrentStreams} streams: ${concurrentParley.length} Parley + ${concurrentDirect.length} direct + ${concurrentFloor.length} floor samples`);
  await Bun.sleep(1_000);
  await bare.stop();
  const one = level(1, parley, direct, floor, sequentialCpu);
  const newChatTtft = summarize(newChat);
  const newChatBaseline = summarize(newChatDirect);
  one.newChat = { ttft: newChatTtft, overhead: { p50: newChatTtft.p50 - newChatBaseline.p50, p99: newChatTtft.p99 - newChatBaseline.p99 } };
  return [one, level(concurrentStreams, concurrentParley, concurrentDirect, concurrentFloor, concurrentCpu)];
}
