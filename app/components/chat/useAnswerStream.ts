// Follows one streaming answer over SSE. The page was rendered with the text
// up to `lastEventId`; we ask the server for exactly what comes after it
// (`?lastEventId=` — a browser only sends the Last-Event-ID header on its own
// reconnects, which it then does for us with the newest id).
import { useEffect, useRef, useState } from "react";
import type { MessageStats } from "../../../drizzle/schema";

export interface AnswerState {
  content: string;
  reasoning: string;
  stats?: MessageStats;
  status: "streaming" | "complete" | "interrupted" | "error";
  error?: string;
  /** True while the browser has lost the stream and is reconnecting. */
  reconnecting: boolean;
}

export function useAnswerStream({
  url,
  enabled,
  initial,
  onSettled,
}: {
  url: string;
  enabled: boolean;
  initial: { content: string; reasoning: string; lastEventId: number };
  onSettled: () => void;
}): AnswerState {
  const [state, setState] = useState<AnswerState>({
    content: initial.content,
    reasoning: initial.reasoning,
    status: "streaming",
    reconnecting: false,
  });
  const lastEventId = useRef(initial.lastEventId);
  const settledRef = useRef(onSettled);
  settledRef.current = onSettled;

  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(`${url}?lastEventId=${lastEventId.current}`);
    // Deltas arrive faster than the screen refreshes: buffer them and paint once per frame.
    let pendingText = "";
    let pendingReasoning = "";
    let frame = 0;
    const flush = () => {
      frame = 0;
      if (!pendingText && !pendingReasoning) return;
      const text = pendingText;
      const reasoning = pendingReasoning;
      pendingText = pendingReasoning = "";
      setState((s) => ({ ...s, content: s.content + text, reasoning: s.reasoning + reasoning, reconnecting: false }));
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(flush);
    };
    const track = (event: MessageEvent) => {
      const id = Number(event.lastEventId);
      if (Number.isFinite(id)) lastEventId.current = id;
      return JSON.parse(event.data);
    };
    source.addEventListener("delta", (event) => {
      const data = track(event as MessageEvent) as { text: string; replace?: boolean };
      if (data.replace) {
        flush();
        setState((s) => ({ ...s, content: data.text }));
      } else {
        pendingText += data.text;
        schedule();
      }
    });
    source.addEventListener("reasoning", (event) => {
      const data = track(event as MessageEvent) as { text: string; replace?: boolean };
      if (data.replace) {
        flush();
        setState((s) => ({ ...s, reasoning: data.text }));
      } else {
        pendingReasoning += data.text;
        schedule();
      }
    });
    source.addEventListener("stats", (event) => {
      const stats = track(event as MessageEvent) as MessageStats;
      setState((s) => ({ ...s, stats }));
    });
    const settle = (status: AnswerState["status"], error?: string, stats?: MessageStats) => {
      source.close();
      flush();
      setState((s) => ({ ...s, status, error, stats: stats ?? s.stats, reconnecting: false }));
      settledRef.current();
    };
    source.addEventListener("done", (event) => {
      const data = track(event as MessageEvent) as { status: AnswerState["status"]; stats?: MessageStats; reason?: string };
      settle(data.status, data.reason, data.stats);
    });
    source.addEventListener("error", (event) => {
      if (event instanceof MessageEvent && typeof event.data === "string") {
        // The server's own `error` event: the answer failed upstream.
        const data = track(event) as { message: string; status?: AnswerState["status"]; stats?: MessageStats };
        settle(data.status ?? "error", data.message, data.stats);
      } else if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (404, 400…): the page data is stale.
        settle("interrupted", "Lost the connection to this answer. Reload the page to see where it stands.");
      } else {
        setState((s) => ({ ...s, reconnecting: true }));
      }
    });
    return () => {
      if (frame) cancelAnimationFrame(frame);
      source.close();
    };
  }, [url, enabled]);

  return state;
}
