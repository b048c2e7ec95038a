// The admin area in Chromium, with and without JavaScript, on a server of its
// own (its first account is the admin, and what it changes — registration,
// models — must not reach the shared server's other tests): accounts found,
// promoted, disabled, handed a reset link and deleted; registration closed,
// opened by invitation and invites used up or revoked; models turned off.
import type { BrowserContext, Page } from "@playwright/test";
import { CHAT_URL, DEFAULT_PASSWORD, expect, lastAnswer, login, postForm, signUp, test, uniqueEmail, type User } from "./fixtures";
import { type OwnServer, startOwnServer } from "./own-server";

// Each test walks a whole admin task through several browsers: longer than one page's budget.
test.describe.configure({ mode: "serial", timeout: 360_000 });

let server: OwnServer;
test.beforeAll(async () => {
  server = await startOwnServer();
});
test.afterAll(async () => {
  await server?.stop();
});

let adminUser: User | undefined;
/** A page signed in as the server's admin (the first account, made by the first test that asks). */
async function adminPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  if (adminUser) await login(page, adminUser);
  else adminUser = await signUp(page, { name: "Ada Admin" });
  return page;
}

function row(page: Page, email: string) {
  return page.getByTestId("user-row").filter({ hasText: email });
}

test("without JavaScript an admin finds a person, promotes, disables, resets and deletes them; a member sees no admin area", async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(400, 403, 404, 409, 410);
  const admin = await adminPage(await newContext({ baseURL: server.baseURL, javaScriptEnabled: false }));
  await admin.getByRole("link", { name: "Admin" }).click();
  await expect(admin).toHaveURL(/\/admin\/users$/);
  await expect(admin.getByRole("navigation", { name: "Admin" }).getByRole("link")).toHaveText(["Users", "Registration", "Models", "System prompt", "Limits", "Usage"]);
  for (const path of ["/admin/users", "/admin/registration", "/admin/models", "/admin/prompt", "/admin/limits", "/admin/usage"]) {
    const headers = (await admin.request.get(`${server.baseURL}${path}`)).headers();
    expect(headers["cache-control"], path).toBe("private, no-store");
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"], path).toBe("DENY");
  }

  const memberContext = await newContext({ baseURL: server.baseURL, javaScriptEnabled: false });
  const member = await memberContext.newPage();
  const bob = await signUp(member, { name: "Bob Member", email: uniqueEmail("bob") });
  await expect(member.getByRole("link", { name: "Admin" })).toHaveCount(0);
  const refused = await member.goto("/admin/users");
  expect(refused?.status()).toBe(404);
  await expect(member.getByText("This page does not exist")).toBeVisible();

  await admin.getByRole("searchbox").fill(bob.email.slice(0, 12));
  await admin.getByRole("button", { name: "Search" }).click();
  await expect(admin).toHaveURL(/\?q=/);
  await expect(admin.getByTestId("user-row")).toHaveCount(1);
  await expect(row(admin, bob.email).getByTestId("user-role")).toHaveText("member");
  await row(admin, bob.email).getByRole("link", { name: "Bob Member" }).click();

  await admin.getByLabel("Role").selectOption("admin");
  await admin.getByRole("button", { name: "Save role" }).click();
  await expect(admin.getByRole("status")).toHaveText("Changed the role.");
  await expect(admin.getByTestId("user-role")).toHaveText("admin");
  await expect(admin.getByTestId("user-changed")).toContainText("by Ada Admin");
  await member.goto("/admin/models");
  await expect(member.getByRole("heading", { name: "Providers and models" })).toBeVisible();
  await admin.getByLabel("Role").selectOption("member");
  await admin.getByRole("button", { name: "Save role" }).click();
  await expect(admin.getByTestId("user-role")).toHaveText("member");
  expect((await member.goto("/admin/models"))?.status()).toBe(404);

  // Disabled: out at the next request, and logging in says why only after the right password.
  await admin.getByRole("button", { name: "Disable account" }).click();
  await expect(admin.getByTestId("user-status")).toContainText("disabled since");
  await member.goto("/chats");
  await expect(member).toHaveURL(/\/login\?redirectTo=%2Fchats$/);
  await member.getByLabel("Email").fill(bob.email);
  await member.getByLabel("Password").fill("not the password");
  await member.getByRole("button", { name: "Log in" }).click();
  await expect(member.getByText("That email and password do not match an account.")).toBeVisible();
  await member.getByLabel("Email").fill(bob.email);
  await member.getByLabel("Password").fill(DEFAULT_PASSWORD);
  await member.getByRole("button", { name: "Log in" }).click();
  await expect(member.getByText("This account is disabled. Ask an admin to enable it again.")).toBeVisible();
  await admin.getByRole("button", { name: "Enable account" }).click();
  await expect(admin.getByTestId("user-status")).toHaveText("active");
  await login(member, bob);

  // A reset link, handed over: it works once and ends the other sessions.
  await admin.getByRole("button", { name: "Create password-reset link" }).click();
  const link = await admin.getByLabel("Password-reset link").inputValue();
  expect(link).toMatch(new RegExp(`^${server.baseURL}/reset-password/[A-Za-z0-9_-]{43}$`));
  const elsewhere = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled: false })).newPage();
  await elsewhere.goto(link);
  await expect(elsewhere.getByText(bob.email)).toBeVisible();
  await elsewhere.getByLabel(/New password/).fill("short");
  await elsewhere.getByRole("button", { name: "Set new password" }).click();
  await expect(elsewhere.getByText("Choose a password of 8 to 1024 characters.")).toBeVisible();
  await elsewhere.getByLabel(/New password/).fill("a new and better password");
  await elsewhere.getByRole("button", { name: "Set new password" }).click();
  await expect(elsewhere).toHaveURL(/\/chats$/);
  await member.goto("/chats");
  await expect(member).toHaveURL(/\/login/);
  const again = await elsewhere.goto(link);
  expect(again?.status()).toBe(410);
  await expect(elsewhere.getByTestId("reset-refused")).toContainText("it was used already");
  await login(member, { email: bob.email, password: "a new and better password" });

  // Deleting asks for the email first.
  await admin.getByLabel("Email of the account to delete").fill("someone@example.com");
  await admin.getByRole("button", { name: "Delete account and data" }).click();
  await expect(admin.getByText("To confirm, type the account's email address exactly as shown.")).toBeVisible();
  await admin.getByLabel("Email of the account to delete").fill(bob.email);
  await admin.getByRole("button", { name: "Delete account and data" }).click();
  await expect(admin).toHaveURL(/\/admin\/users\?deleted=/);
  await expect(admin.getByRole("status")).toHaveText(`Deleted the account ${bob.email} and its data.`);
  await expect(row(admin, bob.email)).toHaveCount(0);
  await member.goto("/chats");
  await expect(member).toHaveURL(/\/login/);

  // The only admin cannot take away their own role.
  await admin.goto("/admin/users");
  await row(admin, adminUser!.email).getByRole("link").click();
  await admin.getByLabel("Role").selectOption("member");
  await admin.getByRole("button", { name: "Save role" }).click();
  await expect(admin.getByText("This is the last admin: the server needs one. Make someone else an admin first.")).toBeVisible();
  await expect(admin.getByTestId("user-role")).toHaveText("admin");
});

