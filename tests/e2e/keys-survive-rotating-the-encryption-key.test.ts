// ENCRYPTION_KEY over a server's life: rotated (the old key moved to
// ENCRYPTION_KEYS_OLD), stored keys are encrypted again at the next start and
// keep working; dropped altogether, keys of one's own are off and the page
// says why, while chatting with the server's models goes on.
import { expect, postForm, signUp, test } from "./fixtures";
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

test("without ENCRYPTION_KEY the keys page says keys of one's own are off, and adding one is refused", async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(403);
  const server = await startOwnServer({ ENCRYPTION_KEY: "" });
  try {
    const page = await (await newContext({ baseURL: server.baseURL })).newPage();
    await signUp(page);
    await page.getByRole("link", { name: "API keys" }).click();
    await expect(page.getByTestId("keys-off")).toContainText("Keys of your own are turned off on this server");
    await expect(page.getByTestId("keys-off")).toContainText("ENCRYPTION_KEY");
    await expect(page.getByRole("button", { name: "Save key" })).toHaveCount(0);
    const refused = await postForm(page, "/settings/keys", { intent: "add", provider: "openai", apiKey: "would-be-key-000000000" });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain("Keys of your own are turned off on this server");
  } finally {
    await server.stop();
  }
});
