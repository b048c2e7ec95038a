// Conversation trees: nothing is overwritten; edits and regenerations become
// branches the user can switch between — with JavaScript and without it.
// Answers come from the fake OpenAI upstream (instant, predictable echoes).
import type { Page } from "@playwright/test";
import { answerContent, chatIdOf, expect, lastAnswer, signUp, test, userMessages, waitForAnswer, sendThroughTheForm } from "./fixtures";
import { numberedTokens, queueScripts, requestsWith, uniqueMarker } from "./upstream";

const MODEL_ID = "openai:gpt-4o-mini";

/** Sends through the plain form (works with and without JavaScript): the <select> or the picker's hidden input. */
async function send(page: Page, text: string, { newChat = false } = {}): Promise<void> {
  if (newChat) await page.goto("/chats?new=1");
  await sendThroughTheForm(page, text, MODEL_ID);
}

async function editMessage(page: Page, index: number, text: string): Promise<void> {
  const message = page.getByTestId("user-message").nth(index);
  await message.getByRole("link", { name: "Edit" }).click();
  await message.getByLabel("Edit message").fill(text);
  await message.getByRole("button", { name: "Save & answer" }).click();
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";
  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test("editing a message keeps the old branch and the arrows switch versions", async ({ page }) => {
      await signUp(page);
      const m = uniqueMarker("ed");
      await send(page, `Apples ${m}`, { newChat: true });
      await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
      await waitForAnswer(page);
      await expect(answerContent(page)).toHaveText(`Echo: Apples ${m}`);

      await editMessage(page, 0, `Pears ${m}`);
      await waitForAnswer(page);
      await expect(userMessages(page)).toHaveText([`Pears ${m}`]);
      await expect(answerContent(page)).toHaveText(`Echo: Pears ${m}`);
      const nav = page.getByTestId("user-message").first().getByTestId("sibling-nav");
      await expect(nav).toContainText("2/2");
      // Read as words, not "2 slash 2".
      await expect(nav.getByText("version 2 of 2")).toHaveClass(/sr-only/);

      await nav.getByRole("button", { name: "Previous version" }).click();
      await expect(userMessages(page)).toHaveText([`Apples ${m}`]);
      await expect(answerContent(page)).toHaveText(`Echo: Apples ${m}`);
      await expect(page.getByTestId("user-message").first().getByTestId("sibling-nav")).toContainText("1/2");

      // The chat remembers the chosen branch.
      await page.reload();
      await expect(userMessages(page)).toHaveText([`Apples ${m}`]);
    });

    test("regenerating adds a sibling answer; the model only sees the active path", async ({ page }) => {
      await signUp(page);
      const m = uniqueMarker("rg");
      await send(page, `One ${m}`, { newChat: true });
      await waitForAnswer(page);
      await send(page, `Two ${m}`);
      await expect(userMessages(page)).toHaveCount(2);
      await waitForAnswer(page);
      await editMessage(page, 1, `Deux ${m}`);
      // Wait for the edited branch itself: the old answer is already complete.
      await expect(userMessages(page)).toHaveText([`One ${m}`, `Deux ${m}`]);
      await expect(answerContent(page)).toHaveText(`Echo: Deux ${m}`);
      await waitForAnswer(page);
      await lastAnswer(page).getByRole("button", { name: "Regenerate" }).click();
      await waitForAnswer(page);
      await expect(lastAnswer(page).getByTestId("sibling-nav")).toContainText("2/2");
      await lastAnswer(page).getByTestId("sibling-nav").getByRole("button", { name: "Previous version" }).click();
      await expect(lastAnswer(page).getByTestId("sibling-nav")).toContainText("1/2");

      // The regeneration's context held "Deux", never the other branch's "Two".
      const requests = await requestsWith("openai", m);
      const regen = requests[requests.length - 1]!.body.messages as { role: string; content: string }[];
      const userTurns = regen.filter((t) => t.role === "user").map((t) => t.content);
      expect(userTurns).toEqual([`One ${m}`, `Deux ${m}`]);
    });

    test("forking from a message starts an independent chat with the path up to it", async ({ page }) => {
      await signUp(page);
      const m = uniqueMarker("fk");
      await send(page, `Start ${m}`, { newChat: true });
      await waitForAnswer(page);
      await send(page, `Later ${m}`);
      await expect(userMessages(page)).toHaveCount(2);
      await waitForAnswer(page);
      const originalId = chatIdOf(page);
      await page.getByTestId("assistant-message").first().getByRole("button", { name: "Fork into a new chat" }).click();
      await expect(page).not.toHaveURL(new RegExp(originalId));
      await expect(page.getByTestId("chat-title")).toContainText("(fork)");
      await expect(userMessages(page)).toHaveText([`Start ${m}`]);
      await expect(page.getByTestId("assistant-message")).toHaveCount(1);
      // Independent: a new message in the fork does not appear in the original.
      await send(page, `Only in fork ${m}`);
      await waitForAnswer(page);
      await page.goto(`/chats/${originalId}`);
      await expect(userMessages(page)).toHaveText([`Start ${m}`, `Later ${m}`]);
    });

    test("deleting a branch removes it and shows its sibling", async ({ page }) => {
      await signUp(page);
      const m = uniqueMarker("db");
      await send(page, `Keep ${m}`, { newChat: true });
      await waitForAnswer(page);
      await editMessage(page, 0, `Drop ${m}`);
      await waitForAnswer(page);
      await expect(userMessages(page)).toHaveText([`Drop ${m}`]);
      const message = page.getByTestId("user-message").first();
      await message.getByTitle("Delete branch").click();
      await message.getByRole("button", { name: "Delete branch" }).click();
      await expect(userMessages(page)).toHaveText([`Keep ${m}`]);
      await expect(answerContent(page)).toHaveText(`Echo: Keep ${m}`);
      await expect(page.getByTestId("sibling-nav")).toHaveCount(0);
    });
  });
}

