// Logging out in one tab takes the browser's other tabs to the login page at
// once, saying why, and logging in there returns each to where it was. The
// tab that logged out says it did, with and without JavaScript.
import { composer, expect, login, logout, newChatAndSend, signUp, test, waitForAnswer, waitForHydration } from "./fixtures";

test("logging out in one tab takes the other to the login page, which says why and leads back to its chat", async ({ page, context }) => {
  const user = await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "Tell me about barn owls");
  await waitForAnswer(page);
  const other = await context.newPage();
  await other.goto(chatUrl);
  await waitForHydration(other);
  await composer(other).fill("half a thought about owls");

  await page.goto("/chats");
  await logout(page);
  await expect(page.getByTestId("logged-out")).toHaveText("You are logged out.");
  // Said once: the address no longer carries it, so a reload later does not say it to the other tabs again.
  await expect(page).toHaveURL(/\/login$/);

  await expect(other).toHaveURL(`/login?${new URLSearchParams({ redirectTo: chatUrl, elsewhere: "1" })}`);
  await expect(other.getByTestId("logged-out")).toHaveText("You logged out in another tab. Log in again to go on where you were.");
  // Nothing of the account is left on the page: a shared computer shows no chat.
  await expect(other.getByText("Tell me about barn owls")).toHaveCount(0);
  await expect(other.getByText("half a thought about owls")).toHaveCount(0);

  await login(other, user);
  await expect(other).toHaveURL(chatUrl);
  await expect(other.getByTestId("user-message")).toContainText("Tell me about barn owls");

  // The first tab, reloaded once its person has logged in again elsewhere, leaves the other tab alone.
  await waitForHydration(other);
  await other.evaluate(() => ((window as { stayed?: boolean }).stayed = true));
  await page.reload();
  await expect(page).toHaveURL(/\/chats$/);
  await page.getByRole("button", { name: "Log out" }).waitFor();
  await expect(other).toHaveURL(chatUrl);
  expect(await other.evaluate(() => (window as { stayed?: boolean }).stayed)).toBe(true);
});

test("without JavaScript, logging out says so on the login page", async ({ newContext }) => {
  const page = await (await newContext({ javaScriptEnabled: false })).newPage();
  await signUp(page);
  await logout(page);
  await expect(page.getByTestId("logged-out")).toHaveText("You are logged out.");
  // Said only right after logging out: a later visit to the login page does not say it again.
  await page.goto("/chats");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fchats$/);
  await expect(page.getByTestId("logged-out")).toHaveCount(0);
});
