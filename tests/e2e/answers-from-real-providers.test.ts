// The provider layer end to end: the real OpenAI and Anthropic SDKs inside
// Parley talk to the fake upstreams (tests/fakes) over their wire formats.
import type { Page } from "@playwright/test";
import {
  answerContent,
  answerMessageId,
  answerText,
  chatIdOf,
  chooseModel,
  cutOffFromParley,
  expect,
  lastAnswer,
  readStream,
  reloadedOnceReachable,
  sendMessage,
  signUp,
  test,
  waitForAnswer,
  waitForHydration,
} from "./fixtures";
import { numberedTokens, queueScripts, requestsWith, uniqueMarker } from "./upstream";

async function startChat(page: Page, model: { search: string; label: string | RegExp }, text: string): Promise<string> {
  await page.goto("/chats?new=1");
  await chooseModel(page, model.search, model.label);
  await sendMessage(page, text);
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  return chatIdOf(page);
}

const GPT_MINI = { search: "mini", label: "GPT-4o mini" };
const CLAUDE_HAIKU = { search: "haiku 4.5", label: "Claude Haiku 4.5" };

test("an OpenAI model streams its answer with reasoning and a stats bar", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("oa");
  const tokens = numberedTokens(40, "river");
  await queueScripts("openai", marker, { tokens, reasoning: "Let me think about rivers first.", tokenDelayMs: 200, usage: { inputTokens: 31, outputTokens: 47 } });
  await startChat(page, GPT_MINI, `Tell me about rivers ${marker}`);

  await expect(answerContent(page)).toContainText("river3", { timeout: 10_000 });
  await expect(page.getByTestId("streaming-indicator")).toBeVisible();
  await waitForAnswer(page);
  await expect(answerContent(page)).toHaveText(tokens.join("").trim());
  await expect(lastAnswer(page).getByTestId("reasoning")).toHaveText("Let me think about rivers first.");
  await expect(lastAnswer(page)).toContainText("GPT-4o mini");
  const stats = lastAnswer(page).getByTestId("answer-stats");
  await expect(stats).toContainText("31 in");
  await expect(stats).toContainText("47 out");
  await expect(stats).toContainText(/TTFT \d+ ms/);
  await expect(stats).toContainText(/tok\/s/);
  await expect(stats).toContainText("$");

  const [request] = await requestsWith("openai", marker);
  expect(request?.body.model).toBe("gpt-4o-mini");
  expect(request?.body.stream).toBe(true);
  expect(request?.body.messages[0].role).toBe("system");
});

test("an Anthropic model streams its thinking and its answer", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("an");
  await queueScripts("anthropic", marker, { text: "Mountains are tall. They are old.", reasoning: "Considering mountains carefully.", tokenDelayMs: 20, usage: { inputTokens: 12, outputTokens: 9 } });
  await startChat(page, CLAUDE_HAIKU, `Mountains please ${marker}`);
  await waitForAnswer(page);
  await expect(answerContent(page)).toHaveText("Mountains are tall. They are old.");
  await expect(lastAnswer(page).getByTestId("reasoning")).toHaveText("Considering mountains carefully.");
  await expect(lastAnswer(page).getByTestId("answer-stats")).toContainText("12 in");
  const [request] = await requestsWith("anthropic", marker);
  expect(request?.body.model).toBe("claude-haiku-4-5-20251001");
  expect(request?.body.thinking?.type).toBeDefined();
  expect(typeof request?.body.system === "string" || Array.isArray(request?.body.system)).toBe(true);
});

test("Stop ends the answer, keeps its text and cancels the upstream request", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("st");
  await queueScripts("openai", marker, { tokens: numberedTokens(300, "tok"), tokenDelayMs: 50 });
  await startChat(page, GPT_MINI, `Count slowly ${marker}`);
  await expect(answerContent(page)).toContainText("tok5 ");
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("Stopped.");
  const kept = await answerText(page);
  expect(kept).toContain("tok5");
  expect(kept).not.toContain("tok300");
  await expect.poll(async () => (await requestsWith("openai", marker))[0]?.outcome).toBe("client_closed");
  // The stored text is exactly what the page shows, also after a reload.
  await page.reload();
  await expect(answerContent(page)).toHaveText(kept);
  await expect(lastAnswer(page).getByRole("button", { name: "Continue" })).toBeVisible();
});

