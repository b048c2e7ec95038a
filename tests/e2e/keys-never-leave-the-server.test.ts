// A known key, used every way Parley uses one (added, tested, chatted with,
// revoked by its provider — whose error quotes it whole — and tested again),
// then every page fetched: not one response body or header, not one line the
// server wrote, and not one byte of its data files holds the key.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { Response } from "@playwright/test";
import { answerContent, CHAT_URL, composer, expect, lastAnswer, signUp, streamUrl, test, waitForAnswer, waitForHydration } from "./fixtures";
import { E2E } from "./env";
import { startOwnServer } from "./own-server";
import { uniqueMarker } from "./upstream";

test("a person's key never appears in a response, a log line or the database file", async ({ newContext, browserErrors }) => {
  test.setTimeout(90_000);
  // A shape no log pattern knows (not sk-…): only Parley's own care keeps it out.
  const KEY = `leakcheck-${uniqueMarker("k")}-Qm7Zx2Lp9Wv4`;
  const server = await startOwnServer({ LOG_LEVEL: "debug" });
  const seen: Promise<string>[] = [];
  const record = (response: Response) =>
    seen.push(
      (async () => {
        const headers = JSON.stringify(await response.allHeaders());
        const body = await response.body().then((bytes) => bytes.toString("utf8"), () => "");
        return `${response.url()}\n${headers}\n${body}`;
      })(),
    );
  try {
    const context = await newContext({ baseURL: server.baseURL });
    context.on("response", record);
    const page = await context.newPage();
    await signUp(page);

    // Added and tested.
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByLabel("Provider").selectOption({ label: "OpenAI" });
    await page.getByLabel("API key").fill(KEY);
    await page.getByRole("button", { name: "Save key" }).click();
    await expect(page.getByText("Saved your OpenAI key.")).toBeVisible();
    await page.getByRole("button", { name: "Test the OpenAI key" }).click();
    await expect(page.getByTestId("key-test-result")).toHaveText("Works: 4 models available with this key.");

    // Chatted with.
    await page.goto("/chats?new=1");
    await waitForHydration(page);
    await page.getByTestId("model-picker").click();
    await page.getByLabel("Search models").fill("openai:gpt-4o-mini");
    await page.getByRole("option", { name: "GPT-4o mini" }).click();
    const marker = uniqueMarker("leak");
    await composer(page).fill(`Hello ${marker}`);
    await composer(page).press("Enter");
    await expect(page).toHaveURL(CHAT_URL);
    await waitForAnswer(page);
    await expect(answerContent(page)).toHaveText(`Echo: Hello ${marker}`);
    const chatUrl = new URL(page.url()).pathname;
    const firstAnswerId = (await lastAnswer(page).getAttribute("data-message-id"))!;

    // Revoked by the provider, whose refusals quote the key whole.
    await fetch(`${E2E.fakeOpenAIURL}/__revoke`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key: KEY }) });
    await composer(page).fill(`Again ${marker}`);
    await composer(page).press("Enter");
    await waitForAnswer(page, "error");
    await expect(lastAnswer(page)).toContainText("HTTP 401");
    await expect(lastAnswer(page)).toContainText("[redacted]");
    // Whose key it is, and where to fix it; asking the same model to go on would be refused again.
    await expect(lastAnswer(page).getByTestId("answer-problem")).toContainText("OpenAI (your key) did not accept the key (HTTP 401): ");
    await expect(lastAnswer(page).getByTestId("answer-problem")).toContainText("Check it on Settings → API keys, then regenerate.");
    expect(await lastAnswer(page).getByRole("button", { name: "Continue" }).count()).toBe(0);
    await expect(lastAnswer(page).getByRole("button", { name: "Regenerate", exact: true })).toBeVisible();
    // …and a link there.
    await lastAnswer(page).getByTestId("answer-problem").getByRole("link", { name: "Open API keys" }).click();
    await expect(page).toHaveURL(/\/settings\/keys$/);
    await page.getByRole("button", { name: "Test the OpenAI key" }).click();
    await expect(page.getByTestId("key-test-result")).toHaveText("OpenAI did not accept this key (HTTP 401).");

    // Every page, with and without JavaScript, and the answer's stream.
    browserErrors.allowStatus(404);
    for (const url of ["/", "/chats", "/chats?new=1", "/chats?archived=1", chatUrl, "/settings", "/settings/keys", "/login", "/signup", "/healthz", "/no-such-page"]) {
      await page.goto(url);
    }
    await page.request.get(streamUrl(chatUrl.replace("/chats/", ""), firstAnswerId));
    const noJs = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled: false, storageState: await context.storageState() })).newPage();
    noJs.context().on("response", record);
    for (const url of ["/chats", chatUrl, "/settings/keys"]) await noJs.goto(url);
    await noJs.getByRole("button", { name: "Test the OpenAI key" }).click();
    await expect(noJs.getByTestId("key-test-result")).toBeVisible();
  } finally {
    await server.stop({ keepData: true });
  }

  // The key really was used: the fake upstream received it.
  const requests = (await (await fetch(`${E2E.fakeOpenAIURL}/__requests`)).json()) as { headers: Record<string, string> }[];
  expect(requests.some((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);

  const responses = await Promise.all(seen);
  expect(responses.length).toBeGreaterThan(20);
  expect(responses.filter((text) => text.includes(KEY)).map((text) => text.split("\n")[0])).toEqual([]);
  expect(server.output.length).toBeGreaterThan(0);
  expect(server.output.filter((line) => line.includes(KEY))).toEqual([]);
  // At rest: sealed in the database (and its WAL), never in the clear.
  for (const name of readdirSync(server.dataDir)) {
    expect(readFileSync(path.join(server.dataDir, name)).includes(Buffer.from(KEY)), name).toBe(false);
  }
  rmSync(server.dataDir, { recursive: true, force: true });
});

