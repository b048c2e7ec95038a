// Two tabs on one chat: a message follows the version of the answer its own
// tab shows, though another tab switched the chat to another version since
// (the model answers the conversation the person sees), with and without
// JavaScript.
import { composer, expect, lastAnswer, newChatAndSend, sendMessage, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";

for (const javaScriptEnabled of [true, false]) {
  test(`${javaScriptEnabled ? "with" : "without"} JavaScript, a message follows the version its tab shows, not the one another tab switched to`, async ({ page, browser }) => {
    await signUp(page);
    const { chatUrl } = await newChatAndSend(page, "Alpha question about volcanoes");
    await waitForAnswer(page);
    await lastAnswer(page).getByRole("button", { name: "Regenerate" }).first().click();
    await expect(lastAnswer(page).getByTestId("sibling-nav")).toContainText("2/2");
    await waitForAnswer(page);
    const secondVersion = await lastAnswer(page).getAttribute("data-message-id");

    // This tab, as it was left: showing the second version.
    const tab = await browser.newContext({ javaScriptEnabled, storageState: await page.context().storageState() });
    try {
      const mine = await tab.newPage();
      await mine.goto(chatUrl);
      await expect(lastAnswer(mine)).toHaveAttribute("data-message-id", secondVersion!);
      // Meanwhile the other tab goes back to the first version.
      await waitForHydration(page);
      await lastAnswer(page).getByRole("button", { name: "Previous version" }).click();
      await expect(lastAnswer(page).getByTestId("sibling-nav")).toContainText("1/2");

      if (javaScriptEnabled) {
        await sendMessage(mine, "A follow-up on the second version");
      } else {
        await composer(mine).fill("A follow-up on the second version");
        await mine.getByRole("button", { name: "Send" }).click();
      }
      await waitForAnswer(mine);
      const answers = mine.getByTestId("assistant-message");
      await expect(answers.nth(-2)).toHaveAttribute("data-message-id", secondVersion!);
      // Stored so: a fresh page shows the follow-up under the second version.
      await mine.reload();
      await expect(answers.nth(-2)).toHaveAttribute("data-message-id", secondVersion!);
      await expect(mine.getByTestId("user-message").last()).toContainText("A follow-up on the second version");
    } finally {
      await tab.close();
    }
  });
}
