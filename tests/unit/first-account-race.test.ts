// While registration is closed, an empty server still lets its first account
// in (it becomes the admin): only one, however many sign-ups arrive at once.
import "./bun-password";
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.ALLOW_REGISTRATION = "false";
});

import { count, eq } from "drizzle-orm";
import { beforeAll, expect, test } from "vitest";
import { users } from "../../drizzle/schema";
import { authenticator } from "~/auth/auth.server";
import { database, prepareDatabase } from "~/db.server";
import { AppError } from "~/protocol/errors";

beforeAll(async () => {
  await prepareDatabase();
});

const signUp = (n: number) =>
  authenticator
    .authenticate(
      "signup",
      new Request("http://parley.test/signup", {
        method: "POST",
        body: new URLSearchParams({ name: `Racer ${n}`, email: `racer${n}@example.com`, password: "a long enough password" }),
      }),
    )
    .then(
      (user) => user.role,
      (error: unknown) => (error instanceof AppError ? error.code : String(error)),
    );

test("ten sign-ups at once on an empty, closed server: one becomes the admin, the others are refused as closed", async () => {
  const outcomes = await Promise.all(Array.from({ length: 10 }, (_, n) => signUp(n)));
  expect(outcomes.filter((outcome) => outcome === "admin")).toHaveLength(1);
  expect(outcomes.filter((outcome) => outcome === "registration_closed")).toHaveLength(9);
  const [row] = await database().select({ n: count() }).from(users);
  expect(row!.n).toBe(1);
  const [admins] = await database().select({ n: count() }).from(users).where(eq(users.role, "admin"));
  expect(admins!.n).toBe(1);
  expect(await signUp(99)).toBe("registration_closed");
});
