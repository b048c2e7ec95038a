// Follows one streaming answer over SSE. The page was rendered with the parts
// up to `lastEventId`; we ask the server for exactly what comes after it
// (`?lastEventId=` — a browser only sends the Last-Event-ID header on its own
// reconnects, which it then does for us with the newest id). Events are read
// and folded with the shared vocabulary (app/protocol/stream-events.ts).
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { Problem } from "../../protocol/errors";
import type { MessagePart } from "../../protocol/parts";
import {
  applyEvent,
  type MessageStats,
  type MessageStatus,
  outcomeOf,
  parseStreamEvent,
  STREAM_EVENT_NAMES,
  type StreamEvent,
  type StreamEventData,
} from "../../protocol/stream-events";

/**
 * Streams opened before their answer is on the page (the fast send opens the
 * stream in the same task as the send, before React renders anything); the
 * answer's hook takes its stream from here instead of opening another.
 */
interface OpenedStream {
  source: EventSource;
  /** What arrived before the answer was on the page, in order. */
  early: Event[];
  keep: (event: Event) => void;
}
const openedStreams = new Map<string, OpenedStream>();

/** The address a stream opened early is asked for: from its first event. */
const fromTheStart = (url: string) => `${url}?lastEventId=0`;

export function openStreamEarly(url: string): void {
  const streamUrl = fromTheStart(url);
  if (openedStreams.has(streamUrl)) return;
  const source = new EventSource(streamUrl);
  const early: Event[] = [];
  const keep = (event: Event) => early.push(event);
  for (const name of STREAM_EVENT_NAMES) source.addEventListener(name, keep);
  openedStreams.set(streamUrl, { source, early, keep });
}

/** Closes a stream opened early for an answer that will not be on the page (its send did not go through). */
export function closeEarlyStream(url: string): void {
  takeOpenedStream(fromTheStart(url))?.source.close();
}

/** The stream opened early for this answer, and what it already brought (its keeping stops here). */
function takeOpenedStream(streamUrl: string): { source: EventSource; early: Event[] } | undefined {
  const opened = openedStreams.get(streamUrl);
  if (!opened) return undefined;
  openedStreams.delete(streamUrl);
  for (const name of STREAM_EVENT_NAMES) opened.source.removeEventListener(name, opened.keep);
  return opened;
}

export interface AnswerState {
  parts: MessagePart[];
  stats?: MessageStats;
  status: MessageStatus;
  problem?: Problem;
  /** True while the browser has lost the stream and is reconnecting. */
  reconnecting: boolean;
  /** The model failed before its first token and is being asked again (until something arrives). */
  retrying?: StreamEventData["retry"];
  /** Nothing has come for QUIET_AFTER_MS (until something does). */
  quiet?: boolean;
}

/** How long an answer may go without a word before the page says it is still waiting. */
export const QUIET_AFTER_MS = 15_000;

// Opening the stream is what the first token waits for: do it as soon as the
// answer is on the page (a layout effect, before paint), not after paint.
const useOpenEarly = typeof window === "undefined" ? useEffect : useLayoutEffect;

/**
 * Whether an answer whose stream ended with event `endedAt` is being written again, by the page's data that says
 * it is being written with `lastEventId`: data from before the end has an older id, and a stream continued (Continue
 * after a Stop) goes on from its end's id.
 */
export function writtenAgain(endedAt: number, lastEventId: number): boolean {
  return lastEventId >= endedAt;
}

