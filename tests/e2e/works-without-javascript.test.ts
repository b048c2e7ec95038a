// Every page is a real form and a real link: the whole app works with
// JavaScript turned off (ADR 008 — a streaming answer appears by meta refresh).
import type { Page } from "@playwright/test";
import { CHAT_URL, chatIdOf, expect, lastAnswer, listedChatIds, login, logout, signUp, test, userMessages } from "./fixtures";
import { numberedTokens, queueScripts, uniqueMarker } from "./upstream";

/** Sends through the composer's plain form: no Enter key handling without JavaScript, so press Send. */
async function sendWithoutJs(page: Page, text: string): Promise<void> {
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

/** Counts document loads of the page that nobody asked for (the meta refresh). */
function countLoads(page: Page): { count: number } {
  const loads = { count: 0 };
  page.on("load", () => loads.count++);
  return loads;
}

test("signing up, logging out and logging back in work without JavaScript", async ({ noJsPage: page }) => {
  const user = await signUp(page, { name: "Plain HTML" });
  // No hydration ever happens: the model choice stays a plain <select>.
  await expect(page.getByTestId("model-select")).toBeVisible();
  await expect(page.getByTestId("model-picker")).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Chats" })).toContainText("Plain HTML");
  // Enter starts a new line in a plain form: the box does not promise that it sends.
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveAttribute("placeholder", "Message Parley");

  await logout(page);
  await page.goto("/chats");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fchats$/);

  await login(page, user);
  await expect(page).toHaveURL(/\/chats$/);
  await expect(page.getByRole("navigation", { name: "Chats" })).toContainText("Plain HTML");
});

test("a sent message's answer appears complete without pressing reload", async ({ noJsPage: page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  // The chat's first render, as it came (the page refreshes itself a second later, and a busy machine may be slower than that).
  const firstRender = page.waitForResponse((response) => response.request().resourceType() === "document" && response.request().method() === "GET" && CHAT_URL.test(new URL(response.url()).pathname)).then((response) => response.text());
  await sendWithoutJs(page, "Why is the sky blue at noon?");
  await expect(page).toHaveURL(CHAT_URL);
  const loads = countLoads(page);

  // The first render shows the answer being written, with a refresh while it is, and the composer waits.
  const html = await firstRender;
  expect(html).toMatch(/<noscript>[^]*http-equiv="refresh"[^]*<\/noscript>/);
  expect(html).toMatch(/<textarea[^>]*\bid="composer"[^>]*\bdisabled=""/);
  expect(html).toMatch(/data-testid="assistant-message"[^>]*data-status="streaming"|data-status="streaming"[^>]*data-testid="assistant-message"/);

  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  expect(loads.count, "the page refreshed itself while the answer streamed").toBeGreaterThanOrEqual(2);
  // Rendered on the server: highlighted code, KaTeX and stats, and no more refreshing.
  await expect(lastAnswer(page).locator("pre code.hljs")).toBeVisible();
  await expect(lastAnswer(page).locator(".katex").first()).toBeVisible();
  await expect(lastAnswer(page).locator(".katex-mathml").first()).toHaveCSS("position", "absolute");
  await expect(lastAnswer(page).getByTestId("answer-stats")).toBeVisible();
  await expect(page.locator("noscript")).toHaveCount(0);
  await expect(page.getByRole("textbox", { name: "Message" })).toBeEnabled();

  // A second message in the same chat, the same way.
  const chatId = chatIdOf(page);
  await sendWithoutJs(page, "And why is it red at sunset?");
  await expect(page).toHaveURL(`/chats/${chatId}`);
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  await expect(lastAnswer(page).getByTestId("answer-content")).toContainText("turn 2 of this chat");
  await expect(userMessages(page)).toHaveText(["Why is the sky blue at noon?", "And why is it red at sunset?"]);
});

test("without JavaScript, the reloading while an answer is written can be paused to read, and brought back", async ({ noJsPage: page }) => {
  await signUp(page);
  const marker = uniqueMarker("pause");
  const tokens = numberedTokens(60, "w");
  // Twelve seconds of answer: a loaded machine can take a few to send and load the page.
  await queueScripts("openai", marker, { tokens, tokenDelayMs: 200 });
  await page.goto("/chats?new=1");
  await page.getByTestId("model-select").selectOption("openai:gpt-4o");
  await sendWithoutJs(page, `A slow answer ${marker}`);
  await expect(page).toHaveURL(CHAT_URL);
  const chatId = chatIdOf(page);
  // Each reload goes back to the newest words: the page says so, and offers to stop.
  await expect(page.getByTestId("reloading")).toHaveText("This page reloads every second while the answer is written, and each time shows its newest words. Pause reloading to read");
  await page.getByRole("link", { name: "Pause reloading to read" }).click();
  await expect(page).toHaveURL(`/chats/${chatId}?updates=paused`);
  await expect(page.getByTestId("reloading")).toHaveText("Reloading is paused; the answer goes on being written. Show the answer as it is now");
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  expect(await page.content(), "no reload is asked for").not.toContain('http-equiv="refresh"');
  // Paused here only: the list's links lead to other chats as they are.
  await expect(page.getByRole("navigation", { name: "Chats" }).locator(`a[href="/chats/${chatId}"]`)).toHaveCount(1);
  await expect(page.getByRole("navigation", { name: "Chats" }).locator('a[href*="updates="]')).toHaveCount(0);
  // Brought back: the page follows the answer again, to its end.
  await page.getByRole("link", { name: "Show the answer as it is now" }).click();
  await expect(page).toHaveURL(`/chats/${chatId}`);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 30_000 });
  await expect(lastAnswer(page).getByTestId("answer-content")).toHaveText(tokens.join("").trim());
  await expect(page.getByTestId("reloading")).toHaveCount(0);
});

