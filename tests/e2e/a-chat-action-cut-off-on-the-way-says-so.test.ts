// A chat's own actions (rename, the system prompt, pin, delete) on a bad
// connection: one that cannot reach Parley says nothing was done and keeps
// what was typed; one whose connection drops before Parley answers says it
// may or may not have been done and shows the chat as it now is, never a page
// that blames the server; one still on its way says so, and a second click
// does not send it again.
import type { Page, Route } from "@playwright/test";
import { composer, expect, lastAnswer, newChatAndSend, sendMessage, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";

const NOT_REACHED = "That could not reach Parley, so nothing was done. Check your connection and try again.";
const CUT_OFF = "The connection dropped before Parley answered, so this may or may not have been done: the page now shows where things stand. Try again if it was not.";
const OFFLINE_ERRORS = /net::ERR_INTERNET_DISCONNECTED|net::ERR_FAILED|ERR_NETWORK_CHANGED|ERR_CONNECTION_RESET/;

async function chatWithAnswer(page: Page): Promise<string> {
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "Tell me about herons");
  await waitForAnswer(page);
  // The chat opened afresh, as from a bookmark: nothing of the answer's end is still moving on the page.
  await page.goto(chatUrl);
  await waitForHydration(page);
  return chatUrl;
}

const header = (page: Page) => page.getByTestId("chat-header");

