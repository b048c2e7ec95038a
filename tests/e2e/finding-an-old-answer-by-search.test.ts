// Search: the search page finds a message by words remembered from it and
// opens its chat on the branch that holds it, scrolled to it, and leads to
// every chat found by its title, a page at a time — with JavaScript and
// without; it finds words however their letters were typed (ё or е, ß or
// ss), and Chinese words of two characters. With JavaScript, Ctrl+K opens a
// quick switcher that finds a chat by its title and a message by its text,
// keyboard only.
// Answers come from the fake OpenAI upstream (instant echoes).
import type { Page } from "@playwright/test";
import { chatIdOf, expect, postForm, signUp, test, userMessages, waitForAnswer, sendThroughTheForm } from "./fixtures";
import { uniqueMarker } from "./upstream";

const MODEL_ID = "openai:gpt-4o-mini";

/** Sends through the plain form (works with and without JavaScript): the <select> or the picker's hidden input. */
async function send(page: Page, text: string, { newChat = false } = {}): Promise<void> {
  if (newChat) await page.goto("/chats?new=1");
  await sendThroughTheForm(page, text, MODEL_ID);
}

async function editFirstMessage(page: Page, text: string): Promise<void> {
  const message = page.getByTestId("user-message").first();
  await message.hover();
  await message.getByRole("link", { name: "Edit" }).click();
  await message.getByLabel("Edit message").fill(text);
  await message.getByRole("button", { name: "Save & answer" }).click();
}

