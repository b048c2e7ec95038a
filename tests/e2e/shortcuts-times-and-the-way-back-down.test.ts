// Keyboard shortcuts (new chat, copy the last answer, the list of them), a
// time on every message (relative, exact on hover and focus), and a button
// back to the newest message once the reader has scrolled up, and each chat
// kept where the reader left it.
import type { Page } from "@playwright/test";
import { answerContent, composer, demoAnswerTo, expect, lastAnswer, newChatAndSend, sendMessage, sendThroughTheForm, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";
import { queueScripts, uniqueMarker } from "./upstream";
import { E2E } from "./env";

const LONG = "How do javascript closures work?";

const scroller = (page: Page) => page.getByTestId("message-scroller");

test("Ctrl+Shift+O opens a new chat, Ctrl+Shift+C copies the last answer, ? and Ctrl+/ show the list of shortcuts", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: E2E.baseURL });
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "First question about owls");
  await waitForAnswer(page);
  await sendMessage(page, "Second question about otters");
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await waitForAnswer(page);

  await page.keyboard.press("Control+Shift+C");
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(demoAnswerTo("First question about owls", "Second question about otters"));
  await expect(page.getByTestId("shortcut-announcement")).toHaveText("Copied the last answer.");

  // With a keyboard at hand, the message box names its keys, and the search link its shortcut.
  await expect(page.getByText("Ctrl K")).toBeVisible();
  await expect(composer(page)).toHaveAttribute("placeholder", "Message Parley (Enter to send, Shift+Enter for a new line)");
  // `?` typed in the composer is a character; outside a field it opens the list.
  await composer(page).fill("");
  await composer(page).press("Shift+Slash");
  await expect(composer(page)).toHaveValue("?");
  const list = page.getByRole("group", { name: "Keyboard shortcuts" });
  await expect(list).toBeHidden();
  await page.getByTestId("chat-title").click();
  await page.keyboard.press("Shift+Slash");
  await expect(list).toBeVisible();
  await expect(list).toContainText("New chat");
  await expect(list).toContainText("Copy the last answer");
  await page.keyboard.press("Escape");
  await expect(list).toBeHidden();
  // Ctrl+/ works from inside the composer too, and Esc gives the focus back to it.
  await composer(page).press("Control+Slash");
  await expect(list).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(list).toBeHidden();
  await expect(composer(page)).toBeFocused();

  await page.keyboard.press("Control+Shift+O");
  await expect(page).toHaveURL(/\/chats\?new=1$/);
  await expect(composer(page)).toBeVisible();
  expect(page.url()).not.toContain(chatUrl);
});

test("without JavaScript, where no shortcut works, neither the shortcuts list nor the Ctrl K hint is offered", async ({ noJsPage: page }) => {
  await signUp(page);
  await expect(page.getByRole("link", { name: "Search" })).toBeVisible();
  await expect(page.getByTestId("keyboard-shortcuts")).toBeHidden();
  await expect(page.getByText("Ctrl K")).toBeHidden();
});

test("on a Mac the hints say ⌘ and ⇧, and ⌘ works the shortcuts", async ({ newContext }) => {
  const mac = await newContext();
  await mac.addInitScript(() => Object.defineProperty(Navigator.prototype, "platform", { get: () => "MacIntel" }));
  const page = await mac.newPage();
  await signUp(page);
  await waitForHydration(page);
  await expect(page.getByRole("link", { name: "Search" })).toContainText("⌘ K");
  await expect(page.getByText("Ctrl K")).toHaveCount(0);
  await page.keyboard.press("Meta+Slash");
  const list = page.getByRole("group", { name: "Keyboard shortcuts" });
  await expect(list).toBeVisible();
  await expect(list.locator("dt").first()).toHaveText("⌘+K");
  await expect(list).toContainText("⌘+⇧+O");
  await expect(list).not.toContainText("Ctrl");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Meta+Shift+O");
  await expect(page).toHaveURL(/\/chats\?new=1$/);
});