/** Holds the chat's POSTs until the returned function is called, noting each one's intent in `posts`. */
async function holdPosts(page: Page, chatUrl: string, posts: string[]): Promise<() => void> {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${chatUrl}*`, async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    posts.push(new URLSearchParams(route.request().postData() ?? "").get("intent") ?? "");
    await held;
    await route.fallback();
  });
  return release;
}

/** The next POST to the chat is cut off once (the connection reset before an answer); `done` says whether it reached Parley first. */
async function cutOffNextPost(page: Page, chatUrl: string, { done }: { done: boolean }): Promise<void> {
  let cut = false;
  await page.route(`**${chatUrl}*`, async (route: Route) => {
    if (cut || route.request().method() !== "POST") return route.fallback();
    cut = true;
    if (done) await route.fetch();
    await route.abort("connectionreset");
  });
}

test("a system prompt saved while offline says nothing was done and keeps its text; back online it saves", async ({ page, context, browserErrors }) => {
  browserErrors.allow(OFFLINE_ERRORS);
  const chatUrl = await chatWithAnswer(page);
  await header(page).locator("summary", { hasText: "System prompt" }).click();
  await context.setOffline(true);
  await page.getByLabel(/^Instructions for the model in this chat/).fill("Be brief, written offline");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(header(page).getByRole("alert")).toHaveText(NOT_REACHED);
  await expect(page.getByTestId("header-status")).not.toHaveText("Saved");
  await expect(page.getByLabel(/^Instructions for the model in this chat/)).toHaveValue("Be brief, written offline");

  await context.setOffline(false);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("header-status")).toHaveText("Saved");
  await page.goto(chatUrl);
  await header(page).locator("summary", { hasText: "System prompt" }).click();
  await expect(page.getByLabel(/^Instructions for the model in this chat/)).toHaveValue("Be brief, written offline");
});

test("a rename whose connection drops before Parley answers says it may not have been done, and the chat stays", async ({ page, browserErrors }) => {
  browserErrors.allow(OFFLINE_ERRORS);
  const chatUrl = await chatWithAnswer(page);
  // Cut off before it reached Parley: not done, and the popup keeps the title to send again.
  await cutOffNextPost(page, chatUrl, { done: false });
  await header(page).locator("summary", { hasText: "Rename" }).click();
  await page.getByLabel("Chat title").fill("Herons, first try");
  await page.getByLabel("Chat title").press("Enter");
  await expect(header(page).getByRole("alert")).toHaveText(CUT_OFF);
  await expect(page.getByText("Something went wrong on our side")).toHaveCount(0);
  await expect(page.getByTestId("user-message")).toContainText("Tell me about herons");
  await expect(page.getByLabel("Chat title")).toHaveValue("Herons, first try");
  await page.getByLabel("Chat title").press("Enter");
  await expect(page.getByTestId("chat-title")).toHaveText("Herons, first try");

  // Cut off after Parley did it: the page shows the new state.
  await cutOffNextPost(page, chatUrl, { done: true });
  await header(page).getByRole("button", { name: "Pin" }).click();
  await expect(page.getByRole("alert").filter({ hasText: CUT_OFF })).toBeVisible();
  await expect(page.getByText("Something went wrong on our side")).toHaveCount(0);
  await expect(header(page).getByRole("button", { name: "Unpin" })).toBeVisible();
});

test("a rename or a delete on its way says so, and a second click or Enter sends it once", async ({ page }) => {
  const chatUrl = await chatWithAnswer(page);
  const posts: string[] = [];
  let release = await holdPosts(page, chatUrl, posts);
  await header(page).locator("summary", { hasText: "Rename" }).click();
  await page.getByLabel("Chat title").fill("Slow herons");
  const save = header(page).getByRole("button", { name: /^Sav/ });
  await save.click();
  await expect(save).toHaveText("Saving…");
  await expect(save).toBeDisabled();
  await page.getByLabel("Chat title").press("Enter");
  release();
  await expect(page.getByTestId("chat-title")).toHaveText("Slow herons");
  expect(posts).toEqual(["rename"]);

  // The deletion too: its button says so, and a second click on it sends nothing more.
  await page.unrouteAll();
  release = await holdPosts(page, chatUrl, posts);
  await header(page).locator("summary", { hasText: "Delete" }).click();
  await header(page).getByRole("button", { name: "Delete permanently" }).click();
  const deleting = header(page).getByRole("button", { name: "Deleting…" });
  await expect(deleting).toBeDisabled();
  await deleting.click({ force: true });
  release();
  await expect(page).toHaveURL(/\/chats$/);
  expect(posts).toEqual(["rename", "delete"]);
});

test("typing while offline on a chat opened in a fresh browser, then sending once back online, the answer is written as usual", async ({ page, newContext, browserErrors }) => {
  browserErrors.allow(OFFLINE_ERRORS);
  const chatUrl = await chatWithAnswer(page);
  // A browser that has loaded nothing of Parley's scripts beyond the page's own.
  const fresh = await newContext({ storageState: await page.context().storageState() });
  const other = await fresh.newPage();
  await other.goto(chatUrl);
  await waitForHydration(other);
  await fresh.setOffline(true);
  // Typing is when the page fetches what writes an answer out: offline, that cannot load yet, and no error is left behind.
  await composer(other).fill("And the egrets?");
  await composer(other).press("End");
  await composer(other).pressSequentially(" Tell me.");
  await fresh.setOffline(false);
  await sendMessage(other, "And the egrets?");
  await expect(other.getByTestId("assistant-message")).toHaveCount(2);
  await expect(lastAnswer(other)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  await expect(other.getByText("Something went wrong")).toHaveCount(0);
  await expect(lastAnswer(other).getByTestId("answer-content")).not.toBeEmpty();
});

test("when what writes an answer out cannot be loaded at all, the answer still arrives, as plain text and then as the server's HTML", async ({ page, newContext, browserErrors }) => {
  browserErrors.allow(/Failed to fetch dynamically imported module|net::ERR_FAILED/);
  const chatUrl = await chatWithAnswer(page);
  // As when a new version of Parley replaced the file since the page loaded, or the connection dropped as it came.
  const fresh = await newContext({ storageState: await page.context().storageState() });
  await fresh.route(/\/assets\/blocks-[^/]*\.js$/, (route) => route.abort());
  const other = await fresh.newPage();
  await other.goto(chatUrl);
  await sendMessage(other, "And the bitterns?");
  await expect(other.getByTestId("assistant-message")).toHaveCount(2);
  await expect(lastAnswer(other)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  await expect(other.getByText("Something went wrong")).toHaveCount(0);
  await expect(lastAnswer(other).getByTestId("answer-content")).toContainText("bitterns");
});
