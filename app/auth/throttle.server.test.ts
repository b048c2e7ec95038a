import { beforeAll, describe, expect, test } from "vitest";
import { closeDatabase, prepareDatabase } from "~/db.server";
import { createId } from "~/utils/id";
import { beginLoginAttempt, LOGIN_LIMITS, settleLoginAttempt } from "./throttle.server";

beforeAll(async () => {
  await prepareDatabase();
});

const account = () => `someone-${createId()}@example.com`;
const address = () => `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** One login attempt with a wrong password, as the login action makes it; true when it was let through. */
async function guess(ip: string, email: string): Promise<boolean> {
  if ((await beginLoginAttempt({ ip, email })) > 0) return false;
  await settleLoginAttempt({ ip, email, outcome: "wrong-password" });
  return true;
}

describe("login throttling", () => {
  test("five wrong passwords from one address, then even the right one waits up to 15 minutes", async () => {
    const [ip, email] = [address(), account()];
    for (let attempt = 1; attempt <= LOGIN_LIMITS.addressAndAccount.points; attempt++) expect(await guess(ip, email), `attempt ${attempt}`).toBe(true);
    const wait = await beginLoginAttempt({ ip, email });
    expect(wait).toBeGreaterThan(14 * 60_000);
    expect(wait).toBeLessThanOrEqual(15 * 60_000);
  });

  test("a burst of guesses sent at once is held to the same five", async () => {
    const [ip, email] = [address(), account()];
    const results = await Promise.all(Array.from({ length: 40 }, () => guess(ip, email)));
    expect(results.filter(Boolean)).toHaveLength(LOGIN_LIMITS.addressAndAccount.points);
  });

  test("a refused burst does not use up the account's wider limit for everyone else", async () => {
    const [email, attacker, owner] = [account(), address(), address()];
    await Promise.all(Array.from({ length: 40 }, () => guess(attacker, email)));
    expect(await beginLoginAttempt({ ip: owner, email })).toBe(0);
  });

  test("logging in clears the address's count; attempts whose password was never checked are given back", async () => {
    const [ip, email] = [address(), account()];
    for (let attempt = 0; attempt < 4; attempt++) await guess(ip, email);
    expect(await beginLoginAttempt({ ip, email })).toBe(0);
    await settleLoginAttempt({ ip, email, outcome: "success" });
    for (let attempt = 0; attempt < 10; attempt++) {
      expect(await beginLoginAttempt({ ip, email })).toBe(0);
      await settleLoginAttempt({ ip, email, outcome: "unchecked" });
    }
    for (let attempt = 1; attempt <= 5; attempt++) expect(await guess(ip, email), `attempt ${attempt}`).toBe(true);
    expect(await guess(ip, email)).toBe(false);
  });

  test("one account from many addresses is held after twenty guesses; other accounts are not", async () => {
    const email = account();
    for (let attempt = 0; attempt < LOGIN_LIMITS.account.points; attempt++) expect(await guess(address(), email)).toBe(true);
    expect(await guess(address(), email)).toBe(false);
    expect(await guess(address(), account())).toBe(true);
  });

  test("counts live in the database: a new connection (a restart) still sees them", async () => {
    const [ip, email] = [address(), account()];
    for (let attempt = 0; attempt < 5; attempt++) await guess(ip, email);
    closeDatabase();
    expect(await beginLoginAttempt({ ip, email })).toBeGreaterThan(0);
  });
});
