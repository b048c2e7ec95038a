// A benchmark drives one person (and one address) far faster than anyone
// types: Parley's rate limits on sending, regenerating and uploading are off
// on the servers it starts, so it measures the work and not the refusals.
export const RATE_LIMITS_OFF: Record<string, string> = Object.fromEntries(
  ["SEND", "REGENERATE", "UPLOAD", "SEARCH", "IMPORT"].flatMap((action) => [
    [`RATE_LIMIT_${action}_PER_USER`, "off"],
    [`RATE_LIMIT_${action}_PER_IP`, "off"],
  ]),
);

/** The limits on, as by default (per person and per address), but far too high to refuse anything: the counting is measured. */
export const RATE_LIMITS_COUNTED: Record<string, string> = Object.fromEntries(
  ["SEND", "REGENERATE", "UPLOAD", "SEARCH", "IMPORT"].flatMap((action) => [
    [`RATE_LIMIT_${action}_PER_USER`, "1000000/1m"],
    [`RATE_LIMIT_${action}_PER_IP`, "1000000/1m"],
  ]),
);

/**
 * What every benchmark's Parley runs with: production, its own database, a
 * fixed session secret (a sign-up's cookie stays valid across restarts),
 * warnings only in the log, sign-ups and the rate limits (unless given) off,
 * and, with `fake`, the OpenAI provider pointed at the fake upstream.
 */
export function benchParleyEnv({ databaseFile, fake, limits = RATE_LIMITS_OFF }: { databaseFile: string; fake?: { openaiURL: string }; limits?: Record<string, string> }): Record<string, string> {
  return {
    NODE_ENV: "production",
    DATABASE_URL: `file:${databaseFile}`,
    SESSION_SECRET: "bench-session-secret-0123456789abcdef0123456789",
    LOG_LEVEL: "warn",
    ...(fake ? { OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: fake.openaiURL } : {}),
    SIGNUPS_PER_IP_PER_HOUR: "0",
    ...limits,
  };
}
