// On a phone (390×844) nothing sticks out: no sideways scrolling, the chat's
// title has room, every header control and every popup it opens sits inside
// the screen, message actions are there to tap and big enough for a finger,
// and every screen has a way back to the chat list.
import type { Locator, Page } from "@playwright/test";
import { CHAT_URL, expect, lastAnswer, signUp, test, waitForHydration } from "./fixtures";

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

async function pageWidth(page: Page): Promise<{ scroll: number; client: number }> {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
}

async function expectInsideViewport(locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  expect(box, `${what} is laid out`).not.toBeNull();
  expect(box!.x, `${what} starts inside the left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} ends inside the right edge`).toBeLessThanOrEqual(PHONE.viewport.width);
  expect(box!.y + box!.height, `${what} ends above the bottom edge`).toBeLessThanOrEqual(PHONE.viewport.height);
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  test(`a chat on a phone has no sideways scroll, a visible title and every header control and popup on screen (${mode})`, async ({ newContext }) => {
    const phone = await newContext({ ...PHONE, javaScriptEnabled: javaScript });
    const page = await phone.newPage();
    await signUp(page);
    await page.goto("/chats?new=1");
    if (javaScript) await waitForHydration(page);
    await page.getByRole("textbox", { name: "Message" }).fill("How do tides work on the open ocean and near the coast?");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page).toHaveURL(CHAT_URL);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });

    const width = await pageWidth(page);
    expect(width.scroll, "the page is no wider than the screen").toBeLessThanOrEqual(width.client);

    const header = page.getByTestId("chat-header");
    const title = page.getByTestId("chat-title");
    await expect(title).toBeVisible();
    expect((await title.boundingBox())!.width, "the title has room to be read").toBeGreaterThan(80);

    const controls = header.locator("a:visible, summary, button:visible");
    const count = await controls.count();
    expect(count).toBeGreaterThanOrEqual(6); // back, export, rename, system prompt, share, delete (pin and archive are in the list's menu)
    for (let i = 0; i < count; i++) {
      const control = controls.nth(i);
      const name = (await control.getAttribute("aria-label")) ?? `control ${i}`;
      await expectInsideViewport(control, name);
      expect(await control.getAttribute("title"), `${name} has a tooltip`).toBeTruthy();
      const box = (await control.boundingBox())!;
      expect(box.width, `${name} is wide enough to tap`).toBeGreaterThanOrEqual(24);
      expect(box.height, `${name} is tall enough to tap`).toBeGreaterThanOrEqual(24);
    }

    // Each popup opens inside the screen, its button reachable.
    for (const [opener, button] of [
      ["Rename", "Save"],
      ["System prompt", "Save"],
      ["Delete", "Delete permanently"],
    ] as const) {
      const summary = header.locator(`summary[aria-label="${opener}"]`);
      await summary.click();
      const panel = summary.locator("xpath=..").locator(":scope > form");
      await expect(panel).toBeVisible();
      await expectInsideViewport(panel, `the ${opener} popup`);
      const action = panel.getByRole("button", { name: button });
      await expect(action).toBeVisible();
      await expectInsideViewport(action, `the ${opener} popup's ${button} button`);
      await summary.click();
      await expect(panel).toBeHidden();
    }
    expect((await pageWidth(page)).scroll, "no popup widened the page").toBeLessThanOrEqual(width.client);

    // Back to the list, and from the new-chat screen back to it too.
    await header.getByRole("link", { name: "Back to chats" }).click();
    await expect(page).toHaveURL(/\/chats$/);
    await expect(page.getByRole("navigation", { name: "Chats" })).toBeVisible();
    await page.getByRole("link", { name: "+ New chat" }).click();
    await expect(page).toHaveURL(/\/chats\?new=1$/);
    await expect(page.getByRole("navigation", { name: "Chats" })).toBeHidden();
    await page.getByRole("link", { name: "Back to chats" }).click();
    await expect(page).toHaveURL(/\/chats$/);
    await expect(page.getByRole("navigation", { name: "Chats" })).toBeVisible();
  });
}

test("on a phone the message actions are always shown, as named icons big enough to tap", async ({ newContext }) => {
  const phone = await newContext(PHONE);
  const page = await phone.newPage();
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByRole("textbox", { name: "Message" }).fill("Compare lakes and reservoirs");
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  expect(await page.evaluate(() => matchMedia("(hover: none)").matches)).toBe(true);
  // The page has taken the finished answer in (Stop has turned back into Send).
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();

  const actions = page.locator("[data-testid=messages] .reveal").locator("button:visible, a:visible, summary:visible");
  const count = await actions.count();
  expect(count).toBeGreaterThanOrEqual(6); // copy, edit, fork, delete branch on the question; copy, regenerate… on the answer
  for (let i = 0; i < count; i++) {
    const action = actions.nth(i);
    const label = await action.getAttribute("aria-label");
    expect(label, `action ${i} has a name`).toBeTruthy();
    expect(await action.getAttribute("title"), `${label} has a tooltip`).toBe(label);
    expect(await action.evaluate((el) => getComputedStyle(el.closest(".reveal")!).opacity), `${label} shows without hovering`).toBe("1");
    const box = (await action.boundingBox())!;
    expect(box.height, `${label} is at least 24 px tall`).toBeGreaterThanOrEqual(24);
    expect(box.width, `${label} is at least 24 px wide`).toBeGreaterThanOrEqual(24);
  }
  expect((await pageWidth(page)).scroll).toBeLessThanOrEqual(PHONE.viewport.width);
});
