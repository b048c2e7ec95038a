// The fan-out baseline for memory and relay latency: the least a Bun process
// can do to relay an upstream answer as SSE — one fetch() to the fake per
// GET, upstream `data:` lines parsed, each content delta re-sent in Parley's
// event format with consecutive ids — and nothing else (no SDK, registry,
// database, Remix or auth). Parley's RSS per stream and added latency are
// reported against it.
//   RELAY_PORT=0 UPSTREAM_URL=http://127.0.0.1:4010/v1 bun bench/bare-relay.ts   (prints `relay <url>`)
import { completionDeltaReader } from "./lib/protocol";

const upstreamURL = process.env.UPSTREAM_URL!;
const encoder = new TextEncoder();

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.RELAY_PORT ?? 0),
  idleTimeout: 0,
  async fetch(request) {
    if (new URL(request.url).pathname === "/healthz") return new Response("ok");
    const upstream = await fetch(`${upstreamURL}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer sk-bench" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "relay" }], stream: true }),
    });
    const readDeltas = completionDeltaReader();
    let id = 0;
    const reader = upstream.body!.getReader();
    return new Response(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await reader.read();
          if (done) {
            controller.enqueue(encoder.encode(`event: done\ndata: {"status":"complete"}\nid: ${++id}\n\n`));
            controller.close();
            return;
          }
          for (const text of readDeltas(value)) controller.enqueue(encoder.encode(`event: delta\ndata: ${JSON.stringify({ text })}\nid: ${++id}\n\n`));
        },
        cancel() {
          void reader.cancel();
        },
      }),
      { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" } },
    );
  },
});
console.log(`relay http://127.0.0.1:${server.port}`);
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
