// Login and sign-up throttling (rate-limiter-flexible, counters in the
// database so a restart does not reset them; docs/decisions/018).
//
// Guessing a password is slowed per address *and* account (a few tries, then a
// short wait), per account from anywhere (a spread-out attack), and per
// address across accounts (spraying one password over many emails). The real
// owner, on another address, is only held by the per-account limit, which is
// short-lived; a successful login clears the owner's own counter.
import { sql } from "drizzle-orm";
import { RateLimiterDrizzle, type RateLimiterRes } from "rate-limiter-flexible";
import { rateLimits } from "../../drizzle/schema";
import { database } from "../db.server";
import { env } from "../env.server";

const MINUTE = 60;

/** One counter: `points` per `duration` seconds for each key under `keyPrefix`. */
export interface Limit {
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
  // By every setting, not only the prefix: a limit configured differently is another limiter on the same counters.
  const cacheKey = `${limit.keyPrefix}|${limit.points}|${limit.duration}|${limit.blockDuration ?? 0}`;
  let found = limiters.get(cacheKey);
  if (!found || (found as unknown as { drizzleClient: unknown }).drizzleClient !== database()) {
    found = new RateLimiterDrizzle({ storeClient: database(), schema: rateLimits, ...limit, clearExpiredByTimeout: false });
    limiters.set(cacheKey, found);
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

/** The three login limits and their keys for one attempt, the narrowest first. */
function loginKeys({ ip, email }: { ip: string; email: string }): [Limit, string][] {
  const account = normalise(email);
  return [
    [LOGIN_LIMITS.addressAndAccount, `${ip}|${account}`],
    [LOGIN_LIMITS.account, account],
    [LOGIN_LIMITS.address, ip],
  ];
}

/**
 * Takes one point (one atomic upsert, so requests arriving together are
 * counted one by one); returns how long to wait when that went over the limit
 * (0: within it). The other limits of the app (app/services/limits.server.ts)
 * count with this too.
 */
export async function take(limit: Limit, key: string): Promise<number> {
  try {
    await limiter(limit).consume(key);
    return 0;
  } catch (rejection) {
    // Over the limit: the rejection is the counter's state, not a failure.
    if (rejection instanceof Error) throw rejection;
    return (rejection as RateLimiterRes).msBeforeNext;
  }
}

/**
 * Takes one point from each counter in one batch (one commit, where `take`
 * once per counter commits once each) and returns the longest wait of those
 * that went over their limit (0: within all of them). Every counter is
 * counted either way: on a refusal, give them all back. The rows are the ones
 * `take` and `giveBack` use (same key, same window), and a burst is held to
 * the limit exactly, since each upsert is atomic. Limits that block
 * (`blockDuration`) go through `take`.
 */
export async function takeAll(counters: readonly [Limit, string][]): Promise<number> {
  if (counters.length === 0) return 0;
  const now = Date.now();
  const statements = counters.map(([limit, key]) => {
    const expire = new Date(now + limit.duration * 1000);
    const expired = sql`${rateLimits.expire} <= ${now}`;
    return database()
      .insert(rateLimits)
      .values({ key: limiter(limit).getKey(key), points: 1, expire })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          points: sql`CASE WHEN ${expired} THEN 1 ELSE ${rateLimits.points} + 1 END`,
          expire: sql`CASE WHEN ${expired} THEN ${expire.getTime()} ELSE ${rateLimits.expire} END`,
        },
      })
      .returning({ points: rateLimits.points, expire: rateLimits.expire });
  });
  const results = await database().batch(statements as [(typeof statements)[number], ...typeof statements]);
  let wait = 0;
  results.forEach(([row], index) => {
    if (row && row.points > counters[index]![0].points) wait = Math.max(wait, (row.expire?.getTime() ?? now) - now, 1);
  });
  return wait;
}

/** Returns one point to each counter (an attempt that turned out not to count). */
export async function giveBack(keys: [Limit, string][]): Promise<void> {
  await Promise.all(keys.map(([limit, key]) => limiter(limit).reward(key)));
}

/**
 * Counts a login attempt *before* its password is checked and returns how
 * long to wait (0: go ahead, the attempt is counted). Counting first is what
 * makes the limit hold for a burst: guesses sent at once would all pass a
 * check-then-count, since each is counted only after its slow password hash.
 * Settle every attempt that got 0 with `settleLoginAttempt`.
 */
export async function beginLoginAttempt({ ip, email }: { ip: string; email: string }): Promise<number> {
  const keys = loginKeys({ ip, email });
  // Already held back: refuse without counting, so a blocked guesser does not push the wider counters on.
  const waiting = Math.max(...(await Promise.all(keys.map(([limit, key]) => waitFor(limit, key)))));
  if (waiting > 0) return waiting;
  const taken: [Limit, string][] = [];
  for (const [limit, key] of keys) {
    taken.push([limit, key]);
    const wait = await take(limit, key);
    if (wait > 0) {
      // This attempt is refused, so it is no guess: nothing it took stays counted.
      await giveBack(taken);
      return wait;
    }
  }
  return 0;
}

/**
 * Ends a counted attempt. A wrong password stays counted; the right one clears
 * that address's count for the account (the owner got in) and is no failure
 * for the wider limits; an attempt whose password was never checked (a form
 * error) is given back.
 */
export async function settleLoginAttempt({ ip, email, outcome }: { ip: string; email: string; outcome: "success" | "wrong-password" | "unchecked" }): Promise<void> {
  if (outcome === "wrong-password") return;
  const [addressAndAccount, ...wider] = loginKeys({ ip, email });
  if (outcome === "success") {
    await limiter(addressAndAccount![0]).delete(addressAndAccount![1]);
    await giveBack(wider);
  } else {
    await giveBack([addressAndAccount!, ...wider]);
  }
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

/** Returns the sign-up counted by `signupWaitMs` for an attempt that created no account and revealed nothing. */
export async function refundSignup({ ip }: { ip: string }): Promise<void> {
  const limit = signupLimit();
  if (limit.points > 0) await giveBack([[limit, ip]]);
}

/** "Try again in 3 minutes": what a person needs to know about a wait. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
