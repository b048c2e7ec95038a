// Typing Japanese, Chinese or Korean goes through an input method: Enter
// confirms the characters it is composing and Esc cancels them. Those keys are
// the input method's alone: they do not send a message, save an edit, open a
// chat or close a popup. Chrome sends them while composing (isComposing, key
// code 229); Safari ends the composition first and then sends the Enter, which
// only its key code 229 marks. Both are dispatched here as the browsers do.
import type { Locator, Page } from "@playwright/test";
import { afterTheSendIsShown, composer, expect, newChatAndSend, signUp, test, userMessages, waitForAnswer, waitForHydration } from "./fixtures";

type Browser = "chrome" | "safari";

/** Enter or Esc pressed in an input method, as `browser` reports it to the page. */
async function inputMethodKey(target: Locator, key: "Enter" | "Escape", browser: Browser): Promise<void> {
  await target.evaluate(
    (el, { key, browser }) => {
      const keydown = (isComposing: boolean) => new KeyboardEvent("keydown", { key, code: key, keyCode: 229, which: 229, isComposing, bubbles: true, cancelable: true, composed: true });
      const composition = (type: string, data: string) => new CompositionEvent(type, { data, bubbles: true, cancelable: true, composed: true });
      el.dispatchEvent(composition("compositionstart", ""));
      el.dispatchEvent(composition("compositionupdate", "にほん"));
      if (browser === "chrome") {
        el.dispatchEvent(keydown(true));
        el.dispatchEvent(composition("compositionend", "日本"));
      } else {
        el.dispatchEvent(composition("compositionend", "日本"));
        el.dispatchEvent(keydown(false));
      }
    },
    { key, browser },
  );
  // Whatever the key set off (a send, a navigation, a close) has had its turn.
  await afterTheSendIsShown(target.page());
}

async function newChat(page: Page, text: string): Promise<void> {
  await signUp(page);
  await newChatAndSend(page, text);
  await waitForAnswer(page);
  await waitForHydration(page);
}

test("in the message box, an input method's Enter sends nothing; Enter after it sends", async ({ page }) => {
  await newChat(page, "First message");
  await composer(page).fill("日本語のメッセージ");
  for (const browser of ["chrome", "safari"] as const) {
    await inputMethodKey(composer(page), "Enter", browser);
    await expect(composer(page)).toHaveValue("日本語のメッセージ");
    await expect(userMessages(page)).toHaveCount(1);
  }
  await composer(page).press("Enter");
  await expect(userMessages(page)).toHaveCount(2);
  await expect(userMessages(page).last()).toHaveText("日本語のメッセージ");
});

test("in the box a message is edited in, an input method's Enter saves nothing and its Esc closes nothing", async ({ page }) => {
  await newChat(page, "A message to edit");
  await page.getByTestId("user-message").hover();
  await page.getByTestId("user-message").getByRole("link", { name: "Edit", exact: true }).click();
  const box = page.getByLabel("Edit message");
  await box.fill("編集したメッセージ");
  for (const browser of ["chrome", "safari"] as const) {
    await inputMethodKey(box, "Escape", browser);
    await expect(box).toHaveValue("編集したメッセージ");
    await inputMethodKey(box, "Enter", browser);
    await expect(box).toHaveValue("編集したメッセージ");
  }
  await expect(page.getByTestId("edit-form")).toBeVisible();
  await box.press("Enter");
  await expect(page.getByTestId("edit-form")).toHaveCount(0);
  await expect(userMessages(page)).toHaveText(["編集したメッセージ"]);
});

test("in the quick switcher, an input method's Enter opens nothing; Enter after it opens the chat", async ({ page }) => {
  await newChat(page, "A trip to plan");
  const chatUrl = page.url();
  await page.getByTestId("chat-header").locator('summary[aria-label="Rename"]').click();
  await page.getByLabel("Chat title").fill("日本の旅");
  await page.getByLabel("Chat title").press("Enter");
  await expect(page.getByTestId("chat-title")).toHaveText("日本の旅");
  await page.goto("/chats?new=1");
  await waitForHydration(page);

  await page.keyboard.press("Control+k");
  const dialog = page.getByRole("dialog", { name: "Jump to a chat or message" });
  const box = dialog.getByRole("combobox");
  await expect(box).toBeFocused();
  await box.fill("日本");
  await expect(dialog.getByRole("option").first()).toContainText("日本の旅");
  for (const browser of ["chrome", "safari"] as const) {
    await inputMethodKey(box, "Enter", browser);
    await expect(dialog).toBeVisible();
    await expect(page).toHaveURL(/\/chats\?new=1$/);
  }
  await box.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(chatUrl);
});

test("in the rename popup, an input method's Esc closes nothing; Esc after it cancels", async ({ page }) => {
  await newChat(page, "A chat to name");
  const summary = page.getByTestId("chat-header").locator('summary[aria-label="Rename"]');
  const isOpen = () => summary.evaluate((el) => (el.parentElement as HTMLDetailsElement).open);
  await summary.click();
  const box = page.getByLabel("Chat title");
  await box.fill("名前");
  for (const browser of ["chrome", "safari"] as const) {
    await inputMethodKey(box, "Escape", browser);
    expect(await isOpen()).toBe(true);
    await expect(box).toHaveValue("名前");
  }
  await box.press("Escape");
  expect(await isOpen()).toBe(false);
});

test("in the model list's search, an input method's Enter picks nothing and its Esc closes nothing", async ({ page }) => {
  await newChat(page, "Which model");
  const picker = page.getByTestId("model-picker");
  const before = await picker.textContent();
  await picker.click();
  const search = page.getByLabel("Search models");
  await search.fill("mini");
  for (const browser of ["chrome", "safari"] as const) {
    await inputMethodKey(search, "Enter", browser);
    await inputMethodKey(search, "Escape", browser);
    await expect(search).toBeVisible();
  }
  await search.press("Escape");
  await expect(search).toBeHidden();
  await expect(picker).toHaveText(before!);
});
