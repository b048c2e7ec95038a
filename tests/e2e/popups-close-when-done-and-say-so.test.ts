// The chat's popups behave as people expect: Rename and System prompt close
// once saved and say "Saved" (politely, to screen readers too), Esc and a
// click outside close them and focus goes back to what opened them; a
// confirmation under the last message opens where it can be clicked.
import type { Locator, Page } from "@playwright/test";
import { CHAT_URL, chooseModel, expect, expectClickable, lastAnswer, newChatAndSend, reloadedOnceReachable, signUp, test, userMessages, waitForAnswer, waitForHydration, sendThroughTheForm } from "./fixtures";
import { numberedTokens, queueScripts, uniqueMarker } from "./upstream";
import { isolate } from "../../app/i18n/isolate";

function headerSummary(page: Page, name: string): Locator {
  return page.getByTestId("chat-header").locator(`summary[aria-label="${name}"]`);
}

async function isOpen(summary: Locator): Promise<boolean> {
  return summary.evaluate((el) => (el.parentElement as HTMLDetailsElement).open);
}

/** A new account with a chat per first message, each answered; the page is on the last one, hydrated. */
async function signUpWithChats(page: Page, firstMessages: string[]): Promise<void> {
  await signUp(page);
  for (const text of firstMessages) {
    await newChatAndSend(page, text);
    await waitForAnswer(page);
  }
  await waitForHydration(page);
}

test("rename and system prompt close on save, say Saved and give focus back; Esc and a click outside close them", async ({ page }) => {
  await signUp(page);
  await newChatAndSend(page, "Notes about lighthouses");
  await waitForAnswer(page);
  await waitForHydration(page);
  const status = page.getByTestId("header-status");
  await expect(status).toHaveAttribute("aria-live", "polite");

  // Rename: the field has the focus, Enter saves, the popup closes and says so.
  const rename = headerSummary(page, "Rename");
  await rename.click();
  await expect(page.getByLabel("Chat title")).toBeFocused();
  await page.getByLabel("Chat title").fill("Lighthouse notes");
  await page.getByLabel("Chat title").press("Enter");
  await expect(page.getByTestId("chat-title")).toHaveText("Lighthouse notes");
  await expect(status).toHaveText("Saved");
  expect(await isOpen(rename)).toBe(false);
  await expect(rename).toBeFocused();

  // System prompt: Save closes it the same way, and the prompt is kept.
  const prompt = headerSummary(page, "System prompt");
  await prompt.click();
  await page.getByLabel(/Instructions for the model/).fill("Answer like a lighthouse keeper.");
  await prompt.locator("xpath=..").getByRole("button", { name: "Save" }).click();
  await expect.poll(() => isOpen(prompt)).toBe(false);
  await expect(status).toHaveText("Saved");
  await expect(prompt).toBeFocused();
  await page.reload();
  await waitForHydration(page);
  await prompt.click();
  await expect(page.getByLabel(/Instructions for the model/)).toHaveValue("Answer like a lighthouse keeper.");

  // Esc closes it and gives the focus back to its opener.
  await page.keyboard.press("Escape");
  expect(await isOpen(prompt)).toBe(false);
  await expect(prompt).toBeFocused();

  // A click outside closes it too.
  await rename.click();
  expect(await isOpen(rename)).toBe(true);
  await page.getByTestId("messages").click({ position: { x: 5, y: 5 } });
  expect(await isOpen(rename)).toBe(false);

  // Nothing was saved by closing: the title is as it was.
  await expect(page.getByTestId("chat-title")).toHaveText("Lighthouse notes");
});

test("tabbing out of a chat's menu closes it, so it never covers what has the focus", async ({ page }) => {
  await signUpWithChats(page, ["First chat of the list", "Second chat of the list"]);
  const menus = page.getByTestId("chat-list").getByTestId("chat-menu");
  await expect(menus).toHaveCount(2);
  const first = menus.first();
  await first.locator("summary").focus();
  await page.keyboard.press("Enter");
  await expect(first).toHaveJSProperty("open", true);
  let inside = true;
  for (let tab = 0; tab < 10 && inside; tab++) {
    await page.keyboard.press("Tab");
    inside = await first.evaluate((details) => details.contains(document.activeElement));
  }
  expect(inside, "the focus left the menu").toBe(false);
  await expect(first).toHaveJSProperty("open", false);
});

test("when what had the focus goes with the change it made (another chat deleted from the list), the message box takes the focus", async ({ page }) => {
  await signUpWithChats(page, ["A chat to delete", "The chat on screen"]);
  // Another chat than the one on screen: the page stays where it is.
  const menu = page.getByTestId("chat-list").getByTestId("chat-menu").filter({ has: page.locator(`summary[aria-label^="Options for ${isolate("A chat to delete")}"]`) });
  await menu.locator("summary").first().focus();
  await page.keyboard.press("Enter");
  await menu.getByText("Delete…").click();
  await menu.getByRole("button", { name: "Delete permanently" }).focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveCount(0);
  await expect(userMessages(page)).toHaveText(["The chat on screen"]);
  await expect(page.locator("#composer")).toBeFocused();
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false);
});

