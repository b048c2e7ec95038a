// Check — Bun's fetch() keeps at most 256 requests in flight per process
// unless BUN_CONFIG_MAX_HTTP_REQUESTS says otherwise; every upstream answer
// Parley streams is one fetch() held open for the whole answer. This runs a
// Parley server with Bun's defaults and more concurrent answers than that,
// and reports how many upstream requests were really open at once and how
// long the answers over the limit waited for their first token.
import type { ParleyUser } from "../lib/client";
import type { FakeUpstream } from "../lib/processes";
import { pacedScript } from "../lib/protocol";
import { mapBounded, summarize, type Summary } from "../lib/stats";

export interface UpstreamCapResult {
  streams: number;
  maxUpstreamOpen: number;
  completed: number;
  ttft: Summary;
  /** Answers whose first token came more than a second after the send. */
  waitedOverOneSecond: number;
}

export async function measureUpstreamCap({
  fake,
  user,
  streams,
  tokens,
  gapMs,
  log,
}: {
  fake: FakeUpstream;
  user: ParleyUser;
  streams: number;
  tokens: number;
  gapMs: number;
  log: (line: string) => void;
}): Promise<UpstreamCapResult> {
  await fake.setDefaultScript(pacedScript(tokens, gapMs));
  let maxUpstreamOpen = 0;
  let sampling = true;
  const sampler = (async () => {
    const stopAt = Date.now() + 60_000;
    while (sampling && Date.now() < stopAt) {
      maxUpstreamOpen = Math.max(maxUpstreamOpen, (await fake.tokens()).open);
      await Bun.sleep(100);
    }
  })();
  const deadline = Date.now() + 45_000;
  const followers: Promise<{ ttft: number; complete: boolean }>[] = [];
  await mapBounded(Array.from({ length: streams }), 16, async (_, i) => {
    const { chatId, sentAt } = await user.send(`upstream cap #${i}`);
    const messageId = user.answerIdOf(chatId);
    followers.push(
      user.follow(chatId, messageId, { deadline }).then((result) => ({
        ttft: (result.tokens[0]?.at ?? NaN) - sentAt,
        complete: result.terminal?.data.status === "complete" && result.tokens.length === tokens,
      })),
    );
  });
  const results = await Promise.all(followers);
  sampling = false;
  await sampler;
  const ttfts = results.map((r) => r.ttft).filter(Number.isFinite);
  const outcome = {
    streams,
    maxUpstreamOpen,
    completed: results.filter((r) => r.complete).length,
    ttft: summarize(ttfts),
    waitedOverOneSecond: ttfts.filter((t) => t > 1_000).length,
  };
  log(`  ${streams} answers on Bun's default fetch limit: at most ${maxUpstreamOpen} upstream requests open, ${outcome.waitedOverOneSecond} waited > 1 s for a first token`);
  return outcome;
}
