// Phase 3 — resume: a new GET with `Last-Event-ID: n` in the middle of a live
// answer, timed to the first replayed event (which must be n + 1), against
// the time to first byte of GET /healthz (a trivial request through the same
// stack: Bun.serve → Remix → one SQL statement).
import type { ParleyUser } from "../lib/client";
import type { FakeUpstream } from "../lib/processes";
import { pacedScript } from "../lib/protocol";
import { now, summarize, type Summary } from "../lib/stats";

const LIVE_STREAMS = 8;
const REPLAY_DEPTH = 5;

export interface ResumeResult {
  samples: number;
  exact: number;
  resume: { firstEvent: Summary; headers: Summary };
  healthz: { firstByte: Summary };
  errors: string[];
}

async function healthzFirstByte(baseURL: string): Promise<number> {
  const started = now();
  const response = await fetch(`${baseURL}/healthz`);
  const reader = response.body!.getReader();
  await reader.read();
  const at = now();
  await reader.cancel().catch(() => undefined);
  return at - started;
}

export async function measureResume({ fake, user, samples, log }: { fake: FakeUpstream; user: ParleyUser; samples: number; log: (line: string) => void }): Promise<ResumeResult> {
  await fake.setDefaultScript(pacedScript(200, 50));
  // Long answers, each followed by a reader that tracks its newest event id.
  const live = await Promise.all(
    Array.from({ length: LIVE_STREAMS }, async (_, i) => {
      const { chatId } = await user.send(`resume ${i}`);
      const messageId = user.answerIdOf(chatId);
      const state = { chatId, messageId, lastId: 0, done: false };
      void user.follow(chatId, messageId, { deadline: Date.now() + 30_000, onEvent: (event) => (state.lastId = event.id ?? state.lastId) }).then(() => (state.done = true));
      return state;
    }),
  );
  const readyBy = Date.now() + 5_000;
  while (live.some((s) => s.lastId < 20) && Date.now() < readyBy) await Bun.sleep(20);
  for (let i = 0; i < 10; i++) await healthzFirstByte(user.baseURL); // warm-up

  const firstEvent: number[] = [];
  const headers: number[] = [];
  const healthz: number[] = [];
  const errors: string[] = [];
  let exact = 0;
  for (let i = 0; i < samples; i++) {
    healthz.push(await healthzFirstByte(user.baseURL));
    const stream = live[i % live.length]!;
    if (stream.done) {
      errors.push(`stream ${stream.messageId} finished before sample ${i}`);
      continue;
    }
    const after = Math.max(1, stream.lastId - REPLAY_DEPTH);
    const result = await user.follow(stream.chatId, stream.messageId, { lastEventId: after, deadline: Date.now() + 5_000, stopWhen: () => true });
    if (result.ids[0] === after + 1) exact++;
    else if (errors.length < 5) errors.push(`resumed after ${after}, first id ${result.ids[0]} ${result.error ?? ""}`);
    if (Number.isFinite(result.firstEventAt)) {
      firstEvent.push(result.firstEventAt - result.requestedAt);
      headers.push(result.openedAt - result.requestedAt);
    }
    await Bun.sleep(5);
  }
  log(`  ${samples} resumes, ${exact} exact, across ${LIVE_STREAMS} live answers`);
  // Let the answers run out so the next phase starts from an idle server.
  const drainBy = Date.now() + 20_000;
  while (live.some((s) => !s.done) && Date.now() < drainBy) await Bun.sleep(100);
  return { samples, exact, resume: { firstEvent: summarize(firstEvent), headers: summarize(headers) }, healthz: { firstByte: summarize(healthz) }, errors };
}
