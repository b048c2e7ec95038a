// While an answer is written, the composer's Send turns into Stop, Esc stops
// too, and an answer still being written on another branch is announced
// right above the composer with its own Stop. Without JavaScript, Stop is a
// plain form.
import { createClient } from "@libsql/client";
import { E2E } from "./env";
import { CHAT_URL, chatIdOf, composer, expect, lastAnswer, signUp, test, userMessages, waitForAnswer, waitForHydration, sendThroughTheForm } from "./fixtures";
import { numberedTokens, queueScripts, uniqueMarker } from "./upstream";

test.describe.configure({ timeout: 120_000 });

/** A slow answer: 1200 tokens, 50 ms apart (a minute), time enough to stop it on a busy machine. */
async function slowAnswerFor(marker: string): Promise<string[]> {
  const tokens = numberedTokens(1200, "w");
  await queueScripts("openai", marker, { tokens, tokenDelayMs: 50 });
  return tokens;
}

test("Send turns into Stop while the answer is written; Stop and Esc both stop it", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const m = uniqueMarker("st");
  await slowAnswerFor(m);
  await sendThroughTheForm(page, `Count slowly ${m}`);
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page).getByTestId("answer-content")).toContainText("w3 ");

  const box = page.locator("form:has(#composer)");
  const stop = box.getByRole("button", { name: "Stop generating" });
  await expect(stop).toBeVisible();
  await expect(box.getByRole("button", { name: "Send" })).toHaveCount(0);
  // The box stays usable meanwhile: the next message can be typed.
  await expect(composer(page)).toBeEditable();
  await stop.click();
  await waitForAnswer(page, "interrupted");
  await expect(box.getByRole("button", { name: "Send" })).toBeVisible();
  await expect(stop).toHaveCount(0);

  // Esc stops the next one, from wherever the focus is.
  await slowAnswerFor(`${m}b`);
  await sendThroughTheForm(page, `Count again ${m}b`);
  await expect(userMessages(page)).toHaveCount(2);
  await expect(lastAnswer(page).getByTestId("answer-content")).toContainText("w3 ");
  await composer(page).fill("typed while it answers");
  await page.keyboard.press("Escape");
  await waitForAnswer(page, "interrupted");
  await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveText("Stopped.");
  // What was typed meanwhile is still there, ready to send.
  await expect(composer(page)).toHaveValue("typed while it answers");
});

test("Enter while an answer is written queues the message: it is sent when the answer ends, unless cancelled", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const m = uniqueMarker("qu");
  // Long enough to still be written when Enter comes, on a busy machine too.
  await queueScripts("openai", m, { tokens: numberedTokens(200, "w"), tokenDelayMs: 50 });
  await sendThroughTheForm(page, `Count a little ${m}`);
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page).getByTestId("answer-content")).toContainText("w3 ");

  await composer(page).fill("Sent after the answer");
  await composer(page).press("Enter");
  await expect(page.getByTestId("queued-send")).toContainText("Sends when the answer is done.");
  // The queued text waits above the box, which is free for what comes next: typed on, it is not added to it.
  await expect(page.getByTestId("queued-text")).toHaveText("Sent after the answer");
  await expect(composer(page)).toHaveValue("");
  await composer(page).pressSequentially("and then");
  // Still one question while the answer is written…
  await expect(userMessages(page)).toHaveCount(1);
  // …and the queued one goes as soon as it ends, alone; what was typed since stays in the box.
  await expect(userMessages(page)).toHaveCount(2, { timeout: 20_000 });
  await expect(userMessages(page).last()).toHaveText("Sent after the answer");
  await expect(page.getByTestId("queued-send")).toHaveCount(0);
  await expect(composer(page)).toHaveValue("and then");
  await waitForAnswer(page);
  await composer(page).fill("");

  // A queued message can be taken back: it stays in the box.
  await queueScripts("openai", `${m}b`, { tokens: numberedTokens(200, "v"), tokenDelayMs: 50 });
  await page.locator("form:has(#composer) input[name=model]").evaluate((input) => ((input as HTMLInputElement).value = "openai:gpt-4o-mini"));
  await composer(page).fill(`Count once more ${m}b`);
  await composer(page).press("Enter");
  await expect(lastAnswer(page).getByTestId("answer-content")).toContainText("v3 ");
  await composer(page).fill("Not this one");
  await composer(page).press("Enter");
  // Enter again adds to the queued message, as the notice shows (one answer comes between two messages).
  await composer(page).fill("nor this");
  await composer(page).press("Enter");
  await expect(page.getByTestId("queued-text")).toHaveText("Not this one\n\nnor this");
  await page.getByTestId("queued-send").getByRole("button", { name: "Cancel" }).click();
  await expect(composer(page)).toBeFocused();
  await waitForAnswer(page);
  await expect(userMessages(page)).toHaveCount(3);
  await expect(composer(page)).toHaveValue("Not this one\n\nnor this");
});

