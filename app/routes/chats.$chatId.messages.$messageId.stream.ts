// GET /chats/:chatId/messages/:messageId/stream — one answer as Server-Sent
// Events (format in README "Streaming protocol"). Live answers come from the
// stream registry; finished ones no longer in memory come from the database.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getSessionUser, requireUser } from "~/auth/session.server";
import { env } from "~/env.server";
import { requireChatAccess } from "~/models/chat-access.server";
import { getMessage } from "~/models/message.server";
import type { Message } from "../../drizzle/schema";
import { type StreamEvent, isTerminal, terminalEvent } from "~/protocol/stream-events";
import { encodeComment, encodeEvent, encodeRetry, SSE_HEADERS } from "~/streaming/sse.server";
import { owningMachine, replayOn, streamRegistry } from "~/streaming/streams.server";
import { codeResponse, orRespond } from "~/utils/http.server";
import { isId } from "~/utils/id";

/**
 * How long a request for an answer nobody has started yet waits for it: the
 * browser opens the stream in parallel with the send that creates the answer
 * (with an id it chose), so the stream request can arrive first.
 */
const AWAIT_NEW_ANSWER_MS = 5_000;
/** How often that wait reads the database again for the answer stored by another machine. */
const LOOK_AGAIN_MS = 100;

/** The id after which to resume: the header (browser reconnects) wins over the query (page reloads). */
function parseLastEventId(request: Request): number | null | "invalid" {
  const raw = request.headers.get("Last-Event-ID") ?? new URL(request.url).searchParams.get("lastEventId");
  if (raw === null || raw === "") return null;
  if (!/^\d{1,15}$/.test(raw)) return "invalid";
  return Number(raw);
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // Signed out: a browser's EventSource (an expired session while a send was
  // on its way) gets 204, which tells it to stop without retrying — the
  // page's own request takes the user to log in; anything else is redirected.
  const signedIn = await getSessionUser(request);
  if (!signedIn && request.headers.get("Accept")?.includes("text/event-stream")) return new Response(null, { status: 204 });
  const user = signedIn ?? (await requireUser(request));
  const { chat } = await orRespond(request, () => requireChatAccess({ chatId: params.chatId, user, level: "read" }));
  const messageId = params.messageId;
  if (!isId(messageId)) return codeResponse("not_found", request);
  const lastEventId = parseLastEventId(request);
  if (lastEventId === "invalid") return codeResponse("last_event_id_invalid", request);

  // An answer in memory needs no database read (the registry knows its chat); a stored one does.
  const registry = streamRegistry();
  let inMemory = registry.get(messageId);
  let message: Message | undefined;
  if (!inMemory) {
    message = await getMessage({ chatId: chat.id, messageId });
    // Not stored yet (the send creating it may still be on its way), or stored
    // a moment before this machine starts generating it: wait for it to start
    // here, looking again now and then for it stored by another machine (its
    // send may have gone there, and stores after its first token, ADR 119).
    const deadline = Date.now() + AWAIT_NEW_ANSWER_MS;
    while (!inMemory && (!message || (message.status === "streaming" && !owningMachine(message))) && !request.signal.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      inMemory = await registry.waitFor(messageId, Math.min(left, LOOK_AGAIN_MS), request.signal);
      if (!inMemory) message = await getMessage({ chatId: chat.id, messageId });
    }
  }
  const live = inMemory?.chatId === chat.id ? inMemory : undefined;
  if (!live && (!message || message.role !== "assistant")) return codeResponse("not_found", request);

  // Another Fly machine runs this answer: let the proxy replay the request there.
  const machine = message ? owningMachine(message) : null;
  if (machine) return replayOn(machine);
  if (live && lastEventId !== null && lastEventId > live.lastEventId) {
    return codeResponse("last_event_id_ahead", request, { params: { requested: lastEventId, newest: live.lastEventId } });
  }

  context.disableIdleTimeout?.();
  const heartbeatMs = env().SSE_HEARTBEAT_MS;
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      // A failed enqueue is the reliable sign that the reader left (Bun does
      // not always abort request.signal): detach, and let the answer run on.
      const write = (chunk: Uint8Array) => {
        if (closed) return;
        try {
          controller.enqueue(chunk);
        } catch {
          close();
        }
      };
      write(encodeRetry(1_000));
      if (live) {
        const send = (event: StreamEvent) => {
          write(encodeEvent(event));
          if (isTerminal(event)) close();
        };
        const detach = live.subscribe(lastEventId ?? 0, send);
        // A finished stream replays and never calls back again: a reader already
        // past its terminal event would otherwise be left waiting forever.
        if (live.finished) {
          close();
          return;
        }
        const heartbeat = setInterval(() => write(encodeComment("heartbeat")), heartbeatMs);
        cleanup = () => {
          clearInterval(heartbeat);
          detach();
        };
        request.signal.addEventListener("abort", close, { once: true });
      } else if (message) {
        for (const event of eventsFromDatabase(message, lastEventId)) write(encodeEvent(event));
        close();
      }
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}

/**
 * A stored answer as events. messages.last_event_id is the id of its terminal
 * event (a crash reserves one, see interruptOrphanedStreams), so the parts
 * are whole as of the id before it. A reader that is exactly up to date gets
 * only the terminal event; any other gets a `snapshot` of the parts (it
 * replaces whatever the reader had: never a duplicate), then the terminal event.
 */
export function eventsFromDatabase(message: Pick<Message, "parts" | "status" | "problem" | "stats" | "lastEventId">, after: number | null): StreamEvent[] {
  const terminalId = Math.max(message.lastEventId, 2);
  const snapshotId = terminalId - 1;
  const events: StreamEvent[] = [];
  if (after !== snapshotId) events.push({ id: snapshotId, event: "snapshot", data: { parts: message.parts } });
  const status = message.status === "streaming" ? "interrupted" : message.status;
  events.push(terminalEvent(terminalId, { status, stats: message.stats ?? {}, ...(message.problem ? { problem: message.problem } : {}) }));
  return events;
}
