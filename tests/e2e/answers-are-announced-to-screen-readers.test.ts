// What a screen reader hears of an answer: a polite status when it starts
// (the first answer of a new chat too) and when it ends.
import type { Page } from "@playwright/test";
import { chooseModel, expect, sendThroughTheForm, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";
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
  // Both words come, in order, and nothing else (not every token).
  await expect.poll(async () => (await heard()).length).toBe(2);
  expect(await heard()).toEqual(["Writing an answer…", "The answer has ended."]);
});

test("an answer that fails is announced by its failure, not as ended", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await chooseModel(page, "mini", "GPT-4o mini");
  const marker = uniqueMarker("srf");
  await queueScripts("openai", marker, { status: 500 }, { status: 500 }, { status: 500 });
  const heard = await listenToAnnouncements(page);
  await sendThroughTheForm(page, `Fail for me ${marker}`);
  await waitForAnswer(page, "error");
  const failure = page.getByTestId("answer-problem");
  await expect(failure).toHaveText("OpenAI had a server error (HTTP 500). Regenerate to try again.");
  await page.waitForTimeout(300);
  expect(await heard()).toEqual(["Writing an answer…"]);
});
