// Sharing a conversation by link, in Chromium, with and without JavaScript:
// the owner makes a link from the chat's header, someone with no session
// reads the snapshot (files included, nothing added later), another person
// continues it as a chat of their own, and once the owner revokes it the
// link and its files are a 404.
import type { Page } from "@playwright/test";
import { pngBytes } from "../files";
import { E2E } from "./env";
import { answerText, CHAT_URL, composer, DEFAULT_PASSWORD, expect, lastAnswer, postForm, sendMessage, sendThroughTheForm, signUp, test, uniqueEmail, waitForAnswer, waitForHydration } from "./fixtures";
import { numberedTokens, queueScripts, uniqueMarker } from "./upstream";

const PNG = Buffer.from(pngBytes({ width: 40, height: 30, rgb: [200, 60, 20] }));
const SHARE_PATH = /\/s\/[A-Za-z0-9_-]{32}$/;

/** Opens the header's Share panel and makes (or updates) the link; returns the link's path. */
async function createLink(page: Page, button: "Create link" | "Update link" = "Create link"): Promise<string> {
  const control = page.getByTestId("share-control");
  if (!(await control.evaluate((details: HTMLDetailsElement) => details.open))) await control.locator("summary").click();
  await control.getByRole("button", { name: button }).click();
  await expect(page).toHaveURL(/\?share$/);
  const url = await page.getByTestId("share-url").first().inputValue();
  expect(url).toMatch(new RegExp(`^${E2E.baseURL}/s/[A-Za-z0-9_-]{32}$`));
  return new URL(url).pathname;
}

/** Sends a message and waits for its whole answer (the demo model writes long ones, and the machine may be busy). */
async function sendAndWait(page: Page, text: string, answers: number): Promise<void> {
  await sendMessage(page, text);
  await expect(page.getByTestId("assistant-message")).toHaveCount(answers);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 60_000 });
}

/** Waits until every image on the page has loaded its bytes. */
async function imagesLoaded(page: Page): Promise<void> {
  await expect.poll(() => page.locator("img").evaluateAll((images) => images.every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0))).toBe(true);
}