const OFFLINE_ERRORS = /net::ERR_INTERNET_DISCONNECTED|net::ERR_FAILED|ERR_NETWORK_CHANGED/;

/** A new person's chat whose answer of `tokens` numbered words is being written, on a page that has hydrated; its marker. */
async function answerUnderWay(page: Page, question: string, tokens: number, tokenDelayMs: number): Promise<string> {
  await signUp(page);
  const marker = uniqueMarker("of");
  await queueScripts("openai", marker, { tokens: numberedTokens(tokens, "tok"), tokenDelayMs });
  await startChat(page, GPT_MINI, `${question} ${marker}`);
  await expect(answerContent(page)).toContainText("tok2 ");
  await waitForHydration(page);
  return marker;
}

test("Stop and Regenerate pressed while offline stay in the chat and say nothing was done; back online, Stop works", async ({ page, context, browserErrors }) => {
  browserErrors.allow(OFFLINE_ERRORS);
  const marker = await answerUnderWay(page, "Count while offline", 400, 50);
  const notReached = "That could not reach Parley, so nothing was done. Check your connection and try again.";

  await context.setOffline(true);
  await page.getByRole("button", { name: "Stop generating" }).click();
  await expect(page.getByRole("alert")).toHaveText(notReached);
  // The chat is still there, not the page that waits for the server.
  await expect(page.getByTestId("user-message")).toHaveText([new RegExp(`Count while offline ${marker}`)]);
  await expect(page.getByRole("button", { name: "Stop generating" })).toBeVisible();

  await context.setOffline(false);
  // The answer's end reloads the page's data once Parley answers its health check. The network going away while that
  // reload is on its way gives the page way to the one that waits for the server (it comes back by itself): going
  // offline only once the reload is done keeps this test on what the buttons do.
  const reloaded = reloadedOnceReachable(page);
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("Stopped.");
  await expect.poll(async () => (await requestsWith("openai", marker))[0]?.outcome).toBe("client_closed");
  await reloaded;

  await context.setOffline(true);
  await lastAnswer(page).getByRole("button", { name: "Regenerate" }).click();
  await expect(page.getByRole("alert")).toHaveText(notReached);
  await expect(page.getByTestId("assistant-message")).toHaveCount(1);
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("Stopped.");
  await context.setOffline(false);
});

test("an answer that ends while the browser is offline stays on the page, and so does a rename refused meanwhile", async ({ page, context, browserErrors }) => {
  browserErrors.allow(OFFLINE_ERRORS);
  const marker = await answerUnderWay(page, "Finish while offline", 60, 60);

  await context.setOffline(true);
  // The page knows it is offline before the answer ends (a loaded machine tells it late).
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  await expect(page.getByText("You are offline.", { exact: false })).toBeVisible();
  // The answer's own stream was open already: it ends on the page, which cannot ask for its data now.
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 15_000 });
  await expect(answerContent(page)).toContainText("tok60");
  await expect(page.getByText("Parley cannot be reached right now")).toHaveCount(0);
  await expect(page.getByTestId("user-message")).toHaveText([new RegExp(`Finish while offline ${marker}`)]);

  await page.getByTestId("chat-header").locator("summary", { hasText: "Rename" }).click();
  await page.getByLabel("Chat title").fill("Named offline");
  await page.getByLabel("Chat title").press("Enter");
  await expect(page.getByRole("alert")).toContainText("That could not reach Parley, so nothing was done. Check your connection and try again.");
  await expect(page.getByLabel("Chat title")).toHaveValue("Named offline");

  // Back online, the page takes its data again, and the same title goes through. (Saved once that reload is done: a
  // save racing the page's own reload has its own test, in popups-close-when-done-and-say-so.)
  const reloaded = reloadedOnceReachable(page);
  await context.setOffline(false);
  await reloaded;
  await expect(lastAnswer(page).getByTestId("answer-stats")).toBeVisible();
  await page.getByLabel("Chat title").press("Enter");
  await expect(page.getByTestId("chat-title")).toHaveText("Named offline");
});

