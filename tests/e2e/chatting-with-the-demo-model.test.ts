import {
  answerContent,
  answerMessageId,
  answerText,
  chatIdOf,
  composer,
  demoAnswerTo,
  expect,
  lastAnswer,
  readStream,
  sendMessage,
  signUp,
  test,
  userMessages,
  waitForAnswer,
  waitForAnswerToReach,
  waitForHydration,
} from "./fixtures";
import { numberedTokens, queueScripts, uniqueMarker } from "./upstream";

interface Sample {
  length: number;
  streaming: boolean;
  stop: boolean;
  send: boolean;
  focused: boolean;
}

test("a new user's first message streams an answer that ends as rendered markdown with stats", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  // A page that shows no math does not load KaTeX's stylesheet.
  await expect(page.locator('link[rel="stylesheet"][href*="katex"]')).toHaveCount(0);

  // Sample the page on every DOM change: how long the answer's text is, whether the "writing…" indicator
  // shows, whether Stop stands where Send was, and whether the box has the focus.
  await page.evaluate(() => {
    const samples: Sample[] = [];
    (window as unknown as { answerSamples: typeof samples }).answerSamples = samples;
    new MutationObserver(() => {
      const answer = [...document.querySelectorAll<HTMLElement>("[data-testid=assistant-message]")].pop();
      if (!answer) return;
      const content = answer.querySelector<HTMLElement>("[data-testid=answer-content]");
      samples.push({
        length: content?.innerText.length ?? 0,
        streaming: !!answer.querySelector("[data-testid=streaming-indicator]"),
        stop: !!document.querySelector('button[aria-label="Stop generating"]'),
        send: [...document.querySelectorAll("button")].some((button) => button.textContent?.trim() === "Send"),
        focused: document.activeElement?.id === "composer",
      });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  const prompt = "How do closures capture variables in JavaScript?";
  await sendMessage(page, prompt);
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await expect(userMessages(page)).toHaveText([prompt]);

  await waitForAnswer(page);
  await expect(lastAnswer(page).getByTestId("streaming-indicator")).toHaveCount(0);
  // Once it has ended, Send is back at once.
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();

  const samples = await page.evaluate(() => (window as unknown as { answerSamples: Sample[] }).answerSamples);
  // While the answer was written (seen on the page, however fast it went): the indicator showed,
  // Send had turned into Stop, and the box kept the focus for the next message.
  expect(samples.some((s) => s.streaming && s.length > 0 && s.stop && !s.send && s.focused)).toBe(true);
  const whileStreaming = samples.filter((s) => s.streaming && s.length > 0).map((s) => s.length);
  // The text arrived in many steps (not all at once at the end), and grew while the indicator was on.
  expect(new Set(whileStreaming).size, `lengths seen while streaming: ${whileStreaming.join(",")}`).toBeGreaterThanOrEqual(5);
  const finalLength = (await answerText(page)).length;
  expect(Math.max(...whileStreaming)).toBeLessThanOrEqual(finalLength);
  // The first words were shown well before the end: on a busy machine the stream may open late and show what was
  // written meanwhile at once, so "well before" is anything under four fifths.
  expect(Math.min(...whileStreaming)).toBeLessThan(finalLength * 0.8);

  // Markdown: a heading, a highlighted code block and KaTeX math.
  const content = answerContent(page);
  await expect(content.getByRole("heading", { name: "About javascript" })).toBeVisible();
  const code = content.locator("pre code.hljs.language-ts");
  await expect(code).toBeVisible();
  await expect(code.locator("[class^='hljs-']").first()).toBeVisible();
  await expect(code).toContainText("function javascript(input: string): string {");
  await expect(content.locator(".katex-display .katex")).toBeVisible();
  await expect(content.locator(".katex-mathml annotation")).toContainText("\\frac{n(n-1)}{2}");
  // The math arrived while the answer was written: its stylesheet came with it (the MathML copy is for screen readers only).
  await expect(content.locator(".katex-mathml").first()).toHaveCSS("position", "absolute");
  await expect(page.locator('link[rel="stylesheet"][href*="katex"]')).toHaveCount(1);

  // The stats bar: token counts, speed and duration.
  const stats = lastAnswer(page).getByTestId("answer-stats");
  await expect(stats).toBeVisible();
  await expect(stats).toHaveText(/\d+ in · \d+ out · TTFT (\d+|< 1) ms · [\d.]+ tok\/s · [\d.]+ s/);

  // The composer is usable again, and the server stored exactly the demo model's answer.
  await expect(composer(page)).toBeEnabled();
  const stored = await readStream(page, chatIdOf(page), await answerMessageId(page));
  expect(stored.text).toBe(demoAnswerTo(prompt));
  expect(JSON.parse(stored.terminal!.data)).toMatchObject({ status: "complete" });
});

test("Shift+Enter adds a line to the message instead of sending it", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") posts.push(request.url());
  });

  const box = composer(page);
  await box.click();
  await box.pressSequentially("first line");
  await box.press("Shift+Enter");
  await box.pressSequentially("second line");
  await expect(box).toHaveValue("first line\nsecond line");
  expect(posts).toEqual([]);
  await expect(page).toHaveURL(/\/chats\?new=1$/);

  await box.press("Enter");
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  expect(posts).toHaveLength(1);
  // The user's message keeps its line break.
  expect(await userMessages(page).innerText()).toBe("first line\nsecond line");
  await waitForAnswer(page);
});

test("Stop ends the answer early and keeps the text written so far", async ({ page }) => {
  await signUp(page);
  // A long answer from the fake OpenAI (10 s), so a busy machine's slow click still lands while it is written.
  const marker = uniqueMarker("stop");
  const prompt = `Tell me everything about Rust lifetimes ${marker}`;
  const tokens = numberedTokens(250, "life");
  await queueScripts("openai", marker, { tokens, tokenDelayMs: 40 });
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.locator("form:has(#composer) input[name=model]").evaluate((input) => ((input as HTMLInputElement).value = "openai:gpt-4o-mini"));
  await sendMessage(page, prompt);
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await waitForAnswerToReach(page, "life3 ");
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("Stopped.");
  await expect(lastAnswer(page).getByRole("button", { name: "Continue" })).toBeVisible();
  await expect(composer(page)).toBeEnabled();

  const full = tokens.join("");
  const stored = await readStream(page, chatIdOf(page), await answerMessageId(page));
  expect(stored.text.length).toBeGreaterThan(0);
  expect(stored.text.length).toBeLessThan(full.length);
  // What was kept is exactly the beginning of the answer.
  expect(full.startsWith(stored.text)).toBe(true);
  expect(JSON.parse(stored.terminal!.data)).toMatchObject({ status: "interrupted", stats: { finishReason: "stopped" } });

  // The partial answer does not grow any more, and a reload shows the same text.
  const shown = await answerText(page);
  expect(shown.length).toBeGreaterThan(0);
  await page.reload();
  await waitForHydration(page);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "interrupted");
  expect(await answerText(page)).toBe(shown);
});
