// A provider whose model list cannot be read (its key refused, nothing
// answering at its address, an address that is not its API) is named on the
// admin's models page with the reason, instead of only in the server's log;
// a provider that lists fine says nothing.
import { E2E } from "./env";
import { expect, signUp, test } from "./fixtures";
import { startOwnServer } from "./own-server";

test("the admin's models page says why a provider's models could not be listed, and that its configured list stands in", async ({ newContext }) => {
  // A server key the provider no longer accepts.
  const revoked = `sk-revoked-${Date.now()}`;
  const revoke = await fetch(`${E2E.fakeOpenAIURL}/__revoke`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key: revoked }) });
  expect(revoke.ok).toBe(true);
  const server = await startOwnServer({
    OPENAI_API_KEY: revoked,
    // Nothing listens on port 1.
    GROQ_API_KEY: "gsk-server-key",
    GROQ_BASE_URL: "http://127.0.0.1:1/v1",
    // A web server that answers, but not as the API: a base URL missing its /v1.
    DEEPSEEK_API_KEY: "ds-server-key",
    DEEPSEEK_BASE_URL: `${E2E.fakeOpenAIURL}/not-the-api`,
  });
  try {
    const page = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled: false })).newPage();
    await signUp(page, { name: "Ada Admin" });
    await page.goto("/admin/models");
    const failureOf = (provider: string) => page.locator(`[data-testid="admin-provider"][data-provider="${provider}"]`).getByTestId("listing-failure");
    const fallback = "The models below are the configured list, which may not match what it offers.";
    await expect(failureOf("openai")).toHaveText(`Its models could not be listed: OpenAI did not accept the server's key (HTTP 401). Chats with its models fail until the key is fixed. ${fallback}`);
    await expect(failureOf("groq")).toHaveText(`Its models could not be listed: Groq could not be reached. Check that it is up and that its address is right. ${fallback}`);
    await expect(failureOf("deepseek")).toHaveText(`Its models could not be listed: DeepSeek did not answer as expected (HTTP 404). Check that its address is the server's API. ${fallback}`);
    // The configured lists are there to choose from, and a provider that lists fine says nothing.
    await expect(page.getByLabel("GPT-4o mini (openai:gpt-4o-mini)")).toBeChecked();
    await expect(page.locator('[data-testid="admin-provider"][data-provider="anthropic"]')).toBeVisible();
    await expect(page.getByTestId("listing-failure")).toHaveCount(3);
    // The server key never reaches the page.
    expect(await page.content()).not.toContain(revoked);
  } finally {
    await server.stop();
  }
});