/** Imports a ChatGPT export of one short conversation per title, all last active at the same moment. */
async function importChats(page: Page, titles: string[]): Promise<void> {
  const conversations = titles.map((title, i) => ({
    title,
    conversation_id: `e2e-titled-${i}`,
    create_time: 1_700_000_000,
    update_time: 1_700_000_500,
    current_node: "a",
    mapping: {
      root: { id: "root", parent: null, children: ["q"], message: null },
      q: { id: "q", parent: "root", children: ["a"], message: { author: { role: "user" }, create_time: 1_700_000_001, content: { content_type: "text", parts: ["Anything new?"] } } },
      a: { id: "a", parent: "q", children: [], message: { author: { role: "assistant" }, create_time: 1_700_000_002, content: { content_type: "text", parts: ["Nothing yet."] } } },
    },
  }));
  await page.goto("/settings/data");
  await page.getByLabel(/Export file/).setInputFiles({ name: "conversations.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(conversations)) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toContainText(`Imported ${titles.length} conversations`);
}

async function rename(page: Page, title: string): Promise<void> {
  await page.getByTestId("chat-header").locator("summary", { hasText: "Rename" }).click();
  await page.getByLabel("Chat title").fill(title);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("chat-title")).toHaveText(title);
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test("the search page finds an old message and opens the branch that holds it", async ({ page }) => {
      // Three answers, an edit and two searches: more steps than most tests.
      test.setTimeout(120_000);
      await signUp(page);
      const m = uniqueMarker("sr");
      await send(page, `Apples ${m}`, { newChat: true });
      await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
      await waitForAnswer(page);
      const chatId = chatIdOf(page);
      // A long reply below it, so the message is above the fold when opened.
      await send(page, `Filler ${"lorem ipsum dolor ".repeat(120)}`);
      await waitForAnswer(page);
      await expect(page.getByTestId("assistant-message")).toHaveCount(2);
      // The edit makes a new branch the chat shows; the apples live on the old one.
      await editFirstMessage(page, `Pears ${m}`);
      await expect(userMessages(page)).toHaveText([`Pears ${m}`]);
      await waitForAnswer(page);

      await page.getByRole("link", { name: /^Search/ }).click();
      await expect(page).toHaveURL(/\/search$/);
      // Ready to type.
      await expect(page.getByLabel("Search your chats")).toBeFocused();
      await page.getByLabel("Search your chats").fill(`apples ${m}`);
      await page.getByLabel("Search your chats").press("Enter");
      await expect(page).toHaveURL(new RegExp(`/search\\?q=apples\\+${m}`));
      const hits = page.getByTestId("search-messages").getByRole("listitem");
      const question = hits.filter({ hasText: "Question" });
      await expect(question).toHaveCount(1);
      await expect(question.locator("mark")).toHaveText(["Apples", m]);
      // The answer (an echo of the question) is found too.
      await expect(hits.filter({ hasText: "Answer" })).toHaveCount(1);

      await question.getByRole("link").click();
      await expect(page).toHaveURL(new RegExp(`/chats/${chatId}\\?message=[0-9a-z]{20}#message-[0-9a-z]{20}$`));
      await expect(userMessages(page)).toHaveText([`Apples ${m}`, /^Filler/]);
      await expect(page.getByTestId("answer-content").first()).toHaveText(`Echo: Apples ${m}`);
      const target = page.getByTestId("user-message").first();
      await expect(target).toBeInViewport();
      // Marked by a ring with room inside it: the words do not touch it.
      expect(await target.evaluate((el) => [getComputedStyle(el).paddingLeft, getComputedStyle(el).boxShadow !== "none"])).toEqual(["8px", true]);
      // The chat now shows that branch: a reload without the link keeps it
      // (and, opened at the bottom as usual, the message is out of view).
      await page.goto(`/chats/${chatId}`);
      await expect(userMessages(page).first()).toHaveText(`Apples ${m}`);
      await expect(page.getByTestId("user-message").first()).not.toBeInViewport();

      // Nothing found says so, and words too short for the index search titles only.
      await page.goto(`/search?q=${uniqueMarker("none")}`);
      await expect(page.getByTestId("search-nothing")).toBeVisible();
      await page.goto("/search?q=ap");
      await expect(page.getByTestId("search-too-short")).toBeVisible();
    });

    test("every chat found by its title is a link and a page away", async ({ page }) => {
      test.setTimeout(90_000);
      await signUp(page);
      await importChats(page, Array.from({ length: 25 }, (_, i) => `Very long title ${i + 1}`));
      await page.goto(`/search?${new URLSearchParams({ q: '"Very long title"' })}`);
      const chats = page.getByTestId("search-chats").getByRole("link");
      await expect(chats).toHaveCount(8);
      const numbers = async () => (await page.getByTestId("search-chat-title").allTextContents()).map((title) => Number(title.replace("Very long title ", "")));
      const above = await numbers();

      await page.getByRole("link", { name: "See all 25 chats found by their title →" }).click();
      await expect(page).toHaveURL(/[?&]in=chats(&|$)/);
      await expect(page.getByRole("heading", { name: "25 chats found by their title" })).toBeVisible();
      await expect(chats).toHaveCount(20);
      const first = await numbers();
      // The page begins with the chats shown above the messages, in their order.
      expect(first.slice(0, 8)).toEqual(above);
      await expect(page.getByTestId("search-messages")).toHaveCount(0);
      await expect(page.getByRole("link", { name: "← Previous page" })).toHaveCount(0);

      await page.getByRole("link", { name: "Next page →" }).click();
      await expect(page).toHaveURL(/[?&]page=2(&|$)/);
      await expect(chats).toHaveCount(5);
      const second = await numbers();
      await expect(page.getByRole("link", { name: "Next page →" })).toHaveCount(0);
      // Every chat once, none left out.
      expect([...first, ...second].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));

      await page.getByRole("link", { name: "← Previous page" }).click();
      await expect(chats).toHaveCount(20);
      await page.getByRole("link", { name: '← Everything found for “"Very long title"”' }).click();
      await expect(page).not.toHaveURL(/in=chats/);
      await expect(chats).toHaveCount(8);
      await page.getByRole("link", { name: "See all 25 chats found by their title →" }).click();
      await chats.first().click();
      await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
      await expect(page.getByTestId("chat-title")).toHaveText(`Very long title ${first[0]}`);
    });
  });
}

