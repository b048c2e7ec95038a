import { defineConfig } from "@playwright/test";
import { E2E } from "./tests/e2e/env";

// Browser tests in Debian's Chromium (Playwright's own browser download is not
// available everywhere Parley is built). The app runs under Bun from the
// production build, against a fresh database file and fake upstream servers.
export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.test.ts",
  fullyParallel: true,
  workers: process.env.CI ? 2 : 2,
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 15_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  globalSetup: "./tests/e2e/global-setup.ts",
  use: {
    baseURL: E2E.baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: [
    ...(process.env.PARLEY_E2E_SKIP_FAKES ? [] : [{
      command: `node_modules/.bin/bun tests/fakes/serve.ts`,
      url: `http://127.0.0.1:${E2E.fakeOpenAIPort}/__health`,
      env: { FAKE_OPENAI_PORT: String(E2E.fakeOpenAIPort), FAKE_ANTHROPIC_PORT: String(E2E.fakeAnthropicPort) },
      reuseExistingServer: false,
      stdout: "ignore" as const,
      stderr: "pipe" as const,
    }]),
    {
      command: `node_modules/.bin/bun server.ts`,
      url: `${E2E.baseURL}/healthz`,
      env: E2E.serverEnv,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
