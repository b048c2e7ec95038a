// ENCRYPTION_KEY over a server's life: rotated (the old key moved to
// ENCRYPTION_KEYS_OLD), stored keys are encrypted again at the next start and
// keep working; unset, a server with a local database makes a key of its own
// beside it, which keeps working after a restart and once ENCRYPTION_KEY is set.
import { statSync } from "node:fs";
import path from "node:path";
import { expect, signUp, test } from "./fixtures";
import { startOwnServer } from "./own-server";
import { uniqueMarker } from "./upstream";

const OLD_KEY = "11".repeat(32);
const NEW_KEY = Buffer.alloc(32, 0x5a).toString("base64");

test("after a rotation the next start re-encrypts stored keys, and they still work", async ({ newContext }) => {
  let server = await startOwnServer({ ENCRYPTION_KEY: OLD_KEY });
  try {
    const context = await newContext({ baseURL: server.baseURL, javaScriptEnabled: false });
    const page = await context.newPage();
    await signUp(page);
    const key = `rot-${uniqueMarker("k")}-Hq4Lm8Zx`;
    await page.goto("/settings/keys");
    await page.getByLabel("Provider").selectOption("openai");
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Save key" }).click();
    await expect(page.getByText("Saved your OpenAI key.")).toBeVisible();
    await page.close();

    await server.stop({ keepData: true });
    server = await startOwnServer({ ENCRYPTION_KEY: NEW_KEY, ENCRYPTION_KEYS_OLD: OLD_KEY }, { dataDir: server.dataDir });
    expect(server.output.some((line) => line.includes("re-encrypted people's own keys") && line.includes('"count":1'))).toBe(true);

    // Re-encrypted: the old key is no longer needed.
    await server.stop({ keepData: true });
    server = await startOwnServer({ ENCRYPTION_KEY: NEW_KEY }, { dataDir: server.dataDir });
    expect(server.output.some((line) => line.includes("no longer has"))).toBe(false);
    const again = await context.newPage();
    await again.goto(`${server.baseURL}/settings/keys`);
    await expect(again.getByTestId("key-ending")).toHaveText(`••••${key.slice(-4)}`);
    await again.getByRole("button", { name: "Test the OpenAI key" }).click();
    await expect(again.getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");
    expect(server.output.filter((line) => line.includes(key))).toEqual([]);
  } finally {
    await server.stop();
  }
});

test("without ENCRYPTION_KEY, a server with a local database makes a key beside it: keys of one's own work at once, after a restart, and once ENCRYPTION_KEY is set", async ({ newContext }) => {
  let server = await startOwnServer({ ENCRYPTION_KEY: "" });
  try {
    expect(server.output.filter((line) => line.includes("ENCRYPTION_KEY is not set: generated one"))).toHaveLength(1);
    const keyFile = path.join(server.dataDir, "encryption-key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const context = await newContext({ baseURL: server.baseURL, javaScriptEnabled: false });
    const page = await context.newPage();
    await signUp(page);
    await page.getByRole("link", { name: "API keys" }).click();
    await expect(page.getByTestId("keys-off")).toHaveCount(0);
    const key = `own-${uniqueMarker("k")}-Wd7Rt2Qy`;
    await page.getByLabel("Provider").selectOption("openai");
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Save key" }).click();
    await expect(page.getByText("Saved your OpenAI key.")).toBeVisible();
    await page.close();
    const works = async () => {
      const tab = await context.newPage();
      await tab.goto(`${server.baseURL}/settings/keys`);
      await tab.getByRole("button", { name: "Test the OpenAI key" }).click();
      await expect(tab.getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");
      await tab.close();
    };
    await works();
    // The admin (the first account) is told where that key is, and to keep it.
    const admin = await context.newPage();
    await admin.goto(`${server.baseURL}/admin/models`);
    await expect(admin.getByTestId("key-made-note")).toHaveText(
      "They are encrypted with a key Parley made and keeps beside the database (encryption-key): back it up with the database, or set ENCRYPTION_KEY.",
    );
    await admin.close();

    // A restart finds the key it made: nothing made again, the stored key still opens.
    await server.stop({ keepData: true });
    server = await startOwnServer({ ENCRYPTION_KEY: "" }, { dataDir: server.dataDir });
    expect(server.output.some((line) => line.includes("generated one"))).toBe(false);
    await works();

    // The operator sets ENCRYPTION_KEY later: the key Parley made still opens what it sealed, which is sealed again.
    await server.stop({ keepData: true });
    server = await startOwnServer({ ENCRYPTION_KEY: NEW_KEY }, { dataDir: server.dataDir });
    expect(server.output.some((line) => line.includes("re-encrypted people's own keys") && line.includes('"count":1'))).toBe(true);
    await works();
    const adminLater = await context.newPage();
    await adminLater.goto(`${server.baseURL}/admin/models`);
    await expect(adminLater.getByText("People may use API keys of their own")).toBeVisible();
    await expect(adminLater.getByTestId("key-made-note")).toHaveCount(0);
    expect(server.output.filter((line) => line.includes(key))).toEqual([]);
  } finally {
    await server.stop();
  }
});
