// Edit turns the message's own bubble into a box, where it stood, with Save
// and Cancel; Esc cancels. Without JavaScript the same, by links.
import { CHAT_URL, expect, lastAnswer, signUp, test, userMessages, sendThroughTheForm } from "./fixtures";
import { uniqueMarker } from "./upstream";

test.describe.configure({ timeout: 120_000 });

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  test(`Edit opens the message in place with Save and Cancel (${mode})`, async ({ newContext }) => {
    const context = await newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    await signUp(page);
    await page.goto("/chats?new=1");
    const m = uniqueMarker("ip");
    await sendThroughTheForm(page, `Oranges ${m}`);
    await expect(page).toHaveURL(CHAT_URL);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
    await expect(page.getByRole("button", { name: "Send" })).toBeVisible();

    const message = page.getByTestId("user-message").first();
    const bubble = userMessages(page).first();
    const bubbleBox = (await bubble.boundingBox())!;

    // Cancel puts the bubble back, unchanged.
    await message.getByRole("link", { name: "Edit" }).click();
    const box = message.getByLabel("Edit message");
    await expect(box).toBeVisible();
    await expect(box).toHaveValue(`Oranges ${m}`);
    if (javaScript) await expect(box).toBeFocused();
    // Where the bubble was: inside the same message, its right edge where the bubble's was.
    const form = message.getByTestId("edit-form");
    const formBox = (await form.boundingBox())!;
    expect(Math.abs(formBox.x + formBox.width - (bubbleBox.x + bubbleBox.width))).toBeLessThan(2);
    expect(Math.abs(formBox.y - bubbleBox.y)).toBeLessThan(40);
    // The box took the bubble's place: the bubble itself is gone while editing.
    await expect(message.locator(":scope > div.whitespace-pre-wrap")).toHaveCount(0);
    await message.getByRole("link", { name: "Cancel" }).click();
    await expect(box).toHaveCount(0);
    await expect(userMessages(page)).toHaveText([`Oranges ${m}`]);

    if (javaScript) {
      // Esc cancels, and what was typed is dropped.
      await message.getByRole("link", { name: "Edit" }).click();
      await box.fill("never sent");
      await box.press("Escape");
      await expect(box).toHaveCount(0);
      await expect(message.getByRole("link", { name: "Edit" })).toBeFocused();
      await expect(userMessages(page)).toHaveText([`Oranges ${m}`]);
    }

    // Save answers the edited message on a new branch.
    await message.getByRole("link", { name: "Edit" }).click();
    await box.fill(`Lemons ${m}`);
    await message.getByRole("button", { name: "Save & answer" }).click();
    await expect(userMessages(page)).toHaveText([`Lemons ${m}`]);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
    await expect(lastAnswer(page).getByTestId("answer-content")).toHaveText(`Echo: Lemons ${m}`);
    await expect(page.getByTestId("user-message").first().getByTestId("sibling-nav")).toContainText("2/2");
  });
}
