// What a person typed is not lost with the page it was typed on: a draft in a
// chat another tab deletes is offered back where the chat was, and carried to
// a new chat; a new chat's first message survives a reload that comes before
// its chat is up (the chat opens, or the message is back in the box).
import type { Page, Route } from "@playwright/test";
import { CHAT_URL, composer, expect, lastAnswer, newChatAndSend, postForm, sendMessage, signUp, test, userMessages, waitForAnswer, waitForHydration } from "./fixtures";
import { numberedTokens, queueScripts, uniqueMarker } from "./upstream";

/** Sends a question answered slowly (20 s), so another tab surely acts while it is written. */
async function sendSlowly(page: Page, question: string): Promise<void> {
  const marker = uniqueMarker("gone");
  await queueScripts("openai", marker, { tokens: numberedTokens(500, "wave"), tokenDelayMs: 40 });
  await waitForHydration(page);
  await page.locator("form:has(#composer) input[name=model]").evaluate((input) => ((input as HTMLInputElement).value = "openai:gpt-4o-mini"));
  await sendMessage(page, `${question} ${marker}`);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
}

const chatsListed = (page: Page) => page.getByTestId("chat-list").locator("li[id]");
const draftKeys = (page: Page, ending: string) => page.evaluate((end) => Object.keys(localStorage).filter((key) => key.startsWith("parley:draft:") && key.includes(end)), ending);

test("a draft in a chat another tab deletes is shown where the chat was, and starts a new chat with its files", async ({ page, context, browserErrors }) => {
  browserErrors.allowStatus(404);
  await signUp(page);
  const { chatId, chatUrl } = await newChatAndSend(page, "Alpha question about lagoons");
  await waitForAnswer(page);
  // A long answer is being written when the other tab deletes the chat; meanwhile this tab types its next message.
  await sendSlowly(page, "Tell me at length about coral lagoons and their reefs");
  await composer(page).fill("draft typed while the answer is written\nwith a second line");
  // A file too: dropped on the box (the file button waits for the answer's end).
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(["Atolls ring lagoons.\n"], "reef-notes.txt", { type: "text/plain" }));
    return transfer;
  });
  await page.locator("form:has(#composer)").dispatchEvent("drop", { dataTransfer: dropped });
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);

  const other = await context.newPage();
  await other.goto("/chats");
  expect((await postForm(other, chatUrl, { intent: "delete" })).status()).toBeLessThan(400);

  // This tab was showing the chat: it says the chat was deleted, and offers the draft back.
  const gone = page.getByTestId("chat-not-found");
  await expect(gone.getByRole("heading")).toHaveText("This chat no longer exists: it was deleted, perhaps in another tab.");
  await expect(gone.getByTestId("gone-chat-draft-text")).toHaveText("draft typed while the answer is written\nwith a second line");
  await expect(gone.getByTestId("gone-chat-draft-file")).toHaveText(["reef-notes.txt"]);
  await expect(page.getByTestId("chat-list")).not.toContainText("lagoons");

  // A reload still finds it; the page no longer knows the chat was here, so it says what it says of any missing chat.
  await page.reload();
  await expect(gone.getByRole("heading")).toHaveText("This chat does not exist: it was deleted, or it is not yours.");
  await expect(gone.getByTestId("gone-chat-draft-text")).toHaveText("draft typed while the answer is written\nwith a second line");

  await gone.getByRole("button", { name: "Start a new chat with it" }).click();
  await expect(page).toHaveURL(/\/chats\?new=1$/);
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("draft typed while the answer is written\nwith a second line");
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toContainText("reef-notes.txt");
  // Moved, not copied: nothing is kept under the deleted chat any more.
  expect(await draftKeys(page, chatId)).toEqual([]);
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(userMessages(page)).toHaveText(["draft typed while the answer is written\nwith a second line"]);
  await expect(page.getByTestId("user-message").last().getByTestId("file-part")).toHaveText([/reef-notes\.txt/]);
  await waitForAnswer(page);
});

test("a chat deleted in another tab with nothing typed in it says it was deleted, and offers an empty new chat", async ({ page, context, browserErrors }) => {
  browserErrors.allowStatus(404);
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "Beta question about estuaries");
  await waitForAnswer(page);
  await sendSlowly(page, "Tell me at length about estuaries and their tides");

  const other = await context.newPage();
  await other.goto("/chats");
  expect((await postForm(other, chatUrl, { intent: "delete" })).status()).toBeLessThan(400);

  const gone = page.getByTestId("chat-not-found");
  await expect(gone.getByRole("heading")).toHaveText("This chat no longer exists: it was deleted, perhaps in another tab.");
  await expect(gone.getByTestId("gone-chat-draft")).toHaveCount(0);
  await gone.getByRole("link", { name: "Start a new chat" }).click();
  await expect(page).toHaveURL(/\/chats\?new=1$/);
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("");
});