test("an answer that ends while Parley cannot be reached, though the browser thinks it is online, stays on the page, which catches up once Parley answers", async ({ page, browserErrors }) => {
  browserErrors.allow(OFFLINE_ERRORS);
  const marker = await answerUnderWay(page, "Finish unreachable", 40, 60);
  // Every new request fails, as on a network that is gone, but the browser says it is online (it tells late, or never).
  const cutOff = await cutOffFromParley(page);
  // The answer's stream was open already: it ends on the page.
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 15_000 });
  await expect(answerContent(page)).toContainText("tok40");
  // The page asks whether Parley answers before it reloads its data, and asks again a while later.
  await expect.poll(cutOff.checks, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  await expect(page.getByText("Parley cannot be reached right now")).toHaveCount(0);
  await expect(page.getByTestId("user-message")).toHaveText([new RegExp(`Finish unreachable ${marker}`)]);

  // Parley answers again: the page takes its data, and stays the chat.
  const reloaded = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith(".data") && response.ok(), { timeout: 15_000 });
  await cutOff.restore();
  await reloaded;
  await expect(answerContent(page)).toContainText("tok40");
  await expect(page.getByTestId("user-message")).toHaveText([new RegExp(`Finish unreachable ${marker}`)]);
  await expect(page.getByText("Parley cannot be reached right now")).toHaveCount(0);
});

test("Continue right after a Stop is an answer being written again: it shows so, and Stop ends it again", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("cs");
  await queueScripts("openai", marker, { tokens: numberedTokens(300, "one"), tokenDelayMs: 50 }, { tokens: numberedTokens(300, "two"), tokenDelayMs: 50 });
  await startChat(page, GPT_MINI, `Count twice ${marker}`);
  await expect(answerContent(page)).toContainText("one3 ");
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");

  // No reload in between: the same answer on the same page is written on.
  await lastAnswer(page).getByRole("button", { name: "Continue" }).click();
  await expect(answerContent(page)).toContainText("two3 ");
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveCount(0);
  await expect(lastAnswer(page).getByRole("button", { name: "Continue" })).toHaveCount(0);
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");
  const kept = await answerText(page);
  expect(kept).toContain("one3");
  expect(kept).toContain("two3");
  expect(kept).not.toContain("two300");
  await page.reload();
  await expect(answerContent(page)).toHaveText(kept);
});

test("Continue pressed after a Stop, before the page read its data again, is followed as it is written", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("cb");
  await queueScripts("openai", marker, { tokens: numberedTokens(300, "one"), tokenDelayMs: 50 }, { tokens: numberedTokens(300, "two"), tokenDelayMs: 50 });
  await startChat(page, GPT_MINI, `Count twice at once ${marker}`);
  await expect(answerContent(page)).toContainText("one3 ");
  // The page's reads of its data after the Stop are held until Continue has been posted: as far as its data knows,
  // the answer was being written all along.
  const chatData = `${new URL(page.url()).pathname}.data`;
  let continued = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route((url) => url.pathname === chatData, async (route) => {
    const request = route.request();
    if (request.method() === "GET" && !continued) await released;
    if (request.method() === "POST" && request.postData()?.includes("intent=continue")) {
      continued = true;
      release();
    }
    // A held read the page has given up on meanwhile is gone.
    await route.continue().catch(() => undefined);
  });
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");
  await lastAnswer(page).getByRole("button", { name: "Continue" }).click();
  await expect(answerContent(page)).toContainText("two3 ");
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");
  expect(await answerText(page)).toContain("one3");
});

