// A person who clicks while the page they asked for is still arriving over a
// slow line gets what they clicked, and the browser logs no error: the load
// that was replaced is dropped quietly.
import { CHAT_URL, expect, newChatAndSend, signUp, test, waitForAnswer } from "./fixtures";

test("a form sent while a chat is still arriving replaces it, and nothing is logged as an error", async ({ page }) => {
  await signUp(page);
  // A long chat, so its data takes seconds to arrive at the slow speed below.
  const long = await newChatAndSend(page, `Keep this in mind. ${"A long line of words to make the chat heavy. ".repeat(400)}`);
  await waitForAnswer(page);
  await newChatAndSend(page, "A short one");
  await waitForAnswer(page);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: 4 * 1024, uploadThroughput: -1 });

  // The response's headers have come; its body is still on the way.
  const arriving = page.waitForResponse((response) => new URL(response.url()).pathname.startsWith(`${long.chatUrl}.data`));
  await page.getByRole("navigation").getByRole("link", { name: /Keep this in mind/ }).click();
  await arriving;
  await expect(page).not.toHaveURL(long.chatUrl);

  await page.getByRole("button", { name: "Log out" }).click();
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(page).toHaveURL(/\/login$/);
  await expect(page).not.toHaveURL(CHAT_URL);
});