test("a refused rename keeps the popup open with the reason", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await newChatAndSend(page, "Notes about harbours");
  await waitForAnswer(page);
  await waitForHydration(page);
  const rename = headerSummary(page, "Rename");
  await rename.click();
  // Only spaces: the browser lets it through (it is not empty), the server refuses it.
  await page.getByLabel("Chat title").fill("   ");
  await page.getByLabel("Chat title").press("Enter");
  await expect(page.getByTestId("chat-header").getByRole("alert")).toBeVisible();
  expect(await isOpen(rename)).toBe(true);
  await expect(page.getByTestId("header-status")).toHaveText("");
  // A good title next: saved, closed, said; the refusal is gone.
  await page.getByLabel("Chat title").fill("Harbour notes");
  await page.getByLabel("Chat title").press("Enter");
  await expect(page.getByTestId("chat-title")).toHaveText("Harbour notes");
  await expect(page.getByTestId("header-status")).toHaveText("Saved");
  await expect.poll(() => isOpen(rename)).toBe(false);
  await rename.click();
  await expect(page.getByTestId("chat-header").getByRole("alert")).toHaveCount(0);
});

test("a title saved as an answer ends is the one shown, though the page read its data again meanwhile", async ({ page }) => {
  await signUp(page);
  await newChatAndSend(page, "Notes about tides");
  await waitForAnswer(page);
  await waitForHydration(page);
  const marker = uniqueMarker("rn");
  await queueScripts("openai", marker, { tokens: numberedTokens(20, "tide"), tokenDelayMs: 50 });
  await sendThroughTheForm(page, `More about tides ${marker}`);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");

  // The title's save is held on its way until the answer has ended and the page has read its data again.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const chatData = `${new URL(page.url()).pathname}.data`;
  await page.route((url) => url.pathname === chatData, async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });
  const reloaded = reloadedOnceReachable(page);
  await headerSummary(page, "Rename").click();
  await page.getByLabel("Chat title").fill("Tide tables");
  await page.getByLabel("Chat title").press("Enter");
  await waitForAnswer(page);
  await reloaded;
  release();
  await expect(page.getByTestId("header-status")).toHaveText("Saved");
  await expect(page.getByTestId("chat-title")).toHaveText("Tide tables");
  await expect(page).toHaveTitle(/Tide tables/);
});

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  test(`deleting the branch of the last message asks where it can be clicked (${mode})`, async ({ newContext }) => {
    const context = await newContext({ javaScriptEnabled: javaScript, viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await signUp(page);
    await page.goto("/chats?new=1");
    await sendThroughTheForm(page, "First question about rivers");
    await expect(page).toHaveURL(CHAT_URL);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
    // A long answer: the chat scrolls, and the confirmation opens at its very end.
    const marker = uniqueMarker("del");
    await queueScripts("openai", marker, { tokens: Array.from({ length: 60 }, (_, i) => `Paragraph ${i + 1} about deltas.\n\n`) });
    await sendThroughTheForm(page, `Second question about deltas ${marker}`);
    await expect(userMessages(page)).toHaveCount(2);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
    await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();

    const answer = lastAnswer(page);
    await answer.hover();
    await answer.getByTitle("Delete branch").click();
    const confirm = answer.getByRole("button", { name: "Delete branch" });
    await expect(confirm).toBeVisible();
    // The confirmation takes the line below the answer's actions: its opener keeps its place beside Regenerate and Fork.
    const box = async (locator: Locator) => (await locator.boundingBox())!;
    const opener = await box(answer.locator('summary[aria-label="Delete branch"]'));
    for (const neighbour of [answer.getByRole("button", { name: "Regenerate", exact: true }), answer.getByRole("button", { name: "Fork into a new chat" })]) {
      expect(Math.abs((await box(neighbour)).y - opener.y)).toBeLessThan(4);
    }
    expect((await box(confirm)).y).toBeGreaterThan(opener.y + opener.height);
    await expectClickable(page, confirm);
    await confirm.click();
    await expect(page.getByTestId("assistant-message")).toHaveCount(1);
    await expect(userMessages(page)).toHaveText(["First question about rivers", `Second question about deltas ${marker}`]);
  });
}

test("a chat reached from the list draws its menus when they open, whole, by mouse, keyboard or script", async ({ page }) => {
  await signUp(page);
  const { chatUrl: owls } = await newChatAndSend(page, "Questions about owls");
  await waitForAnswer(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await newChatAndSend(page, "Questions about bats");
  await waitForAnswer(page);
  // Moving to the first chat in the page: its messages are drawn in the browser.
  await page.getByTestId("chat-list").locator(`a[href="${owls}"]`).click();
  await expect(userMessages(page)).toHaveText(["Questions about owls"]);
  const answer = lastAnswer(page);
  await expect(answer).toHaveAttribute("data-status", "complete");
  // Closed menus hold nothing yet (a chat's closed menus were a third of its elements).
  await expect(page.getByTestId("messages").locator("details:not([open]) form")).toHaveCount(0);

  // Keyboard: focus the opener, Enter; the popup's field has the focus and the popup works.
  const regenerateWith = answer.locator('summary[aria-label="Regenerate with another model"]');
  await regenerateWith.focus();
  await page.keyboard.press("Enter");
  const model = answer.getByLabel("Model", { exact: true });
  await expect(model).toBeVisible();
  await expect(model).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(model).toBeHidden();
  await expect(regenerateWith).toBeFocused();

  // Mouse: the delete confirmation is there in the frame it opens in, and focused.
  await answer.hover();
  await answer.getByTitle("Delete branch").click();
  const confirm = answer.getByRole("button", { name: "Delete branch" });
  await expect(confirm).toBeVisible();
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Escape");

  // Opened by a script (no pointer, no focus): drawn when it opens.
  const menu = page.getByTestId("chat-menu").first();
  await menu.evaluate((details) => ((details as HTMLDetailsElement).open = true));
  await expect(menu.getByRole("textbox")).toBeVisible();
  await expect(menu.getByRole("textbox")).toBeFocused();
});

test("Esc cancels a popup: what was typed is gone next time, and a confirmation inside a menu closes with it", async ({ page }) => {
  await signUpWithChats(page, ["Notes about canals", "Notes about locks"]);
  // The header's Rename: typed, then Esc; opened again, it shows the title as it is.
  const rename = headerSummary(page, "Rename");
  await rename.click();
  await page.getByLabel("Chat title").fill("Abandoned title");
  await page.keyboard.press("Escape");
  await expect(rename).toBeFocused();
  await rename.click();
  await expect(page.getByLabel("Chat title")).toHaveValue("Notes about locks");
  await page.keyboard.press("Escape");

  // The list's menu: the same, and its delete confirmation does not greet its next opening.
  const menu = page.getByTestId("chat-list").getByTestId("chat-menu").filter({ has: page.locator(`summary[aria-label^="Options for ${isolate("Notes about canals")}"]`) });
  const summary = menu.locator("summary").first();
  await summary.focus();
  await page.keyboard.press("Enter");
  await menu.getByRole("textbox").fill("Abandoned from the list");
  await menu.getByText("Delete…").click();
  await expect(menu.getByRole("button", { name: "Delete permanently" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveJSProperty("open", false);
  await expect(summary).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(menu.getByRole("textbox")).toHaveValue("Notes about canals");
  await expect(menu.getByRole("button", { name: "Delete permanently" })).toBeHidden();
});

test("renaming from the list says Saved and gives focus back; a refused title is said in the menu, which stays open", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUpWithChats(page, ["Notes about bridges", "Notes about tunnels"]);
  // Found by its address: its name changes with its title.
  const href = await page.getByTestId("chat-list").getByRole("link", { name: "Notes about bridges" }).getAttribute("href");
  const menu = page.getByTestId("chat-list").getByRole("listitem").filter({ has: page.locator(`a[href="${href}"]`) }).getByTestId("chat-menu");
  const summary = menu.locator("summary").first();
  await summary.focus();
  await page.keyboard.press("Enter");
  const title = menu.getByRole("textbox");
  await title.fill("   ");
  await title.press("Enter");
  await expect(menu.getByRole("alert")).toBeVisible();
  await expect(menu).toHaveJSProperty("open", true);
  await expect(title).toHaveAttribute("aria-invalid", "true");
  // The page stayed where it was.
  await expect(userMessages(page)).toHaveText(["Notes about tunnels"]);

  await title.fill("Bridges, renamed");
  await title.press("Enter");
  await expect(page.getByTestId("chat-list").getByRole("link", { name: "Bridges, renamed" })).toBeVisible();
  await expect(page.locator("#announcer")).toHaveText("Saved");
  await expect(menu).toHaveJSProperty("open", false);
  await expect(menu.locator("summary").first()).toBeFocused();
  await expect(userMessages(page)).toHaveText(["Notes about tunnels"]);
});

test("Regenerate with another model starts from the model that wrote the answer", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await chooseModel(page, "mini", "GPT-4o mini");
  await sendThroughTheForm(page, "Which model answers this?");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("answer-model")).toHaveText("GPT-4o mini");
  const regenerateWith = answer.locator('summary[aria-label="Regenerate with another model"]');
  await regenerateWith.focus();
  await page.keyboard.press("Enter");
  // Not the list's first model (the offline demo), which leaving the choice as it was would have picked.
  await expect(answer.getByLabel("Model", { exact: true })).toHaveValue("openai:gpt-4o-mini");
});