test("with JavaScript an admin makes registration invite-only, hands out invites, sees them used up, revokes one, and closes it", async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(403);
  const admin = await adminPage(await newContext({ baseURL: server.baseURL }));
  await admin.goto("/admin/registration");
  await admin.getByRole("radio", { name: /^Invite only/ }).check();
  await admin.getByRole("button", { name: "Save mode" }).click();
  await expect(admin.getByRole("status")).toHaveText("Saved the registration mode.");

  const visitor = await (await newContext({ baseURL: server.baseURL })).newPage();
  await visitor.goto("/signup");
  await expect(visitor.getByRole("heading", { name: "Sign-up is by invitation" })).toBeVisible();
  await visitor.goto("/login");
  await expect(visitor.getByRole("link", { name: "Create an account" })).toHaveCount(0);

  await admin.getByLabel("Note (who it is for)").fill("the Lovelace family");
  await admin.getByLabel("Uses").fill("2");
  await admin.getByLabel("Expires after").selectOption("1");
  await admin.getByRole("button", { name: "Create invite link" }).click();
  const link = await admin.getByRole("textbox", { name: "Invite link" }).inputValue();
  expect(link).toMatch(/\/signup\?invite=[A-Za-z0-9_-]{43}$/);
  const invite = admin.getByTestId("invite-row").filter({ hasText: "the Lovelace family" });
  await expect(invite.getByTestId("invite-uses-left")).toHaveText("2 of 2");

  for (const name of ["Ada Lovelace", "Byron Lovelace"]) {
    const page = await (await newContext({ baseURL: server.baseURL })).newPage();
    await page.goto(link);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(uniqueEmail("invited"));
    await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL(/\/chats$/);
  }
  await visitor.goto(link);
  await expect(visitor.getByTestId("signup-refused")).toHaveText("This invite link has been used as many times as it allows. Ask an admin for a new one.");
  await admin.reload();
  await expect(invite.getByTestId("invite-uses-left")).toHaveText("0 of 2");
  await expect(invite.getByTestId("invite-state")).toHaveText("used up");

  await admin.getByLabel("Note (who it is for)").fill("a neighbour");
  await admin.getByRole("button", { name: "Create invite link" }).click();
  const revoked = await admin.getByRole("textbox", { name: "Invite link" }).inputValue();
  await admin.getByRole("button", { name: "Revoke the invite for a neighbour" }).click();
  await expect(admin.getByRole("status")).toHaveText("Revoked the invite link.");
  await visitor.goto(revoked);
  await expect(visitor.getByTestId("signup-refused")).toHaveText("This invite link was withdrawn by an admin. Ask for a new one.");
  await visitor.goto("/signup?invite=not-a-real-invite");
  await expect(visitor.getByTestId("signup-refused")).toContainText("This invite link is not valid.");

  await admin.getByRole("radio", { name: /^Closed/ }).check();
  await admin.getByRole("button", { name: "Save mode" }).click();
  await expect(admin.getByRole("status")).toHaveText("Saved the registration mode.");
  await visitor.goto("/signup");
  await expect(visitor.getByRole("heading", { name: "Registration is closed" })).toBeVisible();
  await admin.getByRole("radio", { name: /^Open/ }).check();
  await admin.getByRole("button", { name: "Save mode" }).click();
  await visitor.goto("/signup");
  await expect(visitor.getByRole("heading", { name: "Create your account" })).toBeVisible();
});