export function useAnswerStream({
  url,
  enabled,
  initial,
  onSettled,
}: {
  url: string;
  enabled: boolean;
  initial: { parts: MessagePart[]; lastEventId: number; retrying?: StreamEventData["retry"] };
  /** Called when the stream ends, with the id of the event it ended with (see `endedAt`). */
  onSettled: (endedAt: number) => void;
}): AnswerState {
  const [state, setState] = useState<AnswerState>({ parts: initial.parts, status: "streaming", reconnecting: false, retrying: initial.retrying });
  const lastEventId = useRef(initial.lastEventId);
  const settledRef = useRef(onSettled);
  settledRef.current = onSettled;
  const initialRef = useRef(initial);
  initialRef.current = initial;
  const ended = useRef(false);
  /** The id of the event the stream ended with (the newest seen, plus one, when the server refused it). */
  const endedAt = useRef(0);
  // Written again while the page's data never said it had ended (Continue pressed right after a Stop, before the
  // page read its data again): `enabled` stays true, and the data newer than the end opens it again.
  const [round, setRound] = useState(0);
  const wasEnabled = useRef(enabled);
  useOpenEarly(() => {
    const stayed = wasEnabled.current && enabled;
    wasEnabled.current = enabled;
    if (stayed && ended.current && writtenAgain(endedAt.current, initial.lastEventId)) setRound((n) => n + 1);
  }, [enabled, initial.lastEventId]);

  useOpenEarly(() => {
    if (!enabled) return;
    // The same answer written again (Continue after a Stop): it starts over from what the page's data has now.
    if (ended.current) {
      ended.current = false;
      lastEventId.current = initialRef.current.lastEventId;
      setState({ parts: initialRef.current.parts, status: "streaming", reconnecting: false, retrying: initialRef.current.retrying });
    }
    const streamUrl = `${url}?lastEventId=${lastEventId.current}`;
    const opened = takeOpenedStream(streamUrl);
    const source = opened?.source ?? new EventSource(streamUrl);
    // Text arrives faster than the screen refreshes: fold events as they come, paint once per frame.
    let pending: StreamEvent[] = [];
    let frame = 0;
    // One timer, re-armed only when it fires: a busy stream costs a timestamp per event, not a timer.
    let lastWord = performance.now();
    let quietTimer: ReturnType<typeof setTimeout> | undefined;
    const heard = () => {
      lastWord = performance.now();
      quietTimer ??= setTimeout(checkQuiet, QUIET_AFTER_MS);
    };
    const checkQuiet = () => {
      const silent = performance.now() - lastWord;
      quietTimer = silent >= QUIET_AFTER_MS ? undefined : setTimeout(checkQuiet, QUIET_AFTER_MS - silent);
      if (!quietTimer) setState((s) => (s.quiet ? s : { ...s, quiet: true }));
    };
    heard();
    let painted = false;
    let replaying = false;
    const flush = () => {
      frame = 0;
      if (pending.length === 0) return;
      const events = pending;
      pending = [];
      setState((s) => ({ ...s, parts: events.reduce(applyEvent, s.parts), reconnecting: false, retrying: undefined, quiet: false }));
    };
    const onMessage = (message: MessageEvent<string>) => {
      const event = parseStreamEvent(message.type, message.data, message.lastEventId);
      if (!event) return;
      lastEventId.current = event.id;
      switch (event.event) {
        case "stats":
          setState((s) => ({ ...s, stats: event.data }));
          return;
        case "retry":
          heard();
          setState((s) => ({ ...s, retrying: event.data, quiet: false }));
          return;
        case "done":
        case "error": {
          source.close();
          clearTimeout(quietTimer);
          flush();
          ended.current = true;
          endedAt.current = event.id;
          const outcome = outcomeOf(event);
          setState((s) => ({ ...s, status: outcome.status, problem: outcome.problem, stats: outcome.stats ?? s.stats, reconnecting: false, retrying: undefined }));
          settledRef.current(endedAt.current);
          return;
        }
        default:
          heard();
          pending.push(event);
          // The first piece shows at once, rendered in this event's own task (it is what the reader is waiting for:
          // left to React's scheduler, it waited behind whatever else the page had queued, such as the send's response
          // and the sent message's render); the rest once per frame. (Replayed in the layout effect, it renders before
          // paint anyway, and flushSync may not be called there.)
          if (!painted) {
            painted = true;
            if (replaying) flush();
            else flushSync(flush);
          } else frame ||= requestAnimationFrame(flush);
      }
    };
    const onError = (event: Event) => {
      if (event instanceof MessageEvent && typeof event.data === "string") {
        // The server's own `error` event: the answer failed upstream.
        onMessage(event as MessageEvent<string>);
      } else if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (404, 400…): the page data is stale.
        clearTimeout(quietTimer);
        flush();
        ended.current = true;
        endedAt.current = lastEventId.current + 1;
        setState((s) => ({ ...s, status: "interrupted", problem: { code: "stream_lost" }, reconnecting: false }));
        settledRef.current(endedAt.current);
      } else {
        setState((s) => ({ ...s, reconnecting: true }));
      }
    };
    // What came before the answer was on the page first, then the rest as it comes: nothing lost, nothing twice.
    replaying = true;
    for (const event of opened?.early ?? []) {
      if (event.type === "error") onError(event);
      else onMessage(event as MessageEvent<string>);
    }
    replaying = false;
    for (const name of STREAM_EVENT_NAMES) if (name !== "error") source.addEventListener(name, onMessage);
    source.addEventListener("error", onError);
    return () => {
      if (frame) cancelAnimationFrame(frame);
      clearTimeout(quietTimer);
      source.close();
    };
  }, [url, enabled, round]);

  return state;
}
