// Settings → Security lists the browsers one is signed in on (this one marked,
// with the device, the address and when), and signs out any of them, or all
// but this one; the other browser finds itself logged out. With and without
// JavaScript.
import { expect, login, signUp, test } from "./fixtures";

// Several accounts, logins and argon2 hashes each: more than the default time on a busy machine.
test.describe.configure({ timeout: 180_000 });

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`${how}: a session signed out from here is logged out there, and so is everywhere else`, async ({ newContext }) => {
    const page = await (await newContext({ javaScriptEnabled: javaScript })).newPage();
    const me = await signUp(page);
    const laptop = await (await newContext()).newPage();
    await login(laptop, me);

    await page.goto("/settings/security");
    const sessions = page.getByTestId("session");
    await expect(sessions).toHaveCount(2);
    const mine = sessions.and(page.locator("[data-current]"));
    await expect(mine).toContainText("This session");
    await expect(sessions.first()).toContainText("This session");
    for (const session of await sessions.all()) {
      await expect(session).toContainText("Chrome on Linux");
      await expect(session).toContainText("127.0.0.1");
      await expect(session).toContainText(/Signed in \d{1,2} \w{3} \d{4} · Last active (now|just now)/);
    }
    await expect(mine.getByRole("button")).toHaveCount(0);

    await sessions.nth(1).getByRole("button", { name: /^Sign out Chrome on Linux/ }).click();
    await expect(page.getByRole("status")).toHaveText("That session was signed out.");
    await expect(sessions).toHaveCount(1);
    await expect(page.getByText("You are not signed in anywhere else.")).toBeVisible();
    await laptop.goto("/chats");
    await expect(laptop).toHaveURL(/\/login/);

    // Back on the laptop, then everywhere else at once.
    await login(laptop, me);
    await page.reload();
    await expect(sessions).toHaveCount(2);
    await page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await expect(page.getByRole("status")).toHaveText("Signed out 1 other session.");
    await expect(sessions).toHaveCount(1);
    await laptop.goto("/settings/security");
    await expect(laptop).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fsecurity&ended=1$/);
    await expect(laptop.getByTestId("session-ended")).toBeVisible();
    // The address alone says nothing: a browser that never had that session is not told it ended.
    const stranger = await (await newContext({ javaScriptEnabled: javaScript })).newPage();
    await stranger.goto("/login?redirectTo=%2Fsettings%2Fsecurity&ended=1");
    await expect(stranger.getByRole("button", { name: "Log in" })).toBeVisible();
    await expect(stranger.getByTestId("session-ended")).toHaveCount(0);
    await page.goto("/chats");
    await expect(page).toHaveURL(/\/chats$/);
  });
}

test("another person's session cannot be signed out from my page: a 404, and they stay signed in", async ({ page, newContext, browserErrors }) => {
  browserErrors.allowStatus(404);
  const stranger = await (await newContext()).newPage();
  const them = await signUp(stranger);
  const theirPhone = await (await newContext()).newPage();
  await login(theirPhone, them);
  await stranger.goto("/settings/security");
  const theirPhoneId = await stranger.getByTestId("session").nth(1).locator("input[name=sessionId]").inputValue();

  await signUp(page);
  const response = await page.request.post("/settings/security", { form: { intent: "revoke", sessionId: theirPhoneId }, maxRedirects: 0 });
  expect(response.status()).toBe(404);
  await theirPhone.goto("/chats");
  await expect(theirPhone).toHaveURL(/\/chats$/);
});
