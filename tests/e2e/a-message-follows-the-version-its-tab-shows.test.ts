// Two tabs on one chat: a message follows the version of the answer its own
// tab shows, though another tab switched the chat to another version since
// (the model answers the conversation the person sees), with and without
// JavaScript; a send to what another tab deleted keeps its text; a tab
// brought back shows what the other did.
import type { Page } from "@playwright/test";
import { AWAY_FOR_MS } from "../../app/components/ui/RefreshWhenBack";
import { CHAT_URL, composer, cutOffFromParley, expect, lastAnswer, newChatAndSend, postForm, reloadedOnceReachable, sendMessage, signUp, test, userMessages, waitForAnswer, waitForHydration } from "./fixtures";

/** Resolves when the chat page next reloads its data (as it does once an answer has ended). */
function pageDataReloaded(page: Page): Promise<unknown> {
  return page.waitForResponse((response) => /\/chats\/[0-9a-z]{20}\.data/.test(response.url()) && response.request().method() === "GET");
}

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

test("a message whose branch another tab deleted, or whose chat it deleted, is not sent: the text stays, with why", async ({ page, browser, browserErrors }) => {
  browserErrors.allowStatus(404);
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "Beta question about glaciers");
  await waitForAnswer(page);
  // The page reloads its data once an answer has ended: another tab acts after that, not in a race with it.
  const reloadedAfterSecond = pageDataReloaded(page);
  await sendMessage(page, "Second question about fjords");
  await waitForAnswer(page);
  await reloadedAfterSecond;
  const other = await browser.newContext({ storageState: await page.context().storageState() });
  try {
    const elsewhere = await other.newPage();
    await elsewhere.goto(chatUrl);
    // The other tab deletes the second exchange, which this page still shows.
    const second = await elsewhere.getByTestId("user-message").last().getAttribute("data-message-id");
    expect((await postForm(elsewhere, chatUrl, { intent: "delete-branch", messageId: second! })).status()).toBeLessThan(400);

    await waitForHydration(page);
    await composer(page).fill("Third question about moraines");
    await composer(page).press("Enter");
    await expect(page.getByText("That message no longer exists.")).toBeVisible();
    await expect(composer(page)).toHaveValue("Third question about moraines");
    // The page now shows the chat as it is: the deleted exchange is gone, and a send goes on from there.
    await expect(page.getByTestId("user-message")).toHaveCount(1);
    const reloadedAfterThird = pageDataReloaded(page);
    await composer(page).press("Enter");
    await waitForAnswer(page);
    await expect(page.getByTestId("user-message").last()).toContainText("Third question about moraines");
    await reloadedAfterThird;

    // Then the other tab deletes the chat itself.
    expect((await postForm(elsewhere, chatUrl, { intent: "delete" })).status()).toBeLessThan(400);
    await composer(page).fill("Fourth question, to a chat that is gone");
    await composer(page).press("Enter");
    await expect(page.getByText("This chat no longer exists: it was deleted, perhaps in another tab.", { exact: false })).toBeVisible();
    await expect(composer(page)).toHaveValue("Fourth question, to a chat that is gone");
    // The list no longer offers the deleted chat, and the text moves on to a new chat.
    const title = await page.getByTestId("chat-title").innerText();
    await expect(page.getByTestId("chat-list")).not.toContainText(title);
    await page.getByRole("button", { name: "Start a new chat with it" }).click();
    await expect(page).toHaveURL(/\/chats\?new=1$/);
    await expect(composer(page)).toHaveValue("Fourth question, to a chat that is gone");
    await expect(page.getByTestId("chat-list")).not.toContainText(title);
    await composer(page).press("Enter");
    await expect(page).toHaveURL(CHAT_URL);
    await waitForAnswer(page);
    await expect(userMessages(page)).toHaveText(["Fourth question, to a chat that is gone"]);
  } finally {
    await other.close();
  }
});

test("a send refused because another tab's answer is being written says so until that answer ends, then may go", async ({ page, browser, browserErrors }) => {
  browserErrors.allowStatus(409);
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "Gamma question about deltas");
  await waitForAnswer(page);
  const other = await browser.newContext({ storageState: await page.context().storageState() });
  try {
    // This tab was drawn before the other one started an answer.
    const behind = await other.newPage();
    await behind.goto(chatUrl);
    await waitForHydration(behind);
    await sendMessage(page, "Tell me at length about river deltas and their channels");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");

    await composer(behind).fill("A question from the tab behind");
    await composer(behind).press("Enter");
    const refusal = behind.getByText("An answer is still being written in this chat.", { exact: false });
    await expect(refusal).toBeVisible();
    await expect(composer(behind)).toHaveValue("A question from the tab behind");
    // Once that answer ends, the words are gone and the text, still there, goes with Enter.
    await waitForAnswer(page);
    await expect(refusal).toHaveCount(0, { timeout: 20_000 });
    await composer(behind).press("Enter");
    await waitForAnswer(behind);
    await expect(behind.getByTestId("user-message").last()).toContainText("A question from the tab behind");
  } finally {
    await other.close();
  }
});

