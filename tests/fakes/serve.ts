// Standalone fakes for e2e tests and benchmarks, run as their own process:
//   FAKE_OPENAI_PORT=4010 FAKE_ANTHROPIC_PORT=4020 bun tests/fakes/serve.ts
// (under Node 20: `npx tsx tests/fakes/serve.ts`). A port of 0 or unset picks a free one.
// Prints one line per server, `openai <url>` / `anthropic <url>`, then `ready`.
// Control endpoints on both servers (paths are outside /v1):
//   POST /__script    a FakeScript or an array of them, queued for the next generation requests
//   POST /__default   the FakeScript used when the queue is empty (`{}` = echo)
//   GET  /__requests  the recorded requests as JSON
//   POST /__revoke    {"key": "…"}: later requests with that key get 401 (a revoked key)
//   POST /__reset     clear queue, recordings and default script
//   GET  /__health    { ok, open }
// FAKE_RECORD_LIMIT caps the recordings kept (default 10,000).
import { startFakeAnthropic } from "./anthropic";
import { startFakeOpenAI } from "./openai";

const maxRecordedRequests = Number(process.env.FAKE_RECORD_LIMIT ?? 10_000);
const host = process.env.FAKE_HOST ?? "127.0.0.1";
const openai = await startFakeOpenAI({ port: Number(process.env.FAKE_OPENAI_PORT ?? 0), host, maxRecordedRequests });
const anthropic = await startFakeAnthropic({ port: Number(process.env.FAKE_ANTHROPIC_PORT ?? 0), host, maxRecordedRequests });
console.log(`openai ${openai.url}`);
console.log(`anthropic ${anthropic.url}`);
console.log("ready");

async function shutdown() {
  await Promise.all([openai.close(), anthropic.close()]);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