test("on a touch screen, where no keyboard is at hand, neither the shortcuts entry nor the Ctrl K hint is offered", async ({ newContext }) => {
  const phone = await newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await phone.newPage();
  await signUp(page);
  // Hidden from the first paint (a style, not the page's script): the phone shows the list of chats.
  await expect(page.getByRole("link", { name: "Search" })).toBeVisible();
  await expect(page.getByText("Ctrl K")).toBeHidden();
  await expect(page.getByText("Keyboard shortcuts")).toBeHidden();
  // The same account on a desktop is offered both.
  const desktop = await (await newContext({ storageState: await phone.storageState() })).newPage();
  await desktop.goto("/chats");
  await waitForHydration(desktop);
  await expect(desktop.getByText("Ctrl K")).toBeVisible();
  await expect(desktop.getByText("Keyboard shortcuts")).toBeVisible();
});

test("every message says when it was written: relative, and the exact time on hover; without JavaScript the exact time in UTC", async ({ page, noJsPage }) => {
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "A question about time");
  await waitForAnswer(page);
  const answerTime = lastAnswer(page).getByTestId("message-time");
  await expect(answerTime).toHaveText("now");
  const exact = await answerTime.getAttribute("title");
  expect(exact).toMatch(/\d{4}/);
  expect(await answerTime.getAttribute("datetime")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  await lastAnswer(page).hover();
  expect(await answerTime.evaluate((el) => getComputedStyle(el, "::after").content)).toBe(`" · ${exact}"`);

  // A page without JavaScript cannot know the reader's time zone: it says UTC.
  await sendWithoutJavaScript(noJsPage, chatUrl);
});

test("a message from over a week ago shows its date, and on hover adds only its time of day", async ({ page }) => {
  // The page's clock runs as usual until it is sent forward.
  await page.clock.install();
  await signUp(page);
  await newChatAndSend(page, "A question to read again next month");
  await waitForAnswer(page);
  const answerTime = lastAnswer(page).getByTestId("message-time");
  await expect(answerTime).toHaveText("now");
  const at = Date.parse((await answerTime.getAttribute("datetime"))!);
  await page.clock.fastForward(10 * 24 * 60 * 60 * 1000);
  // In the browser's own time zone, as the page writes it.
  const [date, time] = await page.evaluate((at) => [new Intl.DateTimeFormat("en-GB", { dateStyle: "medium" }).format(at), new Intl.DateTimeFormat("en-GB", { timeStyle: "short" }).format(at)], at);
  await expect(answerTime).toHaveText(date);
  await lastAnswer(page).hover();
  expect(await answerTime.evaluate((el) => getComputedStyle(el, "::after").content)).toBe(`" · ${time}"`);
});

async function sendWithoutJavaScript(page: Page, chatUrl: string): Promise<void> {
  await signUp(page);
  await page.goto("/chats?new=1");
  await page.locator("#composer").fill("A question without scripts");
  await page.locator("form:has(#composer)").getByRole("button", { name: "Send" }).click();
  await expect(page).not.toHaveURL(chatUrl);
  await expect(page.getByTestId("message-time").first()).toHaveText(/\d{4}.* UTC$/, { timeout: 20_000 });
}

test("scrolled up through a long chat, a button leads back down to the newest message", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 700 });
  await signUp(page);
  await newChatAndSend(page, LONG);
  await waitForAnswer(page);
  await sendMessage(page, `${LONG} Again, please.`);
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await waitForAnswer(page);
  await waitForHydration(page);
  const back = page.getByRole("button", { name: "Scroll to the newest message" });
  await expect(back).toHaveCount(0);
  await scroller(page).hover();
  await page.mouse.wheel(0, -1500);
  await expect(back).toBeVisible();
  await back.click();
  await expect.poll(() => scroller(page).evaluate((el) => Math.abs(el.scrollTop))).toBeLessThan(5);
  await expect(back).toHaveCount(0);
});

test("while an answer is being written, the button back down reaches the newest words and stays with them", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 700 });
  await signUp(page);
  await newChatAndSend(page, LONG);
  await waitForAnswer(page);
  const marker = uniqueMarker("down");
  // A paragraph a token: the answer grows by a line every few milliseconds.
  await queueScripts("openai", marker, { tokens: Array.from({ length: 800 }, (_, i) => `Paragraph ${i + 1} of a long answer.\n\n`), tokenDelayMs: 20 });
  await sendThroughTheForm(page, `Write at length ${marker}`);
  await expect(answerContent(page)).toContainText("Paragraph 40 ");
  await scroller(page).hover();
  await page.mouse.wheel(0, -2500);
  const back = page.getByRole("button", { name: "Scroll to the newest message" });
  await expect(back).toBeVisible();
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  await back.click();
  await expect.poll(() => scroller(page).evaluate((el) => Math.abs(el.scrollTop)), { timeout: 3_000 }).toBeLessThan(5);
  await waitForAnswer(page);
  await expect.poll(() => scroller(page).evaluate((el) => Math.abs(el.scrollTop))).toBeLessThan(5);
  await expect(back).toHaveCount(0);
});