test("without JavaScript, an answer being written has the same spacing between its paragraphs as when it is done", async ({ noJsPage: page }) => {
  await signUp(page);
  const marker = uniqueMarker("gaps");
  const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i + 1} of the answer.\n\n`);
  // Eleven seconds of answer, so that it is still being written once the paused page has loaded on a busy machine.
  await queueScripts("openai", marker, { tokens: paragraphs, tokenDelayMs: 1000 });
  await page.goto("/chats?new=1");
  await page.getByTestId("model-select").selectOption("openai:gpt-4o");
  await sendWithoutJs(page, `Several paragraphs ${marker}`);
  await expect(page).toHaveURL(CHAT_URL);
  // The gap above each paragraph after the first, as drawn.
  const gaps = () => lastAnswer(page).getByTestId("answer-content").locator("p").evaluateAll((ps) => ps.slice(1).map((p) => getComputedStyle(p).marginTop));
  // Paused once the reloads show a second paragraph. Each page is read right after it has loaded, a second before the
  // next reload (a read while the page reloads would fail).
  for (let shown = 0; shown === 0; ) {
    await page.waitForEvent("load", { timeout: 10_000 });
    shown = (await gaps().catch(() => [])).length;
  }
  await page.getByRole("link", { name: "Pause reloading to read" }).click();
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  const whileWritten = await gaps();
  expect(whileWritten.length).toBeGreaterThan(0);
  await page.getByRole("link", { name: "Show the answer as it is now" }).click();
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 30_000 });
  const done = await gaps();
  expect(done).toHaveLength(11);
  expect(done[0]).not.toBe("0px");
  expect(whileWritten).toEqual(done.slice(0, whileWritten.length));
});

test("a chat can be renamed, pinned, archived and deleted without JavaScript", async ({ noJsPage: page, browserErrors }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await sendWithoutJs(page, "Plans for a weekend hike");
  await expect(page).toHaveURL(CHAT_URL);
  const chatId = chatIdOf(page);
  const chatUrl = `/chats/${chatId}`;
  // Header forms would be reset by the refresh while the answer streams: wait for it to end.
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  const header = page.locator("header");
  const sidebarLink = page.getByTestId("chat-list").locator(`a[href^="${chatUrl}"]`);

  // Rename (the form opens from a <details> summary, no script needed).
  await header.locator("summary", { hasText: "Rename" }).click();
  await page.getByLabel("Chat title").fill("Hiking in the Alps");
  await header.getByRole("button", { name: "Save" }).first().click();
  await expect(page).toHaveURL(chatUrl);
  await expect(page.getByTestId("chat-title")).toHaveText("Hiking in the Alps");
  await expect(sidebarLink).toHaveText("Hiking in the Alps");

  // Pin.
  await header.getByRole("button", { name: "Pin", exact: true }).click();
  await expect(header.getByRole("button", { name: "Unpin", exact: true })).toBeVisible();
  await expect(sidebarLink.getByLabel("Pinned")).toBeVisible();

  // Archive: the chat leaves the list and shows under "Archived".
  await header.getByRole("button", { name: "Archive", exact: true }).click();
  await expect(page).toHaveURL(`/chats?justarchived=${chatId}`);
  await expect(page.getByTestId("just-archived")).toContainText("“Hiking in the Alps” is archived");
  expect(await listedChatIds(page)).toEqual([]);
  await page.getByRole("link", { name: "Archived" }).click();
  await expect(page).toHaveURL(/\/chats\?archived=1$/);
  expect(await listedChatIds(page)).toEqual([chatId]);
  await sidebarLink.click();
  await expect(header.getByRole("button", { name: "Unarchive", exact: true })).toBeVisible();

  // Delete sits behind a <details> confirmation.
  const confirm = header.getByRole("button", { name: "Delete permanently" });
  await expect(confirm).toBeHidden();
  await header.locator("summary", { hasText: /^Delete$/ }).click();
  await expect(header.getByText("Delete this chat and all its messages? This cannot be undone.")).toBeVisible();
  await confirm.click();
  await expect(page).toHaveURL(/\/chats$/);
  expect(await listedChatIds(page)).toEqual([]);
  await page.goto("/chats?archived=1");
  expect(await listedChatIds(page)).toEqual([]);

  browserErrors.allowStatus(404);
  const gone = await page.goto(chatUrl);
  expect(gone!.status()).toBe(404);
});
