// What a screen reader hears of an answer: a polite status when it starts
// (the first answer of a new chat too) and when it ends, and a failure as an
// alert with its reason, since a status region inserted with its words
// already in is not read out.
import type { Page } from "@playwright/test";
import { expect, lastAnswer, sendThroughTheForm, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";
import { numberedTokens, queueScripts, uniqueMarker } from "./upstream";

/** Every text the answer announcement takes, in order, from now on. */
async function listenToAnnouncements(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const heard: string[] = [];
    (window as unknown as { heard: string[] }).heard = heard;
    const observe = () => {
      const region = document.querySelector("[data-testid=answer-announcement]");
      if (!region) return false;
      new MutationObserver(() => heard.push(region.textContent ?? "")).observe(region, { childList: true, characterData: true, subtree: true });
      if (region.textContent) heard.push(region.textContent);
      return true;
    };
    // The chat page (and its region) comes after a new chat's first send.
    if (!observe()) {
      const waiting = new MutationObserver(() => observe() && waiting.disconnect());
      waiting.observe(document.body, { childList: true, subtree: true });
    }
  });
  return () => page.evaluate(() => (window as unknown as { heard: string[] }).heard.filter(Boolean));
}

test("a new chat's first answer is announced as it starts and as it ends", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const marker = uniqueMarker("sr");
  await queueScripts("openai", marker, { tokens: numberedTokens(20, "tok"), tokenDelayMs: 40 });
  const heard = await listenToAnnouncements(page);
  await sendThroughTheForm(page, `Count ${marker}`);
  await waitForAnswer(page);
  await expect.poll(heard).toEqual(["Writing an answer…", "The answer has ended."]);
});

test("an answer that fails is announced as an alert with its reason", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(500);
  await signUp(page);
  const marker = uniqueMarker("sf");
  await queueScripts("openai", marker, { tokens: numberedTokens(30, "tok"), tokenDelayMs: 30, errorAfterTokens: 5 });
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  // Watched from before the send: once the page reloads its data after the failure, the same words are a plain status.
  const alerted = page.locator('[data-testid="answer-problem"][role="alert"]').waitFor({ state: "attached", timeout: 30_000 });
  await sendThroughTheForm(page, `Fail ${marker}`);
  await alerted;
  await waitForAnswer(page, "error");
  await expect(lastAnswer(page).getByTestId("answer-problem")).toContainText("Continue or regenerate to try again.");
  // Read later (the page loaded afresh), it is no alarm: a plain status.
  await page.reload();
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveAttribute("role", "status");
});
