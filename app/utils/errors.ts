// Typed errors that carry meaning (STYLE.md §7). Routes turn them into HTTP
// responses with notFound()/badRequest(); the stream engine turns upstream
// failures into `error` events.

/** Someone else's record, or none: always 404, never a hint that it exists. */
export function notFound(what = "Not found"): Response {
  return new Response(what, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export function plainError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

export class ConflictError extends Error {
  readonly status = 409;
}
