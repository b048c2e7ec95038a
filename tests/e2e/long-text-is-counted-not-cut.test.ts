// Boxes with a length limit (custom instructions, a chat's system prompt)
// take a paste whole: the count under them says how much is too many, the
// server refuses it with the limit in words, and what was typed comes back in
// the box, with JavaScript and without.
import type { Page } from "@playwright/test";
import { composer, expect, newChatAndSend, sendThroughTheForm, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";

/** Puts text in the focused box as a paste does (one input event, past any limit). */
async function paste(page: Page, text: string): Promise<void> {
  await page.keyboard.insertText(text);
}

test("a paste past the custom instructions' limit is kept whole, counted and refused in words", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await page.goto("/settings/preferences");
  const box = page.getByLabel("Custom instructions");
  const count = page.getByTestId("length-count");
  await expect(count).toHaveText("0 / 4,000 characters");
  // Counted as typed once the page's script runs.
  await expect(async () => {
    await box.fill("A");
    await expect(count).toHaveText("1 / 4,000 characters", { timeout: 500 });
  }).toPass();
  const pasted = `Answer as a ship's captain. ${"x".repeat(4_182)}`;
  await box.fill("");
  await box.focus();
  await paste(page, pasted);
  await expect(box).toHaveValue(pasted);
  await expect(count).toHaveText("4,210 / 4,000 characters: 210 too many");
  await expect(box).toHaveAccessibleDescription(/4,210 \/ 4,000 characters: 210 too many/);

  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.locator("#customInstructions-error")).toHaveText("Keep custom instructions to 4,000 characters or fewer.");
  await expect(box).toHaveValue(pasted);
  await expect(box).toHaveAttribute("aria-invalid", "true");

  // Cut to the limit, it saves.
  await box.fill(pasted.slice(0, 4_000));
  await expect(count).toHaveText("4,000 / 4,000 characters");
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await expect(box).toHaveValue(pasted.slice(0, 4_000));
});

test("a chat's system prompt past its limit is counted, refused beside the box and kept", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await newChatAndSend(page, "Notes about tides");
  await waitForAnswer(page);
  await waitForHydration(page);
  const opener = page.getByTestId("chat-header").locator('summary[aria-label="System prompt"]');
  await opener.click();
  const box = page.getByLabel(/Instructions for the model/);
  await box.focus();
  const pasted = "t".repeat(8_005);
  await paste(page, pasted);
  await expect(page.getByTestId("length-count")).toHaveText("8,005 / 8,000 characters: 5 too many");
  await expect(box).toHaveAttribute("aria-invalid", "true");
  await opener.locator("xpath=..").getByRole("button", { name: "Save" }).click();
  await expect(opener.locator("xpath=..").getByRole("alert")).toHaveText("Keep the system prompt to 8,000 characters or fewer.");
  await expect(box).toHaveValue(pasted);
});

test("without JavaScript: a refused system prompt opens its popup again with the error and what was typed", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await page.goto("/chats?new=1");
  await sendThroughTheForm(page, "Notes about tides");
  await waitForAnswer(page);
  const opener = page.getByTestId("chat-header").locator('summary[aria-label="System prompt"]');
  await opener.click();
  const typed = `Answer in verse. ${"v".repeat(8_000)}`;
  await page.getByLabel(/Instructions for the model/).fill(typed);
  await opener.locator("xpath=..").getByRole("button", { name: "Save" }).click();

  const popup = opener.locator("xpath=..");
  await expect(popup).toHaveAttribute("open", "");
  await expect(popup.getByRole("alert")).toHaveText("Keep the system prompt to 8,000 characters or fewer.");
  await expect(page.getByLabel(/Instructions for the model/)).toHaveValue(typed);
  // The refusal is said in the popup, not above the composer, whose box stays empty.
  await expect(page.getByRole("alert")).toHaveCount(1);
  await expect(composer(page)).toHaveValue("");

  // A prompt within the limit saves from there.
  await page.getByLabel(/Instructions for the model/).fill("Answer in verse.");
  await popup.getByRole("button", { name: "Save" }).click();
  await opener.click();
  await expect(page.getByLabel(/Instructions for the model/)).toHaveValue("Answer in verse.");
});
