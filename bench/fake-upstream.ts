// The fake OpenAI/Anthropic upstreams of tests/fakes, run as their own process
// for the benchmarks — plus one thing the tests do not need: a token that
// contains TOKEN_STAMP gets it replaced, at the moment it is written to the
// socket, by the wall-clock time in ms (performance.timeOrigin + now(), which
// agrees across processes on one machine). Readers then know exactly when each
// token left the upstream, so the latency Parley adds is measured, not guessed
// from the nominal pacing.
//   FAKE_OPENAI_PORT=0 FAKE_STATS_PORT=0 bun bench/fake-upstream.ts
// Prints `openai <url>`, `anthropic <url>`, `stats <url>`, then `ready`.
// Stats endpoint (bench only): GET /tokens → { written }, POST /tokens/reset.
import { startFakeAnthropic } from "../tests/fakes/anthropic";
import { startFakeOpenAI } from "../tests/fakes/openai";
import { PacedWriter } from "../tests/fakes/server";
import { TOKEN_STAMP } from "./lib/protocol";

let stampedTokensWritten = 0;
const write = PacedWriter.prototype.write;
PacedWriter.prototype.write = function stampedWrite(this: PacedWriter, chunk: string): Promise<boolean> {
  if (chunk.includes(TOKEN_STAMP) && this.alive) {
    stampedTokensWritten++;
    const stamp = (performance.timeOrigin + performance.now()).toFixed(3);
    chunk = chunk.replaceAll(TOKEN_STAMP, stamp);
  }
  return write.call(this, chunk);
};

const host = "127.0.0.1";
const maxRecordedRequests = Number(process.env.FAKE_RECORD_LIMIT ?? 200);
const openai = await startFakeOpenAI({ port: Number(process.env.FAKE_OPENAI_PORT ?? 0), host, maxRecordedRequests });
const anthropic = await startFakeAnthropic({ port: Number(process.env.FAKE_ANTHROPIC_PORT ?? 0), host, maxRecordedRequests });
const stats = Bun.serve({
  hostname: host,
  port: Number(process.env.FAKE_STATS_PORT ?? 0),
  fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/tokens" && request.method === "GET") return Response.json({ written: stampedTokensWritten, open: openai.openExchanges });
    if (pathname === "/tokens/reset" && request.method === "POST") {
      stampedTokensWritten = 0;
      return Response.json({ ok: true });
    }
    return new Response("not found", { status: 404 });
  },
});
console.log(`openai ${openai.url}`);
console.log(`anthropic ${anthropic.url}`);
console.log(`stats http://${host}:${stats.port}`);
console.log("ready");

async function shutdown() {
  stats.stop(true);
  await Promise.all([openai.close(), anthropic.close()]);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
