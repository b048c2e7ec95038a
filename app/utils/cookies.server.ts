// Reading a request's cookies and writing Parley's own: HttpOnly, SameSite=Lax,
// and Secure when the site is reached over https in production.
import { env } from "../env.server";

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("X-Forwarded-Proto") === "https";
}

/** A Set-Cookie value; a null value clears the cookie. */
export function setCookie(request: Request, name: string, value: string | null, { path = "/", maxAgeSeconds }: { path?: string; maxAgeSeconds: number }): string {
  const parts = [`${name}=${value ?? ""}`, `Path=${path}`, "HttpOnly", "SameSite=Lax", `Max-Age=${value === null ? 0 : maxAgeSeconds}`];
  if (env().NODE_ENV === "production" && isHttps(request)) parts.push("Secure");
  return parts.join("; ");
}

/**
 * A link shown once (an invite, a password reset) travels from the form that
 * made it to the page it redirects to in a cookie of a minute, read and
 * cleared there: reloading that page never posts the form again, which would
 * make a second link and undo the first.
 */
const SHOWN_ONCE_COOKIE = "parley-shown-once";
const SHOWN_ONCE_SECONDS = 60;

export function shownOnceCookie(request: Request, value: unknown): string {
  return setCookie(request, SHOWN_ONCE_COOKIE, encodeURIComponent(JSON.stringify(value)), { path: "/admin", maxAgeSeconds: SHOWN_ONCE_SECONDS });
}

/** What the form left for this page, if anything, and the Set-Cookie that clears it. */
export function takeShownOnce(request: Request): { value: unknown; clear: string } | null {
  const raw = readCookie(request, SHOWN_ONCE_COOKIE);
  if (!raw) return null;
  let value: unknown = null;
  try {
    value = JSON.parse(decodeURIComponent(raw));
  } catch {
    // A cookie that is not ours to read: cleared all the same.
  }
  return { value, clear: setCookie(request, SHOWN_ONCE_COOKIE, null, { path: "/admin", maxAgeSeconds: 0 }) };
}