test("Continue in a second tab, after the first tab continued the answer, says so and shows the answer as it is now", async ({ page, context, browserErrors }) => {
  browserErrors.allowStatus(409);
  await signUp(page);
  const marker = uniqueMarker("ct");
  await queueScripts("openai", marker, { tokens: numberedTokens(300, "one"), tokenDelayMs: 50 }, { tokens: numberedTokens(5, "two"), tokenDelayMs: 20 });
  await startChat(page, GPT_MINI, `Count in two tabs ${marker}`);
  await expect(answerContent(page)).toContainText("one3 ");
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForAnswer(page, "interrupted");
  const other = await context.newPage();
  await other.goto(page.url());
  await waitForHydration(other);
  await lastAnswer(page).getByRole("button", { name: "Continue" }).click();
  await waitForAnswer(page);

  // The second tab still offers Continue: it is refused with a reason, and the tab catches up.
  await lastAnswer(other).getByRole("button", { name: "Continue" }).click();
  await expect(other.getByText("That answer has been continued already (in another tab or window).")).toBeVisible();
  await expect(answerContent(other)).toContainText("two5");
  await expect(lastAnswer(other).getByRole("button", { name: "Continue" })).toHaveCount(0);
  expect(await requestsWith("openai", marker)).toHaveLength(2);
});

test("regenerate makes a sibling answer, and the arrows switch between them", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("rg");
  await queueScripts("openai", marker, { text: "First version." }, { text: "Second version." });
  await startChat(page, GPT_MINI, `Say something ${marker}`);
  await waitForAnswer(page);
  await expect(answerContent(page)).toHaveText("First version.");
  await lastAnswer(page).getByRole("button", { name: "Regenerate" }).click();
  await expect(answerContent(page)).toHaveText("Second version.");
  await waitForAnswer(page);
  const nav = lastAnswer(page).getByTestId("sibling-nav");
  await expect(nav).toContainText("2/2");
  await nav.getByRole("button", { name: "Previous version" }).click();
  await expect(answerContent(page)).toHaveText("First version.");
  await expect(lastAnswer(page).getByTestId("sibling-nav")).toContainText("1/2");
});

test("a quick double press on a version arrow moves two versions", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("dv");
  await queueScripts("openai", marker, { text: "First version." }, { text: "Second version." }, { text: "Third version." });
  await startChat(page, GPT_MINI, `Say something ${marker}`);
  await waitForAnswer(page);
  for (const text of ["Second version.", "Third version."]) {
    await lastAnswer(page).getByRole("button", { name: "Regenerate" }).click();
    await expect(answerContent(page)).toHaveText(text);
    await waitForAnswer(page);
  }
  const nav = lastAnswer(page).getByTestId("sibling-nav");
  await expect(nav).toContainText("3/3");
  await nav.getByRole("button", { name: "Previous version" }).dblclick();
  await expect(answerContent(page)).toHaveText("First version.");
  await expect(lastAnswer(page).getByTestId("sibling-nav")).toContainText("1/3");
  // The chat stays there (the version shown is stored, not only drawn).
  await page.reload();
  await expect(answerContent(page)).toHaveText("First version.");
});

test("a provider that keeps failing shows a readable error", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("fl");
  await queueScripts("openai", marker, { status: 500 }, { status: 500 }, { status: 500 });
  await startChat(page, GPT_MINI, `Fail please ${marker}`);
  await waitForAnswer(page, "error");
  // Nothing was written, so there is nothing to continue: the advice names only the button offered.
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("OpenAI had a server error (HTTP 500). Regenerate to try again.");
  expect(await requestsWith("openai", marker)).toHaveLength(3);
  await expect(lastAnswer(page).getByRole("button", { name: "Regenerate" })).toBeVisible();
  expect(await lastAnswer(page).getByRole("button", { name: "Continue" }).count()).toBe(0);
  await page.reload();
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("OpenAI had a server error (HTTP 500). Regenerate to try again.");
});