for (const javaScriptEnabled of [true, false]) {
  test(`${javaScriptEnabled ? "with" : "without"} JavaScript, an edit refused because another tab's answer is being written stays in its box, with its text and why`, async ({ page, browser, browserErrors }) => {
    browserErrors.allowStatus(409);
    await signUp(page);
    const { chatUrl } = await newChatAndSend(page, "Epsilon question about estuaries");
    await waitForAnswer(page);
    const other = await browser.newContext({ javaScriptEnabled, storageState: await page.context().storageState() });
    try {
      const behind = await other.newPage();
      await behind.goto(chatUrl);
      if (javaScriptEnabled) await waitForHydration(behind);
      await behind.getByRole("link", { name: "Edit" }).first().click();
      const box = behind.getByTestId("edit-form").getByRole("textbox");
      await box.fill("Epsilon question about lagoons instead");
      // Meanwhile the first tab starts an answer.
      await sendMessage(page, "Tell me at length about estuaries and their tides");
      await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");

      await behind.getByRole("button", { name: "Save & answer" }).click();
      await expect(behind.getByTestId("edit-refused")).toContainText("An answer is still being written in this chat.");
      // The words stay in the edit's own box, not the message box, where Enter would send them as a new message.
      await expect(box).toHaveValue("Epsilon question about lagoons instead");
      await expect(behind.getByRole("textbox", { name: "Message", exact: true })).toHaveValue("");
      await waitForAnswer(page);
      await behind.getByRole("button", { name: "Save & answer" }).click();
      await expect(behind.getByTestId("user-message").first().getByTestId("sibling-nav")).toContainText("2/2", { timeout: 20_000 });
      await expect(behind.getByTestId("user-message").first()).toContainText("Epsilon question about lagoons instead");
      await expect(behind.getByTestId("user-message")).toHaveCount(1);
    } finally {
      await other.close();
    }
  });
}

/** The page's tab goes to the background or comes back, as when another tab is chosen. */
async function setVisibility(page: Page, state: "hidden" | "visible"): Promise<void> {
  await page.evaluate((visibility) => {
    Object.defineProperty(document, "visibilityState", { value: visibility, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);
}

test("a tab brought back after a while shows what another tab did meanwhile", async ({ page, browser }) => {
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "Delta question about sandbars");
  await waitForAnswer(page);
  await waitForHydration(page);
  const other = await browser.newContext({ storageState: await page.context().storageState() });
  try {
    await setVisibility(page, "hidden");
    const elsewhere = await other.newPage();
    await elsewhere.goto(chatUrl);
    expect((await postForm(elsewhere, chatUrl, { intent: "rename", title: "Sandbars and shoals" })).status()).toBeLessThan(400);
    await elsewhere.reload();
    await sendMessage(elsewhere, "Another question from the other tab");
    await waitForAnswer(elsewhere);
    // Away long enough to have missed things (a glance of a moment reloads nothing).
    await page.waitForTimeout(AWAY_FOR_MS);
    await setVisibility(page, "visible");
    await expect(page.getByTestId("chat-title")).toHaveText("Sandbars and shoals");
    await expect(page.getByTestId("user-message").last()).toContainText("Another question from the other tab");
    await expect(page.getByRole("link", { name: "Sandbars and shoals" }).first()).toBeVisible();
  } finally {
    await other.close();
  }
});

test("a tab brought back while Parley cannot be reached keeps its chat, and shows what changed once Parley answers", async ({ page, browser, browserErrors }) => {
  browserErrors.allow(/net::ERR_INTERNET_DISCONNECTED/);
  await signUp(page);
  const answerEndReloaded = reloadedOnceReachable(page);
  const { chatUrl } = await newChatAndSend(page, "Gamma question about estuaries");
  await waitForAnswer(page);
  await waitForHydration(page);
  // Cut off while the answer's end reloads the page's data, the page would give way to the waiting page first.
  await answerEndReloaded;
  const other = await browser.newContext({ storageState: await page.context().storageState() });
  try {
    await setVisibility(page, "hidden");
    // A phone waking up: its page is back before its network, and the browser does not know it yet.
    const cutOff = await cutOffFromParley(page);
    const elsewhere = await other.newPage();
    await elsewhere.goto(chatUrl);
    expect((await postForm(elsewhere, chatUrl, { intent: "rename", title: "Estuaries and deltas" })).status()).toBeLessThan(400);
    await page.waitForTimeout(AWAY_FOR_MS);
    await setVisibility(page, "visible");
    await expect.poll(cutOff.checks, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect(page.getByText("Parley cannot be reached right now")).toHaveCount(0);
    await expect(page.getByTestId("user-message")).toContainText(["Gamma question about estuaries"]);
    // Parley answers again: what the other tab did shows.
    await cutOff.restore();
    await expect(page.getByTestId("chat-title")).toHaveText("Estuaries and deltas", { timeout: 15_000 });
  } finally {
    await other.close();
  }
});
