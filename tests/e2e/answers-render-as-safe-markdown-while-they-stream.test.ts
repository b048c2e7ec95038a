// Markdown answers while they stream and once they are done: tables, code and
// math render as they arrive, the sanitizing rules hold in both renderers
// (the browser's block-by-block one and the server's HTML), and a finished
// answer needs no markdown code in the browser.
import type { Page } from "@playwright/test";
import { answerContent, expect, lastAnswer, sendMessage, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";
import { queueScripts, uniqueMarker } from "./upstream";

const ANSWER = [
  "## Sizes",
  "",
  "Raw HTML stays text: <b>not bold</b> <img src=x onerror=alert(1)>.",
  "",
  "[a safe link](https://example.com/docs) and [a bad one](javascript:alert(1)) and ![a pixel](https://tracker.invalid/pixel.png)",
  "",
  "| name | size |",
  "|---|---|",
  "| alpha | 1 |",
  "| beta | 2 |",
  "",
  "```ts",
  "const total: number = sizes.reduce((a, b) => a + b, 0);",
  "```",
  "",
  "$$",
  "\\frac{n(n-1)}{2}",
  "$$",
  "",
  "Done.",
].join("\n");

/** Word-ish tokens, so the answer arrives in many pieces (half a table, an open code fence…). */
function tokens(text: string): string[] {
  return text.match(/\s+|\S{1,3}/g) ?? [];
}

async function pickGptMini(page: Page): Promise<void> {
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  await page.getByLabel("Search models").fill("mini");
  await page.getByRole("option", { name: "GPT-4o mini" }).click();
}

/** A new user asks GPT-4o mini (the fake) for ANSWER, a token every `tokenDelayMs`. */
async function askForTheSizes(page: Page, tokenDelayMs: number): Promise<void> {
  const marker = uniqueMarker("md");
  await queueScripts("openai", marker, { tokens: tokens(ANSWER), tokenDelayMs });
  await signUp(page);
  await page.goto("/chats?new=1");
  await pickGptMini(page);
  await sendMessage(page, `Show me the sizes ${marker}`);
}

async function expectRenderedSafely(page: Page): Promise<void> {
  const content = answerContent(page);
  await expect(content.getByRole("heading", { name: "Sizes" })).toBeVisible();
  await expect(content.locator("table th")).toHaveText(["name", "size"]);
  await expect(content.locator("table tbody tr")).toHaveCount(2);
  await expect(content.locator("pre code.hljs.language-ts .hljs-keyword").first()).toHaveText("const");
  await expect(content.locator(".katex-display .katex-mathml annotation")).toContainText("\\frac{n(n-1)}{2}");
  // Raw HTML is shown as text; nothing it names is in the page.
  await expect(content).toContainText("<b>not bold</b>");
  await expect(content.locator("b, img, script")).toHaveCount(0);
  // Only safe link schemes keep an address; the image is a link the user may open.
  await expect(content.getByRole("link", { name: "a safe link" })).toHaveAttribute("href", "https://example.com/docs");
  await expect(content.locator('a[href^="javascript"]')).toHaveCount(0);
  // The bad link is left as its words, not an anchor that would open the page again.
  await expect(content.getByText("a bad one")).toBeVisible();
  await expect(content.getByRole("link", { name: "a bad one" })).toHaveCount(0);
  await expect(content.getByRole("link", { name: "[image: a pixel]" })).toHaveAttribute("href", "https://tracker.invalid/pixel.png");
}

test("a markdown answer renders as it streams, safely, and the same from the server once it is done", async ({ page }) => {
  const remote: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("http://127.0.0.1")) remote.push(request.url());
  });
  await askForTheSizes(page, 60);
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);

  // Mid-stream, a table is a table as soon as its header row is in.
  await expect(answerContent(page).locator("table th").first()).toHaveText("name", { timeout: 20_000 });
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  await waitForAnswer(page);
  await expectRenderedSafely(page);

  // A fresh page gets the server's HTML: the same markup, and no markdown code loaded for it.
  await page.reload();
  await waitForHydration(page);
  await expectRenderedSafely(page);
  const scripts = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((name) => name.endsWith(".js")));
  expect(scripts.filter((name) => /\/assets\/(blocks|rich-math|rich-highlight)-/.test(name))).toEqual([]);
  expect(remote, "the page asked a remote host for something").toEqual([]);
});

