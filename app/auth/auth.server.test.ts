// auth.server.ts reaches Bun.password only inside functions, so its schemas
// can be imported under Node.
import { describe, expect, test } from "vitest";
import { tFor } from "../i18n/translate.server";
import { loginSchema, signupSchema } from "./auth.server";

// The schemas' messages are keys of the interface's words: read here as an English page shows them.
const english = tFor("en") as (key: string) => string;
const firstMessages = (result: { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } }) =>
  Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path[0], english(issue.message)]).reverse());

describe("the log-in form", () => {
  test("a valid email and password pass, with the email trimmed", () => {
    expect(loginSchema.parse({ email: "  ada@example.com ", password: "anything" })).toEqual({ email: "ada@example.com", password: "anything" });
  });

  test("missing fields ask for them", () => {
    expect(firstMessages(loginSchema.safeParse({}))).toEqual({ email: "Enter your email address.", password: "Enter your password." });
    expect(firstMessages(loginSchema.safeParse({ email: " ", password: "" }))).toEqual({
      email: "Enter your email address.",
      password: "Enter your password.",
    });
  });

  test("a malformed or over-long email is refused with an example", () => {
    expect(firstMessages(loginSchema.safeParse({ email: "ada", password: "x" })).email).toBe("Enter a valid email address, like ada@example.com.");
    expect(firstMessages(loginSchema.safeParse({ email: `${"a".repeat(250)}@example.com`, password: "x" })).email).toBe("That email address is too long.");
  });

  test("an absurdly long password is refused", () => {
    expect(loginSchema.safeParse({ email: "ada@example.com", password: "p".repeat(1025) }).success).toBe(false);
  });
});

describe("the sign-up form", () => {
  test("a name, email and password of at least 8 characters pass", () => {
    expect(signupSchema.parse({ name: " Ada ", email: "ada@example.com", password: "12345678" })).toEqual({
      name: "Ada",
      email: "ada@example.com",
      password: "12345678",
    });
  });

  test("a short password, a blank name and a long name are refused field by field", () => {
    expect(firstMessages(signupSchema.safeParse({ name: "  ", email: "ada@example.com", password: "1234567" }))).toEqual({
      name: "Tell us what to call you.",
      password: "Use at least 8 characters.",
    });
    expect(firstMessages(signupSchema.safeParse({ name: "n".repeat(81), email: "ada@example.com", password: "12345678" }))).toEqual({
      name: "Keep your name to 80 characters or fewer.",
    });
  });

  test("the password is not trimmed: spaces count", () => {
    expect(signupSchema.parse({ name: "Ada", email: "ada@example.com", password: "  pass  " }).password).toBe("  pass  ");
  });
});
