// Calling routes the way Remix does in a unit test: real Request objects with
// a real session cookie, and the result read back as status, headers and body.
import { createSession } from "~/auth/session.server";

export const ORIGIN = "http://parley.test";

/** The Cookie header a browser would send after logging in as `userId`. */
export async function cookieFor(userId: string): Promise<string> {
  const setCookie = await createSession({ request: new Request(`${ORIGIN}/login`), userId });
  return setCookie.split(";")[0]!;
}

export interface Settled {
  status: number;
  location: string | null;
  headers: Headers;
  body: unknown;
}

/** A Remix loader or action's result (a thrown Response counts as the answer). */
export async function settle(work: () => Promise<unknown>): Promise<Settled> {
  let result: unknown;
  try {
    result = await work();
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) {
    return { status: result.status, location: result.headers.get("Location"), headers: result.headers, body: await result.text() };
  }
  if (result && typeof result === "object" && "init" in result && "data" in result) {
    const { data, init } = result as { data: unknown; init?: { status?: number; headers?: HeadersInit } | null };
    return { status: init?.status ?? 200, location: null, headers: new Headers(init?.headers), body: data };
  }
  return { status: 200, location: null, headers: new Headers(), body: result };
}

/** A form POST as a browser without JavaScript sends it. */
export function formRequest(path: string, cookie: string | null, fields: Record<string, string>): Request {
  return new Request(`${ORIGIN}${path}`, { method: "POST", body: new URLSearchParams(fields), headers: cookie ? { Cookie: cookie } : {} });
}

export function getRequest(path: string, cookie: string | null): Request {
  return new Request(`${ORIGIN}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}
