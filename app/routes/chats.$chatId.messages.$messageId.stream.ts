// GET /chats/:chatId/messages/:messageId/stream — one answer as Server-Sent
// Events (format in README "Streaming protocol"). Live answers come from the
// stream registry; finished ones no longer in memory come from the database.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { env } from "~/env.server";
import { getChat } from "~/models/chat.server";
import { getMessage } from "~/models/message.server";
import type { StreamEvent } from "~/streaming/registry.server";
import { encodeComment, encodeEvent, encodeRetry, SSE_HEADERS } from "~/streaming/sse.server";
import { replayToOwner, streamRegistry } from "~/streaming/streams.server";
import { notFound, plainError } from "~/utils/errors";
import { isId } from "~/utils/id";

/** The id after which to resume: the header (browser reconnects) wins over the query (page reloads). */
function parseLastEventId(request: Request): number | null | "invalid" {
  const raw = request.headers.get("Last-Event-ID") ?? new URL(request.url).searchParams.get("lastEventId");
  if (raw === null || raw === "") return null;
  if (!/^\d{1,15}$/.test(raw)) return "invalid";
  return Number(raw);
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!isId(params.chatId) || !isId(params.messageId)) return notFound();
  const chat = await getChat({ chatId: params.chatId, userId: user.id });
  if (!chat) return notFound();
  // An answer in memory needs no database read (the registry knows its chat); a stored one does.
  const inMemory = streamRegistry().get(params.messageId);
  const live = inMemory?.chatId === chat.id ? inMemory : undefined;
  const message = live ? undefined : await getMessage({ chatId: chat.id, messageId: params.messageId });
  if (!live && (!message || message.role !== "assistant")) return notFound();

  const lastEventId = parseLastEventId(request);
  if (lastEventId === "invalid") return plainError(400, "Last-Event-ID must be a non-negative whole number.");

  // Another Fly machine runs this answer: let the proxy replay the request there.
  const replay = message ? replayToOwner(message) : null;
  if (replay) return replay;
  if (live && lastEventId !== null && lastEventId > live.lastEventId) {
    return plainError(400, `Last-Event-ID ${lastEventId} is ahead of this stream (its newest event is ${live.lastEventId}).`);
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
          if (event.event === "done" || event.event === "error") close();
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
 * event (a crash reserves one, see interruptOrphanedStreams), so the text is
 * whole as of the id before it. A reader that has nothing gets the text; one
 * that is exactly up to date gets only the terminal event; one that stopped
 * somewhere else (its stream has since left memory, or the server restarted
 * ahead of the last save) gets the stored text flagged `replace: true` —
 * never a duplicate.
 */
export function eventsFromDatabase(
  message: { content: string; reasoning: string; status: string; error: string | null; stats: unknown; lastEventId: number },
  after: number | null,
): StreamEvent[] {
  const terminalId = Math.max(message.lastEventId, 2);
  const textId = terminalId - 1;
  const events: StreamEvent[] = [];
  if (after !== textId) {
    const replace = after !== null && after > 0;
    const flag = replace ? { replace: true } : {};
    if (message.reasoning || replace) events.push({ id: textId, event: "reasoning", data: { text: message.reasoning, ...flag } });
    events.push({ id: textId, event: "delta", data: { text: message.content, ...flag } });
  }
  const status = message.status === "streaming" ? "interrupted" : message.status;
  const stats = message.stats ?? {};
  events.push(
    status === "error"
      ? { id: terminalId, event: "error", data: { message: message.error ?? "The answer failed.", status, stats } }
      : { id: terminalId, event: "done", data: { status, stats, ...(message.error ? { reason: message.error } : {}) } },
  );
  return events;
}
