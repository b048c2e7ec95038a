// The benchmark's HTTP side: a logged-in Parley user who sends messages and
// follows answers over SSE, and a direct client of the fake upstream (the
// baseline). Times are wall-clock ms (stats.now) so they compare with the
// fake's token stamps.
import { Database } from "bun:sqlite";
import { parseStreamEvent } from "../../app/protocol/stream-events";
import { createId } from "../../app/utils/id";
import { parseToken, PARLEY_MODEL, BENCH_MODEL } from "./protocol";
import { now } from "./stats";

export interface SseEvent {
  event: string;
  data: string;
  id: number | null;
  /** When the chunk holding it was read. */
  at: number;
}

/** Incremental text/event-stream parser (https://html.spec.whatwg.org/multipage/server-sent-events.html), enough for \n-separated streams. */
export class SseParser {
  private buffer = "";
  private readonly decoder = new TextDecoder();

  feed(bytes: Uint8Array, at: number): SseEvent[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    const events: SseEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = "message";
      let id: number | null = null;
      const data: string[] = [];
      let hasData = false;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") {
          data.push(value);
          hasData = true;
        } else if (field === "id") id = Number(value);
      }
      if (hasData) events.push({ event, data: data.join("\n"), id, at });
    }
    return events;
  }
}

export interface ReceivedToken {
  index: number;
  sentAt: number;
  at: number;
  /** The fake wrote it after this reader's response was open: it travelled live, not from the replay log. */
  live: boolean;
}

export class ParleyUser {
  cookie = "";
  /**
   * Where a follow-up is posted: the page's fast send (`/messages`, served at
   * the edge) or, to compare, the chat page's own action through Remix (`.data`).
   */
  sendVia: "edge" | "remix" = "edge";
  private readonly db: Database;
  private readonly leafOfChat;

  constructor(
    public baseURL: string,
    databaseFile: string,
  ) {
    this.db = new Database(databaseFile);
    this.db.exec("PRAGMA busy_timeout = 5000");
    this.leafOfChat = this.db.query<{ active_leaf_id: string | null }, [string]>("SELECT active_leaf_id FROM chats WHERE id = ?");
  }

  close(): void {
    this.db.close();
  }

  async signup(email: string): Promise<void> {
    const response = await fetch(`${this.baseURL}/signup`, {
      method: "POST",
      body: new URLSearchParams({ name: "Bench", email, password: "bench-password-123" }),
      redirect: "manual",
    });
    await response.arrayBuffer();
    const session = /parley_session=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];
    if (response.status !== 302 || !session) throw new Error(`sign-up failed: HTTP ${response.status}`);
    this.cookie = `parley_session=${session}`;
  }

  /** POST the new-chat form, as the composer does; resolves at the redirect. */
  async send(content: string): Promise<{ chatId: string; sentAt: number; redirectedAt: number }> {
    const sentAt = now();
    const response = await fetch(`${this.baseURL}/chats?index`, {
      method: "POST",
      body: new URLSearchParams({ intent: "send", content, model: PARLEY_MODEL }),
      headers: { Cookie: this.cookie },
      redirect: "manual",
    });
    await response.arrayBuffer();
    const redirectedAt = now();
    const chatId = /^\/chats\/([0-9a-z]{20})$/.exec(response.headers.get("location") ?? "")?.[1];
    if (response.status !== 302 || !chatId) throw new Error(`send failed: HTTP ${response.status} → ${response.headers.get("location")}`);
    return { chatId, sentAt, redirectedAt };
  }

  /**
   * A follow-up in an existing chat the way the page's script sends it: ids
   * chosen here, the send posted to `/chats/:id/messages`, and the answer's
   * stream opened at the same moment.
   */
  async sendInChat(chatId: string, content: string, options: { deadline: number }): Promise<{ sentAt: number; answeredAt: number; status: number; follow: FollowResult }> {
    const sendURL = this.sendVia === "edge" ? `${this.baseURL}/chats/${chatId}/messages` : `${this.baseURL}/chats/${chatId}.data`;
    // As the page does, the send names the message shown last (read before the clock starts).
    const parentId = this.leafOfChat.get(chatId)?.active_leaf_id ?? undefined;
    return sendWithStream({ baseURL: this.baseURL, sendURL, chatId, content, parentId, headers: { Cookie: this.cookie }, deadline: options.deadline });
  }

  /** The answer being written in a chat: its active leaf, read from the SQLite file (cheaper than rendering the page). */
  answerIdOf(chatId: string): string {
    const id = this.leafOfChat.get(chatId)?.active_leaf_id;
    if (!id) throw new Error(`chat ${chatId} has no active leaf`);
    return id;
  }

  streamURL(chatId: string, messageId: string): string {
    return `${this.baseURL}/chats/${chatId}/messages/${messageId}/stream`;
  }

  /** Follows an answer's SSE stream (see followEvents). */
  follow(chatId: string, messageId: string, options: FollowOptions): Promise<FollowResult> {
    return followEvents(this.streamURL(chatId, messageId), { Cookie: this.cookie }, options);
  }
}

/**
 * Posts a send with the ids chosen here and opens its answer's stream at the
 * same moment, as the page's script does (to Parley, or to the floor server
 * bench/bare-send.ts, which has the same paths).
 */
