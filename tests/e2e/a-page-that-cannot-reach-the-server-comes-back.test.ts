// When the server cannot be reached (it restarts, say) and the page's data
// fails to load, the page says so in its own language, not with a 500 and
// raw keys, and comes back by itself once the server answers again, with the
// draft that was being written.
import { CHAT_URL, composer, expect, lastAnswer, newChatAndSend, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";

test("a page whose data cannot be loaded says the server cannot be reached, and comes back by itself with its draft", async ({ page, browserErrors }) => {
  await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "A question before the server goes away");
  await waitForAnswer(page);
  await composer(page).fill("A draft written while the server is away");

  // The server goes away: every request for data, and its health check, fails.
  browserErrors.allow(/net::ERR_FAILED/);
  const away = (route: { abort: () => Promise<void> }) => route.abort();
  await page.route(/\.data(\?|$)|\/healthz$/, away);
  await page.getByRole("link", { name: "+ New chat" }).click();
  const notice = page.getByTestId("server-unreachable");
  await expect(notice).toHaveText("Parley cannot be reached right now. This page comes back by itself as soon as it can, with what you were writing.");
  await expect(page.getByText("errorPage.")).toHaveCount(0);

  // Back: the page loads afresh by itself, and the chat's draft is there.
  await page.unroute(/\.data(\?|$)|\/healthz$/, away);
  await expect(notice).toHaveCount(0, { timeout: 10_000 });
  await page.goto(chatUrl);
  await expect(composer(page)).toHaveValue("A draft written while the server is away");
});

test("a new chat's first message that cannot reach the server stays, with its files and its model, and goes once the server is back", async ({ page, browserErrors }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  await page.getByRole("option", { name: "GPT-4o mini" }).click();
  await page.getByTestId("file-input").setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("Remember the milk.\n") }]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await composer(page).fill("What do my notes say?");

  // The send cannot reach the server, nor can anything else.
  browserErrors.allow(/net::ERR_FAILED/);
  const away = (route: { abort: () => Promise<void> }) => route.abort();
  await page.route(/\/chats\.data|\/healthz$/, away);
  await composer(page).press("Enter");
  await expect(page.getByRole("alert")).toContainText("The message could not reach Parley, so it was not sent. Your text is kept");
  await expect(page.getByTestId("server-unreachable")).toHaveCount(0);
  await expect(composer(page)).toHaveValue("What do my notes say?");
  await expect(page.getByTestId("attachment-chip")).toHaveCount(1);
  await expect(page.getByTestId("model-picker")).toHaveText(/GPT-4o mini/);

  // Back: the same send goes, with its file and its model.
  await page.unroute(/\/chats\.data|\/healthz$/, away);
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(page.getByTestId("user-message")).toContainText("notes.txt");
  await expect(lastAnswer(page).getByTestId("answer-model")).toHaveText("GPT-4o mini");
});