test("Ctrl+K finds a chat by its title and a message by its text, with the keyboard only", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
  const m = uniqueMarker("qs");
  await send(page, `Kumquat marmalade ${m}`, { newChat: true });
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await waitForAnswer(page);
  const citrusId = chatIdOf(page);
  await rename(page, `Citrus plans ${m}`);
  await send(page, `Something else ${m}`, { newChat: true });
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await waitForAnswer(page);
  const otherId = chatIdOf(page);
  expect(otherId).not.toBe(citrusId);

  const dialog = page.getByRole("dialog", { name: "Jump to a chat or message" });
  const box = dialog.getByRole("combobox");

  // A title: listed at once from the chats on the page.
  await page.keyboard.press("Control+k");
  await expect(dialog).toBeVisible();
  await expect(box).toBeFocused();
  await page.keyboard.type("citrus plans");
  const first = dialog.getByRole("option").first();
  await expect(first).toContainText(`Citrus plans ${m}`);
  await expect(first).toHaveAttribute("aria-selected", "true");
  await expect(box).toHaveAttribute("aria-activedescendant", (await first.getAttribute("id"))!);
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(`/chats/${citrusId}`);

  // Escape closes it without going anywhere.
  await page.keyboard.press("Control+k");
  await expect(dialog).toBeVisible();
  // A result is a link: a middle click opens it in a new tab, and this one stays as it is.
  await page.keyboard.type("citrus plans");
  await expect(dialog.getByRole("option").first()).toContainText(`Citrus plans ${m}`);
  const [tab] = await Promise.all([page.context().waitForEvent("page"), dialog.getByRole("option").first().click({ button: "middle" })]);
  await expect(tab).toHaveURL(`/chats/${citrusId}`);
  await tab.close();
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(`/chats/${citrusId}`);

  // A message's words: found by the index as the typing pauses; arrows move between results.
  await page.goto(`/chats/${otherId}`);
  await expect(page.getByTestId("model-picker")).toBeVisible();
  await page.keyboard.press("Control+k");
  await page.keyboard.type(`kumquat ${m}`);
  const messageOptions = dialog.locator('[role=option][data-kind="message"]');
  await expect(messageOptions).toHaveCount(2);
  await expect(dialog.getByRole("option").first()).toHaveAttribute("data-kind", "message");
  await page.keyboard.press("ArrowDown");
  await expect(dialog.getByRole("option").nth(1)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowUp");
  await expect(dialog.getByRole("option").first()).toHaveAttribute("aria-selected", "true");
  await expect(dialog.getByRole("option").first().locator("mark").first()).toHaveText(/kumquat/i);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/chats/${citrusId}\\?message=[0-9a-z]{20}#message-[0-9a-z]{20}$`));
  await expect(userMessages(page)).toHaveText([`Kumquat marmalade ${m}`]);

  // A page past the last one says so, and leads back to the matches.
  await page.goto(`/search?${new URLSearchParams({ q: `kumquat ${m}`, page: "7" })}`);
  await expect(page.getByTestId("search-nothing")).toHaveText(/No more matches on this page\./);
  // No "previous page" to page 6, as empty as this one.
  await expect(page.getByRole("link", { name: "← Previous page" })).toHaveCount(0);
  await page.getByRole("link", { name: "Back to the first page" }).click();
  await expect(page.getByTestId("search-nothing")).toHaveCount(0);
  await expect(page.locator("mark").first()).toHaveText(/kumquat/i);
});

test("the search page finds words however they were typed, and Chinese words of two characters", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);
  const m = uniqueMarker("fold");
  await send(page, `Встреча у ёлки на Hauptstraße ${m}`, { newChat: true });
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await waitForAnswer(page);
  await send(page, "明日は東京で会いましょう", { newChat: true });
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await waitForAnswer(page);

  // е for ё, ss for ß: found, and shown as written with the words marked.
  await page.goto(`/search?${new URLSearchParams({ q: `елки hauptstrasse ${m}` })}`);
  const hits = page.getByTestId("search-messages").getByRole("listitem");
  const question = hits.filter({ hasText: "Question" });
  await expect(question).toHaveCount(1);
  await expect(question).toContainText(`Встреча у ёлки на Hauptstraße ${m}`);
  await expect(question.locator("mark")).toHaveText(["ёлки", "Hauptstraße", m]);

  // Two characters are a word in Chinese and Japanese: the messages are searched, not titles only.
  await page.goto(`/search?${new URLSearchParams({ q: "東京" })}`);
  await expect(page.getByTestId("search-too-short")).toHaveCount(0);
  const tokyo = page.getByTestId("search-messages").getByRole("listitem").filter({ hasText: "Question" });
  await expect(tokyo).toHaveCount(1);
  await expect(tokyo.locator("mark")).toHaveText(["東京"]);
});

