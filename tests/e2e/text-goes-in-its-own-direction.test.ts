// Text is laid out in the direction of its own words (docs/decisions/172): an
// answer's Hebrew or Arabic paragraphs, list items, headings, quotes and table
// cells read right to left, with their punctuation at their end, their list
// numbers and quote bar on their right; English ones stay as they were; code
// and formulas read left to right wherever they are. So do the boxes people
// type in, their own messages, and the titles they gave their chats.
import type { Locator, Page } from "@playwright/test";
import { answerContent, composer, expect, lastAnswer, sendMessage, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";
import { queueScripts, uniqueMarker } from "./upstream";

const HEBREW = "אני בסדר, תודה! איך אפשר לעזור?";
const ARABIC = "مرحبا! هذا نص عربي مع كلمة English في الوسط، ورقم 123.";
const ANSWER = [
  "## כותרת בעברית",
  "",
  HEBREW,
  "",
  ARABIC,
  "",
  "1. פריט ראשון",
  "2. פריט שני",
  "",
  "> ציטוט קצר מהספר",
  "",
  "| שם | גודל |",
  "|---|---|",
  "| אלף | 1 |",
  "",
  "عربي: $E = mc^2$ نهاية",
  "",
  "`npm install` ثم شغّل البرنامج",
  "",
  "An English paragraph, left to right as ever.",
  "",
  "- An English item",
  "",
  "```sh",
  "ls -la",
  "```",
].join("\n");

/** Word-ish tokens, so the answer arrives in pieces and is drawn by the live renderer first. */
function tokens(text: string): string[] {
  return text.match(/\s+|\S{1,4}/g) ?? [];
}

/** A new user asks GPT-4o mini (the fake) in Hebrew; it answers ANSWER. */
async function askInHebrew(page: Page): Promise<void> {
  const marker = uniqueMarker("rtl");
  await queueScripts("openai", marker, { tokens: tokens(ANSWER), tokenDelayMs: 5 });
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  await page.getByLabel("Search models").fill("mini");
  await page.getByRole("option", { name: "GPT-4o mini" }).click();
  await sendMessage(page, `שלום, מה שלומך? ${marker}`);
  await waitForAnswer(page);
}

const rtl = (locator: Locator) => expect(locator).toHaveCSS("direction", "rtl");
const ltr = (locator: Locator) => expect(locator).toHaveCSS("direction", "ltr");

/** Where the first and the last character of an element's text are drawn, left to right. */
function ends(locator: Locator): Promise<{ first: { left: number; right: number }; last: { left: number; right: number } }> {
  return locator.evaluate((el) => {
    const text = [...(function* walk(node: Node): Generator<Text> {
      if (node instanceof Text && node.data.trim()) yield node;
      for (const child of node.childNodes) yield* walk(child);
    })(el)];
    const rectOf = (node: Text, offset: number) => {
      const range = document.createRange();
      range.setStart(node, offset);
      range.setEnd(node, offset + 1);
      const { left, right } = range.getBoundingClientRect();
      return { left, right };
    };
    const firstNode = text[0]!;
    const lastNode = text.at(-1)!;
    return { first: rectOf(firstNode, firstNode.data.search(/\S/)), last: rectOf(lastNode, lastNode.data.trimEnd().length - 1) };
  });
}

async function expectEachBlockInItsDirection(content: Locator): Promise<void> {
  // Laid out whole: the formula's renderer has come (a live answer loads it when it first needs it).
  await expect(content.locator(".katex")).toBeVisible();
  await rtl(content.getByRole("heading", { name: "כותרת בעברית" }));

  // The question mark ends the Hebrew sentence: on its left. The Arabic sentence ends with its full stop on the left.
  const hebrew = content.locator("p", { hasText: "אני בסדר" });
  await rtl(hebrew);
  const hebrewEnds = await ends(hebrew);
  expect(hebrewEnds.last.right).toBeLessThanOrEqual(hebrewEnds.first.left);
  const arabic = content.locator("p", { hasText: "مرحبا" });
  await rtl(arabic);
  const arabicEnds = await ends(arabic);
  expect(arabicEnds.last.right).toBeLessThanOrEqual(arabicEnds.first.left);

  // A Hebrew list's numbers are on the right: each item is indented from the right.
  const list = content.locator("ol");
  const items = list.locator("li");
  await expect(items).toHaveCount(2);
  for (const item of await items.all()) await rtl(item);
  const [listBox, itemBox] = [(await list.boundingBox())!, (await items.first().boundingBox())!];
  expect(listBox.x + listBox.width - (itemBox.x + itemBox.width)).toBeGreaterThan(15);
  expect(itemBox.x - listBox.x).toBeLessThan(1);

  // A Hebrew quote's bar is on its right.
  const quote = content.locator("blockquote");
  await rtl(quote);
  await expect(quote).toHaveCSS("border-right-width", "3px");
  await expect(quote).toHaveCSS("border-left-width", "0px");

  // A Hebrew table's cells read right to left, its first column on the right.
  for (const cell of await content.locator("th, td", { hasText: /[א-ת]/ }).all()) await rtl(cell);
  const [name, size] = [(await content.locator("th").first().boundingBox())!, (await content.locator("th").last().boundingBox())!];
  expect(name.x).toBeGreaterThan(size.x);

  // Code is left to right, and does not turn the Arabic words after it left to right.
  const withCode = content.locator("p", { hasText: "npm install" });
  await rtl(withCode);
  await ltr(withCode.locator("code"));
  await ltr(content.locator("pre"));

  // English stays as it was: left to right, its list indented from the left.
  await ltr(content.locator("p", { hasText: "An English paragraph" }));
  const englishItem = content.locator("ul > li", { hasText: "An English item" });
  await ltr(englishItem);
  const [englishList, englishBox] = [(await content.locator("ul").boundingBox())!, (await englishItem.boundingBox())!];
  expect(englishBox.x - englishList.x).toBeGreaterThan(15);
}

test("an answer's blocks each read in the direction of their own words, as it is written and from the server", async ({ page }) => {
  await askInHebrew(page);
  // Drawn by the browser as it arrived…
  await expectEachBlockInItsDirection(answerContent(page));
  // …and as the server renders it.
  await page.reload();
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete");
  await expectEachBlockInItsDirection(answerContent(page));
});

test("a formula among right-to-left words keeps its place and reads left to right", async ({ page }) => {
  await askInHebrew(page);
  await page.reload();
  const paragraph = answerContent(page).locator("p", { hasText: "نهاية" });
  const formula = paragraph.locator(".katex");
  await rtl(paragraph);
  await ltr(formula);
  await expect(formula).toHaveCSS("unicode-bidi", "isolate");
  // عربي: on the formula's right (it comes first), نهاية on its left, and E before m inside it.
  const where = await paragraph.evaluate((p) => {
    const box = (text: string) => {
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT, { acceptNode: (node) => (node.parentElement?.closest(".katex-mathml") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT) });
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = (node as Text).data.indexOf(text);
        if (at === -1) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + text.length);
        const { left, right } = range.getBoundingClientRect();
        return { left, right };
      }
      throw new Error(`no ${text}`);
    };
    return { before: box("عربي"), after: box("نهاية"), e: box("E"), m: box("m") };
  });
  const formulaBox = (await formula.boundingBox())!;
  expect(where.before.left).toBeGreaterThanOrEqual(formulaBox.x + formulaBox.width - 1);
  expect(where.after.right).toBeLessThanOrEqual(formulaBox.x + 1);
  expect(where.e.right).toBeLessThanOrEqual(where.m.left + 1);
});

