// Phase 1 of `bun bench/run.ts` alone: time to first token through Parley
// against the same request straight to the fake upstream, one at a time and
// many at once. For trying a change to the send or stream path quickly.
//   bun bench/ttft.ts [--samples N] [--concurrent N] [--send-via remix] [--limits counted]
// (--send-via remix posts follow-ups to the chat page's action through Remix,
// the way sends went before docs/decisions/084, for a before/after figure.
// --limits counted keeps the send limits on, per person and per address as by
// default, but too high to refuse: every send pays for its counting.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ParleyUser } from "./lib/client";
import { benchParleyEnv, RATE_LIMITS_COUNTED, RATE_LIMITS_OFF } from "./lib/limits";
import { watchLoad } from "./lib/machine";
import { killAllChildren, startFakeUpstream, startParley } from "./lib/processes";
import { printTtft } from "./lib/report";
import { measureTtft } from "./phases/ttft";

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const dataDir = mkdtempSync(path.join(tmpdir(), "parley-bench-ttft-"));
const databaseFile = path.join(dataDir, "parley.db");
const log = (line: string) => console.log(line);
try {
  const fake = await startFakeUpstream();
  const server = await startParley({
    env: {
      ...benchParleyEnv({
        databaseFile,
        fake,
        limits: process.argv.includes("--limits") && process.argv[process.argv.indexOf("--limits") + 1] === "counted" ? RATE_LIMITS_COUNTED : RATE_LIMITS_OFF,
      }),
      PERSIST_INTERVAL_MS: "500",
      BUN_CONFIG_MAX_HTTP_REQUESTS: "4096",
    },
  });
  const user = new ParleyUser(server.baseURL, databaseFile);
  if (process.argv.includes("--send-via") && process.argv[process.argv.indexOf("--send-via") + 1] === "remix") user.sendVia = "remix";
  log(`follow-ups are posted ${user.sendVia === "edge" ? "to /chats/:id/messages (at the edge)" : "to the chat page's action (through Remix)"}`);
  await user.signup("bench@bench.local");
  const stop = watchLoad(() => [process.pid, fake.process.pid, server.pid]);
  const ttft = await measureTtft({ fake, user, serverPid: server.pid, sequentialSamples: arg("--samples", 100), concurrentStreams: arg("--concurrent", 100), log });
  printTtft(ttft, { TTFT: stop() });
  user.close();
  await server.stop();
  await fake.stop();
} finally {
  killAllChildren();
  rmSync(dataDir, { recursive: true, force: true });
}
