// Sessions live in the database behind a random token in an httpOnly cookie.
// The table stores only HMAC(SESSION_SECRET, token), so a copy of the database cannot be
// replayed as a login. A new session is minted at every login (no fixation);
// logout deletes the row, which revokes the cookie everywhere at once.
import { createHmac } from "node:crypto";
import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { redirect } from "@remix-run/node";
import { sessions, type User, users } from "../../drizzle/schema";
import { database, prepared } from "../db.server";
import { env } from "../env.server";
import type { PublicUser } from "../models/user.server";
import { sessionSecret } from "./secret.server";

const COOKIE_NAME = "parley_session";
const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** "Last seen" is written at most this often: a page view is a read, not a write per request. */
const LAST_SEEN_EVERY_MS = 5 * 60 * 1000;

/**
 * HMAC-SHA-256 of the token under SESSION_SECRET, base64url: what the sessions
 * table stores. Synchronous node:crypto: every request hashes its cookie, and
 * WebCrypto's promise costs more than the hash itself.
 */
export function sessionId(token: string): string {
  return createHmac("sha256", sessionSecret()).update(token).digest("base64url");
}

function readToken(request: Request): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === COOKIE_NAME) {
      const value = rest.join("=");
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
    }
  }
  return null;
}

/** Secure whenever the browser reached us over HTTPS (directly or through Fly's proxy). */
function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("X-Forwarded-Proto") === "https";
}

function cookie(request: Request, value: string, maxAgeSeconds: number): string {
  const parts = [`${COOKIE_NAME}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (env().NODE_ENV === "production" && isHttps(request)) parts.push("Secure");
  return parts.join("; ");
}

/** Creates a session and returns the Set-Cookie header value. `ip` is the address it signs in from, shown in the sessions list. */
export async function createSession({ request, userId, ip }: { request: Request; userId: string; ip?: string }): Promise<string> {
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const now = Date.now();
  const db = database();
  // Logging in is being active: the account's "last active" moves with the new session's "last seen".
  await db.batch([
    db.insert(sessions).values({
      id: sessionId(token),
      userId,
      expiresAt: now + SESSION_TTL_MS,
      lastSeenAt: now,
      userAgent: request.headers.get("User-Agent")?.slice(0, 512) || null,
      ip: ip && ip !== "unknown" ? ip.slice(0, 64) : null,
    }),
    db.update(users).set({ lastActiveAt: now }).where(eq(users.id, userId)),
  ]);
  return cookie(request, token, SESSION_TTL_MS / 1000);
}

/** Whether the request carries a session cookie at all (known to the server or not). */
export function sendsSessionCookie(request: Request): boolean {
  return readToken(request) !== null;
}

/** The id (HMAC) of the session the request carries, signed in or not; null without a well-formed cookie. */
export async function currentSessionId(request: Request): Promise<string | null> {
  const token = readToken(request);
  return token ? sessionId(token) : null;
}

export async function getSessionUser(request: Request): Promise<PublicUser | null> {
  const token = readToken(request);
  if (!token) return null;
  const id = sessionId(token);
  const now = Date.now();
  const [row] = await sessionUser().execute({ id, now });
  if (!row) return null;
  const { lastSeenAt, theme: _theme, locale: _locale, ...user } = row;
  // The session's "last seen" and the person's "last active" move together, at most every few minutes.
  if (lastSeenAt === null || now - lastSeenAt > LAST_SEEN_EVERY_MS) {
    const db = database();
    await db.batch([
      db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id)),
      db.update(users).set({ lastActiveAt: now }).where(eq(users.id, user.id)),
    ]);
  }
  return user;
}


// Runs on every request (and on each page load for its theme and language): one prepared join instead of two built queries. A
// disabled account's sessions are refused here (and deleted when it is
// disabled), so disabling someone signs them out at their next request.
const sessionUser = prepared((db) =>
  db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, theme: users.theme, locale: users.locale, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder("id")), gt(sessions.expiresAt, sql.placeholder("now")), isNull(users.disabledAt)))
    .limit(1)
    .prepare(),
);


/** The signed-in account's own theme and language ("system" and null: none of its own), or null when no one is signed in. */
export async function sessionAppearance(request: Request): Promise<Pick<User, "theme" | "locale"> | null> {
  const token = readToken(request);
  if (!token) return null;
  const [row] = await sessionUser().execute({ id: sessionId(token), now: Date.now() });
  return row ? { theme: row.theme, locale: row.locale } : null;
}

/** Deletes the current session (if any) and returns a Set-Cookie that clears it. */
export async function destroySession(request: Request): Promise<string> {
  const token = readToken(request);
  if (token) await database().delete(sessions).where(eq(sessions.id, sessionId(token)));
  return cookie(request, "", 0);
}

export async function deleteExpiredSessions(): Promise<void> {
  await database().delete(sessions).where(lt(sessions.expiresAt, Date.now()));
}

function safeRedirectTarget(request: Request): string {
  const url = new URL(request.url);
  return url.pathname + url.search;
}

/**
 * The first line of every protected loader and action. An
 * expired session in the middle of a form lands on /login with `redirectTo`,
 * and GETs come back to the same page after logging in.
 */
export async function requireUser(request: Request): Promise<PublicUser> {
  const user = await getSessionUser(request);
  if (user) return user;
  const target = request.method === "GET" ? safeRedirectTarget(request) : new URL(request.url).pathname;
  const params = new URLSearchParams({ redirectTo: target });
  if (request.method !== "GET") params.set("expired", "1");
  // A browser that had a session and lost it (signed out everywhere, a new password, an admin) is told so.
  else if (sendsSessionCookie(request)) params.set("ended", "1");
  throw redirect(`/login?${params}`);
}

const PROBE_ORIGIN = "http://parley.invalid";

/**
 * Only a path on this site, re-serialised by the URL parser: never an open
 * redirect. Browsers drop tabs and newlines and treat "\\" as "/", so
 * "/\t/evil.example" or "/\\evil.example" would leave the site; such input,
 * and anything that does not resolve to this origin, gets the fallback.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/chats"): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2048) return fallback;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (!to.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, PROBE_ORIGIN);
  } catch {
    // Not a URL at all: nowhere to go but the fallback.
    return fallback;
  }
  const target = url.pathname + url.search + url.hash;
  if (url.origin !== PROBE_ORIGIN || !target.startsWith("/") || target.startsWith("//")) return fallback;
  return target;
}
