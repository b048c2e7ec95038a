// A small Server-Sent Events encoder (remix-utils' eventStream cannot write
// `id:`, `retry:` or comments). Spec: https://html.spec.whatwg.org/multipage/server-sent-events.html
const encoder = new TextEncoder();

export function encodeEvent({ id, event, data }: { id?: number | string; event?: string; data: unknown }): Uint8Array {
  let out = "";
  if (event) out += `event: ${event}\n`;
  const text = typeof data === "string" ? data : JSON.stringify(data);
  // A newline inside data would end the field: split into several data lines.
  for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  if (id !== undefined) out += `id: ${id}\n`;
  return encoder.encode(out + "\n");
}

export function encodeComment(comment: string): Uint8Array {
  return encoder.encode(`: ${comment}\n\n`);
}

export function encodeRetry(ms: number): Uint8Array {
  return encoder.encode(`retry: ${ms}\n\n`);
}

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  // nginx and some proxies buffer responses unless told not to.
  "X-Accel-Buffering": "no",
} as const;
