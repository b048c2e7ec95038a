// The model picker with JavaScript is a WAI-ARIA combobox: a search box with
// aria-expanded, aria-controls and aria-activedescendant over a listbox whose
// options are grouped by provider; the arrow keys move, Enter picks, Esc
// closes and gives focus back, typing filters, a click outside closes. Without
// JavaScript it is a plain <select> with the same groups.
import type { Locator, Page } from "@playwright/test";
import { CHAT_URL, chooseModel, composer, expect, lastAnswer, login, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";

function picker(page: Page): Locator {
  return page.getByTestId("model-picker");
}

function searchBox(page: Page): Locator {
  return page.getByRole("combobox", { name: "Search models" });
}

/** The option the combobox's aria-activedescendant points at. */
async function activeOption(page: Page): Promise<Locator> {
  const id = await searchBox(page).getAttribute("aria-activedescendant");
  expect(id, "the combobox names an active option").toBeTruthy();
  const option = page.locator(`[id="${id}"]`);
  await expect(option).toHaveAttribute("role", "option");
  return option;
}

test("with JavaScript the keyboard opens, moves through, filters, picks and closes the model list", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const chosen = page.locator('input[type="hidden"][name="model"]');
  await expect(chosen).toHaveValue("demo:parley-demo");
  await expect(picker(page)).toHaveAccessibleName("Model Demo (offline)");
  await expect(picker(page)).toHaveAttribute("aria-haspopup", "listbox");
  await expect(picker(page)).toHaveAttribute("aria-expanded", "false");

  // Arrow down on the button opens the list; focus goes to the search box, the current model is active.
  await picker(page).focus();
  await page.keyboard.press("ArrowDown");
  await expect(picker(page)).toHaveAttribute("aria-expanded", "true");
  await expect(searchBox(page)).toBeFocused();
  await expect(searchBox(page)).toHaveAttribute("aria-expanded", "true");
  const listbox = page.getByRole("listbox", { name: "Models" });
  const listId = await listbox.getAttribute("id");
  await expect(searchBox(page)).toHaveAttribute("aria-controls", listId!);
  await expect(picker(page)).toHaveAttribute("aria-controls", listId!);
  await expect(listbox.getByRole("group", { name: "OpenAI" }).getByRole("option", { name: /GPT-4o mini/ })).toBeVisible();
  await expect(listbox.getByRole("group", { name: "Anthropic" }).getByRole("option").first()).toBeVisible();
  const current = await activeOption(page);
  await expect(current).toHaveAttribute("aria-selected", "true");
  await expect(current).toContainText("Demo (offline)");

  // Arrow keys move the active option (not the focus), and stop at the ends.
  const options = listbox.getByRole("option");
  const count = await options.count();
  const indexOfActive = async () => options.evaluateAll((all, id) => all.findIndex((o) => o.id === id), await searchBox(page).getAttribute("aria-activedescendant"));
  const start = await indexOfActive();
  await page.keyboard.press("ArrowDown");
  expect(await indexOfActive()).toBe(Math.min(start + 1, count - 1));
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  expect(await indexOfActive()).toBe(Math.max(start - 1, 0));
  for (let i = 0; i <= count; i++) await page.keyboard.press("ArrowUp");
  expect(await indexOfActive()).toBe(0);
  await expect(searchBox(page)).toBeFocused();

  // Typing filters; the first match becomes active, Enter picks it, the list closes and focus is back on the button.
  await page.keyboard.type("4o mini");
  await expect(options).not.toHaveCount(count);
  for (const text of await options.allInnerTexts()) expect(text.toLowerCase()).toContain("4o mini");
  await expect(await activeOption(page)).toContainText("GPT-4o mini");
  await page.keyboard.press("Enter");
  await expect(listbox).toHaveCount(0);
  await expect(picker(page)).toHaveAttribute("aria-expanded", "false");
  await expect(picker(page)).toBeFocused();
  await expect(picker(page)).toContainText("GPT-4o mini");
  await expect(chosen).toHaveValue("openai:gpt-4o-mini");

  // Words match in any order, across the provider's name and the model's.
  await page.keyboard.type("haiku anthropic");
  await expect(listbox.getByRole("group", { name: "Anthropic" }).getByRole("option").first()).toBeVisible();
  await expect(listbox.getByRole("group")).toHaveCount(1);
  for (const text of await options.allInnerTexts()) expect(text).toContain("Haiku");
  await page.keyboard.press("Escape");
  await expect(picker(page)).toBeFocused();

  // Typing on the button opens the list with what was typed as the search; nothing matching says so.
  await page.keyboard.type("zq");
  await expect(searchBox(page)).toBeFocused();
  await expect(searchBox(page)).toHaveValue("zq");
  await expect(listbox).toContainText("No model matches.");
  await page.keyboard.press("Enter");
  await expect(searchBox(page)).toBeVisible();

  // Esc closes without changing the choice (and without stopping anything), focus back on the button.
  await page.keyboard.press("Escape");
  await expect(listbox).toHaveCount(0);
  await expect(picker(page)).toBeFocused();
  await expect(chosen).toHaveValue("openai:gpt-4o-mini");

  // A click outside closes it; a click on an option picks it.
  await picker(page).click();
  await expect(searchBox(page)).toBeFocused();
  // The message box's far end: the list covers the rest of it.
  const messageBox = page.getByRole("textbox", { name: "Message" });
  const box = (await messageBox.boundingBox())!;
  await messageBox.click({ position: { x: box.width - 12, y: 12 } });
  await expect(listbox).toHaveCount(0);
  await picker(page).click();
  await listbox.getByRole("option", { name: "Demo (offline)" }).click();
  await expect(listbox).toHaveCount(0);
  await expect(chosen).toHaveValue("demo:parley-demo");

  // Tab leaves the picker and closes it.
  await picker(page).click();
  await page.keyboard.press("Tab");
  await expect(listbox).toHaveCount(0);
});

