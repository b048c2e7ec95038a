// When the server cannot be reached (it restarts, say) and the page's data
// fails to load, the page says so in its own language, not with a 500 and
// raw keys, and comes back by itself once the server answers again, with the
// draft that was being written.
import { composer, expect, newChatAndSend, test, waitForAnswer, signUp } from "./fixtures";

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
