// Settings → Profile and Security's password form, in Chromium with and
// without JavaScript: a saved name, a taken email refused beside its field,
// a wrong current password refused, and a new password that logs in while
// the old one no longer does (and the other browser is signed out by it).
// Deleting one's account: its password first, then its chats are gone, every
// browser is signed out, and its email and password no longer log in.
import type { BrowserContext, BrowserContextOptions, Page } from "@playwright/test";
import { composer, DEFAULT_PASSWORD, expect, login, logout, newChatAndSend, signUp, test, uniqueEmail, waitForAnswer, waitForHydration } from "./fixtures";

// Several accounts, logins and argon2 hashes each: more than the default time on a busy machine.
test.describe.configure({ timeout: 120_000 });

async function changePassword(page: Page, current: string, next: string): Promise<void> {
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Confirm new password").fill(next);
  await page.getByRole("button", { name: "Change password" }).click();
}

/**
 * A new account (not the server's first, which is its admin and cannot leave it without one), signed in on a page
 * with or without JavaScript, and again in another browser.
 */
async function signedInTwice(newContext: (options?: BrowserContextOptions) => Promise<BrowserContext>, javaScript: boolean) {
  await signUp(await (await newContext()).newPage(), { name: "Someone Else" });
  const page = await (await newContext({ javaScriptEnabled: javaScript })).newPage();
  const me = await signUp(page);
  const elsewhere = await (await newContext()).newPage();
  await login(elsewhere, me);
  return { page, me, elsewhere };
}

async function loginFails(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");
}

for (const javaScript of [true, false]) {
  const how = javaScript ? "with JavaScript" : "without JavaScript";

  test(`${how}: the profile saves a new name, and an email another account uses is refused beside the field`, async ({ newContext, browserErrors }) => {
    browserErrors.allowStatus(400, 409);
    const other = await signUp(await (await newContext()).newPage(), { name: "Taken Already" });
    const page = await (await newContext({ javaScriptEnabled: javaScript })).newPage();
    const me = await signUp(page, { name: "Ada Tester" });
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(/\/settings\/profile$/);
    const nav = page.getByRole("navigation", { name: "Settings" });
    await expect(nav.getByRole("link")).toHaveText(["Profile", "Security", "Preferences", "API keys", "Shared links", "Your data"]);
    await expect(nav.getByRole("link", { name: "Profile" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByLabel("Name")).toHaveValue("Ada Tester");
    await expect(page.getByLabel("Email")).toHaveValue(me.email);

    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.getByRole("status")).toHaveText("Saved.");
    await page.reload();
    await expect(page.getByLabel("Name")).toHaveValue("Ada Lovelace");

    await page.getByLabel("Email").fill(other.email.toUpperCase());
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.locator("#email-error")).toHaveText("Another account already uses this email address.");
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    // The error is read once, as the field's description: its name stays the label's.
    await expect(page.getByLabel("Email")).toHaveAccessibleName("Email");
    await expect(page.getByLabel("Email")).toHaveAccessibleDescription("Another account already uses this email address.");
    await expect(page.getByLabel("Email")).toHaveValue(other.email.toUpperCase());

    await page.getByLabel("Name").fill("");
    await page.getByLabel("Email").fill("no at sign");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.locator("#name-error")).toHaveText("Tell us what to call you.");
    await expect(page.locator("#email-error")).toHaveText("Enter a valid email address, like ada@example.com.");

    const email = uniqueEmail("renamed");
    await page.getByLabel("Name").fill("Ada L.");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.getByRole("status")).toHaveText("Saved.");
    await page.goto("/chats");
    await logout(page);
    await login(page, { email, password: DEFAULT_PASSWORD });
    await expect(page.getByRole("navigation").getByText("Ada L.")).toBeVisible();
  });

  test(`${how}: a new password needs the current one, logs in afterwards, and signs the other browser out`, async ({ newContext, browserErrors }) => {
    browserErrors.allowStatus(400);
    const { page, me, elsewhere } = await signedInTwice(newContext, javaScript);

    await page.goto("/settings/security");
    await changePassword(page, "not my password", "brand new password 1");
    await expect(page.locator("#currentPassword-error")).toHaveText("That is not your current password.");
    await changePassword(page, DEFAULT_PASSWORD, "brand new password 1");
    await expect(page.getByRole("status")).toHaveText("Password changed. Your other sessions were signed out.");
    await expect(page.getByLabel("Current password")).toHaveValue("");

    await elsewhere.goto("/chats");
    await expect(elsewhere).toHaveURL(/\/login\?redirectTo=%2Fchats&ended=1$/);
    await expect(elsewhere.getByTestId("session-ended")).toBeVisible();

    await page.goto("/chats");
    await logout(page);
    await loginFails(page, me.email, DEFAULT_PASSWORD);
    await login(page, { email: me.email, password: "brand new password 1" });
    await expect(page).toHaveURL(/\/chats$/);
  });
  test(`${how}: deleting the account needs its password, then its chats are gone and nobody is signed in to it`, async ({ newContext, browserErrors }) => {
    browserErrors.allowStatus(400);
    const { page, me, elsewhere } = await signedInTwice(newContext, javaScript);
    const { chatUrl } = await newChatAndSend(elsewhere, "Remember this for me");
    await waitForAnswer(elsewhere);
    const drafts = () => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("parley:draft:")).length);
    if (javaScript) {
      await page.goto("/chats?new=1");
      await waitForHydration(page);
      await composer(page).fill("A draft not sent");
      await expect.poll(drafts).toBe(1);
    }

    await page.goto("/settings/security");
    const section = page.locator("section", { has: page.getByRole("heading", { name: "Delete account" }) });
    await expect(section).toContainText("1 chat, 0 files");
    await section.getByLabel("Your password").fill("not my password");
    await section.getByRole("button", { name: "Delete my account" }).click();
    await expect(page.locator("#password-error")).toHaveText("That is not your current password.");
    await expect(section.getByLabel("Your password")).toHaveValue("");
    if (javaScript) await expect(section.getByLabel("Your password")).toBeFocused();
    await elsewhere.goto(chatUrl);
    await expect(elsewhere.getByTestId("user-message")).toContainText("Remember this for me");

    await section.getByLabel("Your password").fill(DEFAULT_PASSWORD);
    await section.getByRole("button", { name: "Delete my account" }).click();
    await expect(page).toHaveURL(/\/login\?deleted=1$/);
    await expect(page.getByTestId("account-deleted")).toHaveText("Your account and everything in it were deleted.");
    // What the account had typed and not sent goes from this browser too.
    if (javaScript) await expect.poll(drafts).toBe(0);
    expect(await drafts()).toBe(0);
    await page.goto("/chats");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fchats$/);
    await elsewhere.goto(chatUrl);
    await expect(elsewhere).toHaveURL(/\/login\?redirectTo=/);
    await loginFails(page, me.email, DEFAULT_PASSWORD);
  });
}