test("scrolled up while a long code block is written, the reader stays where they are when the block ends", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signUp(page);
  const marker = uniqueMarker("stay");
  await queueScripts("openai", marker, { text: Array.from({ length: 20 }, (_, k) => `Paragraph ${k} of a first answer.\n\n`).join("") });
  await sendThroughTheForm(page, `First ${marker}`);
  await waitForAnswer(page);
  const code = "```python\n" + Array.from({ length: 40 }, (_, k) => `def func_${k}(x):\n    return [y * ${k} for y in range(x)]  # comment ${k}`).join("\n") + "\n```\n\n";
  const paragraphs = Array.from({ length: 40 }, (_, k) => `Paragraph ${k} of ordinary words after the code, a line or two of them.\n\n`).join("");
  await queueScripts("openai", marker, { text: `Intro.\n\n${code}${paragraphs}`, tokenDelayMs: 6 });
  await sendMessage(page, `Code then words ${marker}`);
  await expect(answerContent(page)).toContainText("func_25");
  // The code block's element, marked while it is written: when the block ends it is the same element (drawn anew,
  // it had no size for a moment, and a reader scrolled up was pulled down to the newest words).
  await answerContent(page).locator("pre").first().evaluate((pre) => pre.setAttribute("data-written", ""));
  await page.mouse.move(700, 300);
  await page.mouse.wheel(0, -600);
  await expect.poll(() => scroller(page).evaluate((el) => el.scrollTop)).toBeLessThan(-400);
  // The block ends and paragraphs follow: the place read stays (measured from the newest words, it only grows).
  const places: number[] = [];
  while ((await lastAnswer(page).getAttribute("data-status")) === "streaming") {
    places.push(await scroller(page).evaluate((el) => el.scrollTop));
    await page.waitForTimeout(100);
  }
  await expect(answerContent(page)).toContainText("Paragraph 39 ");
  await expect(answerContent(page).locator("pre[data-written]")).toHaveCount(1);
  expect(places.length).toBeGreaterThan(3);
  expect(Math.max(...places)).toBeLessThan(-400);
  await expect(page.getByRole("button", { name: "Scroll to the newest message" })).toBeVisible();
});

test("each chat is where the reader left it: scrolled up in one, another opens at its newest message, and back again is the same place", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 700 });
  await signUp(page);
  const { chatUrl: other } = await newChatAndSend(page, "A short one");
  await waitForAnswer(page);
  const { chatUrl: long } = await newChatAndSend(page, LONG);
  await waitForAnswer(page);
  await sendMessage(page, `${LONG} Again, please.`);
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await waitForAnswer(page);
  await sendMessage(page, `${LONG} Once more.`);
  await expect(page.getByTestId("assistant-message")).toHaveCount(3);
  await waitForAnswer(page);
  await scroller(page).hover();
  await page.mouse.wheel(0, -900);
  await expect(page.getByRole("button", { name: "Scroll to the newest message" })).toBeVisible();
  const left = await scroller(page).evaluate((el) => el.scrollTop);
  expect(left).toBeLessThan(-600);

  const list = page.getByRole("navigation", { name: "Chats" });
  await list.locator(`a[href="${other}"]`).first().click();
  await expect(page).toHaveURL(new RegExp(`${other}$`));
  await expect(page.getByTestId("user-message")).toHaveCount(1);
  await expect(page.getByTestId("user-message")).toContainText("A short one");
  await expect.poll(() => scroller(page).evaluate((el) => Math.abs(el.scrollTop))).toBeLessThan(5);

  await list.locator(`a[href="${long}"]`).first().click();
  await expect(page).toHaveURL(new RegExp(`${long}$`));
  await expect(page.getByTestId("user-message")).toHaveCount(3);
  await expect.poll(() => scroller(page).evaluate((el) => el.scrollTop)).toBeCloseTo(left, -1);
  await expect(page.getByRole("button", { name: "Scroll to the newest message" })).toBeVisible();
});