test("a reload keeps a queued message queued and what was typed after it in the box; once it is sent, only what was typed after", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const m = uniqueMarker("qr");
  await slowAnswerFor(m);
  await sendThroughTheForm(page, `Count slowly ${m}`);
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page).getByTestId("answer-content")).toContainText("w3 ");

  await composer(page).fill("Queued words");
  await composer(page).press("Enter");
  await expect(page.getByTestId("queued-text")).toHaveText("Queued words");
  await composer(page).pressSequentially("typed after");
  await page.reload();
  await waitForHydration(page);
  // Neither is lost: the answer is still being written, so the message waits for it again; the box has the rest.
  await expect(page.getByTestId("queued-text")).toHaveText("Queued words");
  await expect(composer(page)).toHaveValue("typed after");
  await page.getByRole("button", { name: "Stop generating" }).click();
  await expect(userMessages(page)).toHaveCount(2);
  await expect(userMessages(page).last()).toHaveText("Queued words");
  await expect(composer(page)).toHaveValue("typed after");
  await waitForAnswer(page);

  // Queued again, with more typed after it: the queued one goes when the answer ends, and leaves the draft.
  await composer(page).fill("");
  await slowAnswerFor(`${m}b`);
  await sendThroughTheForm(page, `Count again ${m}b`);
  await expect(userMessages(page)).toHaveCount(3);
  await expect(lastAnswer(page).getByTestId("answer-content")).toContainText("w3 ");
  await composer(page).fill("Second queued");
  await composer(page).press("Enter");
  await expect(page.getByTestId("queued-text")).toHaveText("Second queued");
  await composer(page).pressSequentially("kept after");
  await page.keyboard.press("Escape");
  await expect(userMessages(page)).toHaveCount(4);
  await expect(userMessages(page).last()).toHaveText("Second queued");
  await waitForAnswer(page);
  await expect(composer(page)).toHaveValue("kept after");
  await page.reload();
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("kept after");
});

test("without JavaScript, the composer's Stop posts the stop and the answer ends", async ({ noJsPage: page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  const m = uniqueMarker("ns");
  await slowAnswerFor(m);
  await sendThroughTheForm(page, `Count slowly ${m}`);
  await expect(page).toHaveURL(CHAT_URL);
  await expect(page.getByRole("button", { name: "Send" })).toHaveCount(0);
  // The page reloads itself every second while the answer is written; a click
  // that lands as a reload begins is lost with that page, as it would be for a
  // person, who clicks again.
  await expect(async () => {
    const stop = page.getByRole("button", { name: "Stop generating" });
    if (await stop.isVisible()) await stop.click({ timeout: 2_000 });
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "interrupted", { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
});

test("without JavaScript, the keyboard is on Stop after each of the page's reloads, and Enter stops the answer", async ({ noJsPage: page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  const m = uniqueMarker("nk");
  await slowAnswerFor(m);
  await sendThroughTheForm(page, `Count slowly ${m}`);
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  // Whichever reload the page is on, the focus is on Stop: nothing to tab through first.
  // (A reload may come in the middle of asking: that answer is no answer.)
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label")).catch(() => null)).toBe("Stop generating");
  await expect(async () => {
    await page.keyboard.press("Enter");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "interrupted", { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
});

test("with JavaScript, a page opened on an answer being written has the message box focused, not Stop", async ({ page }) => {
  await signUp(page);
  const m = uniqueMarker("jk");
  await slowAnswerFor(m);
  await page.goto("/chats?new=1");
  await sendThroughTheForm(page, `Count slowly ${m}`);
  await expect(page).toHaveURL(CHAT_URL);
  await page.reload();
  await waitForHydration(page);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  await expect(composer(page)).toBeFocused();
});

/** Makes `email`'s account a reader of the chat, as a team's admin would (written to the server's database file). */
async function grantViewer(chatId: string, email: string): Promise<void> {
  const db = createClient({ url: E2E.serverEnv.DATABASE_URL });
  try {
    await db.execute({ sql: "INSERT INTO chat_members (chat_id, user_id, role) SELECT ?, id, 'viewer' FROM users WHERE email = ?", args: [chatId, email.toLowerCase()] });
  } finally {
    db.close();
  }
}

test("an answer written on another branch is announced right above the composer, with Stop; a reader is told too, without the buttons", async ({ page, newContext }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const m = uniqueMarker("el");
  await sendThroughTheForm(page, `Short ${m}`);
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();

  // Edit the question: the new answer streams slowly; then look at the first version.
  await queueScripts("openai", `Long ${m}`, { tokens: numberedTokens(1200, "t"), tokenDelayMs: 50 });
  const question = page.getByTestId("user-message").first();
  await question.getByRole("link", { name: "Edit" }).click();
  await question.getByLabel("Edit message").fill(`Long ${m}`);
  await question.getByRole("button", { name: "Save & answer" }).click();
  await expect(lastAnswer(page).getByTestId("answer-content")).toContainText("t3 ");
  await page.getByTestId("user-message").first().getByRole("button", { name: "Previous version" }).click();
  await expect(userMessages(page)).toHaveText([`Short ${m}`]);

  const notice = page.getByTestId("streaming-elsewhere");
  await expect(notice).toBeInViewport({ ratio: 1 });
  const noticeBox = (await notice.boundingBox())!;
  const composerBox = (await composer(page).boundingBox())!;
  // Directly above the box: nothing between them but the composer's own frame.
  expect(noticeBox.y + noticeBox.height).toBeLessThanOrEqual(composerBox.y);
  expect(composerBox.y - (noticeBox.y + noticeBox.height)).toBeLessThan(40);

  // A reader of the chat sees the same notice, with nothing to press, and the chat's read-only line.
  const reader = await (await newContext()).newPage();
  const readerAccount = await signUp(reader);
  await grantViewer(chatIdOf(page), readerAccount.email);
  await reader.goto(`/chats/${chatIdOf(page)}`);
  const readerNotice = reader.getByTestId("streaming-elsewhere");
  await expect(readerNotice).toContainText("An answer is still being written on another branch.");
  await expect(readerNotice.getByRole("button")).toHaveCount(0);
  await expect(reader.getByTestId("read-only-notice")).toBeVisible();

  await notice.getByRole("button", { name: "Stop that answer" }).click();
  await expect(notice).toHaveCount(0);
  // The reader's page follows: the notice goes when the answer ends.
  await expect(readerNotice).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
  await page.getByTestId("user-message").first().getByRole("button", { name: "Next version" }).click();
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "interrupted");
});
