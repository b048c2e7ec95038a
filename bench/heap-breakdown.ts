// Diagnostic (not part of `npm run bench`): what one streaming answer keeps
// in memory after a full GC, in Parley and in the bare relay, next to its RSS.
// Explains the fan-out's "RSS per active stream": live memory vs garbage.
//   bun bench/heap-breakdown.ts [answers=200]
// Servers get bench/lib/heap-probe.ts preloaded (a GC + heap-stats endpoint).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { followEvents, ParleyUser } from "./lib/client";
import { freePort, killAllChildren, startFakeUpstream, type FakeUpstream } from "./lib/processes";
import { pacedScript } from "./lib/protocol";
import { mapBounded } from "./lib/stats";
import { newChatTtftSample } from "./phases/ttft";
import { benchParleyEnv } from "./lib/limits";

const answers = Number(process.argv[2] ?? 200);
// This process reads every answer with fetch(), which Bun caps at 256 requests in flight by default.
if (answers > 250 && Number(process.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? 256) < answers + 10) {
  console.error(`More than 250 answers: run with BUN_CONFIG_MAX_HTTP_REQUESTS=${answers + 50} in the environment.`);
  process.exit(1);
}
const HOLD_MS = 15_000; // every first token waits until all answers are open
const root = path.resolve(import.meta.dir, "..");

interface HeapReading {
  heapSize: number;
  extraMemorySize: number;
  objectCount: number;
  rss: number;
  objectTypeCounts: Record<string, number>;
}

async function breakdown(kind: "parley" | "relay", fake: FakeUpstream): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "parley-heap-"));
  const [port, probePort] = [await freePort(), await freePort()];
  const server = Bun.spawn([process.execPath, "--preload", "./bench/lib/heap-probe.ts", kind === "parley" ? "server.ts" : "bench/bare-relay.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOST: "127.0.0.1",
      PORT: String(port),
      RELAY_PORT: String(port),
      UPSTREAM_URL: fake.openaiURL,
      BENCH_PROBE_PORT: String(probePort),
      ...benchParleyEnv({ databaseFile: path.join(dir, "parley.db"), fake }),
      BUN_CONFIG_MAX_HTTP_REQUESTS: "4096",
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  const reading = async (gc: boolean) => (await (await fetch(`http://127.0.0.1:${probePort}/${gc ? "?gc" : ""}`)).json()) as HeapReading;
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let deadline = Date.now() + 20_000; ; await Bun.sleep(50)) {
      if (Date.now() > deadline) throw new Error(`${kind} did not start`);
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    }
    let open: (index: number) => Promise<{ followed: Promise<unknown> }>;
    await fake.setDefaultScript(pacedScript(5, 5));
    if (kind === "parley") {
      const user = new ParleyUser(base, path.join(dir, "parley.db"));
      await user.signup("heap@bench.local");
      for (let i = 0; i < 30; i++) await newChatTtftSample(user, `warm-up ${i}`);
      open = async (index) => {
        const { chatId } = await user.send(`heap ${index}`);
        return { followed: user.follow(chatId, user.answerIdOf(chatId), { deadline: Date.now() + 90_000 }) };
      };
    } else {
      for (let i = 0; i < 30; i++) await followEvents(`${base}/relay`, {}, { deadline: Date.now() + 5_000 });
      open = async () => ({ followed: followEvents(`${base}/relay`, {}, { deadline: Date.now() + 90_000 }) });
    }
    await Bun.sleep(1_500);
    const before = await reading(true);
    await fake.setDefaultScript(pacedScript(200, 50, HOLD_MS));
    const startedAt = Date.now();
    const followers: Promise<unknown>[] = [];
    await mapBounded(Array.from({ length: answers }), 16, async (_, index) => void followers.push((await open(index)).followed));
    // Measure mid-answer: 140 of 200 tokens in.
    await Bun.sleep(Math.max(0, startedAt + HOLD_MS + 7_000 - Date.now()));
    const live = await reading(false);
    const collected = await reading(true);
    const per = (after: number, start: number) => `${((after - start) / answers / 1024).toFixed(1)} KiB`;
    const types = Object.entries(collected.objectTypeCounts)
      .map(([type, count]) => [type, (count - (before.objectTypeCounts[type] ?? 0)) / answers] as const)
      .filter(([, count]) => count >= 0.9)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12);
    console.log(
      `${kind.padEnd(6)} per streaming answer: RSS ${per(live.rss, before.rss)}; after a full GC: heap ${per(collected.heapSize, before.heapSize)} ` +
        `(external buffers ${per(collected.extraMemorySize, before.extraMemorySize)}), ${((collected.objectCount - before.objectCount) / answers).toFixed(0)} objects`,
    );
    console.log(`       ${types.map(([type, count]) => `${type} ${count.toFixed(1)}`).join(", ")}`);
    await fake.setDefaultScript(pacedScript(5, 5));
    await Promise.all(followers);
  } finally {
    server.kill("SIGTERM");
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const fake = await startFakeUpstream();
try {
  await breakdown("relay", fake);
  await breakdown("parley", fake);
} finally {
  killAllChildren();
}
process.exit(0);