test("without JavaScript the model is a plain select grouped by provider", async ({ noJsPage: page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  const select = page.getByRole("combobox", { name: "Model" });
  await expect(select).toHaveAttribute("name", "model");
  await expect(select.locator("optgroup[label='OpenAI'] option", { hasText: "GPT-4o mini" })).toHaveCount(1);
  await select.selectOption({ label: "GPT-4o mini" });
  await expect(select).toHaveValue("openai:gpt-4o-mini");
});

test("a model picked for what is being written is still picked after a reload, in a new chat and in a chat", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await chooseModel(page, "mini", "GPT-4o mini");
  await composer(page).fill("Which model answers this?");
  await page.reload();
  await waitForHydration(page);
  await expect(picker(page)).toHaveAccessibleName("Model OpenAI · GPT-4o mini");
  await expect(composer(page)).toHaveValue("Which model answers this?");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  await expect(lastAnswer(page).getByTestId("answer-model")).toHaveText("GPT-4o mini");
  const chatUrl = page.url();

  // Sent, the pick is the chat's, and no draft keeps it any more.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.endsWith(":model")))).toEqual([]);

  // In a chat too, until the chat's own model is picked again.
  await page.goto(chatUrl);
  await pickInTheComposer(page, "haiku 4.5", "Claude Haiku 4.5");
  await page.reload();
  await waitForHydration(page);
  await expect(picker(page)).toHaveAccessibleName("Model Anthropic · Claude Haiku 4.5");
  await pickInTheComposer(page, "mini", "GPT-4o mini");
  await page.reload();
  await waitForHydration(page);
  await expect(picker(page)).toHaveAccessibleName("Model OpenAI · GPT-4o mini");
});

/** Picks in the composer's model list (a chat's page has another, under each answer's Regenerate with). */
async function pickInTheComposer(page: Page, search: string, name: string): Promise<void> {
  await picker(page).click();
  await searchBox(page).fill(search);
  await page.getByRole("listbox", { name: "Models" }).getByRole("option", { name }).click();
  await expect(picker(page)).toContainText(name);
}

test("a new chat starts with the model last chatted with, with and without JavaScript", async ({ page, noJsPage }) => {
  const user = await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  // A first chat starts with the server's default.
  await expect(picker(page)).toHaveAccessibleName("Model Demo (offline)");
  await chooseModel(page, "haiku 4.5", "Claude Haiku 4.5");
  await composer(page).fill("Which model answers a first chat?");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);

  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await expect(picker(page)).toHaveAccessibleName("Model Anthropic · Claude Haiku 4.5");
  await composer(page).fill("And the next one?");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  await expect(lastAnswer(page).getByTestId("answer-model")).toHaveText("Claude Haiku 4.5");

  // The same account in a browser without JavaScript: its select starts there too.
  await login(noJsPage, user);
  await noJsPage.goto("/chats?new=1");
  await expect(noJsPage.getByRole("combobox", { name: "Model" })).toHaveValue("anthropic:claude-haiku-4-5-20251001");
});