/**
 * Holds the requests to `url` until the page is reloaded (they are dropped with the page): the send, or the chat's
 * page, is slow. Those of the reloaded page go through.
 */
async function holdUntilReload(page: Page, url: RegExp, { reachServer }: { reachServer: boolean }): Promise<() => Promise<void>> {
  const held: Route[] = [];
  let holding = true;
  let arrived = () => {};
  const seen = new Promise<void>((resolve) => (arrived = resolve));
  await page.route(url, async (route) => {
    if (!holding) return route.fallback();
    // The server gets the request and does its work; its answer never comes back to the page.
    if (reachServer) await route.fetch().catch(() => null);
    held.push(route);
    arrived();
  });
  return async () => {
    await seen;
    holding = false;
    await page.reload();
    for (const route of held) await route.abort().catch(() => null);
  };
}

const NEW_CHAT_SEND = /\/chats\.data\?index/;
const CHAT_DATA = /\/chats\/[0-9a-z]{20}\.data/;

test("a reload while a new chat's page opens, after its first message was sent, opens that chat", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const reloadDuringOpening = await holdUntilReload(page, CHAT_DATA, { reachServer: false });
  await composer(page).fill("First question about fjords, then a reload");
  await composer(page).press("Enter");
  await reloadDuringOpening();

  await expect(page).toHaveURL(CHAT_URL);
  await expect(userMessages(page)).toHaveText(["First question about fjords, then a reload"]);
  await waitForAnswer(page);
  await expect(chatsListed(page)).toHaveCount(1);
  // Nothing is left to bring it back: the next new chat starts empty.
  expect(await draftKeys(page, ":new")).toEqual([]);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("");
});

test("a reload before a new chat's first message was answered opens the chat the server made of it, once", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const reloadBeforeTheAnswer = await holdUntilReload(page, NEW_CHAT_SEND, { reachServer: true });
  await composer(page).fill("First question about glaciers, sent just before a reload");
  await composer(page).press("Enter");
  await reloadBeforeTheAnswer();

  await expect(page).toHaveURL(CHAT_URL);
  await expect(userMessages(page)).toHaveText(["First question about glaciers, sent just before a reload"]);
  await waitForAnswer(page);
  await expect(chatsListed(page)).toHaveCount(1);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("");
});

test("a reload before a new chat's first message reached the server puts it back in the box", async ({ page, browserErrors }) => {
  // The chat it was to open is looked for, and not found.
  browserErrors.allowStatus(404);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const reloadBeforeTheSend = await holdUntilReload(page, NEW_CHAT_SEND, { reachServer: false });
  await composer(page).fill("First question about moraines, never sent");
  await composer(page).press("Enter");
  // The reloaded page looks for the chat the send named; that look is slow here.
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let looked = () => {};
  const lookedFor = new Promise<void>((resolve) => (looked = resolve));
  await page.route(CHAT_DATA, async (route) => {
    looked();
    await released;
    await route.fallback();
  });
  await reloadBeforeTheSend();
  await lookedFor;

  // Meanwhile the message shown in the box cannot be sent a second time.
  const send = page.getByRole("button", { name: "Send" });
  await expect(composer(page)).toHaveValue("First question about moraines, never sent");
  await expect(send).toBeDisabled();
  await composer(page).press("Enter");
  // The chat is not found: the page goes back to the new chat with the message, without saying that chat does not exist.
  await page.evaluate(() => {
    const seen = window as unknown as { sawNotFound: boolean };
    seen.sawNotFound = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="chat-not-found"] h1')) seen.sawNotFound = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  release();
  await expect(send).toBeEnabled();
  await expect(page).toHaveURL(/\/chats\?new=1$/);
  expect(await page.evaluate(() => (window as unknown as { sawNotFound: boolean }).sawNotFound)).toBe(false);
  await expect(composer(page)).toHaveValue("First question about moraines, never sent");
  await expect(chatsListed(page)).toHaveCount(0);
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(userMessages(page)).toHaveText(["First question about moraines, never sent"]);
  await waitForAnswer(page);
});
