import { beforeAll, describe, expect, test } from "vitest";
import { prepareDatabase } from "../db.server";
import { createUser, EmailTakenError, getUserById, getUserWithPasswordByEmail } from "./user.server";

beforeAll(async () => {
  await prepareDatabase();
});

// Order matters: the first account in this file's fresh database is the admin.
describe("signing up", () => {
  test("the first account becomes admin and later ones members", async () => {
    const first = await createUser({ email: "ada@example.com", name: "Ada", passwordHash: "x" });
    const second = await createUser({ email: "grace@example.com", name: "Grace", passwordHash: "x" });
    expect(first.role).toBe("admin");
    expect(second.role).toBe("member");
    expect(await getUserById(second.id)).toEqual({ id: second.id, email: "grace@example.com", name: "Grace", role: "member" });
  });

  test("an email is stored in lower case and found whatever its case", async () => {
    const user = await createUser({ email: "Linus@Example.COM", name: "Linus", passwordHash: "hash" });
    expect(user.email).toBe("linus@example.com");
    const found = await getUserWithPasswordByEmail("LINUS@example.com");
    expect(found).toMatchObject({ id: user.id, passwordHash: "hash" });
  });

  test("an email already taken, in any case, is refused with EmailTakenError", async () => {
    await expect(createUser({ email: "ADA@example.com", name: "Ada again", passwordHash: "x" })).rejects.toBeInstanceOf(EmailTakenError);
    await expect(createUser({ email: "grace@example.com", name: "Grace again", passwordHash: "x" })).rejects.toBeInstanceOf(EmailTakenError);
  });

  test("an unknown id or email finds nobody", async () => {
    expect(await getUserById("000000000000000000zz")).toBeUndefined();
    expect(await getUserWithPasswordByEmail("nobody@example.com")).toBeUndefined();
  });
});
