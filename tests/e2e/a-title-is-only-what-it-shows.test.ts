// A chat's title is only the characters it shows (docs/decisions/173): a
// direction control cannot make "Invoice FDP.exe" pass for "Invoice exe.PDF",
// and a title of invisible characters is refused as a blank one is. Put in the
// interface's own sentences, the tab's title and the names of its buttons, a
// title is isolated (docs/decisions/172): it keeps its own direction and
// leaves theirs alone. And it is as long as people count it: emoji whole.
import type { Page } from "@playwright/test";
import { expect, newChatAndSend, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";
import { isolate } from "../../app/i18n/isolate";

async function newChat(page: Page, text: string): Promise<void> {
  await signUp(page);
  await newChatAndSend(page, text);
  await waitForAnswer(page);
  await waitForHydration(page);
}

/** Renames the chat on screen from its header; the popup stays open when the title is refused. */
async function renameInHeader(page: Page, title: string): Promise<void> {
  const summary = page.getByTestId("chat-header").locator('summary[aria-label="Rename"]');
  if (!(await summary.evaluate((el) => (el.parentElement as HTMLDetailsElement).open))) await summary.click();
  await page.getByLabel("Chat title").fill(title);
  await page.getByLabel("Chat title").press("Enter");
}

test("a title's direction controls and invisible characters are left out, and a title of them alone is refused as blank", async ({ page, browserErrors }) => {
  // The refused titles come back as 400s.
  browserErrors.allowStatus(400);
  await newChat(page, "Invoices to pay this month");
  const header = page.getByTestId("chat-title");

  await renameInHeader(page, "Invoice \u202EFDP.exe");
  await expect(header).toHaveText("Invoice FDP.exe");
  const row = page.getByTestId("chat-list").getByRole("link", { name: "Invoice FDP.exe" });
  await expect(row).toHaveText("Invoice FDP.exe");
  await expect(page).toHaveTitle(`${isolate("Invoice FDP.exe")} · Parley`);

  for (const invisible of ["\u200b\u200b\u200b", "\u202e"]) {
    await renameInHeader(page, invisible);
    await expect(page.getByTestId("chat-header").getByRole("alert")).toHaveText("A title cannot be empty.");
    await expect(header).toHaveText("Invoice FDP.exe");
  }

  // The list's rename refuses it the same way.
  const menu = page.getByTestId("chat-list").getByTestId("chat-menu").first();
  await menu.locator("summary").click();
  await menu.locator("input[name=title]").fill("\u2066\u2069\u200b");
  await menu.getByRole("button", { name: "Rename" }).click();
  await expect(menu.getByRole("alert")).toHaveText("A title cannot be empty.");
  await expect(row).toHaveText("Invoice FDP.exe");
});

test("a title put in the interface's sentences, its tab and its buttons' names cannot reorder them", async ({ page }) => {
  await newChat(page, "Questions in Hebrew");
  const title = "מה נשמע?";
  await renameInHeader(page, title);
  await expect(page.getByTestId("chat-title")).toHaveText(title);

  // The tab: the title keeps its question mark, " · Parley" stays after it.
  await expect(page).toHaveTitle(`${isolate(title)} · Parley`);
  // The list's menu is named with the title apart from the words around it.
  await expect(page.getByTestId("chat-list").getByTestId("chat-menu").first().locator("summary")).toHaveAttribute("aria-label", `Options for ${isolate(title)}`);

  // Archived: the notice names it in a <bdi>, and its own words stay in their order after it.
  await page.getByTestId("chat-header").getByRole("button", { name: "Archive", exact: true }).click();
  const notice = page.getByTestId("just-archived");
  await expect(notice).toContainText(`“${title}” is archived: it is listed under Archived.`);
  const named = notice.locator("bdi");
  await expect(named).toHaveText(title);
  const [titleBox, sentence] = await Promise.all([named.boundingBox(), notice.locator("p").evaluate((p) => {
    const text = [...p.childNodes].find((node): node is Text => node instanceof Text && node.data.includes("is archived"))!;
    const range = document.createRange();
    range.setStart(text, text.data.indexOf("is archived"));
    range.setEnd(text, text.data.indexOf("is archived") + 2);
    return range.getBoundingClientRect().left;
  })]);
  expect(sentence).toBeGreaterThan(titleBox!.x + titleBox!.width);
});

test("a title is as long as people count it: emoji are never cut in two, and 120 characters is the limit", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await newChat(page, "A family trip");
  // Fifteen families are 105 characters as people type them (each is seven: four people, three joiners).
  const families = "👨‍👩‍👧‍👦".repeat(15);
  await renameInHeader(page, families);
  await expect(page.getByTestId("chat-title")).toHaveText(families);

  await renameInHeader(page, "t".repeat(121));
  await expect(page.getByTestId("chat-header").getByRole("alert")).toHaveText("Keep titles to 120 characters or fewer.");
  await expect(page.getByTestId("chat-title")).toHaveText(families);

  // Neither rename box cuts what is typed or pasted into it: the server says what is too long.
  await expect(page.getByLabel("Chat title")).not.toHaveAttribute("maxlength");
  await page.keyboard.press("Escape");
  const menu = page.getByTestId("chat-list").getByTestId("chat-menu").first();
  await menu.locator("summary").click();
  await expect(menu.locator("input[name=title]")).not.toHaveAttribute("maxlength");
});
