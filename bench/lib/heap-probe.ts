// Preloaded into a server by bench/heap-breakdown.ts only
// (`bun --preload ./bench/lib/heap-probe.ts server.ts`): a second listener on
// 127.0.0.1 that runs a full GC and reports the JS heap, so memory an answer
// keeps can be told apart from garbage not yet collected. It does not touch the app.
import { heapStats } from "bun:jsc";

const port = Number(process.env.BENCH_PROBE_PORT ?? 0);
if (port > 0) {
  Bun.serve({
    hostname: "127.0.0.1",
    port,
    fetch(request) {
      if (new URL(request.url).searchParams.has("gc")) Bun.gc(true);
      const stats = heapStats();
      return Response.json({
        heapSize: stats.heapSize,
        extraMemorySize: stats.extraMemorySize,
        objectCount: stats.objectCount,
        rss: process.memoryUsage().rss,
        objectTypeCounts: stats.objectTypeCounts,
      });
    },
  });
}