test("in a message being edited, Shift+Enter starts a line and Enter saves and answers, as in the message box", async ({ page }) => {
  await signUp(page);
  const m = uniqueMarker("enter");
  await send(page, `Plums ${m}`, { newChat: true });
  await waitForAnswer(page);
  const message = page.getByTestId("user-message").first();
  await message.getByRole("link", { name: "Edit" }).click();
  const box = message.getByLabel("Edit message");
  await expect(box).toBeFocused();
  await box.fill(`Cherries ${m}`);
  await box.press("Shift+Enter");
  await box.pressSequentially("and figs");
  await expect(box).toHaveValue(`Cherries ${m}\nand figs`);
  await box.press("Enter");
  await expect(userMessages(page)).toHaveText([`Cherries ${m}\nand figs`]);
  await waitForAnswer(page);
  await expect(page.getByTestId("user-message").first().getByTestId("sibling-nav")).toContainText("2/2");
});

test("the version arrows keep the focus: Enter steps through every version, then the other arrow takes over", async ({ page }) => {
  await signUp(page);
  const m = uniqueMarker("steps");
  await send(page, `Versions ${m}`, { newChat: true });
  await waitForAnswer(page);
  for (const count of [2, 3]) {
    await lastAnswer(page).getByRole("button", { name: "Regenerate" }).click();
    await waitForAnswer(page);
    await expect(lastAnswer(page).getByTestId("sibling-nav")).toContainText(`${count}/${count}`);
  }
  const nav = () => lastAnswer(page).getByTestId("sibling-nav");
  await nav().getByRole("button", { name: "Previous version" }).focus();
  // Whenever the page changes, where the focus is once that change is drawn: a key pressed then must reach an arrow,
  // never the page's body (the version switched to replaces the answer, and its arrows with it).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { focusSeen: string[] }).focusSeen = seen;
    new MutationObserver(() => {
      const active = document.activeElement;
      seen.push(active?.closest("[data-testid=sibling-nav]") ? "arrow" : (active?.tagName ?? "none"));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await page.keyboard.press("Enter");
  await expect(nav()).toContainText("2/3");
  await expect(nav().getByRole("button", { name: "Previous version" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(nav()).toContainText("1/3");
  // The first version has no previous one: its next arrow has the focus.
  await expect(nav().getByRole("button", { name: "Next version" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(nav()).toContainText("2/3");
  await expect(nav().getByRole("button", { name: "Next version" })).toBeFocused();
  const focusSeen = await page.evaluate(() => (window as unknown as { focusSeen: string[] }).focusSeen);
  expect(focusSeen.length).toBeGreaterThan(0);
  expect(focusSeen.filter((where) => where !== "arrow")).toEqual([]);
});

test("forking before the page has reloaded the answer shows only the fork's messages", async ({ page }) => {
  await signUp(page);
  const m = uniqueMarker("fq");
  await send(page, `Start ${m}`, { newChat: true });
  await waitForAnswer(page);
  const originalId = chatIdOf(page);
  // A slow link: the page's reload of this chat's data never comes back, so
  // the next message and its answer stay the page's own optimistic copies.
  await page.route(new RegExp(`/chats/${originalId}\\.data`), (route) => {
    if (route.request().method() !== "GET") return route.continue();
  });
  await send(page, `Later ${m}`);
  await expect(userMessages(page)).toHaveCount(2);
  await waitForAnswer(page);
  await page.getByTestId("assistant-message").first().getByRole("button", { name: "Fork into a new chat" }).click();
  await expect(page).not.toHaveURL(new RegExp(originalId));
  await expect(page.getByTestId("chat-title")).toContainText("(fork)");
  await expect(userMessages(page)).toHaveText([`Start ${m}`]);
  await expect(page.getByTestId("assistant-message")).toHaveCount(1);
});

test("an answer keeps streaming while another branch is shown, and can be followed again", async ({ page }) => {
  test.setTimeout(90_000); // the answer alone streams for 20 s
  await signUp(page);
  const m = uniqueMarker("bg");
  await send(page, `Short ${m}`, { newChat: true });
  await waitForAnswer(page);
  const tokens = numberedTokens(500, "t"); // 20 s: time to look away and back while it streams, on a busy machine too
  await queueScripts("openai", m, { tokens, tokenDelayMs: 40 });
  await editMessage(page, 0, `Long ${m}`);
  await expect(answerContent(page)).toContainText("t5 ");

  // Look at the other branch while the answer is being written. The keyboard, not the mouse: a pointer
  // waits for the button to stop moving, and the page follows the growing answer until it ends.
  await page.getByTestId("user-message").first().getByRole("button", { name: "Previous version" }).press("Enter");
  await expect(userMessages(page)).toHaveText([`Short ${m}`]);
  await expect(answerContent(page)).toHaveText(`Echo: Short ${m}`);
  const notice = page.getByTestId("streaming-elsewhere");
  await expect(notice).toContainText("still being written on another branch");
  await expect(page.getByRole("button", { name: "Send" })).toHaveCount(0);

  // Back to it: it is still streaming, and resumes from where it is now.
  await notice.getByRole("button", { name: "Show the answer being written" }).click();
  await expect(userMessages(page)).toHaveText([`Long ${m}`]);
  await expect(lastAnswer(page).getByTestId("streaming-indicator")).toBeVisible();
  await expect(answerContent(page)).toContainText("t60 ");

  // Away again until it ends: the notice goes by itself and the composer is free.
  await page.getByTestId("user-message").first().getByRole("button", { name: "Previous version" }).press("Enter");
  await expect(notice).toBeVisible();
  await expect(notice).toHaveCount(0, { timeout: 40_000 });
  await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();
  await page.getByTestId("user-message").first().getByRole("button", { name: "Next version" }).click();
  await expect(userMessages(page)).toHaveText([`Long ${m}`]);
  await expect(answerContent(page)).toHaveText(tokens.join("").trim());
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete");
});
