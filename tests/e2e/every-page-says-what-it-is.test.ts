// Each page has its own title; the offline model is named once ("Demo
// (offline)"), its speed reads "< 1 ms" rather than "0 ms", and it titles a
// chat with the question's first words, as a person would.
import { expect, lastAnswer, newChatAndSend, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";
import { isolate } from "../../app/i18n/isolate";

test.describe.configure({ timeout: 120_000 });

test("the chat list, the archive and a new chat each have their own title", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats");
  await expect(page).toHaveTitle("Chats · Parley");
  await page.goto("/chats?archived=1");
  await expect(page).toHaveTitle("Archived chats · Parley");
  await page.goto("/chats?new=1");
  await expect(page).toHaveTitle("New chat · Parley");
});

test("the demo model is named once, and its chat gets a title made of the question's first words", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await expect(page.getByTestId("model-picker")).toHaveText("Demo (offline) ▾");
  await newChatAndSend(page, "Explain TypeScript generics with an example of a binary tree");
  await waitForAnswer(page);
  await expect(lastAnswer(page).getByTestId("answer-stats")).toHaveText(/TTFT (< 1|\d+) ms/);
  await expect(lastAnswer(page).getByTestId("answer-stats")).not.toHaveText(/TTFT 0 ms/);
  // The title is made once the answer has ended: a reload shows it.
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByTestId("chat-title").innerText();
    })
    .toBe("Explain TypeScript generics with an example");
  await expect(page).toHaveTitle(`${isolate("Explain TypeScript generics with an example")} · Parley`);
});

test("every page starts with a skip link to its main content, and has its landmarks", async ({ page }) => {
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "Landmarks please");
  await waitForAnswer(page);
  await page.goto(chatUrl);
  await waitForHydration(page);
  // It is the first thing in the page's tab order (the composer holds the focus on arrival, so go to it directly).
  const skip = page.getByRole("link", { name: "Skip to the conversation" });
  expect(await page.evaluate(() => document.querySelector("a[href], button, input, textarea, select, summary")?.textContent)).toBe("Skip to the conversation");
  await skip.focus();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("#main")).toBeFocused();
  await expect(page.getByRole("main")).toHaveCount(1);
  await expect(page.getByRole("navigation", { name: "Chats" })).toHaveCount(1);

  await page.goto("/chats");
  expect(await page.evaluate(() => document.querySelector("a[href], button, input, textarea, select, summary")?.textContent)).toBe("Skip to the main content");
  await expect(page.getByRole("main")).toHaveCount(1);
  // On a narrow screen (or zoomed to 200 %) /chats is the chat list alone: no skip link to a hidden column.
  await page.setViewportSize({ width: 640, height: 800 });
  await expect(page.locator("#main")).toBeHidden();
  await expect(page.locator(".skip-link")).toBeHidden();
  // The list is then the page's main content, and its name the page's heading.
  await expect(page.getByRole("main")).toHaveCount(1);
  await expect(page.getByRole("main").getByRole("navigation", { name: "Chats" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Chats");
  // Held sideways (or zoomed in), the column scrolls as a whole: the list is not squeezed to a row above the account links.
  await page.setViewportSize({ width: 640, height: 360 });
  const list = page.getByTestId("chat-list");
  expect(await list.evaluate((ul) => ul.scrollHeight <= ul.clientHeight)).toBe(true);
  expect((await list.boundingBox())!.height).toBeGreaterThan(30);
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.locator(".skip-link")).toBeAttached();
  // Side by side, the page has one heading of the first level: the new chat's, not the list's too.
  await expect(page.getByRole("heading", { level: 1 })).toHaveCount(1);
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Chats");
  // A page with nothing focused on arrival: the first Tab reaches the skip link.
  // (A key pressed while React still hydrates the page can trip React 18's own "Root did not complete" error: the
  // Tab waits for React's first commit, told through the hook React offers its developer tools.)
  await page.addInitScript(() => {
    const seen = window as unknown as { __REACT_DEVTOOLS_GLOBAL_HOOK__: object; reactCommitted: boolean };
    seen.reactCommitted = false;
    seen.__REACT_DEVTOOLS_GLOBAL_HOOK__ = { supportsFiber: true, inject: () => 1, onCommitFiberRoot: () => (seen.reactCommitted = true), onCommitFiberUnmount: () => {}, onPostCommitFiberRoot: () => {} };
  });
  await page.goto("/settings/keys");
  await page.waitForFunction(() => (window as unknown as { reactCommitted: boolean }).reactCommitted);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to the main content" })).toBeFocused();
  await expect(page.getByRole("main")).toHaveCount(1);
});
