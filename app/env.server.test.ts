import { describe, expect, test } from "vitest";
import { parseEnv } from "./env.server";

describe("parsing the environment", () => {
  test("an empty environment gets the documented defaults", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: "development",
      PORT: 3000,
      HOST: "0.0.0.0",
      DATABASE_URL: "file:./data/parley.db",
      ALLOW_REGISTRATION: true,
      DEMO_TOKENS_PER_SECOND: 40,
      MAX_MESSAGE_CHARS: 32_000,
      PERSIST_INTERVAL_MS: 500,
      STREAM_RETENTION_MS: 60_000,
      UPSTREAM_MAX_ATTEMPTS: 3,
      LOG_LEVEL: "info",
    });
    expect(env.SESSION_SECRET).toBeUndefined();
    expect(env.OPENAI_API_KEY).toBeUndefined();
  });

  test("an empty value means the default", () => {
    expect(parseEnv({ PORT: "", DATABASE_URL: "" })).toMatchObject({ PORT: 3000, DATABASE_URL: "file:./data/parley.db" });
  });

  test("numbers, booleans and model lists are converted", () => {
    const env = parseEnv({
      PORT: "8080",
      ALLOW_REGISTRATION: "no",
      OPENAI_MODELS: "gpt-4o, gpt-4o-mini,,",
      DATABASE_URL: "libsql://parley.turso.io",
    });
    expect(env.PORT).toBe(8080);
    expect(env.ALLOW_REGISTRATION).toBe(false);
    expect(env.OPENAI_MODELS).toEqual(["gpt-4o", "gpt-4o-mini"]);
    expect(env.DATABASE_URL).toBe("libsql://parley.turso.io");
  });

  test.each(["abc", "0", "70000", "80.5"])("a bad PORT (%s) stops with a message naming it", (port) => {
    expect(() => parseEnv({ PORT: port })).toThrow(new RegExp(`PORT=${JSON.stringify(port).replace(/[.]/g, "\\.")}`));
  });

  test("a DATABASE_URL that is not a libSQL URL stops with a message naming it and the fix", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgres://localhost/parley" })).toThrow(/DATABASE_URL="postgres:\/\/localhost\/parley": must start with file:/);
  });

  test("every bad variable is reported at once", () => {
    let message = "";
    try {
      parseEnv({ PORT: "nope", SESSION_SECRET: "short", ALLOW_REGISTRATION: "maybe", OPENAI_BASE_URL: "not a url" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("Invalid environment configuration");
    for (const name of ["PORT", "SESSION_SECRET", "ALLOW_REGISTRATION", "OPENAI_BASE_URL"]) expect(message).toContain(`${name}=`);
    expect(message).toContain("at least 32 characters");
  });
});
