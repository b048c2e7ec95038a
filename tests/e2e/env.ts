// Ports and environment of the e2e run. Each run gets its own database file.
import path from "node:path";

const runId = process.env.PARLEY_E2E_RUN_ID ?? `${Date.now()}-${process.pid}`;
process.env.PARLEY_E2E_RUN_ID = runId; // the config is loaded again in workers: keep one id
const port = Number(process.env.PARLEY_E2E_PORT ?? 3210);
const fakeOpenAIPort = Number(process.env.PARLEY_E2E_FAKE_OPENAI_PORT ?? 3291);
const fakeAnthropicPort = Number(process.env.PARLEY_E2E_FAKE_ANTHROPIC_PORT ?? 3292);
const dataDir = path.resolve("tests/.tmp", `e2e-${runId}`);

export const E2E = {
  baseURL: `http://127.0.0.1:${port}`,
  fakeOpenAIPort,
  fakeAnthropicPort,
  fakeOpenAIURL: `http://127.0.0.1:${fakeOpenAIPort}`,
  fakeAnthropicURL: `http://127.0.0.1:${fakeAnthropicPort}`,
  dataDir,
  serverEnv: {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: `file:${path.join(dataDir, "parley.db")}`,
    SESSION_SECRET: "e2e-session-secret-that-is-long-enough-0123456789",
    DEMO_TOKENS_PER_SECOND: "40",
    PERSIST_INTERVAL_MS: "250",
    LOG_LEVEL: "warn",
    // Every browser test signs up its own user from 127.0.0.1.
    SIGNUPS_PER_IP_PER_HOUR: "0",
    // Small enough that the oversized-file tests upload little.
    MAX_FILE_BYTES: String(2 * 1024 * 1024),
    // …and sends from it, as fast as a script can: limits are tested on servers of their own.
    ...Object.fromEntries(["SEND", "REGENERATE", "UPLOAD", "SEARCH", "IMPORT"].flatMap((action) => [[`RATE_LIMIT_${action}_PER_USER`, "off"], [`RATE_LIMIT_${action}_PER_IP`, "off"]])),
    // Keys of one's own: sealed under a fixed test key; people's base URLs may reach the fake OpenAI only.
    ENCRYPTION_KEY: "e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0",
    ALLOW_USER_BASE_URLS: "true",
    USER_BASE_URL_ALLOW_HOSTS: `127.0.0.1:${fakeOpenAIPort}`,
    // Groq answers from the fake too, and the server has no Groq key: only people with their own see it.
    GROQ_BASE_URL: `http://127.0.0.1:${fakeOpenAIPort}/v1`,
    OPENAI_API_KEY: "sk-test-openai",
    OPENAI_BASE_URL: `http://127.0.0.1:${fakeOpenAIPort}/v1`,
    ANTHROPIC_API_KEY: "sk-ant-test",
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${fakeAnthropicPort}`,
  } as Record<string, string>,
};
