import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { KNOWN_SETTINGS, parseEnv, PROVIDER_ENV_PREFIXES } from "./env.server";

describe("parsing the environment", () => {
  test("an empty environment gets the documented defaults", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: "production",
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

  test.each(["ftp://127.0.0.1:3890/v1", "file:///tmp/v1", "not-a-url"])("a provider's base URL that is not an http(s) address (%s) stops with a message naming it", (address) => {
    expect(() => parseEnv({ CUSTOM_OPENAI_BASE_URL: address })).toThrow(/CUSTOM_OPENAI_BASE_URL=.*: must be (an http:\/\/ or https:\/\/ address|a URL)/);
    expect(parseEnv({ CUSTOM_OPENAI_BASE_URL: "HTTP://127.0.0.1:3890/v1" }).CUSTOM_OPENAI_BASE_URL).toBe("HTTP://127.0.0.1:3890/v1");
  });

  test("a password in an address is not printed when its setting is refused", () => {
    let message = "";
    try {
      parseEnv({ OPENAI_BASE_URL: "http://proxy-user:hunter2-proxy@bad host/v1", DATABASE_URL: "postgres://db-user:hunter2-db@127.0.0.1/parley" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('OPENAI_BASE_URL="http://proxy-user:[redacted]@bad host/v1"');
    expect(message).toContain('DATABASE_URL="postgres://db-user:[redacted]@127.0.0.1/parley"');
    expect(message).not.toContain("hunter2");
  });

  test("a DATABASE_URL that is not a libSQL URL stops with a message naming it and the fix", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgres://localhost/parley" })).toThrow(/DATABASE_URL="postgres:\/\/localhost\/parley": must start with file:/);
  });

  test.each(["file:", "file::memory:", "file:./"])("a DATABASE_URL naming no file (%s) stops the boot: the data would be lost at every restart", (url) => {
    expect(() => parseEnv({ DATABASE_URL: url })).toThrow(new RegExp(`DATABASE_URL=${JSON.stringify(url).replace(/[.]/g, "\\.")}: (holds no file|names a folder).*name the database file`));
  });

  test("a DATABASE_URL naming an existing folder stops the boot with the fix", () => {
    expect(() => parseEnv({ DATABASE_URL: `file:${tmpdir()}` })).toThrow(/names a folder; name the database file, like file:\.\/data\/parley\.db/);
    expect(parseEnv({ DATABASE_URL: `file:${path.join(tmpdir(), "parley-not-there", "parley.db")}` }).DATABASE_URL).toContain("parley-not-there");
  });

  test("true and false are read whatever their case", () => {
    expect(parseEnv({ ALLOW_REGISTRATION: "FALSE" }).ALLOW_REGISTRATION).toBe(false);
    expect(parseEnv({ ALLOW_REGISTRATION: " True " }).ALLOW_REGISTRATION).toBe(true);
    expect(parseEnv({ ALLOW_USER_BASE_URLS: "Yes" }).ALLOW_USER_BASE_URLS).toBe(true);
    expect(parseEnv({ ALLOW_REGISTRATION: "off" }).ALLOW_REGISTRATION).toBe(false);
    expect(parseEnv({ ALLOW_REGISTRATION: "On" }).ALLOW_REGISTRATION).toBe(true);
    expect(() => parseEnv({ ALLOW_REGISTRATION: "sure" })).toThrow(/ALLOW_REGISTRATION="sure": expected true or false/);
  });

  test("the answers limit takes whole hours or days, as the admin page does", () => {
    expect(parseEnv({ LIMIT_MESSAGES_PER_USER: "50/3h" }).LIMIT_MESSAGES_PER_USER).toEqual({ points: 50, durationSeconds: 3 * 3600 });
    expect(parseEnv({ LIMIT_MESSAGES_PER_USER: "200/1d" }).LIMIT_MESSAGES_PER_USER).toEqual({ points: 200, durationSeconds: 86_400 });
    for (const value of ["3/30m", "3/90m", "5/10s", "abc"]) expect(() => parseEnv({ LIMIT_MESSAGES_PER_USER: value })).toThrow(/LIMIT_MESSAGES_PER_USER=.*whole hours or days/);
    // One reason, the one this setting takes: not also the format of the rate limits, which offers "30/1m".
    expect(() => parseEnv({ LIMIT_MESSAGES_PER_USER: "abc" })).toThrow(/^Invalid environment configuration:\n[^\n]*\nSee \.env\.example/);
  });

  test(".env.example names every setting (a provider's endpoint and model list once, for all)", () => {
    const example = readFileSync(".env.example", "utf8");
    const named = (name: string) => new RegExp(`^(# ?)?${name}=`, "m").test(example);
    const missing = [...KNOWN_SETTINGS].filter((name) => !named(name) && !/_(BASE_URL|MODELS|API_KEY)$/.test(name));
    expect(missing).toEqual([]);
    for (const prefix of PROVIDER_ENV_PREFIXES) expect(named(`${prefix}_API_KEY`) || named(`${prefix}_BASE_URL`), prefix).toBe(true);
    expect(example).toContain("<PREFIX>_BASE_URL");
  });

  test("MODERATION_MODEL without an OpenAI key stops the boot instead of checking nothing", () => {
    expect(() => parseEnv({ MODERATION_MODEL: "omni-moderation-latest" })).toThrow(/MODERATION_MODEL="omni-moderation-latest": needs OPENAI_API_KEY/);
    expect(parseEnv({ MODERATION_MODEL: "omni-moderation-latest", OPENAI_API_KEY: "sk-test" }).MODERATION_MODEL).toBe("omni-moderation-latest");
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

  test("rate limits read as a count per time, or off; a bad one stops with the format", () => {
    const env = parseEnv({ RATE_LIMIT_SEND_PER_USER: "5/10s", RATE_LIMIT_SEND_PER_IP: "200/h", RATE_LIMIT_IMPORT_PER_USER: "off", RATE_LIMIT_IMPORT_PER_IP: "0" });
    expect(env.RATE_LIMIT_SEND_PER_USER).toEqual({ points: 5, durationSeconds: 10 });
    expect(env.RATE_LIMIT_SEND_PER_IP).toEqual({ points: 200, durationSeconds: 3600 });
    expect(env.RATE_LIMIT_IMPORT_PER_USER).toBeNull();
    expect(env.RATE_LIMIT_IMPORT_PER_IP).toBeNull();
    // Defaults when unset.
    expect(env.RATE_LIMIT_REGENERATE_PER_USER).toEqual({ points: 30, durationSeconds: 60 });
    for (const bad of ["lots", "10", "10/2w", "0/1m", "5/8d"]) {
      expect(() => parseEnv({ RATE_LIMIT_SEARCH_PER_USER: bad }), bad).toThrow(/RATE_LIMIT_SEARCH_PER_USER=.*count per time/);
    }
  });

  test("ENCRYPTION_KEY takes 32 bytes as hex or base64; a wrong one stops the boot without being printed", () => {
    expect(parseEnv({ ENCRYPTION_KEY: "ab".repeat(32) }).ENCRYPTION_KEY).toHaveLength(32);
    expect(parseEnv({ ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") }).ENCRYPTION_KEY).toEqual(Buffer.alloc(32, 7));
    expect(parseEnv({ ENCRYPTION_KEYS_OLD: `${"cd".repeat(32)}, ${Buffer.alloc(32, 1).toString("base64url")}` }).ENCRYPTION_KEYS_OLD).toHaveLength(2);
    expect(parseEnv({}).ENCRYPTION_KEY).toBeUndefined();
    const secretLooking = "not-a-real-key-but-secret-all-the-same";
    let message = "";
    try {
      parseEnv({ ENCRYPTION_KEY: secretLooking, ENCRYPTION_KEYS_OLD: `${"cd".repeat(32)},${secretLooking}`, SESSION_SECRET: "short-secret" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("ENCRYPTION_KEY=(hidden): must be 32 random bytes");
    expect(message).toContain("ENCRYPTION_KEYS_OLD=(hidden): key 2 must be 32 random bytes");
    expect(message).toContain("SESSION_SECRET=(hidden)");
    expect(message).not.toContain(secretLooking);
    expect(message).not.toContain("short-secret");
  });

  test("people's base URLs are off by default; the allow list is a comma-separated list", () => {
    expect(parseEnv({})).toMatchObject({ ALLOW_USER_BASE_URLS: false, USER_BASE_URL_ALLOW_HOSTS: [] });
    expect(parseEnv({ ALLOW_USER_BASE_URLS: "true", USER_BASE_URL_ALLOW_HOSTS: " Ollama.LAN:11434, 192.168.1.0/24 ," })).toMatchObject({
      ALLOW_USER_BASE_URLS: true,
      USER_BASE_URL_ALLOW_HOSTS: ["ollama.lan:11434", "192.168.1.0/24"],
    });
    expect(parseEnv({ USER_BASE_URL_ALLOW_HOSTS: "ollama, ollama.lan., 192.168.1.5:11434, [fd00::5]:8080, fd00::5, fd00::/8, ollama_1.internal:80" }).USER_BASE_URL_ALLOW_HOSTS).toHaveLength(7);
  });

  // Each of these would open nothing, silently: the operator believes the Ollama is reachable and people see "refused".
  test.each([
    ["http://ollama.lan:11434", /"http:\/\/ollama.lan:11434" is an address, not a host: write only the host and port, like ollama.lan:11434/],
    ["ollama.lan:11434/v1", /"ollama.lan:11434\/v1" is not a range/],
    ["192.168.1.0/33", /"192.168.1.0\/33" is not a range/],
    ["ollama.lan:port", /"ollama.lan:port" has no port from 1 to 65535/],
    ["ollama.lan:70000", /"ollama.lan:70000" has no port from 1 to 65535/],
    ["fd00::5:8080x", /is not a host: an IPv6 address with a port goes in brackets/],
    ["[ollama.lan]:80", /has no IPv6 address between its brackets/],
    ["ollama lan", /"ollama lan" is not a host name, an address or a range/],
  ])("an allow-list entry the guard cannot read (%s) stops the boot, naming it and the forms it takes", (entry, problem) => {
    expect(() => parseEnv({ USER_BASE_URL_ALLOW_HOSTS: `ollama.lan, ${entry}` })).toThrow(problem);
    expect(() => parseEnv({ USER_BASE_URL_ALLOW_HOSTS: entry })).toThrow(/entries are host, host:port, an address or a CIDR range, comma-separated/);
  });
});