test("Ctrl+K does not offer a chat deleted in another window beside it", async ({ page }) => {
  await signUp(page);
  const m = uniqueMarker("qd");
  await send(page, `Persimmon tart ${m}`, { newChat: true });
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await waitForAnswer(page);
  const goneUrl = page.url();
  await rename(page, `Persimmon plans ${m}`);
  await send(page, `Persimmon jam ${m}`, { newChat: true });
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await waitForAnswer(page);
  await rename(page, `Persimmon stays ${m}`);

  // Another window of the same browser, never hidden from this one, deletes the first chat.
  const other = await page.context().newPage();
  try {
    expect((await postForm(other, goneUrl, { intent: "delete" })).status()).toBeLessThan(400);
  } finally {
    await other.close();
  }
  const dialog = page.getByRole("dialog", { name: "Jump to a chat or message" });
  await page.keyboard.press("Control+k");
  await expect(dialog).toBeVisible();
  await page.keyboard.type("persimmon");
  const chats = dialog.locator('[role=option][data-kind="chat"]');
  await expect(chats).toHaveCount(1);
  await expect(chats).toContainText(`Persimmon stays ${m}`);
  await expect(page.getByTestId("chat-list")).not.toContainText(`Persimmon plans ${m}`);
});

test("the search page is private, hardened, and answers bad input with a 400 a person can act on", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  for (const path of ["/search?q=anything", "/search.data?q=anything&view=quick"]) {
    const headers = (await page.request.get(path)).headers();
    expect(headers["cache-control"], path).toMatch(/^private, no-store/);
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
  }
  const response = await page.goto("/search?q=anything&from=last-week");
  expect(response?.status()).toBe(400);
  const wrongDate = "“Written from” is not a date: pick one in its calendar (in the address, a date is written YYYY-MM-DD).";
  await expect(page.getByRole("alert")).toHaveText(wrongDate);
  await expect(page.getByLabel("Search your chats")).toHaveValue("anything");
  // The filters open on the date to correct, which has the focus and is described by the error.
  const from = page.getByLabel("Written from", { exact: true });
  await expect(from).toBeVisible();
  await expect(from).toBeFocused();
  await expect(from).toHaveAttribute("aria-invalid", "true");
  await expect(from).toHaveAccessibleDescription(wrongDate);
  // Dates the wrong way round say so, on "until", and keep both.
  expect((await page.goto("/search?q=anything&from=2026-05-02&to=2026-05-01&model=demo:parley-demo"))?.status()).toBe(400);
  await expect(page.getByRole("alert")).toHaveText("“Written from” is after “Written until”, so no message can be in between. Swap the dates, or clear one of them.");
  await expect(page.getByLabel("Written until", { exact: true })).toBeFocused();
  await expect(page.getByLabel("Written until", { exact: true })).toHaveValue("2026-05-01");
  await expect(from).toHaveValue("2026-05-02");
  await expect(page.locator("select[name=model]")).toHaveValue("demo:parley-demo");
  // A model the page does not offer still shows as the filter in force.
  expect((await page.goto("/search?q=anything&model=openai:gpt-retired&to=2026-02-30x"))?.status()).toBe(400);
  await expect(page.getByRole("alert")).toHaveText("“Written until” is not a date: pick one in its calendar (in the address, a date is written YYYY-MM-DD).");
  await page.goto("/search?q=anything&model=openai:gpt-retired");
  await expect(page.locator("select[name=model]")).toHaveValue("openai:gpt-retired");
  await expect(page.locator("select[name=model] option:checked")).toHaveText("gpt-retired");
  await expect(page.getByTestId("search-nothing")).toBeVisible();
  await page.context().clearCookies();
  await page.goto("/search?q=anything");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsearch%3Fq%3Danything$/);
});
