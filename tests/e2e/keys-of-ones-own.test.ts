// Keys of one's own on /settings/keys, with and without JavaScript: adding,
// testing and removing a key, the provider it opens in the model picker, a
// custom base URL (the allowed fake works, private and metadata addresses are
// refused), and nobody else ever seeing it. The shared server has
// ENCRYPTION_KEY set, Groq pointed at the fake OpenAI with no server key, and
// people's base URLs allowed to reach the fake only (tests/e2e/env.ts).
import type { Page } from "@playwright/test";
import { answerContent, CHAT_URL, composer, expect, postForm, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";
import { E2E } from "./env";
import { uniqueMarker } from "./upstream";

/** A key of a shape no log pattern knows, unique to the test. */
function freshKey(prefix: string): string {
  return `${prefix}-${uniqueMarker("k")}-${Math.random().toString(36).slice(2, 10)}`;
}

async function revokeAtFake(key: string): Promise<void> {
  const response = await fetch(`${E2E.fakeOpenAIURL}/__revoke`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key }) });
  expect(response.ok).toBe(true);
}

/** Fills and sends the add form; `provider` is the preset's id (openai, groq, custom…). */
async function addKey(page: Page, { provider, key, baseUrl }: { provider: string; key: string; baseUrl?: string }): Promise<void> {
  await page.getByLabel("Provider").selectOption(provider);
  await page.getByLabel("API key").fill(key);
  if (baseUrl !== undefined) await page.getByLabel(/^Base URL/).fill(baseUrl);
  await page.getByRole("button", { name: "Save key" }).click();
}

function keyRow(page: Page, provider: string) {
  return page.getByTestId("user-key").filter({ has: page.getByText(provider, { exact: true }) });
}