test("a model turned off leaves the picker and is refused with a clear message; its chat keeps its answers", async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(400);
  const memberContext = await newContext({ baseURL: server.baseURL, javaScriptEnabled: false });
  const member = await memberContext.newPage();
  await signUp(member, { name: "Carol Chatter" });
  await member.goto("/chats?new=1");
  await member.getByRole("textbox", { name: "Message" }).fill("Tell me about the sea");
  await member.getByRole("button", { name: "Send" }).click();
  await expect(member).toHaveURL(CHAT_URL);
  await expect(lastAnswer(member)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  const chatUrl = member.url();

  // Without JavaScript: untick the demo model, make GPT-4o the default, save.
  const admin = await adminPage(await newContext({ baseURL: server.baseURL, javaScriptEnabled: false }));
  await admin.goto("/admin/models");
  await admin.getByLabel("Demo (offline) (demo:parley-demo) on").uncheck();
  await admin.getByLabel("Default model for new chats").selectOption("openai:gpt-4o");
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByRole("status")).toContainText("Saved.");
  await expect(admin.getByLabel("Demo (offline) (demo:parley-demo) on")).not.toBeChecked();
  await expect(admin.getByLabel("Default model for new chats")).toHaveValue("openai:gpt-4o");

  await member.goto("/chats?new=1");
  await expect(member.getByTestId("model-select")).toHaveValue("openai:gpt-4o");
  await expect(member.getByTestId("model-select").locator("option", { hasText: "Demo (offline)" })).toHaveCount(0);
  await member.goto(chatUrl);
  await expect(member.getByTestId("user-message").first()).toContainText("Tell me about the sea");
  await expect(lastAnswer(member)).toHaveAttribute("data-status", "complete");
  // The page's picker offers only models still on; a form that still names the old one is refused with words.
  await expect(member.getByTestId("model-select").locator("option", { hasText: "Demo (offline)" })).toHaveCount(0);
  const refused = await postForm(member, new URL(chatUrl).pathname, { intent: "send", content: "And the mountains?", model: "demo:parley-demo" });
  expect(refused.status()).toBe(400);
  expect(await refused.text()).toContain("has been turned off by the administrator. Pick another model.");

  // With JavaScript the picker has no trace of it either; turning it back on brings it back.
  const withJs = await (await newContext({ baseURL: server.baseURL })).newPage();
  await login(withJs, adminUser!);
  await withJs.goto("/chats?new=1");
  await withJs.getByTestId("model-picker").click();
  await withJs.getByLabel("Search models").fill("demo");
  await expect(withJs.getByRole("listbox")).toContainText("No model matches.");
  await admin.getByLabel("Demo (offline) (demo:parley-demo) on").check();
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByLabel("Demo (offline) (demo:parley-demo) on")).toBeChecked();
  await withJs.reload();
  await withJs.getByTestId("model-picker").click();
  await withJs.getByLabel("Search models").fill("demo");
  await expect(withJs.getByRole("option", { name: /Demo/ })).toBeVisible();
});
