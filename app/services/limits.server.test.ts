import { vi } from "vitest";

// Before any app module reads the environment.
vi.hoisted(() => {
  process.env.RATE_LIMIT_SEND_PER_USER = "10/1h";
  process.env.RATE_LIMIT_SEND_PER_IP = "25/1h";
  process.env.RATE_LIMIT_SEARCH_PER_USER = "2/1s";
  process.env.RATE_LIMIT_SEARCH_PER_IP = "off";
  process.env.RATE_LIMIT_IMPORT_PER_USER = "off";
  process.env.RATE_LIMIT_IMPORT_PER_IP = "off";
});

import { beforeAll, describe, expect, test } from "vitest";
import { closeDatabase, prepareDatabase } from "~/db.server";
import { AppError } from "~/protocol/errors";
import { createId } from "~/utils/id";
import { consume, LIMITED_ACTIONS, limitsOf, type LimitSubject, withinLimit } from "./limits.server";

beforeAll(async () => {
  await prepareDatabase();
});

const person = () => ({ id: createId() });
const address = () => `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** True when the request was let through; the refusal's error otherwise. */
async function attempt(subject: LimitSubject): Promise<true | AppError> {
  try {
    await consume(subject);
    return true;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

describe("rate limits", () => {
  test("every action has its limits, configurable and switchable off", () => {
    expect(LIMITED_ACTIONS).toEqual(["send", "regenerate", "upload", "search", "import"]);
    expect(limitsOf("send")).toMatchObject({ perUser: { points: 10, duration: 3600 }, perIp: { points: 25, duration: 3600 } });
    // Defaults where nothing is set.
    expect(limitsOf("upload")).toMatchObject({ perUser: { points: 20, duration: 60 }, perIp: { points: 60, duration: 60 } });
    expect(limitsOf("import")).toEqual({ perUser: null, perIp: null });
  });

  test("100 sends at once against a limit of 10 accept exactly 10; the others say how long to wait", async () => {
    const user = person();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => attempt({ action: "send", user, ip: `10.9.${i}.1` })));
    expect(results.filter((r) => r === true)).toHaveLength(10);
    const refusals = results.filter((r): r is AppError => r !== true);
    expect(refusals).toHaveLength(90);
    for (const refusal of refusals) {
      expect(refusal.code).toBe("rate_limited");
      expect(refusal.status).toBe(429);
      expect(refusal.params).toMatchObject({ action: "send" });
      expect(refusal.params!.seconds).toBeGreaterThan(3500);
      expect(refusal.params!.seconds).toBeLessThanOrEqual(3600);
    }
  });

  test("one address is held across people; a refused request counts for nobody", async () => {
    const ip = address();
    const people = [person(), person(), person()];
    const results = await Promise.all(people.flatMap((user) => Array.from({ length: 10 }, () => attempt({ action: "send", user, ip }))));
    expect(results.filter((r) => r === true)).toHaveLength(25);
    // The five refused by the address gave back what they took from their person's own count.
    const fresh = person();
    expect(await attempt({ action: "send", user: fresh, ip: address() })).toBe(true);
    const counts = await Promise.all(people.map(async (user) => {
      let accepted = 0;
      for (let i = 0; i < 12; i++) if ((await attempt({ action: "send", user, ip: address() })) === true) accepted++;
      return accepted;
    }));
    // Each person had 10 in total: what the address let through was theirs, the rest is still there.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30 - 25);
  });

  test("the counts survive a restart (they live in the database)", async () => {
    const user = person();
    for (let i = 0; i < 10; i++) expect(await attempt({ action: "send", user })).toBe(true);
    closeDatabase();
    await prepareDatabase();
    expect(await attempt({ action: "send", user })).toMatchObject({ code: "rate_limited" });
  });

  test("a limit resets when its window is over", async () => {
    const user = person();
    expect(await attempt({ action: "search", user })).toBe(true);
    expect(await attempt({ action: "search", user })).toBe(true);
    expect(await attempt({ action: "search", user })).toMatchObject({ code: "rate_limited", params: { seconds: 1, action: "search" } });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await attempt({ action: "search", user })).toBe(true);
  });

  test("a limit that is off lets everything through", async () => {
    const user = person();
    const results = await Promise.all(Array.from({ length: 50 }, () => attempt({ action: "import", user, ip: "10.0.0.1" })));
    expect(results.every((r) => r === true)).toBe(true);
  });

  test("work refused with a typed error gives its count back; work that ran keeps it", async () => {
    const user = person();
    for (let i = 0; i < 20; i++) {
      await expect(withinLimit({ action: "send", user }, async () => { throw new AppError("answer_in_progress"); })).rejects.toMatchObject({ code: "answer_in_progress" });
    }
    for (let i = 0; i < 10; i++) expect(await withinLimit({ action: "send", user }, async () => "sent")).toBe("sent");
    await expect(withinLimit({ action: "send", user }, async () => "sent")).rejects.toMatchObject({ code: "rate_limited" });
  });
});
