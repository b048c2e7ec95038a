import type { Page } from "@playwright/test";
import {
  answerContent,
  answerMessageId,
  demoAnswerTo,
  expect,
  lastAnswer,
  newChatAndSend,
  parseSse,
  readStream,
  signUp,
  test,
  waitForAnswerToReach,
  waitForHydration,
} from "./fixtures";

/**
 * Holds the page's loader requests (`*.data`) until released. When an answer
 * finishes, the page revalidates and re-renders it from the server; holding
 * that request shows what the browser itself assembled from the stream.
 */
async function holdLoaderRequests(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const isLoaderRequest = (url: URL) => url.pathname.endsWith(".data");
  await page.route(isLoaderRequest, async (route) => {
    await released;
    await route.continue();
  });
  // Later loader requests pass straight through (unrouting would cut off the held one).
  return release;
}

/** Server-rendered and client-rendered markup differ only in how style attributes are spelled. */
function normalizeHtml(html: string): string {
  return html.replace(/style="([^"]*)"/g, (_, style: string) => {
    const rules = style.split(";").map((rule) => rule.replace(/\s*:\s*/, ":").trim()).filter(Boolean);
    return `style="${rules.join(";")}"`;
  });
}

async function reloadMidAnswerAndCheck(page: Page, { prompt, reloadOnceShown }: { prompt: string; reloadOnceShown: string }) {
  await signUp(page);
  const { chatId, chatUrl } = await newChatAndSend(page, prompt);
  const messageId = await answerMessageId(page);
  await waitForAnswerToReach(page, reloadOnceShown);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");

  const releaseLoaders = await holdLoaderRequests(page);
  const reloadedDocument = page.waitForResponse((r) => r.request().resourceType() === "document" && r.url().endsWith(chatUrl));
  const resumedStream = page.waitForRequest((r) => r.url().includes(`/messages/${messageId}/stream?`));
  await page.reload();
  // The server rendered the answer mid-way, and the browser asked for the events after that snapshot.
  const html = await (await reloadedDocument).text();
  expect(html).toMatch(/data-testid="assistant-message" data-status="streaming"/);
  const resumedFrom = Number(new URL((await resumedStream).url()).searchParams.get("lastEventId"));
  expect(resumedFrom).toBeGreaterThan(0);
  await waitForHydration(page);

  // The stream's end, as the browser assembled it from the snapshot plus the resumed events.
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  const assembledHtml = await answerContent(page).innerHTML();
  const assembledText = await answerContent(page).innerText();
  releaseLoaders();

  // The server stored the demo model's exact answer: nothing doubled, nothing missing.
  const stored = await readStream(page, chatId, messageId);
  expect(stored.text).toBe(demoAnswerTo(prompt));
  // …and text was still to come when the page reloaded: the answer continued after it.
  const lastTextId = Math.max(...stored.events.filter((e) => e.event === "delta").map((e) => e.id!));
  expect(resumedFrom).toBeLessThan(lastTextId);
  expect(assembledText.length).toBeGreaterThan(0);

  // A fresh page load renders the stored text; it matches what the resumed stream showed.
  const fresh = await page.context().newPage();
  await fresh.goto(chatUrl);
  await waitForHydration(fresh);
  await expect(lastAnswer(fresh)).toHaveAttribute("data-status", "complete");
  expect(await answerContent(fresh).innerText()).toBe(assembledText);
  expect(normalizeHtml(await answerContent(fresh).innerHTML())).toBe(normalizeHtml(assembledHtml));
  // And after its own revalidation, the reloaded page still shows the same.
  await expect.poll(() => answerContent(page).innerText()).toBe(assembledText);
  await expect(lastAnswer(page).getByTestId("answer-stats")).toBeVisible();
  await fresh.close();
  return { resumedFrom, lastTextId };
}