export async function sendWithStream({
  baseURL,
  chatId,
  sendURL = `${baseURL}/chats/${chatId}/messages`,
  content,
  parentId,
  headers = {},
  deadline,
}: {
  baseURL: string;
  sendURL?: string;
  chatId: string;
  content: string;
  /** The message the page shows last, which the send follows. */
  parentId?: string;
  headers?: Record<string, string>;
  deadline: number;
}): Promise<{ sentAt: number; answeredAt: number; status: number; follow: FollowResult }> {
  const userMessageId = createId();
  const answerId = createId();
  const sentAt = now();
  const post = fetch(sendURL, {
    method: "POST",
    body: new URLSearchParams({ intent: "send", content, model: PARLEY_MODEL, userMessageId, answerId, ...(parentId ? { parentId } : {}) }),
    headers,
    redirect: "manual",
  }).then(async (response) => {
    await response.arrayBuffer();
    return { status: response.status, answeredAt: now() };
  });
  const [{ status, answeredAt }, follow] = await Promise.all([post, followEvents(`${baseURL}/chats/${chatId}/messages/${answerId}/stream`, headers, { deadline })]);
  return { sentAt, answeredAt, status, follow };
}

export interface FollowOptions {
  lastEventId?: number;
  deadline: number;
  signal?: AbortSignal;
  stopWhen?: (event: SseEvent, result: FollowResult) => boolean;
  onEvent?: (event: SseEvent) => void;
}

/**
 * Reads a stream in Parley's event format (delta/done/error with ids) until
 * its terminal event, `stopWhen` says so, the deadline passes or `signal` aborts.
 */
export async function followEvents(url: string, extraHeaders: Record<string, string>, options: FollowOptions): Promise<FollowResult> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  options.signal?.addEventListener("abort", abort, { once: true });
  const timer = setTimeout(abort, Math.max(0, options.deadline - Date.now()));
  const result: FollowResult = { requestedAt: now(), openedAt: Number.NaN, firstEventAt: Number.NaN, ids: [], tokens: [], text: "", terminal: null, status: 0 };
  try {
    const headers: Record<string, string> = { ...extraHeaders, Accept: "text/event-stream" };
    if (options.lastEventId !== undefined) headers["Last-Event-ID"] = String(options.lastEventId);
    const response = await fetch(url, { headers, signal: controller.signal });
    result.openedAt = now();
    result.status = response.status;
    if (!response.ok || !response.body) {
      result.error = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
      return result;
    }
    const parser = new SseParser();
    const reader = response.body.getReader();
    let stopped = false;
    outer: for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const event of parser.feed(value, now())) {
        if (Number.isNaN(result.firstEventAt)) result.firstEventAt = event.at;
        if (event.id !== null) result.ids.push(event.id);
        options.onEvent?.(event);
        const typed = parseStreamEvent(event.event, event.data, event.id ?? NaN);
        if (typed?.event === "delta") {
          const text = typed.data.text;
          result.text += text;
          const token = parseToken(text);
          if (token) result.tokens.push({ ...token, at: event.at, live: token.sentAt >= result.openedAt });
          else result.malformedDeltas = (result.malformedDeltas ?? 0) + 1;
        } else if (typed?.event === "done" || typed?.event === "error") {
          result.terminal = { event: typed.event, data: typed.data };
        }
        if (result.terminal || options.stopWhen?.(event, result)) {
          stopped = true;
          await reader.cancel().catch(() => undefined);
          break outer;
        }
      }
    }
    if (!stopped) result.error = "stream ended without a terminal event";
  } catch (error) {
    if (!controller.signal.aborted) result.error = String(error);
    else if (!result.terminal) result.error ??= "deadline";
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", abort);
    controller.abort();
  }
  return result;
}

export interface FollowResult {
  requestedAt: number;
  /** Response headers arrived. */
  openedAt: number;
  firstEventAt: number;
  /** Every event id, in arrival order. */
  ids: number[];
  tokens: ReceivedToken[];
  text: string;
  terminal: { event: string; data: { status?: string } } | null;
  status: number;
  malformedDeltas?: number;
  error?: string;
}

export interface DirectResult {
  requestedAt: number;
  openedAt: number;
  firstTokenAt: number;
  tokens: ReceivedToken[];
  finished: boolean;
  error?: string;
}

/** The baseline: a Chat Completions stream straight from the fake upstream, as Parley's SDK would request it. */
export async function followUpstream(openaiURL: string, options: { deadline: number; content?: string }): Promise<DirectResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(0, options.deadline - Date.now()));
  const result: DirectResult = { requestedAt: now(), openedAt: Number.NaN, firstTokenAt: Number.NaN, tokens: [], finished: false };
  try {
    const response = await fetch(`${openaiURL}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer sk-bench" },
      body: JSON.stringify({
        model: BENCH_MODEL,
        messages: [{ role: "user", content: options.content ?? "Hello" }],
        stream: true,
        stream_options: { include_usage: true },
      }),
      signal: controller.signal,
    });
    result.openedAt = now();
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const parser = new SseParser();
    const reader = response.body.getReader();
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) break;
      for (const event of parser.feed(chunk, now())) {
        if (event.data === "[DONE]") {
          result.finished = true;
          continue;
        }
        const content = (JSON.parse(event.data) as { choices: Array<{ delta?: { content?: string | null } }> }).choices[0]?.delta?.content;
        if (!content) continue;
        const token = parseToken(content);
        if (!token) continue;
        if (Number.isNaN(result.firstTokenAt)) result.firstTokenAt = event.at;
        result.tokens.push({ ...token, at: event.at, live: true });
      }
    }
  } catch (error) {
    result.error = controller.signal.aborted ? "deadline" : String(error);
  } finally {
    clearTimeout(timer);
  }
  return result;
}