test("with JavaScript: add a Groq key, test it, chat with the Groq model it opens, remove it", async ({ page }) => {
  await signUp(page);
  const key = freshKey("gsk");
  await page.getByRole("link", { name: "API keys" }).click();
  await expect(page).toHaveURL(/\/settings\/keys$/);
  await expect(page.getByRole("heading", { name: "Your API keys" })).toBeVisible();
  await expect(page.getByText("No keys yet.")).toBeVisible();

  await addKey(page, { provider: "groq", key });
  await expect(page.getByRole("status").filter({ hasText: "Saved your Groq key." })).toBeVisible();
  await expect(keyRow(page, "Groq").getByTestId("key-ending")).toHaveText(`••••${key.slice(-4)}`);
  await expect(page.getByLabel("API key")).toHaveValue("");
  // Saved, it is tested at once: the row says what the test found, beside "Saved".
  await expect(keyRow(page, "Groq").getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");
  await expect(page.getByRole("status").filter({ hasText: "Saved your Groq key." })).toBeVisible();

  await keyRow(page, "Groq").getByRole("button", { name: "Test the Groq key" }).click();
  await expect(keyRow(page, "Groq").getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");
  // "Saved" was the last page's news: a test since takes it away.
  await expect(page.getByRole("status").filter({ hasText: "Saved your Groq key." })).toHaveCount(0);

  // A key the provider refuses says so as soon as it is saved.
  const refused = freshKey("pk");
  await revokeAtFake(refused);
  await addKey(page, { provider: "openai", key: refused });
  await expect(keyRow(page, "OpenAI").getByTestId("key-test-result")).toHaveText("OpenAI did not accept this key (HTTP 401).");

  // Each key keeps its own test's outcome while another is tested.
  const revoked = freshKey("pk");
  await addKey(page, { provider: "openai", key: revoked });
  await expect(page.getByRole("status").filter({ hasText: "Saved your OpenAI key." })).toBeVisible();
  await expect(keyRow(page, "OpenAI").getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");
  await revokeAtFake(revoked);
  await keyRow(page, "Groq").getByRole("button", { name: "Test the Groq key" }).click();
  await keyRow(page, "OpenAI").getByRole("button", { name: "Test the OpenAI key" }).click();
  await expect(keyRow(page, "OpenAI").getByTestId("key-test-result")).toHaveText("OpenAI did not accept this key (HTTP 401).");
  await expect(keyRow(page, "Groq").getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");
  await keyRow(page, "OpenAI").getByRole("button", { name: "Remove the OpenAI key" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Removed your OpenAI key." })).toBeVisible();

  // The picker offers the provider the key opened, and the answer comes through it.
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  await page.getByLabel("Search models").fill("groq:gpt-4o-mini");
  await expect(page.getByRole("listbox")).toContainText("Groq (your key)");
  await page.getByRole("option", { name: "GPT-4o mini" }).click();
  const marker = uniqueMarker("groq");
  await composer(page).fill(`Through my own key ${marker}`);
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  await expect(answerContent(page)).toHaveText(`Echo: Through my own key ${marker}`);
  const requests = (await (await fetch(`${E2E.fakeOpenAIURL}/__requests`)).json()) as { path: string; headers: Record<string, string>; rawBody: string }[];
  const sent = requests.find((r) => r.path === "/v1/chat/completions" && r.rawBody.includes(marker));
  expect(sent?.headers.authorization).toBe(`Bearer ${key}`);

  await page.goto("/settings/keys");
  await keyRow(page, "Groq").getByRole("button", { name: "Remove the Groq key" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Removed your Groq key." })).toBeVisible();
  await expect(page.getByTestId("user-key")).toHaveCount(0);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  await page.getByLabel("Search models").fill("groq");
  await expect(page.getByRole("listbox")).toContainText("No model matches.");
});

test("without JavaScript: add an OpenAI key, test it, see a revoked key refused, remove it", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  const key = freshKey("pk");
  await page.goto("/settings/keys");
  await addKey(page, { provider: "openai", key });
  await expect(page).toHaveURL(/\/settings\/keys\?saved=openai$/);
  await expect(page.getByText("Saved your OpenAI key.")).toBeVisible();
  await expect(keyRow(page, "OpenAI").getByTestId("key-ending")).toHaveText(`••••${key.slice(-4)}`);

  await keyRow(page, "OpenAI").getByRole("button", { name: "Test the OpenAI key" }).click();
  await expect(keyRow(page, "OpenAI").getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");
  await expect(page.getByText("Saved your OpenAI key.")).toHaveCount(0);

  await revokeAtFake(key);
  await keyRow(page, "OpenAI").getByRole("button", { name: "Test the OpenAI key" }).click();
  await expect(keyRow(page, "OpenAI").getByTestId("key-test-result")).toHaveText("OpenAI did not accept this key (HTTP 401).");
  expect(await page.content()).not.toContain(key);

  // A refused form keeps the choice of provider but never hands the key back.
  await addKey(page, { provider: "openai", key: `${key} with spaces` });
  await expect(page.getByRole("alert")).toHaveText("That does not look like a key: paste it without spaces or line breaks (at most 500 characters).");
  await expect(page.getByLabel("API key")).toHaveAccessibleDescription("That does not look like a key: paste it without spaces or line breaks (at most 500 characters).");
  await expect(page.getByLabel("API key")).toHaveValue("");
  expect(await page.content()).not.toContain(key);

  await keyRow(page, "OpenAI").getByRole("button", { name: "Remove the OpenAI key" }).click();
  await expect(page.getByText("Removed your OpenAI key.")).toBeVisible();
  await expect(page.getByText("No keys yet.")).toBeVisible();
});

for (const javaScript of [true, false]) {
  test(`a custom base URL ${javaScript ? "with" : "without"} JavaScript: private and metadata addresses are refused, the allowed server works`, async ({ page, noJsPage, browserErrors }) => {
    const tab = javaScript ? page : noJsPage;
    browserErrors.allowStatus(400);
    await signUp(tab);
    await tab.goto("/settings/keys");
    const key = freshKey("ck");
    for (const [baseUrl, host] of [
      ["http://169.254.169.254/latest/meta-data", "169.254.169.254"],
      ["http://[::ffff:127.0.0.1]:11434/v1", "::ffff:7f00:1"],
      ["http://2130706433/v1", "127.0.0.1"],
      [`${E2E.baseURL}/v1`, "127.0.0.1"],
    ] as const) {
      await addKey(tab, { provider: "custom", key, baseUrl });
      // The key is never handed back: its field empties when the refusal shows.
      await expect(tab.getByLabel("API key")).toHaveValue("");
      await expect(tab.getByRole("alert")).toHaveText(`Parley will not connect to ${host}: it is a private, local or cloud-metadata address.`);
      await expect(tab.getByLabel(/^Base URL/)).toHaveValue(baseUrl);
    }
    await expect(tab.getByTestId("user-key")).toHaveCount(0);

    await addKey(tab, { provider: "custom", key, baseUrl: `${E2E.fakeOpenAIURL}/v1` });
    await expect(keyRow(tab, "Custom")).toContainText(`${E2E.fakeOpenAIURL}/v1`);
    await keyRow(tab, "Custom").getByRole("button", { name: "Test the Custom key" }).click();
    await expect(keyRow(tab, "Custom").getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");
  });
}

test("with JavaScript, the base URL is asked for only with a provider that uses it, and what was typed in it stays", async ({ page }) => {
  await signUp(page);
  await waitForHydration(page);
  await page.goto("/settings/keys");
  const baseUrl = page.getByLabel(/^Base URL/);
  await expect(page.getByLabel("Provider")).toHaveValue("openai");
  await expect(baseUrl).toBeHidden();
  await page.getByLabel("Provider").selectOption("custom");
  await expect(baseUrl).toBeVisible();
  await baseUrl.fill(`${E2E.fakeOpenAIURL}/v1`);
  await page.getByLabel("Provider").selectOption("groq");
  await expect(baseUrl).toBeHidden();
  await page.getByLabel("Provider").selectOption("custom");
  await expect(baseUrl).toHaveValue(`${E2E.fakeOpenAIURL}/v1`);
  await page.getByLabel("API key").fill(freshKey("ck"));
  await page.getByRole("button", { name: "Save key" }).click();
  await expect(keyRow(page, "Custom")).toContainText(`${E2E.fakeOpenAIURL}/v1`);
  // The saved form starts again at the first provider, which uses no address.
  await expect(page.getByLabel("Provider")).toHaveValue("openai");
  await expect(baseUrl).toBeHidden();
});

test("without JavaScript, a base URL typed for a provider that does not use one is refused, not left unused", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await page.goto("/settings/keys");
  const said = "OpenAI is reached at its own address, so a base URL is not used for its key: leave Base URL empty. For another server that speaks the OpenAI API (a proxy, a gateway), choose Custom.";
  await addKey(page, { provider: "openai", key: freshKey("pk"), baseUrl: "https://gateway.example.com/v1" });
  await expect(page.getByRole("alert")).toHaveText(said);
  await expect(page.getByLabel(/^Base URL/)).toHaveAccessibleDescription(said);
  await expect(page.getByLabel(/^Base URL/)).toHaveValue("https://gateway.example.com/v1");
  await expect(page.getByLabel("Provider")).toHaveValue("openai");
  await expect(page.getByTestId("user-key")).toHaveCount(0);
});

test("with JavaScript, a correction typed while a refused form is still settling is kept and sent", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await waitForHydration(page);
  await page.getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: "Your API keys" })).toBeVisible();
  // A slow line: the page's data, fetched again after the refusal, takes 1.5 s.
  let slowed = 0;
  await page.route(/\/settings\/keys\.data/, async (route) => {
    if (route.request().method() === "GET") {
      slowed += 1;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
    await route.continue();
  });
  const key = freshKey("ck");
  await addKey(page, { provider: "custom", key, baseUrl: "http://169.254.169.254/v1" });
  await expect(page.getByRole("alert")).toHaveText("Parley will not connect to 169.254.169.254: it is a private, local or cloud-metadata address.");
  await expect(page.getByLabel("API key")).toHaveValue("");

  // The page is still settling (its progress bar shows) while the person corrects the form.
  const progress = page.getByTestId("navigation-progress");
  await expect(progress).toBeVisible();
  await page.getByLabel("API key").fill(key);
  await page.getByLabel(/^Base URL/).fill(`${E2E.fakeOpenAIURL}/v1`);
  await expect(progress).toHaveCount(0);
  expect(slowed).toBe(1);
  await expect(page.getByLabel(/^Base URL/)).toHaveValue(`${E2E.fakeOpenAIURL}/v1`);
  await expect(page.getByLabel("API key")).toHaveValue(key);

  await page.getByRole("button", { name: "Save key" }).click();
  await expect(keyRow(page, "Custom")).toContainText(`${E2E.fakeOpenAIURL}/v1`);
  await expect(page.getByLabel("API key")).toHaveValue("");
  await expect(page.getByLabel(/^Base URL/)).toHaveValue("");
});

test("another person never sees or touches your keys; signed out, the page asks to log in", async ({ page, newContext, browserErrors }) => {
  await signUp(page, { name: "Keyholder" });
  const key = freshKey("own");
  await page.goto("/settings/keys");
  await addKey(page, { provider: "mistral", key });
  await expect(keyRow(page, "Mistral")).toBeVisible();

  browserErrors.allowStatus(404);
  const other = await (await newContext()).newPage();
  await signUp(other, { name: "Neighbour" });
  await other.goto("/settings/keys");
  await expect(other.getByText("No keys yet.")).toBeVisible();
  expect(await other.content()).not.toContain(key.slice(-4));
  for (const intent of ["test", "remove"]) {
    const response = await postForm(other, "/settings/keys", { intent, provider: "mistral" });
    expect(response.status(), intent).toBe(404);
    expect(await response.text()).not.toContain(key.slice(-4));
  }
  await page.reload();
  await expect(keyRow(page, "Mistral").getByTestId("key-ending")).toHaveText(`••••${key.slice(-4)}`);

  const signedOut = await (await newContext()).newPage();
  await signedOut.goto("/settings/keys");
  await expect(signedOut).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fkeys$/);
  const posted = await postForm(signedOut, "/settings/keys", { intent: "remove", provider: "mistral" });
  expect(posted.status()).toBe(302);
  expect(posted.headers().location).toMatch(/^\/login\?/);
});

test("a chat whose own server no longer lists its models says why in its picker, with and without JavaScript", async ({ page, newContext }) => {
  await signUp(page);
  await page.goto("/settings/keys");
  const key = freshKey("ck");
  await addKey(page, { provider: "custom", key, baseUrl: `${E2E.fakeOpenAIURL}/v1` });
  await expect(keyRow(page, "Custom").getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  await page.getByLabel("Search models").fill("custom:gpt-4o-mini");
  await page.getByRole("option", { name: "GPT-4o mini" }).click();
  await composer(page).fill(`On my own server ${uniqueMarker("own")}`);
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  const chatUrl = page.url();

  // The key now points where no API answers: the list of its models cannot be read.
  await page.goto("/settings/keys");
  await addKey(page, { provider: "custom", key, baseUrl: `${E2E.fakeOpenAIURL}/moved/v1` });
  await expect(keyRow(page, "Custom")).toContainText(`${E2E.fakeOpenAIURL}/moved/v1`);
  const why = "GPT-4o mini — Custom (your server) did not list its models";
  await page.goto(chatUrl);
  await waitForHydration(page);
  await expect(page.getByTestId("model-picker")).toContainText(why);
  // Cut to the button's width on screen, all of it on hover.
  await expect(page.getByTestId("model-picker")).toHaveAttribute("title", why);
  await expect(page.getByTestId("model-picker")).not.toContainText("not available");

  const noJs = await (await newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() })).newPage();
  await noJs.goto(chatUrl);
  await expect(noJs.getByTestId("model-select").locator("option:checked")).toHaveText(why);
  await expect(noJs.getByTestId("model-select")).toHaveAttribute("title", why);
});