test("a shared link shows the conversation as shared to anyone, is continued by another person, and is a 404 once revoked", async ({ page, newContext, browserErrors }) => {
  // Two demo answers written in full, by two people, on a machine shared with other runs.
  test.setTimeout(180_000);
  browserErrors.allowStatus(404);
  await signUp(page, { name: "Owner Olga", email: uniqueEmail("olga") });
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("file-input").setInputFiles([{ name: "sunset.png", mimeType: "image/png", buffer: PNG }]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await composer(page).fill("Describe this sunset");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  const chatUrl = new URL(page.url()).pathname;
  await waitForAnswer(page);
  const answer = await answerText(page);

  const link = await createLink(page);
  const title = await page.getByTestId("chat-title").innerText();
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: E2E.baseURL });
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${E2E.baseURL}${link}`);

  // Written after sharing: not part of the link.
  await page.goto(chatUrl);
  await sendAndWait(page, "Something for me alone", 2);

  // Someone with no session at all.
  const stranger = await (await newContext()).newPage();
  const response = await stranger.goto(link);
  expect(response!.status()).toBe(200);
  expect(response!.headers()["x-robots-tag"]).toBe("noindex");
  expect(response!.headers()["cache-control"]).toBe("private, no-store");
  await expect(stranger.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex");
  await expect(stranger.getByTestId("shared-title")).toHaveText(title);
  await expect(stranger.getByTestId("user-message")).toHaveCount(1);
  await expect(stranger.getByTestId("user-message")).toContainText("Describe this sunset");
  // The answer as the server renders it: its words, highlighted code and math.
  const sharedAnswer = stranger.getByTestId("assistant-message").getByTestId("answer-content");
  await expect(sharedAnswer).toContainText(answer.split("\n").find((line) => line.startsWith("You wrote"))!);
  await expect(sharedAnswer.locator("pre code.hljs")).toBeVisible();
  await expect(sharedAnswer.locator(".katex").first()).toBeVisible();
  await expect(sharedAnswer.locator(".katex-mathml").first()).toHaveCSS("position", "absolute");
  await expect(stranger.getByText("Something for me alone")).toHaveCount(0);
  await expect(stranger.locator("body")).not.toContainText("Olga");
  const image = stranger.getByRole("img", { name: "sunset.png" });
  await expect(image).toBeVisible();
  const imageSrc = (await image.getAttribute("src"))!;
  expect(imageSrc).toMatch(new RegExp(`^${link}/attachments/[0-9a-z]{20}$`));
  await imagesLoaded(stranger);
  await expect(stranger.getByRole("link", { name: "Log in to continue this conversation" })).toHaveAttribute("href", `/login?${new URLSearchParams({ redirectTo: link })}`);

  // Another person, signed in, continues it as their own chat.
  const readerPage = await (await newContext()).newPage();
  await signUp(readerPage, { name: "Reader Rui" });
  await readerPage.goto(link);
  await readerPage.getByRole("button", { name: "Continue this conversation" }).click();
  await expect(readerPage).toHaveURL(CHAT_URL);
  expect(new URL(readerPage.url()).pathname).not.toBe(chatUrl);
  // Theirs now, under the title it was shared with.
  await expect(readerPage.getByTestId("chat-title")).toHaveText(title);
  await expect(readerPage.getByTestId("user-message")).toHaveCount(1);
  await expect(readerPage.getByRole("img", { name: "sunset.png" })).toBeVisible();
  await imagesLoaded(readerPage);
  await sendAndWait(readerPage, "Continue in my own copy", 2);
  await expect(readerPage.getByTestId("user-message")).toHaveCount(2);

  // The owner revokes it: the page and its file are gone at once, for anyone.
  await page.goto(`${chatUrl}?share`);
  await waitForHydration(page);
  await page.getByTestId("share-control").getByRole("button", { name: "Revoke link" }).click();
  await expect(page.getByTestId("share-control").getByRole("button", { name: "Create link" })).toBeVisible();
  // The keyboard is where the link was: on Create link; made again, on the new link.
  await expect(page.getByTestId("share-control").getByRole("button", { name: "Create link" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("share-url")).toBeFocused();
  await page.getByTestId("share-control").getByRole("button", { name: "Revoke link" }).click();
  await expect(page.getByTestId("share-control").getByRole("button", { name: "Create link" })).toBeVisible();
  expect((await stranger.goto(link))!.status()).toBe(404);
  await expect(stranger.getByText("This page does not exist, or it is not yours.")).toBeVisible();
  expect((await stranger.request.get(imageSrc)).status()).toBe(404);
  // The reader's copy is theirs and stays.
  await readerPage.reload();
  await expect(readerPage.getByTestId("user-message")).toHaveCount(2);
});

test("without JavaScript, sharing, reading, continuing after signing up, and revoking from the list of shared links all work", async ({ noJsPage: page, newContext, browserErrors }) => {
  test.setTimeout(120_000);
  browserErrors.allowStatus(404);
  await signUp(page, { name: "Plain Owner" });
  await page.goto("/chats?new=1");
  await composer(page).fill("Explain tides plainly");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });

  const link = await createLink(page);
  await expect(page.getByTestId("share-control").getByRole("button", { name: "Update link" })).toBeVisible();
  // No Copy button without a script: the whole address sits in a box to select.
  await expect(page.getByRole("button", { name: "Copy link" })).toHaveCount(0);

  const visitorContext = await newContext({ javaScriptEnabled: false });
  const visitor = await visitorContext.newPage();
  await visitor.goto(link);
  await expect(visitor.getByTestId("user-message")).toContainText("Explain tides plainly");
  await expect(visitor.getByTestId("assistant-message")).toHaveCount(1);
  await expect(visitor.getByTestId("assistant-message").locator(".prose-chat")).not.toBeEmpty();

  // Signed out: log in (here: sign up) and come back to the link.
  await visitor.getByRole("link", { name: "Sign up" }).click();
  await expect(visitor).toHaveURL(/\/signup\?redirectTo=/);
  await visitor.getByLabel("Name").fill("Plain Visitor");
  await visitor.getByLabel("Email").fill(uniqueEmail("visitor"));
  await visitor.getByLabel("Password").fill(DEFAULT_PASSWORD);
  await visitor.getByRole("button", { name: "Sign up" }).click();
  await expect(visitor).toHaveURL(SHARE_PATH);
  await visitor.getByRole("button", { name: "Continue this conversation" }).click();
  await expect(visitor).toHaveURL(CHAT_URL);
  await expect(visitor.getByTestId("user-message")).toContainText("Explain tides plainly");
  await expect(visitor.getByTestId("model-select")).toBeVisible();

  // The owner's list of shared links, and revoking from it.
  await page.goto("/settings/shares");
  const row = page.getByTestId("share");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("share-url")).toHaveValue(`${E2E.baseURL}${link}`);
  // Without JavaScript the page cannot know the reader's zone: the moment is written out in UTC.
  await expect(row).toContainText(/Shared \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC/);
  await row.getByRole("button", { name: /^Revoke the link to / }).click();
  await expect(page.getByRole("status")).toHaveText("The link no longer works.");
  await expect(page.getByTestId("share")).toHaveCount(0);
  expect((await visitor.goto(link))!.status()).toBe(404);
});

test("a shared page and its files carry the security headers, and a file is revalidated rather than sent again", async ({ page, browserErrors }) => {
  test.setTimeout(120_000);
  browserErrors.allowStatus(404);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("file-input").setInputFiles([{ name: "dot.png", mimeType: "image/png", buffer: PNG }]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await composer(page).fill("Headers for a shared page");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 60_000 });
  const chatUrl = new URL(page.url()).pathname;
  expect((await postForm(page, chatUrl, { intent: "share" })).headers()["location"]).toBe(`${chatUrl}?share`);
  await page.goto(`${chatUrl}?share`);
  const link = new URL(await page.getByTestId("share-url").inputValue()).pathname;
  const imageSrc = (await page.request.get(link).then((r) => r.text())).match(new RegExp(`${link}/attachments/[0-9a-z]{20}`))![0];

  for (const [what, response] of [
    ["page", await page.request.get(link)],
    ["file", await page.request.get(imageSrc)],
    ["guessed link", await page.request.get(`/s/${"A".repeat(32)}`)],
  ] as const) {
    const headers = response.headers();
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["referrer-policy"], what).toBe("same-origin");
    expect(headers["content-security-policy"], what).toContain("frame-ancestors 'none'");
    if (what !== "guessed link") expect(headers["x-robots-tag"], what).toBe("noindex");
  }
  const file = await page.request.get(imageSrc);
  expect(file.headers()["cache-control"]).toBe("private, max-age=0, must-revalidate");
  expect(file.headers()["content-type"]).toBe("image/png");
  const again = await page.request.get(imageSrc, { headers: { "If-None-Match": file.headers()["etag"]! } });
  expect(again.status()).toBe(304);
  expect((await page.request.get(`/s/${"A".repeat(32)}`)).status()).toBe(404);

  expect((await postForm(page, chatUrl, { intent: "unshare" })).status()).toBe(302);
  expect((await page.request.get(imageSrc, { headers: { "If-None-Match": file.headers()["etag"]! } })).status()).toBe(404);
});

test("a Share refused while an answer is written says why in the Share panel, not above the message box", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(409);
  await signUp(page);
  const marker = uniqueMarker("busy-share");
  await queueScripts("openai", marker, { tokens: numberedTokens(200, "w"), tokenDelayMs: 50 });
  await page.goto("/chats?new=1");
  await sendThroughTheForm(page, `Write slowly ${marker}`);
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  const control = page.getByTestId("share-control");
  await control.locator("summary").click();
  await control.getByRole("button", { name: "Create link" }).click();
  await expect(control.getByRole("alert")).toHaveText("An answer is still being written in this chat. Wait for it or stop it first.");
  await expect(page.locator("form:has(#composer)").getByRole("alert")).toHaveCount(0);
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");
});
