// Copy buttons: a code block's (visible without hovering, so on touch screens
// too, and reachable with the keyboard) and one for the whole message.
import type { Page } from "@playwright/test";
import { answerContent, demoAnswerTo, expect, lastAnswer, newChatAndSend, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";
import { E2E } from "./env";

const PROMPT = "How do javascript closures work?";

async function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Opacity of the element and its ancestors multiplied: what the eye gets. */
async function visibleOpacity(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((el) => {
    let opacity = 1;
    for (let node: Element | null = el; node; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
    return opacity;
  });
}

test("the code block's Copy button shows without hovering and works from the keyboard; the whole message copies too", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: E2E.baseURL });
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, PROMPT);
  await waitForAnswer(page);
  const expectedCode = demoAnswerTo(PROMPT).match(/```ts\n([\s\S]*?)\n```/)![1]!;

  const copyCode = answerContent(page).getByRole("button", { name: "Copy code" });
  await expect(copyCode).toBeVisible();
  await page.mouse.move(0, 0);
  expect(await visibleOpacity(page, "[data-copy-code]")).toBeGreaterThan(0.5);

  // Reached with Tab, outlined, and Enter copies the code.
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  for (let i = 0; i < 80 && !(await copyCode.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(copyCode).toBeFocused();
  expect(await copyCode.evaluate((el) => el.matches(":focus-visible") && getComputedStyle(el).outlineStyle !== "none")).toBe(true);
  await page.keyboard.press("Enter");
  await expect(copyCode).toHaveText("Copied", { useInnerText: true });
  expect(await clipboard(page)).toBe(expectedCode);
  // A screen reader hears it: the button's own words changing under the focus are not read out.
  await expect(page.getByTestId("announcer")).toHaveText("Copied");

  const copyMessage = lastAnswer(page).getByRole("button", { name: "Copy message" });
  await copyMessage.click();
  await expect(copyMessage).toHaveText("Copied");
  expect(await clipboard(page)).toBe(demoAnswerTo(PROMPT));

  // The server-rendered answer (a fresh load) copies the same.
  await page.goto(chatUrl);
  await waitForHydration(page);
  await page.evaluate(() => navigator.clipboard.writeText(""));
  await answerContent(page).getByRole("button", { name: "Copy code" }).click();
  expect(await clipboard(page)).toBe(expectedCode);
});

test("on a touch screen the Copy buttons are there to tap", async ({ page, newContext }) => {
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, PROMPT);
  await waitForAnswer(page);
  const cookies = await page.context().cookies();

  const phone = await newContext({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } });
  await phone.grantPermissions(["clipboard-read", "clipboard-write"], { origin: E2E.baseURL });
  await phone.addCookies(cookies);
  const touch = await phone.newPage();
  await touch.goto(chatUrl);
  await waitForHydration(touch);
  expect(await touch.evaluate(() => matchMedia("(hover: none)").matches)).toBe(true);
  const copyCode = answerContent(touch).getByRole("button", { name: "Copy code" });
  await copyCode.scrollIntoViewIfNeeded();
  expect(await visibleOpacity(touch, "[data-copy-code]")).toBeGreaterThan(0.5);
  await copyCode.tap();
  await expect(copyCode).toHaveText("Copied", { useInnerText: true });
  await lastAnswer(touch).getByRole("button", { name: "Copy message" }).tap();
  expect(await clipboard(touch)).toBe(demoAnswerTo(PROMPT));
});