test("a 429 with Retry-After is retried and the answer arrives; meanwhile the answer says why and counts down", async ({ page, newContext }) => {
  // The 15 s wait, and the checks made meanwhile, leave too little of the usual 45 s on a loaded machine.
  test.setTimeout(90_000);
  await signUp(page);
  const marker = uniqueMarker("rl");
  await queueScripts("openai", marker, { status: 429, retryAfter: 15 }, { text: "Made it after waiting." });
  // The browser's clock a minute behind the server's: the countdown is a length of time, not a moment.
  await page.clock.setSystemTime(new Date(Date.now() - 60_000));
  await startChat(page, GPT_MINI, `Rate limit me ${marker}`);
  expect(await page.evaluate(() => Date.now())).toBeLessThan(Date.now() - 50_000);
  const notice = lastAnswer(page).getByTestId("answer-retrying");
  await expect(notice).toHaveText(/^OpenAI is rate-limiting requests \(HTTP 429\)\. Trying again in (?:[1-9]|1[0-5]) s \(attempt 2 of 3\)…$/);
  const first = Number(/in (\d+) s/.exec((await notice.textContent())!)![1]);
  await expect(notice).toHaveText(new RegExp(`Trying again in ${first - 1} s|Trying again \\(attempt 2 of 3\\)`));
  // Read out once, without the countdown.
  await expect(page.getByTestId("announcer")).toHaveText("OpenAI is rate-limiting requests (HTTP 429). Trying again (attempt 2 of 3)…");
  // (The wait is long enough for the checks below on a loaded machine: each of them needs the retry still ahead.)
  // A page loaded meanwhile says so too, from its first byte.
  await page.reload();
  await expect(notice).toContainText("OpenAI is rate-limiting requests (HTTP 429). Trying again");
  // Without JavaScript too, with the time left when the page was drawn.
  const withoutJs = await (await newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() })).newPage();
  await withoutJs.goto(page.url());
  await expect(withoutJs.getByTestId("answer-retrying")).toHaveText(/^OpenAI is rate-limiting requests \(HTTP 429\)\. Trying again in (?:[1-9]|1[0-5]) s \(attempt 2 of 3\)…$/);
  // (Left open, and closed with its context at the end: closing the page while it reloaded itself once hung for 80 s.)
  await waitForAnswer(page);
  await expect(answerContent(page)).toHaveText("Made it after waiting.");
  expect(await notice.count()).toBe(0);
  const requests = await requestsWith("openai", marker);
  expect(requests).toHaveLength(2);
  expect(requests[1]!.receivedAt - requests[0]!.receivedAt).toBeGreaterThanOrEqual(15_000);
});

test("an answer that goes quiet says it is still waiting, and stops saying so when words come again", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);
  const marker = uniqueMarker("qt");
  await queueScripts("openai", marker, { tokens: ["Thinking it over. ", "Here it is."], tokenDelayMs: 21_000 });
  await startChat(page, GPT_MINI, `Take your time ${marker}`);
  await expect(answerContent(page)).toHaveText("Thinking it over.");
  const quiet = lastAnswer(page).getByTestId("answer-quiet");
  const said = "Nothing has come from GPT-4o mini for over 15 s. Parley is still waiting: some models think for a while before they write. Stop ends the answer here.";
  // Not while words come, only after 15 s without one; read out once.
  expect(await quiet.count()).toBe(0);
  await expect(quiet).toHaveText(said, { timeout: 25_000 });
  await expect(page.getByTestId("announcer")).toHaveText(said);
  await expect(lastAnswer(page).getByTestId("streaming-indicator")).toBeVisible();
  await waitForAnswer(page);
  await expect(answerContent(page)).toHaveText("Thinking it over. Here it is.");
  expect(await quiet.count()).toBe(0);
});

test("a connection reset mid-answer keeps the partial text, and Continue finishes it", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("rs");
  await queueScripts("openai", marker, { tokens: numberedTokens(30, "part"), tokenDelayMs: 20, resetAfterTokens: 8 }, { text: "and the rest." });
  await startChat(page, GPT_MINI, `Break midway ${marker}`);
  await waitForAnswer(page, "error");
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("The connection to OpenAI was lost. Continue or regenerate to try again.");
  const partial = await answerText(page);
  expect(partial).toContain("part1");
  expect(partial).not.toContain("part30");
  // The partial answer was stored, not only shown.
  await page.reload();
  await expect(answerContent(page)).toHaveText(partial);
  await lastAnswer(page).getByRole("button", { name: "Continue" }).click();
  await waitForAnswer(page);
  await expect(answerContent(page)).toContainText("and the rest.");
  // textContent (retried), not a one-off innerText: right after the finished answer's HTML is swapped in, its blocks
  // (content-visibility: auto) are not laid out yet, and innerText reads them as empty.
  await expect(answerContent(page)).toContainText(partial.trim());
  // The continuation request carried the partial answer and asked to go on.
  const requests = await requestsWith("openai", marker);
  const last = requests[requests.length - 1]!.body.messages as { role: string; content: string }[];
  expect(last.some((m) => m.role === "assistant" && m.content.includes("part1"))).toBe(true);
});

