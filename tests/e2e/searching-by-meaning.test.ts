// Search by meaning, on a server of its own with EMBEDDINGS_MODEL set (vectors
// from the fake OpenAI's /v1/embeddings): with and without JavaScript, a
// search in other words than the message's finds it, says it was found by
// meaning, and opens it; the admin sees how far the index has come. The
// shared server has no embeddings model: its search says it finds words only.
import type { Page } from "@playwright/test";
import { firstAccountIsAdmin } from "./admin";
import { CHAT_URL, expect, signUp, test, uniqueEmail, waitForAnswer } from "./fixtures";
import { type OwnServer, startOwnServer } from "./own-server";

test.describe.configure({ mode: "serial" });

let server: OwnServer;
test.beforeAll(async () => {
  server = await startOwnServer({ EMBEDDINGS_MODEL: "openai:text-embedding-3-small" });
});
test.afterAll(async () => {
  await server?.stop();
});

const admin = firstAccountIsAdmin();

async function send(page: Page, text: string): Promise<void> {
  await page.goto("/chats?new=1");
  await page.locator("#composer").fill(text);
  await page.locator("form:has(#composer)").getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
}

test("the admin (the first account) finds search by meaning on, with nothing to index yet", async ({ newContext }) => {
  const page = await admin.page(await newContext({ baseURL: server.baseURL }));
  await page.goto("/admin/models");
  const status = page.getByTestId("meaning-search");
  await expect(status).toContainText("Messages are embedded with openai:text-embedding-3-small");
  await expect(status).toContainText("0 of 0 messages indexed");
});

for (const javaScriptEnabled of [false, true]) {
  test(`${javaScriptEnabled ? "with" : "without"} JavaScript: a search in other words finds the message by its meaning and opens it`, async ({ newContext }) => {
    const page = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled })).newPage();
    await signUp(page, { name: "Mia Member", email: uniqueEmail("mia") });
    const topic = javaScriptEnabled ? "My car rattles when the morning is cold" : "The physician said to rest the knee";
    const question = javaScriptEnabled ? "automobile" : "doctor";
    await send(page, topic);

    // The answer's end starts its indexing in the background: search until it is there.
    // The question (the demo's answer quotes it, and is found too).
    const hit = page.getByTestId("search-messages").getByRole("link").filter({ hasText: topic }).filter({ hasText: "Question" });
    await expect(async () => {
      await page.goto(`/search?q=${question}`);
      await expect(hit).toHaveCount(1, { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(hit.getByTestId("found-by-meaning")).toHaveText("by meaning");
    await expect(page.getByTestId("search-meaning")).toHaveCount(0);

    await hit.click();
    await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}\?message=[0-9a-z]{20}/);
    await expect(page.getByTestId("user-message").first()).toContainText(topic);
  });
}

test("then the admin sees every message indexed", async ({ newContext }) => {
  const page = await admin.page(await newContext({ baseURL: server.baseURL }));
  await page.goto("/admin/models");
  const status = page.getByTestId("meaning-search");
  // Two chats of two messages each, all indexed by now (the searches above found them).
  await expect(status).toContainText("4 of 4 messages indexed");
});

test("without an embeddings model, search says it finds words only", async ({ page }) => {
  await signUp(page);
  await page.goto("/search?q=anything");
  await expect(page.getByTestId("search-meaning")).toHaveText("Searching by words only: search by meaning is not set up on this server.");
});
