// A form the server refuses comes back with the focus where there is
// something to fix — without JavaScript too, where the page is drawn afresh:
// the first field in error, or the password after a wrong one.
import type { Page } from "@playwright/test";
import { DEFAULT_PASSWORD, expect, signUp, test, uniqueEmail } from "./fixtures";

async function focusedField(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute("name") ?? null);
}

test("without JavaScript, a refused form has the focus on what to fix", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(400, 401);
  // Sign-up: the email the server cannot take.
  await page.goto("/signup");
  expect(await focusedField(page)).toBe("name");
  await page.getByLabel("Name").fill("Ada");
  await page.getByLabel("Email").fill("ada@");
  await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  expect(await focusedField(page)).toBe("email");

  // Log-in: a wrong password leaves the email as typed and the focus on the password.
  const user = await signUp(page, { email: uniqueEmail("focus") });
  await page.context().clearCookies();
  await page.goto("/login");
  expect(await focusedField(page)).toBe("email");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  expect(await focusedField(page)).toBe("password");

  // Settings: the profile's second field in error is the one focused when the first is fine.
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.goto("/settings/profile");
  await page.getByLabel("Email").fill("not an email");
  await page.getByRole("button", { name: /^Save/ }).click();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  expect(await focusedField(page)).toBe("email");
});