test("an answer cut off while the model was still thinking offers Regenerate, not Continue", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("rt");
  await queueScripts("openai", marker, { reasoning: "First I weigh the rivers, then the lakes, then the seas.", text: "Rivers.", tokenDelayMs: 50, resetAfterTokens: 4 });
  await startChat(page, GPT_MINI, `Think then break ${marker}`);
  await waitForAnswer(page, "error");
  const answer = lastAnswer(page);
  // The thinking that arrived is kept. Not necessarily all four tokens: Bun's fetch can lose the bytes that reach it
  // together with the dropped connection.
  await expect(answer.getByTestId("reasoning")).toContainText(/^First I /);
  const reasoning = await answer.getByTestId("reasoning").textContent();
  await expect(answer.getByTestId("answer-problem")).toHaveText("The connection to OpenAI was lost. Regenerate to try again.");
  await expect(answer.getByRole("button", { name: "Continue" })).toHaveCount(0);
  await expect(answer.getByRole("button", { name: "Regenerate" })).toBeVisible();
  // The same after a reload, from the stored answer.
  await page.reload();
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("The connection to OpenAI was lost. Regenerate to try again.");
  await expect(lastAnswer(page).getByRole("button", { name: "Continue" })).toHaveCount(0);
  await expect(lastAnswer(page).getByTestId("reasoning")).toHaveText(reasoning!);
});

for (const [provider, model, finishReason] of [["openai", GPT_MINI, "length"], ["anthropic", CLAUDE_HAIKU, "max_tokens"]] as const) {
  test(`an answer ${provider === "openai" ? "OpenAI" : "Anthropic"} cut off at its length limit ("${finishReason}") says so, and Continue finishes it`, async ({ page }) => {
    await signUp(page);
    const marker = uniqueMarker("len");
    await queueScripts(provider, marker, { tokens: ["The ", "quick ", "brown ", "fox ", "jum"], finishReason }, { text: "ps over the lazy dog." });
    await startChat(page, model, `Write a pangram ${marker}`);
    // Not a whole answer: it says why it ended, and offers to go on.
    await waitForAnswer(page, "interrupted");
    await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("The answer reached the longest the model writes at once and was cut off. Continue to have it go on.");
    await expect(answerContent(page)).toHaveText("The quick brown fox jum");
    // As stored, not only as shown.
    await page.reload();
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "interrupted");
    await lastAnswer(page).getByRole("button", { name: "Continue" }).click();
    await waitForAnswer(page);
    await expect(answerContent(page)).toContainText("The quick brown fox jumps over the lazy dog.");
    await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveCount(0);
  });
}

test("a reload in the middle of an upstream answer resumes it with nothing lost or doubled", async ({ page }) => {
  await signUp(page);
  const marker = uniqueMarker("rl");
  const tokens = numberedTokens(120, "w");
  await queueScripts("anthropic", marker, { tokens, tokenDelayMs: 30 });
  const chatId = await startChat(page, CLAUDE_HAIKU, `Long answer ${marker}`);
  await expect(answerContent(page)).toContainText("w20 ");
  await page.reload();
  await expect(answerContent(page)).toContainText("w60 ");
  await page.reload();
  await waitForAnswer(page);
  const expected = tokens.join("").trim();
  await expect(answerContent(page)).toHaveText(expected);
  const stored = await readStream(page, chatId, await answerMessageId(page));
  expect(stored.text.trim()).toBe(expected);
});
