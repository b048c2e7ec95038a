// The first-token floor: the least a Bun server can do between a send and its
// first token, in the shape the page's script uses with Parley — the send
// posted as a form with the answer's id chosen by the client, the answer's
// stream opened at the same moment — asking the fake through the same
// official OpenAI SDK, and relaying in Parley's event format. Nothing else: no
// session, access check, validation, database, moderation, limits, context,
// registry or persistence. Phase 1 reports Parley's first-token time against it.
//   SEND_PORT=0 UPSTREAM_URL=http://127.0.0.1:4010/v1 bun bench/bare-send.ts   (prints `send <url>`)
import OpenAI from "openai";
import { terminalEvent, type StreamEvent } from "../app/protocol/stream-events";
import { encodeEvent, SSE_HEADERS } from "../app/streaming/sse.server";
import { BENCH_MODEL } from "./lib/protocol";

const client = new OpenAI({ apiKey: "sk-bench", baseURL: process.env.UPSTREAM_URL!, maxRetries: 0 });

interface Answer {
  events: Uint8Array[];
  readers: Set<(chunk: Uint8Array | null) => void>;
  ended: boolean;
}

const answers = new Map<string, Answer>();
const waiting = new Map<string, ((answer: Answer) => void)[]>();
const SEND_PATH = /^\/chats\/[^/]+\/messages$/;
const STREAM_PATH = /^\/chats\/[^/]+\/messages\/([^/]+)\/stream$/;

function emit(answer: Answer, event: StreamEvent): void {
  const chunk = encodeEvent(event);
  answer.events.push(chunk);
  for (const reader of answer.readers) reader(chunk);
}

async function generate(answerId: string, answer: Answer, content: string): Promise<void> {
  let id = 0;
  try {
    const chunks = await client.chat.completions.create({ model: BENCH_MODEL, messages: [{ role: "user", content }], stream: true, stream_options: { include_usage: true } });
    for await (const chunk of chunks) {
      const text = chunk.choices[0]?.delta.content;
      if (text) emit(answer, { id: ++id, event: "delta", data: { part: 0, text } });
    }
    emit(answer, terminalEvent(++id, { status: "complete", stats: {} }));
  } catch {
    emit(answer, terminalEvent(++id, { status: "error", problem: { code: "answer_failed" } }));
  }
  answer.ended = true;
  for (const reader of answer.readers) reader(null);
  // Kept a little for a reader that arrives late, then let go.
  setTimeout(() => answers.delete(answerId), 10_000);
}

async function send(request: Request): Promise<Response> {
  const form = await request.formData();
  const answerId = String(form.get("answerId") ?? "");
  const content = String(form.get("content") ?? "");
  if (!answerId || answers.has(answerId)) return Response.json({ ok: false }, { status: 409 });
  const answer: Answer = { events: [], readers: new Set(), ended: false };
  answers.set(answerId, answer);
  for (const resolve of waiting.get(answerId) ?? []) resolve(answer);
  waiting.delete(answerId);
  void generate(answerId, answer, content);
  return Response.json({ ok: true, answerId });
}

async function follow(answerId: string): Promise<Response> {
  const answer =
    answers.get(answerId) ??
    (await new Promise<Answer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 5_000);
      waiting.set(answerId, [...(waiting.get(answerId) ?? []), (found) => (clearTimeout(timer), resolve(found))]);
    }));
  if (!answer) return new Response("not found", { status: 404 });
  let reader: ((chunk: Uint8Array | null) => void) | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of answer.events) controller.enqueue(chunk);
      if (answer.ended) return controller.close();
      reader = (chunk) => (chunk ? controller.enqueue(chunk) : controller.close());
      answer.readers.add(reader);
    },
    cancel() {
      if (reader) answer.readers.delete(reader);
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.SEND_PORT ?? 0),
  idleTimeout: 0,
  fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/healthz") return new Response("ok");
    if (request.method === "POST" && SEND_PATH.test(pathname)) return send(request);
    const stream = request.method === "GET" ? STREAM_PATH.exec(pathname) : null;
    if (stream) return follow(stream[1]!);
    return new Response("not found", { status: 404 });
  },
});
console.log(`send http://127.0.0.1:${server.port}`);
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
