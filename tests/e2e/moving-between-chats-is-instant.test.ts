// Moving between chats: a chat the pointer rests on in the list is loaded
// before the click; a chat seen before shows at once from the page's memory
// and is then brought up to date; a slow move shows a progress bar.
import type { Request } from "@playwright/test";
import { expect, newChatAndSend, signUp, test, userMessages, waitForAnswer, waitForHydration } from "./fixtures";

test("resting the pointer on a chat loads it before the click, and the click shows it without asking the server again first", async ({ page }) => {
  await signUp(page);
  const first = await newChatAndSend(page, "Chat one about rivers");
  await waitForAnswer(page);
  await newChatAndSend(page, "Chat two about mountains");
  await waitForAnswer(page);
  await waitForHydration(page);

  // Requests for the chat's own data (the page's other data, such as the list, is asked for apart), and those answered.
  // (Chromium can report a load as failed once the page has read what it needs of it: one that had a response counts.)
  const isChatData = (url: URL) => url.pathname === `${first.chatUrl}.data` && url.searchParams.get("_routes") === "routes/chats.$chatId";
  const dataRequests: string[] = [];
  let answered = 0;
  page.on("request", (request) => {
    if (isChatData(new URL(request.url()))) dataRequests.push(request.url());
  });
  const onEnd = async (request: Request) => {
    // (A request still held when the test ends finishes with the page closed: it has no response to read.)
    if (isChatData(new URL(request.url())) && (await request.response().catch(() => null))) answered += 1;
  };
  page.on("requestfinished", onEnd);
  page.on("requestfailed", onEnd);
  const link = page.getByRole("navigation", { name: "Chats" }).locator(`a[href="${first.chatUrl}"]`);
  await link.hover();
  await expect.poll(() => dataRequests.length).toBe(1);
  await expect.poll(() => answered).toBe(1);
  // From here the server holds the chat's data: what the click shows comes from the page's memory.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${first.chatUrl}.data*`, async (route) => {
    await held;
    await route.continue();
  });
  await link.click();
  await expect(page).toHaveURL(first.chatUrl);
  await expect(userMessages(page)).toHaveText(["Chat one about rivers"]);
  // The page then asks the server for the chat as it is now.
  await expect.poll(() => dataRequests.length).toBe(2);
  release();
});

test("a click that comes while the chat is still being loaded for the resting pointer waits for that load instead of asking again", async ({ page }) => {
  await signUp(page);
  const first = await newChatAndSend(page, "Chat one about glaciers");
  await waitForAnswer(page);
  await newChatAndSend(page, "Chat two about volcanoes");
  await waitForAnswer(page);
  await waitForHydration(page);

  const dataRequests: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${first.chatUrl}.data*`, async (route) => {
    if (new URL(route.request().url()).searchParams.get("_routes") === "routes/chats.$chatId") dataRequests.push(route.request().url());
    await held;
    await route.continue();
  });
  const link = page.getByRole("navigation", { name: "Chats" }).locator(`a[href="${first.chatUrl}"]`);
  await link.hover();
  await expect.poll(() => dataRequests.length).toBe(1);
  // The prefetch is held by the server; the click (which also focuses the link) neither repeats it nor asks on its own.
  await link.click();
  release();
  await expect(page).toHaveURL(first.chatUrl);
  await expect(userMessages(page)).toHaveText(["Chat one about glaciers"]);
  await expect(page.getByTestId("messages")).toContainText("You wrote 4 words: “Chat one about glaciers”");
  expect(dataRequests).toHaveLength(1);
});

test("a chat seen before shows at once from memory, then what changed meanwhile (in another tab) appears", async ({ page, context }) => {
  await signUp(page);
  const first = await newChatAndSend(page, "Chat one about lakes");
  await waitForAnswer(page);
  const second = await newChatAndSend(page, "Chat two about deserts");
  await waitForAnswer(page);
  await waitForHydration(page);
  const chats = page.getByRole("navigation", { name: "Chats" });
  await chats.locator(`a[href="${first.chatUrl}"]`).click();
  await expect(userMessages(page)).toHaveText(["Chat one about lakes"]);

  // Meanwhile, another tab adds to the second chat.
  const other = await context.newPage();
  await other.goto(second.chatUrl);
  await waitForHydration(other);
  await other.getByRole("textbox", { name: "Message" }).fill("Added in another tab");
  await other.getByRole("textbox", { name: "Message" }).press("Enter");
  await waitForAnswer(other);
  await expect(userMessages(other)).toHaveText(["Chat two about deserts", "Added in another tab"]);

  // Back to the second chat: hold the server's answer, so what shows first is the page's memory.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${second.chatUrl}.data*`, async (route) => {
    await held;
    await route.continue();
  });
  await chats.locator(`a[href="${second.chatUrl}"]`).click();
  await expect(page).toHaveURL(second.chatUrl);
  await expect(userMessages(page)).toHaveText(["Chat two about deserts"]);
  release();
  await expect(userMessages(page)).toHaveText(["Chat two about deserts", "Added in another tab"]);
});

test("a move that takes a while shows a progress bar until the chat is there", async ({ page }) => {
  await signUp(page);
  const first = await newChatAndSend(page, "Chat one about forests");
  await waitForAnswer(page);
  await newChatAndSend(page, "Chat two about glaciers");
  await waitForAnswer(page);
  await waitForHydration(page);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${first.chatUrl}.data*`, async (route) => {
    await held;
    await route.continue();
  });
  // Straight to the click (no resting pointer, so nothing was loaded before).
  await page.getByRole("navigation", { name: "Chats" }).locator(`a[href="${first.chatUrl}"]`).focus();
  const progress = page.getByRole("progressbar", { name: "Loading the page" });
  await page.keyboard.press("Enter");
  await expect(progress).toBeVisible();
  release();
  await expect(userMessages(page)).toHaveText(["Chat one about forests"]);
  await expect(progress).toHaveCount(0);
});
