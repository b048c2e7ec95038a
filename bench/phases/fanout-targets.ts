// The three things the fan-out phase streams through (see fanout.ts): the
// fake directly, the bare Bun relay, and Parley — plus the Parley helpers
// the run needs (send rate probe, waiting for the final database rows).
import type { Database } from "bun:sqlite";
import { followEvents, followUpstream, type ParleyUser } from "../lib/client";
import type { FakeUpstream } from "../lib/processes";
import { pacedScript } from "../lib/protocol";
import { mapBounded, now } from "../lib/stats";
import { CREATE_CONCURRENCY, type FanoutTarget, type Followed } from "./fanout";

/** The fake's own Chat Completions stream, read directly. */
export function directTarget(fake: FakeUpstream): FanoutTarget {
  return {
    target: "direct",
    pid: null,
    estimatedStartSeconds: 0.5,
    async start(_, deadline) {
      const followed = followUpstream(fake.openaiURL, { deadline }).then((r): Followed => ({ tokens: r.tokens, ids: null, complete: r.finished, text: "", malformed: 0, error: r.error }));
      return { followed };
    },
  };
}

export function relayTarget(relay: { pid: number; baseURL: string }): FanoutTarget {
  return {
    target: "relay",
    pid: relay.pid,
    estimatedStartSeconds: 0.5,
    async start(index, deadline) {
      const followed = followEvents(`${relay.baseURL}/relay?n=${index}`, {}, { deadline }).then(
        (r): Followed => ({ tokens: r.tokens, ids: r.ids, complete: r.terminal?.event === "done", text: r.text, malformed: r.malformedDeltas ?? 0, error: r.error }),
      );
      return { followed };
    },
  };
}

export function parleyTarget({ user, pid, db, chatsPerSecond, streams }: { user: ParleyUser; pid: number; db: Database; chatsPerSecond: number; streams: number }): FanoutTarget {
  const rowOf = db.query<{ content: string; status: string }, [string]>("SELECT content, status FROM messages WHERE id = ?");
  return {
    target: "parley",
    pid,
    // A margin over the measured rate (the machine is shared with the fake and the readers), but
    // below Parley's 60 s upstream idle timeout: a longer hold would make it retry the request.
    estimatedStartSeconds: Math.min(40, (streams / chatsPerSecond) * 1.3),
    async start(index, deadline) {
      const { chatId } = await user.send(`fan-out ${streams} #${index}`);
      const messageId = user.answerIdOf(chatId);
      const followed = user.follow(chatId, messageId, { deadline }).then((r): Followed => ({
        tokens: r.tokens,
        ids: r.ids,
        complete: r.terminal?.event === "done" && r.terminal.data.status === "complete",
        text: r.text,
        malformed: r.malformedDeltas ?? 0,
        error: r.error,
        messageId,
      }));
      return { followed };
    },
    storedRow(messageId) {
      return rowOf.get(messageId) ?? null;
    },
    settle: () => waitForFinalRows(db),
  };
}

/** Waits until no answer is left `streaming` in the database (final rows are written after the terminal event). */
export async function waitForFinalRows(db: Database, timeoutMs = 15_000): Promise<void> {
  const streaming = db.query<{ n: number }, []>("SELECT count(*) AS n FROM messages WHERE status = 'streaming'");
  const stopAt = Date.now() + timeoutMs;
  while (streaming.get()!.n > 0 && Date.now() < stopAt) await Bun.sleep(100);
}

/** Chats Parley creates per second with 16 sends in flight (short answers), to place the fan-out's common start. */
export async function measureSendRate(user: ParleyUser, fake: FakeUpstream, sends = 48): Promise<number> {
  await fake.setDefaultScript(pacedScript(5, 5));
  const started = now();
  await mapBounded(Array.from({ length: sends }), CREATE_CONCURRENCY, async (_, i) => {
    const { chatId } = await user.send(`rate probe ${i}`);
    user.answerIdOf(chatId);
  });
  const rate = sends / ((now() - started) / 1000);
  await Bun.sleep(1_000); // their answers and titles finish
  return rate;
}