test("reloading early in an answer resumes it without losing or doubling text", async ({ page }) => {
  // Reloads as soon as the first words show (the server's snapshot is a little further on by then).
  await reloadMidAnswerAndCheck(page, { prompt: "What makes sourdough bread rise?", reloadOnceShown: "About" });
});

test("reloading late in an answer resumes it without losing or doubling text", async ({ page }) => {
  // "A sketch in code" comes a little past half way; the reload itself takes a moment more.
  const { resumedFrom, lastTextId } = await reloadMidAnswerAndCheck(page, { prompt: "Explain how tides follow the moon", reloadOnceShown: "A sketch in code" });
  expect(resumedFrom).toBeGreaterThan(lastTextId / 2);
});

test("reloading twice during one answer still ends with the whole answer once", async ({ page }) => {
  const prompt = "Compare merge sort with quicksort";
  await signUp(page);
  const { chatId } = await newChatAndSend(page, prompt);
  await waitForAnswerToReach(page, "offline demo model");
  await page.reload();
  await waitForHydration(page);
  await waitForAnswerToReach(page, "A sketch in code");
  await page.reload();
  await waitForHydration(page);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  const stored = await readStream(page, chatId, await answerMessageId(page));
  expect(stored.text).toBe(demoAnswerTo(prompt));
  // The heading appears once: the text before the reloads was not repeated.
  await expect(answerContent(page).getByRole("heading")).toHaveCount(1);
  await expect(answerContent(page).locator("pre")).toHaveCount(1);
});

test("the stream route resumes after any Last-Event-ID with exactly the events that follow it", async ({ page }) => {
  const prompt = "Describe how a compiler parses expressions";
  await signUp(page);
  const { chatId } = await newChatAndSend(page, prompt);
  const messageId = await answerMessageId(page);
  await waitForAnswerToReach(page, "offline demo model");
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");

  // Both readers follow the live answer to its end.
  const resumeAfter = 12;
  const [everything, resumed, headerWins] = await Promise.all([
    readStream(page, chatId, messageId),
    readStream(page, chatId, messageId, { lastEventId: resumeAfter }),
    // The header (a browser's own reconnect) wins over the query (a page reload).
    page.request.get(`/chats/${chatId}/messages/${messageId}/stream?lastEventId=3`, { headers: { "Last-Event-ID": String(resumeAfter) }, timeout: 30_000 }),
  ]);
  const full = demoAnswerTo(prompt);

  expect(everything.response.status()).toBe(200);
  expect(everything.response.headers()["content-type"]).toContain("text/event-stream");
  expect(everything.text).toBe(full);
  const allIds = everything.events.map((e) => e.id);
  expect(allIds).toEqual(allIds.map((_, i) => i + 1));
  expect(everything.events.at(-1)!.event).toBe("done");

  expect(resumed.response.status()).toBe(200);
  const ids = resumed.events.map((e) => e.id!);
  expect(ids[0]).toBe(resumeAfter + 1);
  expect(ids).toEqual(ids.map((_, i) => resumeAfter + 1 + i));
  expect(resumed.events).toEqual(everything.events.filter((e) => e.id! > resumeAfter));
  const before = everything.events.filter((e) => e.id! <= resumeAfter);
  expect(before).toHaveLength(resumeAfter);
  expect(resumed.text.length).toBeGreaterThan(0);
  expect(before.map((e) => JSON.parse(e.data).text).join("") + resumed.text).toBe(full);
  expect(resumed.terminal?.event).toBe("done");

  expect(parseSse(await headerWins.text())[0]!.id).toBe(resumeAfter + 1);

  // After the end: resuming from the last event gets nothing more; from the one before, only `done`.
  const lastId = allIds.at(-1)!;
  expect((await readStream(page, chatId, messageId, { lastEventId: lastId })).events).toEqual([]);
  const onlyDone = await readStream(page, chatId, messageId, { lastEventId: lastId - 1 });
  expect(onlyDone.events.map((e) => e.event)).toEqual(["done"]);
});