test("what people type, their messages and their chats' titles read in the direction of their words", async ({ page }) => {
  await askInHebrew(page);
  const isRtl = (locator: Locator) => locator.evaluate((el) => el.matches(":dir(rtl)"));

  // Their message, as sent.
  const bubble = page.getByTestId("user-message").locator(":scope > div").first();
  await expect(bubble).toHaveAttribute("dir", "auto");
  expect(await isRtl(bubble)).toBe(true);

  // The message box, and the box a message is edited in.
  await expect(composer(page)).toHaveAttribute("dir", "auto");
  await composer(page).fill("טקסט בעברית");
  expect(await isRtl(composer(page))).toBe(true);
  await composer(page).fill("English text");
  expect(await isRtl(composer(page))).toBe(false);
  await composer(page).fill("");
  await page.getByTestId("user-message").hover();
  await page.getByTestId("user-message").getByRole("link", { name: "Edit", exact: true }).click();
  const edit = page.getByLabel("Edit message");
  await expect(edit).toHaveAttribute("dir", "auto");
  expect(await isRtl(edit)).toBe(true);
  await edit.press("Escape");

  // A title in Hebrew, in the header and the list, and the rename box.
  await page.getByTestId("chat-header").locator('summary[aria-label="Rename"]').click();
  const title = page.getByLabel("Chat title");
  await expect(title).toHaveAttribute("dir", "auto");
  await title.fill("שיחה על ספרים?");
  expect(await isRtl(title)).toBe(true);
  await title.press("Enter");
  const header = page.getByTestId("chat-title");
  await expect(header).toHaveText("שיחה על ספרים?");
  expect(await isRtl(header)).toBe(true);
  const row = page.getByTestId("chat-list").getByText("שיחה על ספרים?");
  expect(await isRtl(row)).toBe(true);
  const menu = page.getByTestId("chat-list").getByTestId("chat-menu").first();
  await menu.locator("summary").click();
  await expect(menu.locator("input[name=title]")).toHaveAttribute("dir", "auto");
  await page.keyboard.press("Escape");

  // The quick switcher's box and its titles.
  await page.keyboard.press("Control+k");
  const dialog = page.getByRole("dialog", { name: "Jump to a chat or message" });
  const box = dialog.getByRole("combobox");
  await expect(box).toHaveAttribute("dir", "auto");
  await page.keyboard.type("שיחה");
  expect(await isRtl(box)).toBe(true);
  const option = dialog.getByRole("option").first();
  await expect(option).toContainText("שיחה על ספרים?");
  expect(await isRtl(option.getByText("שיחה על ספרים?"))).toBe(true);
  await page.keyboard.press("Escape");

  // The search page's box and the titles it finds.
  await page.goto(`/search?q=${encodeURIComponent("שיחה")}`);
  await expect(page.getByLabel("Search your chats")).toHaveAttribute("dir", "auto");
  const found = page.getByTestId("search-chat-title").first();
  await expect(found).toHaveText("שיחה על ספרים?");
  expect(await isRtl(found)).toBe(true);
});
