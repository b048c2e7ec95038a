// Sending is rate-limited per person (here 10 an hour, on a server of the
// test file's own): a burst sent at once gets exactly 10 through, a refused
// send says how long to wait — in the composer with JavaScript, in the page
// without — with 429 and Retry-After, and the count survives a restart.
import type { APIResponse, Page } from "@playwright/test";
import { composer, expect, sendMessage, signUp, test, waitForHydration } from "./fixtures";
import { type OwnServer, startOwnServer } from "./own-server";

test.describe.configure({ mode: "serial" });

let server: OwnServer;
test.beforeAll(async () => {
  server = await startOwnServer({ RATE_LIMIT_SEND_PER_USER: "10/1h", DEMO_TOKENS_PER_SECOND: "5000" });
});
test.afterAll(async () => {
  await server?.stop();
});

const WAIT_TEXT = /^You are sending messages too fast\. Try again in (59|60) minutes\.$/;

function newChatPost(page: Page, content: string): Promise<APIResponse> {
  return page.request.post(`${server.baseURL}/chats?index`, { form: { intent: "send", content }, maxRedirects: 0 });
}

/** Uses up the person's 10 sends with plain form posts. */
async function useUpSends(page: Page): Promise<void> {
  for (let i = 0; i < 10; i++) expect((await newChatPost(page, `Filler ${i}`)).status()).toBe(302);
}

test("100 sends at once against a limit of 10 accept exactly 10; the rest get 429 and Retry-After", async ({ newContext }) => {
  const page = await (await newContext({ baseURL: server.baseURL })).newPage();
  await signUp(page);
  const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => newChatPost(page, `Burst ${i}`)));
  // Every status at once: anything but 302 and 429 shows in the failure, with what the server logged as going wrong
  // (a busy server once aborted queued page renders and sent the 429 page as a 500).
  const errors = server.output.filter((line) => line.includes('"level":"error"'));
  expect({ statuses: responses.map((r) => r.status()).sort(), errors }).toEqual({
    statuses: [...Array<number>(10).fill(302), ...Array<number>(90).fill(429)],
    errors: [],
  });
  const refused = responses.filter((r) => r.status() === 429);
  for (const response of refused) {
    const seconds = Number(response.headers()["retry-after"]);
    expect(seconds).toBeGreaterThan(3500);
    expect(seconds).toBeLessThanOrEqual(3600);
  }
  await page.goto("/chats");
  await expect(page.getByTestId("chat-list").locator("a[href^='/chats/']")).toHaveCount(10);
});

test("with JavaScript, a refused send shows how long to wait and keeps the text", async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(429);
  const page = await (await newContext({ baseURL: server.baseURL })).newPage();
  await signUp(page);
  const { chatUrl } = await (async () => {
    expect((await newChatPost(page, "The one chat")).status()).toBe(302);
    await page.goto("/chats");
    const href = await page.getByTestId("chat-list").locator("a[href^='/chats/']").first().getAttribute("href");
    return { chatUrl: href! };
  })();
  for (let i = 0; i < 9; i++) expect((await newChatPost(page, `Filler ${i}`)).status()).toBe(302);

  // A new chat (a plain Remix form) …
  await page.goto("/chats?new=1");
  await sendMessage(page, "One too many");
  await expect(page.getByRole("alert")).toHaveText(WAIT_TEXT);
  await expect(composer(page)).toHaveValue("One too many");
  // … and a follow-up in a chat (the fast send with browser-chosen ids).
  await page.goto(chatUrl);
  await waitForHydration(page);
  await sendMessage(page, "And another");
  await expect(page.getByRole("alert")).toHaveText(WAIT_TEXT);
  await expect(composer(page)).toHaveValue("And another");
  await expect(page.getByTestId("user-message")).toHaveCount(1);
});

test("without JavaScript, the refused send is a 429 page with Retry-After that says how long to wait", async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(429);
  const page = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled: false })).newPage();
  await signUp(page);
  await useUpSends(page);
  await page.goto("/chats?new=1");
  await composer(page).fill("Over the limit");
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: "Send" }).click(),
  ]);
  expect(response.status()).toBe(429);
  expect(Number(response.headers()["retry-after"])).toBeGreaterThan(3500);
  await expect(page.getByRole("alert")).toHaveText(WAIT_TEXT);
  await expect(composer(page)).toHaveValue("Over the limit");
});

test("the count survives a restart", async ({ newContext }) => {
  const context = await newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  await signUp(page);
  await useUpSends(page);
  // No page left open to notice the server going away.
  await page.close();
  await server.stop({ keepData: true });
  server = await startOwnServer({ RATE_LIMIT_SEND_PER_USER: "10/1h", DEMO_TOKENS_PER_SECOND: "5000" }, { dataDir: server.dataDir });
  // Cookies belong to 127.0.0.1 whatever the port: the same session on the restarted server.
  const refused = await context.request.post(`${server.baseURL}/chats?index`, { form: { intent: "send", content: "After the restart" }, maxRedirects: 0 });
  expect(refused.status()).toBe(429);
  expect(await refused.text()).toContain("You are sending messages too fast.");
});

test("files refused for uploading too fast say so, and go by themselves once they may", async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(429);
  const own = await startOwnServer({ RATE_LIMIT_UPLOAD_PER_USER: "2/3s" });
  try {
    const page = await (await newContext({ baseURL: own.baseURL })).newPage();
    await signUp(page);
    await page.goto("/chats?new=1");
    await waitForHydration(page);
    const files = ["a", "b", "c"].map((name) => ({ name: `${name}.txt`, mimeType: "text/plain", buffer: Buffer.from(`File ${name}\n`) }));
    await page.getByTestId("file-input").setInputFiles(files);
    const chips = page.getByTestId("attachment-chip");
    await expect(chips).toHaveCount(3);
    // One of the three is over the limit for now: it says so, and that it goes again by itself…
    await expect(chips.filter({ hasText: "Too many uploads" })).toHaveCount(1);
    await expect(chips.filter({ hasText: "Too many uploads" })).toContainText(/This file goes again by itself in [1-3] seconds?\./);
    // …and is uploaded by itself once the limit allows it, with nothing to do.
    await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(3, { timeout: 10_000 });
    await expect(chips.filter({ hasText: "Too many uploads" })).toHaveCount(0);
  } finally {
    await own.stop();
  }
});
