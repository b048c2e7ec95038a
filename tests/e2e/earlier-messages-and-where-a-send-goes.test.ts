// A long chat opens at its latest messages and pages back. From an earlier
// page, a message sent goes to the end of the chat, and the page follows it
// there; a version switched to there stays in view; without JavaScript, Edit
// on an earlier page opens on that page.
import type { Page } from "@playwright/test";
import { composer, CHAT_URL, expect, lastAnswer, signUp, test, userMessages, waitForAnswer, waitForHydration } from "./fixtures";

const TURNS = 20;

/** A ChatGPT export of one conversation of TURNS questions and answers, in a line. */
function longConversation(title: string, { secondVersion = false } = {}): string {
  const mapping: Record<string, unknown> = { root: { id: "root", parent: null, children: secondVersion ? ["q0", "v0"] : ["q0"], message: null } };
  const line = (q: string, a: string, question: (i: number) => string, answer: (i: number) => string, start: number) => {
    for (let i = 0; i < TURNS; i++) {
      const at = start + i * 10;
      mapping[`${q}${i}`] = { id: `${q}${i}`, parent: i === 0 ? "root" : `${a}${i - 1}`, children: [`${a}${i}`], message: { author: { role: "user" }, create_time: at, content: { content_type: "text", parts: [question(i)] } } };
      mapping[`${a}${i}`] = { id: `${a}${i}`, parent: `${q}${i}`, children: i + 1 < TURNS ? [`${q}${i + 1}`] : [], message: { author: { role: "assistant" }, create_time: at + 1, content: { content_type: "text", parts: [answer(i)] }, metadata: { model_slug: "gpt-4o" } } };
    }
  };
  line("q", "a", (i) => `Question number ${i}`, (i) => `Answer number ${i}`, 1_700_000_000);
  // Another version of the first question, with as long a talk below it.
  if (secondVersion) line("v", "w", (i) => `Other question ${i}`, (i) => `Other answer ${i}`, 1_700_001_000);
  return JSON.stringify([{ title, conversation_id: `e2e-long-${title}`, create_time: 1_700_000_000, update_time: 1_700_000_500, current_node: `a${TURNS - 1}`, mapping }]);
}

async function importLongChat(page: Page, title: string, options: { secondVersion?: boolean } = {}): Promise<string> {
  await page.goto("/settings/data");
  await page.getByLabel(/Export file/).setInputFiles({ name: "conversations.json", mimeType: "application/json", buffer: Buffer.from(longConversation(title, options)) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toContainText("Imported 1 conversation");
  await page.goto("/chats");
  await page.getByRole("link", { name: title }).first().click();
  await expect(page).toHaveURL(CHAT_URL);
  return new URL(page.url()).pathname;
}

test("a message sent from an earlier page goes to the end of the chat, and the page follows it there", async ({ page }) => {
  await signUp(page);
  const chatPath = await importLongChat(page, "A long talk");
  await expect(userMessages(page).last()).toHaveText(`Question number ${TURNS - 1}`);
  await page.getByRole("link", { name: "Load earlier messages" }).click();
  await expect(page).toHaveURL(/\?before=/);
  await expect(userMessages(page).first()).toHaveText("Question number 0");
  // The way back to the latest is at the end of the page too, right above the composer.
  await expect(page.getByTestId("later-messages")).toBeVisible();
  // Nothing comes before the first message: the chat itself. A message of no chat of this one's: not found.
  const firstId = await page.getByTestId("user-message").first().getAttribute("data-message-id");
  const beforeFirst = await page.request.get(`${chatPath}?before=${firstId}`, { maxRedirects: 0 });
  expect(beforeFirst.status()).toBe(302);
  expect(beforeFirst.headers().location).toBe(chatPath);
  expect((await page.request.get(`${chatPath}?before=zzzzzzzzzzzzzzzzzzzz`, { maxRedirects: 0 })).status()).toBe(404);

  await waitForHydration(page);
  await composer(page).fill("A new question at the end");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(chatPath);
  await expect(userMessages(page).last()).toHaveText("A new question at the end");
  // The page is at the new message, not at the top of the latest page.
  await expect(userMessages(page).last()).toBeInViewport();
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete");
  await expect(userMessages(page).nth(-2)).toHaveText(`Question number ${TURNS - 1}`);
});

test("a version switched to on an earlier page stays in view with its answer, though the talk below it is longer than a page", async ({ page }) => {
  await signUp(page);
  const chatPath = await importLongChat(page, "Two long talks", { secondVersion: true });
  await page.getByRole("link", { name: "Load earlier messages" }).click();
  await expect(page).toHaveURL(/\?before=/);
  await waitForHydration(page);
  const first = page.getByTestId("user-message").filter({ hasText: "Question number 0" });
  await expect(first.getByTestId("sibling-nav")).toContainText("/2");
  // Whichever arrow leads to the other version.
  await first.getByTestId("sibling-nav").getByRole("button", { disabled: false }).click();
  const other = page.getByTestId("user-message").filter({ hasText: "Other question 0" });
  await expect(other).toBeInViewport();
  await expect(page.getByTestId("assistant-message").filter({ hasText: "Other answer 0" })).toBeInViewport();
  await expect(page).toHaveURL(new RegExp(`${chatPath}\\?before=`));
  // The arrow keeps the focus: Enter goes back to the first version, in view again.
  await expect(other.getByTestId("sibling-nav").getByRole("button", { disabled: false })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("user-message").filter({ hasText: "Question number 0" })).toBeInViewport();
  await expect(page.getByTestId("assistant-message").filter({ hasText: "Answer number 0" })).toBeInViewport();
  // The link back leads to the end of the branch now shown.
  await page.getByTestId("later-messages").click();
  await expect(userMessages(page).last()).toHaveText(`Question number ${TURNS - 1}`);
});

test("without JavaScript, Edit on an earlier page opens the edit box on that page", async ({ page, browser }) => {
  await signUp(page);
  await importLongChat(page, "A long talk, edited");
  await page.getByRole("link", { name: "Load earlier messages" }).click();
  await expect(page).toHaveURL(/\?before=/);
  const earlierUrl = page.url();
  const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  try {
    const plain = await noJs.newPage();
    await plain.goto(earlierUrl);
    const oldest = plain.getByTestId("user-message").filter({ hasText: "Question number 0" });
    await oldest.getByRole("link", { name: "Edit" }).click();
    await expect(plain).toHaveURL(/\?before=[^&]+&edit=/);
    await expect(plain.getByTestId("edit-form")).toBeVisible();
    await expect(plain.getByTestId("edit-form").locator("textarea")).toHaveValue("Question number 0");
  } finally {
    await noJs.close();
  }
});
