// Rate limits on what costs the server (or someone's key) real work: sending,
// regenerating, uploads, search and imports, per person and per address
// (docs/decisions/030). Counted in the database like the login throttle
// (app/auth/throttle.server.ts), so a restart does not reset them, and
// counted *before* the work starts, one atomic upsert per counter and all of a
// request's counters in one batch, so a burst sent at once is held to the
// limit exactly.
//
// Code that does one of these things calls `consume` (or wraps its work in
// `withinLimit`) before anything is sent upstream; the limits themselves are
// RATE_LIMIT_<ACTION>_PER_USER and RATE_LIMIT_<ACTION>_PER_IP.
import { giveBack, type Limit, retryAfterSeconds, takeAll } from "../auth/throttle.server";
import { env, LIMITED_ACTIONS, type LimitedAction, type RateLimitSetting } from "../env.server";
import { AppError } from "../protocol/errors";

export { LIMITED_ACTIONS, type LimitedAction };

export interface LimitSubject {
  action: LimitedAction;
  /** The person acting (absent: only the address is counted). */
  user?: { id: string } | null;
  /** The client's address (absent, as under the Vite dev server: only the person is counted). */
  ip?: string | null;
}

function asLimit(keyPrefix: string, setting: RateLimitSetting): Limit | null {
  return setting ? { keyPrefix, points: setting.points, duration: setting.durationSeconds } : null;
}

/** An action's limits as configured: per person and per address (null: off). */
export function limitsOf(action: LimitedAction): { perUser: Limit | null; perIp: Limit | null } {
  const name = action.toUpperCase() as Uppercase<LimitedAction>;
  const config = env();
  return {
    perUser: asLimit(`limit:${action}:user`, config[`RATE_LIMIT_${name}_PER_USER`]),
    perIp: asLimit(`limit:${action}:ip`, config[`RATE_LIMIT_${name}_PER_IP`]),
  };
}

/** The counters one request of `subject` takes a point from, the narrowest first. */
function countersOf({ action, user, ip }: LimitSubject): [Limit, string][] {
  const { perUser, perIp } = limitsOf(action);
  const counters: [Limit, string][] = [];
  if (perUser && user) counters.push([perUser, user.id]);
  if (perIp && ip) counters.push([perIp, ip]);
  return counters;
}

/**
 * Counts one `action` for the person and their address. Over either limit,
 * it throws `rate_limited` (429, with the seconds to wait for Retry-After)
 * and nothing stays counted: a refused request is no request.
 */
export async function consume(subject: LimitSubject): Promise<void> {
  const counters = countersOf(subject);
  const waitMs = await takeAll(counters);
  if (waitMs > 0) {
    await giveBack(counters);
    throw new AppError("rate_limited", { params: { seconds: retryAfterSeconds(waitMs), action: subject.action } });
  }
}

/** Gives back what `consume` counted, for a request that was refused before it did any work. */
export async function refund(subject: LimitSubject): Promise<void> {
  await giveBack(countersOf(subject));
}

/**
 * Counts `subject`, then does the work. A work refused with a typed error (a
 * model that is not available, an answer already being written) did nothing
 * upstream, so its count is given back; the error goes on as it was.
 */
export async function withinLimit<T>(subject: LimitSubject, work: () => Promise<T>): Promise<T> {
  await consume(subject);
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) await refund(subject);
    throw error;
  }
}
