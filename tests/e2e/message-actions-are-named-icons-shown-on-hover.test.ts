// With a mouse, a message's actions show when the pointer is over it or the
// keyboard is in it (the newest answer's always); each is an icon with a name
// and a tooltip, big enough to hit. The chat list has a menu per chat
// (rename, pin, archive, delete) that works without JavaScript too, and
// leaves the user on the page they used it from.
import type { Locator } from "@playwright/test";
import { CHAT_URL, chatIdOf, expect, lastAnswer, listedChatIds, signUp, test, waitForHydration, sendThroughTheForm } from "./fixtures";

test.describe.configure({ timeout: 120_000 });

async function opacityOf(actions: Locator): Promise<string> {
  return actions.evaluate((el) => getComputedStyle(el).opacity);
}

test("a message's actions show on hover and keyboard focus, as named icons at least 24 px square", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await sendThroughTheForm(page, "Tell me about owls");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  await waitForHydration(page);
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();

  const question = page.getByTestId("user-message").first();
  const questionActions = question.locator(".reveal");
  await page.mouse.move(0, 0);
  await expect.poll(() => opacityOf(questionActions)).toBe("0");
  // The newest answer keeps its actions in view.
  await expect.poll(() => opacityOf(lastAnswer(page).locator(".reveal"))).toBe("1");

  await question.hover();
  await expect.poll(() => opacityOf(questionActions)).toBe("1");
  await page.mouse.move(0, 0);
  await expect.poll(() => opacityOf(questionActions)).toBe("0");

  // Reached with the keyboard, they show, and the focused one is outlined.
  const copy = question.getByRole("button", { name: "Copy message" });
  await copy.focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  await expect(copy).toBeFocused();
  await expect.poll(() => opacityOf(questionActions)).toBe("1");
  expect(await copy.evaluate((el) => el.matches(":focus-visible") && getComputedStyle(el).outlineStyle !== "none")).toBe(true);

  const controls = page.getByTestId("messages").locator(".reveal").locator("button:visible, a:visible, summary:visible");
  const count = await controls.count();
  expect(count).toBeGreaterThanOrEqual(8);
  for (let i = 0; i < count; i++) {
    const control = controls.nth(i);
    const name = await control.getAttribute("aria-label");
    expect(name, `control ${i} has a name`).toBeTruthy();
    expect(await control.getAttribute("title"), `${name} has a tooltip`).toBe(name);
    expect(await control.locator("svg").count(), `${name} is an icon`).toBe(1);
    const box = (await control.boundingBox())!;
    expect(box.width, `${name} is at least 24 px wide`).toBeGreaterThanOrEqual(24);
    expect(box.height, `${name} is at least 24 px tall`).toBeGreaterThanOrEqual(24);
  }
});

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  test(`each listed chat has a menu to rename, pin, archive and delete it (${mode})`, async ({ newContext }) => {
    const context = await newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await signUp(page);
    await page.goto("/chats?new=1");
    await sendThroughTheForm(page, "About sparrows");
    await expect(page).toHaveURL(CHAT_URL);
    const other = chatIdOf(page);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
    await page.goto("/chats?new=1");
    await sendThroughTheForm(page, "About robins");
    await expect(page).toHaveURL(CHAT_URL);
    const current = chatIdOf(page);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
    const here = page.url();

    const list = page.getByTestId("chat-list");
    const menuOf = (chatId: string) => list.locator("li", { has: page.locator(`a[href^="/chats/${chatId}"]`) }).getByTestId("chat-menu");
    const open = async (chatId: string) => {
      await list.locator("li", { has: page.locator(`a[href^="/chats/${chatId}"]`) }).hover();
      await menuOf(chatId).locator(":scope > summary").click();
    };

    // Rename the other chat from the list: we stay where we are.
    await open(other);
    await menuOf(other).getByLabel("New title").fill("Sparrow facts");
    await menuOf(other).getByRole("button", { name: "Rename" }).click();
    await expect(list.locator(`a[href^="/chats/${other}"]`)).toHaveText("Sparrow facts");
    expect(page.url()).toBe(here);

    // Pin it: it goes first, and the menu has closed.
    await open(other);
    await menuOf(other).getByRole("button", { name: "Pin" }).click();
    await expect.poll(() => listedChatIds(page)).toEqual([other, current]);
    await expect(menuOf(other).getByRole("button", { name: "Unpin" })).toBeHidden();
    expect(page.url()).toBe(here);

    // Archive it: it leaves the list, which says where it went and offers to undo it.
    await open(other);
    await menuOf(other).getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => listedChatIds(page)).toEqual([current]);
    await expect(page).toHaveURL(`${here}?justarchived=${other}`);
    const notice = page.getByTestId("just-archived");
    await expect(notice).toContainText("“Sparrow facts” is archived: it is listed under Archived.");
    await notice.getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => listedChatIds(page)).toEqual([other, current]);
    await expect(page).toHaveURL(here);
    await expect(notice).toHaveCount(0);
    await open(other);
    await menuOf(other).getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => listedChatIds(page)).toEqual([current]);

    // Delete the current chat from its menu: behind a confirmation, and then it is gone.
    await open(current);
    await menuOf(current).locator("summary", { hasText: "Delete" }).click();
    await menuOf(current).getByRole("button", { name: "Delete permanently" }).click();
    await expect(page).toHaveURL(/\/chats$/);
    await expect.poll(() => listedChatIds(page)).toEqual([]);
  });
}