test("the server's own keys, quoted by the providers that refuse them, never reach a page, a log line or the database", async ({ newContext, browserErrors }) => {
  test.setTimeout(90_000);
  // Shapes no log pattern knows: only Parley's own care keeps them out.
  const OPENAI_KEY = `server-openai-${uniqueMarker("k")}-Zt8Qw3`;
  const ANTHROPIC_KEY = `server-anthropic-${uniqueMarker("k")}-Vb5Rn1`;
  const server = await startOwnServer({ LOG_LEVEL: "debug", OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY });
  const seen: Promise<string>[] = [];
  try {
    const context = await newContext({ baseURL: server.baseURL });
    context.on("response", (response) => seen.push(response.body().then((bytes) => `${response.url()}\n${bytes.toString("utf8")}`, () => "")));
    const page = await context.newPage();
    await signUp(page);
    for (const [fake, key] of [[E2E.fakeOpenAIURL, OPENAI_KEY], [E2E.fakeAnthropicURL, ANTHROPIC_KEY]] as const) {
      await fetch(`${fake}/__revoke`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key }) });
    }
    for (const model of ["GPT-4o mini", "Claude Haiku 4.5"]) {
      await page.goto("/chats?new=1");
      await waitForHydration(page);
      await page.getByTestId("model-picker").click();
      await page.getByRole("option", { name: model }).click();
      await composer(page).fill(`Hello ${uniqueMarker("srv")}`);
      await composer(page).press("Enter");
      await expect(page).toHaveURL(CHAT_URL);
      await waitForAnswer(page, "error");
      // The person is told whom to ask; the provider's words (quoting the key) are for whoever runs the server, in the log.
      const provider = model === "GPT-4o mini" ? "OpenAI" : "Anthropic";
      const said = `${provider} did not accept this server's key (HTTP 401). Whoever runs the server needs to check it; meanwhile, pick another model.`;
      await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText(said);
      // Also as the page is served afresh, and without JavaScript.
      await page.reload();
      await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText(said);
    }
    const noJs = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled: false, storageState: await context.storageState() })).newPage();
    noJs.context().on("response", (response) => seen.push(response.body().then((bytes) => `${response.url()}\n${bytes.toString("utf8")}`, () => "")));
    await noJs.goto(page.url());
    await expect(lastAnswer(noJs).getByTestId("answer-problem")).toContainText("did not accept this server's key (HTTP 401). Whoever runs the server");
    await expect.poll(() => server.output.filter((line) => line.includes("the provider refused the server's key") && line.includes("[redacted]")).length).toBe(2);
    browserErrors.allowStatus(401);
  } finally {
    await server.stop({ keepData: true });
  }
  const responses = await Promise.all(seen);
  expect(responses.length).toBeGreaterThan(5);
  for (const key of [OPENAI_KEY, ANTHROPIC_KEY]) {
    expect(responses.filter((text) => text.includes(key)).map((text) => text.split("\n")[0])).toEqual([]);
    expect(server.output.filter((line) => line.includes(key))).toEqual([]);
    for (const name of readdirSync(server.dataDir)) {
      expect(readFileSync(path.join(server.dataDir, name)).includes(Buffer.from(key)), name).toBe(false);
    }
  }
  rmSync(server.dataDir, { recursive: true, force: true });
});