// A browser may ask for the failed script again (newer Chromium) or keep its failure (older ones keep a failed
// import failed): either way the answer, once done, shows its code highlighted (then from the server's HTML).
test("highlighting that fails to load (the connection dropped) does not leave the code plain once the answer is done", async ({ page, browserErrors }) => {
  // The one refused load, as Chromium reports it; an uncaught error would still fail the test.
  browserErrors.allow(/Failed to load resource: net::ERR_INTERNET_DISCONNECTED/);
  let asked = 0;
  await page.route(/\/assets\/rich-highlight-[^/]+\.js$/, (route) => (asked++ === 0 ? route.abort("internetdisconnected") : route.continue()));
  await askForTheSizes(page, 20);
  await waitForAnswer(page);
  await expect(answerContent(page).locator("pre code.hljs.language-ts .hljs-keyword").first()).toHaveText("const", { timeout: 15_000 });
  expect(asked).toBeGreaterThanOrEqual(1);
});

test("Tab stops at a code block or a table only when it is wider than the answer and scrolls", async ({ page }) => {
  const marker = uniqueMarker("tb");
  const wide = `const line = "${"x".repeat(400)}";`;
  const answer = ["```sh", "ls", "```", "", "```ts", wide, "```", "", "| a | b |", "|---|---|", "| 1 | 2 |", "", "Done."].join("\n");
  await queueScripts("openai", marker, { tokens: tokens(answer), tokenDelayMs: 2 });
  await signUp(page);
  await page.goto("/chats?new=1");
  await pickGptMini(page);
  await sendMessage(page, `Show me code ${marker}`);
  await waitForAnswer(page);
  const content = answerContent(page);
  await expect(content.locator("table")).toBeVisible();
  const copyButtons = content.locator("[data-copy-code]");
  await expect(copyButtons).toHaveCount(2);
  const focused = () => page.evaluate(() => {
    const element = document.activeElement;
    return element ? `${element.tagName.toLowerCase()}:${(element.textContent ?? "").slice(0, 12)}` : "";
  });

  // From the short block's Copy button: back skips the short block, on comes the wide one.
  await copyButtons.first().focus();
  await page.keyboard.press("Tab");
  await expect(content.locator("pre").nth(1)).toBeFocused();
  // A screen reader hears what it is, not its whole text.
  await expect(content.locator("pre").nth(1)).toHaveAccessibleName(/^Code(, \w+)?$/);
  // Focused, it scrolls by the arrows.
  await page.keyboard.press("ArrowRight");
  const wideBlock = content.locator("pre").nth(1);
  // The browser animates an arrow's scroll: wait for it to end (the same offset 200 ms apart), or what it has left to
  // go lands after the Home below.
  const settledScroll = () =>
    wideBlock.evaluate((pre) => new Promise<number>((resolve) => {
      const before = pre.scrollLeft;
      setTimeout(() => resolve(pre.scrollLeft === before ? before : -1), 200);
    }));
  await expect.poll(settledScroll).toBeGreaterThan(0);
  // End and Home go to its end and back to its start.
  await page.keyboard.press("End");
  await expect.poll(() => wideBlock.evaluate((pre) => pre.scrollWidth - pre.clientWidth - pre.scrollLeft)).toBeLessThan(2);
  await page.keyboard.press("Home");
  await expect.poll(() => wideBlock.evaluate((pre) => pre.scrollLeft)).toBe(0);
  await page.keyboard.press("Tab");
  await expect(copyButtons.nth(1)).toBeFocused();
  // The small table fits: the next stop is past it.
  await page.keyboard.press("Tab");
  await expect(content.locator("table")).not.toBeFocused();
  expect(await focused()).not.toMatch(/^table:/);
  await copyButtons.first().focus();
  await page.keyboard.press("Shift+Tab");
  await expect(content.locator("pre").first()).not.toBeFocused();

  // A table that grows wider than the answer (a cell that does not wrap) becomes a stop.
  await content.locator("table td").first().evaluate((cell) => {
    cell.style.whiteSpace = "nowrap";
    cell.textContent = "wide ".repeat(300);
  });
  await copyButtons.nth(1).focus();
  await page.keyboard.press("Tab");
  await expect(content.locator("table")).toBeFocused();
});

test("an answer cut short mid-markup ends as it was shown while written, on this page and after a reload", async ({ page }) => {
  const marker = uniqueMarker("cut");
  const words = ["Rivers ", "are ", "**very ", "long ", "and "];
  for (let i = 1; i <= 200; i++) words.push(`wide${i} `);
  await queueScripts("openai", marker, { tokens: words, tokenDelayMs: 40 });
  await signUp(page);
  await page.goto("/chats?new=1");
  await pickGptMini(page);
  await sendMessage(page, `Describe rivers ${marker}`);
  const bold = answerContent(page).locator("strong");
  // While written, the open ** is already bold.
  await expect(bold).toContainText("very long and wide1");
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");
  // Stopped, it stays bold here: no ** left in the words.
  await expect(bold).toContainText("very long and wide1");
  await expect(answerContent(page)).not.toContainText("**");
  const shown = await answerContent(page).innerText();
  await page.reload();
  await expect(bold).toContainText("very long and wide1");
  await expect(answerContent(page)).toHaveText(shown);
});
