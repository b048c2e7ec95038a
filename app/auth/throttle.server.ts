// Login and sign-up throttling (rate-limiter-flexible, counters in the
// database so a restart does not reset them; docs/decisions/018).
//
// Guessing a password is slowed per address *and* account (a few tries, then a
// short wait), per account from anywhere (a spread-out attack), and per
// address across accounts (spraying one password over many emails). The real
// owner, on another address, is only held by the per-account limit, which is
// short-lived; a successful login clears the owner's own counter.
import { RateLimiterDrizzle, type RateLimiterRes } from "rate-limiter-flexible";
import { rateLimits } from "../../drizzle/schema";
import { database } from "../db.server";
import { env } from "../env.server";

const MINUTE = 60;

interface Limit {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration?: number;
}

export const LOGIN_LIMITS = {
  /** Wrong passwords for one account from one address. */
  addressAndAccount: { keyPrefix: "login:ip+email", points: 5, duration: 15 * MINUTE },
  /** Wrong passwords for one account from anywhere. */
  account: { keyPrefix: "login:email", points: 20, duration: 15 * MINUTE },
  /** Wrong passwords from one address, any account. */
  address: { keyPrefix: "login:ip", points: 50, duration: 60 * MINUTE },
} satisfies Record<string, Limit>;

/** New accounts from one address (SIGNUPS_PER_IP_PER_HOUR). */
function signupLimit(): Limit {
  return { keyPrefix: "signup:ip", points: env().SIGNUPS_PER_IP_PER_HOUR, duration: 60 * MINUTE };
}

const limiters = new Map<string, RateLimiterDrizzle>();

function limiter(limit: Limit): RateLimiterDrizzle {
  let found = limiters.get(limit.keyPrefix);
  if (!found || (found as unknown as { drizzleClient: unknown }).drizzleClient !== database()) {
    found = new RateLimiterDrizzle({ storeClient: database(), schema: rateLimits, ...limit, clearExpiredByTimeout: false });
    limiters.set(limit.keyPrefix, found);
  }
  return found;
}

function normalise(email: string): string {
  return email.trim().toLowerCase();
}

/** Milliseconds until this limit lets another attempt through (0: now). */
async function waitFor(limit: Limit, key: string): Promise<number> {
  const state = await limiter(limit).get(key);
  return state && state.consumedPoints >= limit.points ? state.msBeforeNext : 0;
}

async function consume(limit: Limit, key: string): Promise<void> {
  try {
    await limiter(limit).consume(key);
  } catch (rejection) {
    // Over the limit: the rejection is the counter's state, not a failure.
    if (rejection instanceof Error) throw rejection;
  }
}

/** How long a login for `email` from `ip` must wait (0: go ahead). */
export async function loginWaitMs({ ip, email }: { ip: string; email: string }): Promise<number> {
  const account = normalise(email);
  const waits = await Promise.all([
    waitFor(LOGIN_LIMITS.addressAndAccount, `${ip}|${account}`),
    waitFor(LOGIN_LIMITS.account, account),
    waitFor(LOGIN_LIMITS.address, ip),
  ]);
  return Math.max(...waits);
}

export async function recordLoginFailure({ ip, email }: { ip: string; email: string }): Promise<void> {
  const account = normalise(email);
  await consume(LOGIN_LIMITS.addressAndAccount, `${ip}|${account}`);
  await consume(LOGIN_LIMITS.account, account);
  await consume(LOGIN_LIMITS.address, ip);
}

/** The owner got in: their own address's failures no longer count. */
export async function recordLoginSuccess({ ip, email }: { ip: string; email: string }): Promise<void> {
  await limiter(LOGIN_LIMITS.addressAndAccount).delete(`${ip}|${normalise(email)}`);
}

/** Counts a sign-up attempt from `ip`; returns how long to wait when over the limit (0: go ahead). */
export async function signupWaitMs({ ip }: { ip: string }): Promise<number> {
  const limit = signupLimit();
  if (limit.points === 0) return 0;
  try {
    await limiter(limit).consume(ip);
    return 0;
  } catch (rejection) {
    if (rejection instanceof Error) throw rejection;
    return (rejection as RateLimiterRes).msBeforeNext;
  }
}

/** "Try again in 3 minutes": what a person needs to know about a wait. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
