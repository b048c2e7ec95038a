// The admin area in Chromium, with and without JavaScript, on a server of its
// own (its first account is the admin, and what it changes — registration,
// models — must not reach the shared server's other tests): accounts found,
// paged through, promoted, disabled, handed a reset link and deleted;
// registration closed, opened by invitation and invites used up or revoked;
// providers and models turned off, the default model chosen, and keys of
// one's own forbidden and allowed again.
import type { Page } from "@playwright/test";
import { firstAccountIsAdmin } from "./admin";
import { CHAT_URL, DEFAULT_PASSWORD, expect, lastAnswer, login, postForm, signUp, test, uniqueEmail, waitForHydration } from "./fixtures";
import { type OwnServer, startOwnServer } from "./own-server";
import { isolate } from "../../app/i18n/isolate";

// Each test walks a whole admin task through several browsers: longer than one page's budget.
test.describe.configure({ mode: "serial", timeout: 360_000 });
// …but a step that cannot happen fails in seconds, not at the end of that budget.
test.use({ actionTimeout: 15_000 });

let server: OwnServer;
test.beforeAll(async () => {
  server = await startOwnServer();
});
test.afterAll(async () => {
  await server?.stop();
});

const admin = firstAccountIsAdmin();
const MODES = [false, true] as const;
const modeName = (javaScriptEnabled: boolean) => (javaScriptEnabled ? "with JavaScript" : "without JavaScript");

/** More accounts than one page of the list holds (50), all found by searching "pager-". */
const PAGER_ACCOUNTS = 52;
let pagerAccountsMade = false;
/** Signs the accounts up through the real form's endpoint, as a browser without JavaScript posts it. */
async function makePagerAccounts(page: Page): Promise<void> {
  if (pagerAccountsMade) return;
  for (let i = 0; i < PAGER_ACCOUNTS; i++) {
    const response = await postForm(page, `${server.baseURL}/signup`, { name: `Pager ${i}`, email: uniqueEmail(`pager-${i}`), password: DEFAULT_PASSWORD });
    expect(response.status()).toBe(302);
    await page.context().clearCookies();
  }
  pagerAccountsMade = true;
}

function row(page: Page, email: string) {
  return page.getByTestId("user-row").filter({ hasText: email });
}

for (const javaScriptEnabled of MODES) {
test(`${modeName(javaScriptEnabled)} an admin finds a person, pages through the list, promotes, disables, resets and deletes them; a member sees no admin area`, async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(400, 403, 404, 409, 410);
  const adminPage = await admin.page(await newContext({ baseURL: server.baseURL, javaScriptEnabled }));
  await makePagerAccounts(await (await newContext({ baseURL: server.baseURL })).newPage());
  await adminPage.getByRole("link", { name: "Admin" }).click();
  await expect(adminPage).toHaveURL(/\/admin\/users$/);
  await expect(adminPage.getByRole("navigation", { name: "Admin" }).getByRole("link")).toHaveText(["Users", "Registration", "Models", "System prompt", "Limits", "Usage", "Moderation"]);
  for (const path of ["/admin/users", "/admin/registration", "/admin/models", "/admin/prompt", "/admin/limits", "/admin/usage", "/admin/moderation"]) {
    const headers = (await adminPage.request.get(`${server.baseURL}${path}`)).headers();
    expect(headers["cache-control"], path).toBe("private, no-store");
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"], path).toBe("DENY");
  }

  const memberContext = await newContext({ baseURL: server.baseURL, javaScriptEnabled });
  const member = await memberContext.newPage();
  const bob = await signUp(member, { name: "Bob Member", email: uniqueEmail("bob") });

  // Paging: more than 50 accounts match, the links keep the search.
  await adminPage.getByRole("searchbox").fill("pager-");
  await adminPage.getByRole("button", { name: "Search" }).click();
  await expect(adminPage.getByTestId("users-count")).toHaveText(`${PAGER_ACCOUNTS} accounts matching “pager-”, page 1 of 2.`);
  await expect(adminPage.getByTestId("user-row")).toHaveCount(50);
  await expect(adminPage.getByRole("link", { name: "← Previous page" })).toHaveCount(0);
  await adminPage.getByRole("link", { name: "Next page →" }).click();
  await expect(adminPage).toHaveURL(/\?q=pager-&page=2$/);
  await expect(adminPage.getByTestId("users-count")).toHaveText(`${PAGER_ACCOUNTS} accounts matching “pager-”, page 2 of 2.`);
  await expect(adminPage.getByTestId("user-row")).toHaveCount(PAGER_ACCOUNTS - 50);
  await expect(adminPage.getByRole("link", { name: "Next page →" })).toHaveCount(0);
  await adminPage.getByRole("link", { name: "← Previous page" }).click();
  await expect(adminPage.getByTestId("user-row")).toHaveCount(50);
  // A search that finds nobody says so and offers the way back to everyone.
  await adminPage.getByRole("searchbox").fill("nobody-by-this-name");
  await adminPage.getByRole("button", { name: "Search" }).click();
  await expect(adminPage.getByTestId("users-count")).toHaveText("No account matches “nobody-by-this-name”. Show every account");
  await expect(adminPage.getByTestId("user-row")).toHaveCount(0);
  await adminPage.getByTestId("users-count").getByRole("link", { name: "Show every account" }).click();
  await expect(adminPage.getByTestId("user-row")).toHaveCount(50);

  await expect(member.getByRole("link", { name: "Admin" })).toHaveCount(0);
  const refused = await member.goto("/admin/users");
  expect(refused?.status()).toBe(404);
  await expect(member.getByText("This page does not exist")).toBeVisible();

  await adminPage.getByRole("searchbox").fill(bob.email.slice(0, 12));
  await adminPage.getByRole("button", { name: "Search" }).click();
  await expect(adminPage).toHaveURL(/\?q=/);
  await expect(adminPage.getByTestId("user-row")).toHaveCount(1);
  await expect(row(adminPage, bob.email).getByTestId("user-role")).toHaveText("member");
  await row(adminPage, bob.email).getByRole("link", { name: "Bob Member" }).click();

  await adminPage.getByLabel("Role").selectOption("admin");
  await adminPage.getByRole("button", { name: "Save role" }).click();
  await expect(adminPage.getByRole("status")).toHaveText("Changed the role.");
  await expect(adminPage.getByTestId("user-role")).toHaveText("admin");
  // Named with the email: a name is anyone's to choose.
  await expect(adminPage.getByTestId("user-changed")).toContainText(`by Ada Admin (${admin.user().email})`);
  await member.goto("/admin/models");
  await expect(member.getByRole("heading", { name: "Providers and models" })).toBeVisible();
  await adminPage.getByLabel("Role").selectOption("member");
  await adminPage.getByRole("button", { name: "Save role" }).click();
  await expect(adminPage.getByTestId("user-role")).toHaveText("member");
  expect((await member.goto("/admin/models"))?.status()).toBe(404);
  // A form posted to an admin page that takes none is the same 404 for a member, page and all; an admin is told plainly.
  const notFoundPage = await (await postForm(member, "/no-such-page", { a: "b" })).text();
  for (const path of ["/admin", "/admin?index", "/admin/users", "/admin/usage", "/admin/moderation"]) {
    const refused = await postForm(member, path, { a: "b" });
    expect(refused.status(), path).toBe(404);
    expect(await refused.text(), path).toContain("This page does not exist, or it is not yours.");
    const told = await postForm(adminPage, path, { a: "b" });
    expect(told.status(), path).toBe(405);
    const page = await told.text();
    expect(page, path).toContain("This page does not take forms.");
    expect(page, path).not.toContain("did not provide an `action`");
  }
  expect(notFoundPage).toContain("This page does not exist, or it is not yours.");
  const searchPost = await postForm(member, "/search", { q: "b" });
  expect(searchPost.status()).toBe(405);
  expect(await searchPost.text()).toContain("This page does not take forms.");
  expect((await member.goto("/admin"))?.status()).toBe(404);
  await expect(member.getByRole("heading", { name: "404" })).toBeVisible();

  // Disabled: out at the next request, and logging in says why only after the right password.
  await adminPage.getByRole("button", { name: "Disable account" }).click();
  await expect(adminPage.getByTestId("user-status")).toContainText("disabled since");
  await member.goto("/chats");
  await expect(member).toHaveURL(/\/login\?redirectTo=%2Fchats&ended=1$/);
  await expect(member.getByTestId("session-ended")).toHaveText("You were signed out: your session was ended (by signing out everywhere, a new password, or an administrator). Log in again.");
  await member.getByLabel("Email").fill(bob.email);
  await member.getByLabel("Password").fill("not the password");
  await member.getByRole("button", { name: "Log in" }).click();
  await expect(member.getByText("That email and password do not match an account.")).toBeVisible();
  await member.getByLabel("Email").fill(bob.email);
  await member.getByLabel("Password").fill(DEFAULT_PASSWORD);
  await member.getByRole("button", { name: "Log in" }).click();
  await expect(member.getByText("This account is disabled. Ask an admin to enable it again.")).toBeVisible();
  await adminPage.getByRole("button", { name: "Enable account" }).click();
  await expect(adminPage.getByTestId("user-status")).toHaveText("active");
  await login(member, bob);

  // A reset link, handed over: it works once and ends the other sessions.
  await adminPage.getByRole("button", { name: "Create password-reset link" }).click();
  const link = await adminPage.getByLabel("Password-reset link").inputValue();
  expect(link).toMatch(new RegExp(`^${server.baseURL}/reset-password/[A-Za-z0-9_-]{43}$`));
  await expect(adminPage.getByLabel("Password-reset link")).toBeFocused();
  // A reload makes no new link, which would undo the one handed over.
  await adminPage.reload();
  await expect(adminPage.getByLabel("Password-reset link")).toHaveCount(0);
  const elsewhere = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled })).newPage();
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
  await adminPage.getByLabel("Email of the account to delete").fill("someone@example.com");
  await adminPage.getByRole("button", { name: "Delete account and data" }).click();
  await expect(adminPage.getByText("To confirm, type the account's email address exactly as shown.")).toBeVisible();
  await adminPage.getByLabel("Email of the account to delete").fill(bob.email);
  await adminPage.getByRole("button", { name: "Delete account and data" }).click();
  await expect(adminPage).toHaveURL(/\/admin\/users\?deleted=/);
  await expect(adminPage.getByRole("status")).toHaveText(`Deleted the account ${bob.email} and its data.`);
  await expect(row(adminPage, bob.email)).toHaveCount(0);
  await member.goto("/chats");
  await expect(member).toHaveURL(/\/login/);

  // The only admin cannot take away their own role.
  await adminPage.goto(`/admin/users?${new URLSearchParams({ q: admin.user().email })}`);
  await row(adminPage, admin.user().email).getByRole("link").click();
  await adminPage.getByLabel("Role").selectOption("member");
  await adminPage.getByRole("button", { name: "Save role" }).click();
  await expect(adminPage.getByText("This is the last admin: the server needs one. Make someone else an admin first.")).toBeVisible();
  await expect(adminPage.getByTestId("user-role")).toHaveText("admin");
  // …and the role list shows the role the account still has, not the refused one.
  await expect(adminPage.getByLabel("Role")).toHaveValue("admin");
});
}

for (const javaScriptEnabled of MODES) {
test(`${modeName(javaScriptEnabled)} an admin makes registration invite-only, hands out invites, sees them used up, revokes one, and closes it`, async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(403);
  const family = `the Lovelace family (${modeName(javaScriptEnabled)})`;
  const neighbour = `a neighbour (${modeName(javaScriptEnabled)})`;
  const adminPage = await admin.page(await newContext({ baseURL: server.baseURL, javaScriptEnabled }));
  await adminPage.goto("/admin/registration");
  await adminPage.getByRole("radio", { name: /^Invite only/ }).check();
  await adminPage.getByRole("button", { name: "Save mode" }).click();
  await expect(adminPage.getByRole("status")).toHaveText("Saved the registration mode.");
  // The button (disabled while the form was sent) has the focus again: the keyboard is where it was.
  if (javaScriptEnabled) await expect(adminPage.getByRole("button", { name: "Save mode" })).toBeFocused();

  const visitor = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled })).newPage();
  await visitor.goto("/signup");
  await expect(visitor.getByRole("heading", { name: "Sign-up is by invitation" })).toBeVisible();
  await visitor.goto("/login");
  await expect(visitor.getByRole("link", { name: "Create an account" })).toHaveCount(0);

  await adminPage.getByLabel("Note (who it is for)").fill(family);
  await adminPage.getByLabel("Uses").fill("2");
  await adminPage.getByLabel("Expires after").selectOption("1");
  await adminPage.getByRole("button", { name: "Create invite link" }).click();
  const link = await adminPage.getByRole("textbox", { name: "Invite link" }).inputValue();
  expect(link).toMatch(/\/signup\?invite=[A-Za-z0-9_-]{43}$/);
  // The link, shown this once, has the focus (selected, with the script), not the button that made it.
  await expect(adminPage.getByRole("textbox", { name: "Invite link" })).toBeFocused();
  if (javaScriptEnabled) expect(await adminPage.evaluate(() => [(document.activeElement as HTMLInputElement).selectionStart, (document.activeElement as HTMLInputElement).selectionEnd])).toEqual([0, link.length]);
  const invite = adminPage.getByTestId("invite-row").filter({ hasText: family });
  await expect(invite.getByTestId("invite-uses-left")).toHaveText("2 of 2");
  // The form is empty again for the next one; a reload makes no second invite, and the link is not shown again.
  await expect(adminPage.getByLabel("Note (who it is for)")).toHaveValue("");
  await adminPage.reload();
  await expect(adminPage.getByTestId("invite-row").filter({ hasText: family })).toHaveCount(1);
  await expect(adminPage.getByRole("textbox", { name: "Invite link" })).toHaveCount(0);

  for (const name of ["Ada Lovelace", "Byron Lovelace"]) {
    const page = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled })).newPage();
    await page.goto(link);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(uniqueEmail("invited"));
    await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL(/\/chats$/);
  }
  await visitor.goto(link);
  await expect(visitor.getByTestId("signup-refused")).toHaveText("This invite link has been used as many times as it allows. Ask an admin for a new one.");
  // Opened again (a reload would post the creating form a second time without JavaScript).
  await adminPage.goto("/admin/registration");
  await expect(invite.getByTestId("invite-uses-left")).toHaveText("0 of 2");
  await expect(invite.getByTestId("invite-state")).toHaveText("used up");

  await adminPage.getByLabel("Note (who it is for)").fill(neighbour);
  await adminPage.getByRole("button", { name: "Create invite link" }).click();
  const revoked = await adminPage.getByRole("textbox", { name: "Invite link" }).inputValue();
  await adminPage.getByRole("button", { name: `Revoke the invite for ${isolate(neighbour)}` }).click();
  await expect(adminPage.getByRole("status")).toHaveText("Revoked the invite link.");
  await visitor.goto(revoked);
  await expect(visitor.getByTestId("signup-refused")).toHaveText("This invite link was withdrawn by an admin. Ask for a new one.");
  await visitor.goto("/signup?invite=not-a-real-invite");
  await expect(visitor.getByTestId("signup-refused")).toContainText("This invite link is not valid.");

  await adminPage.getByRole("radio", { name: /^Closed/ }).check();
  await adminPage.getByRole("button", { name: "Save mode" }).click();
  await expect(adminPage.getByRole("status")).toHaveText("Saved the registration mode.");
  await visitor.goto("/signup");
  await expect(visitor.getByRole("heading", { name: "Registration is closed" })).toBeVisible();
  await adminPage.getByRole("radio", { name: /^Open/ }).check();
  // The status already says "Saved" from the last save: wait for this save's own answer before looking.
  const saved = adminPage.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname.startsWith("/admin/registration"));
  await adminPage.getByRole("button", { name: "Save mode" }).click();
  expect((await saved).status()).toBeLessThan(400);
  await visitor.goto("/signup");
  await expect(visitor.getByRole("heading", { name: "Create your account" })).toBeVisible();
});
}

for (const javaScriptEnabled of MODES) {
test(`${modeName(javaScriptEnabled)} an admin turns a model and a provider off, picks the default model and forbids keys of one's own; the chat keeps its answers`, async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(400);
  const memberContext = await newContext({ baseURL: server.baseURL, javaScriptEnabled: false });
  const member = await memberContext.newPage();
  await signUp(member, { name: "Carol Chatter" });
  await member.goto("/chats?new=1");
  await member.getByTestId("model-select").selectOption("demo:parley-demo");
  await member.getByRole("textbox", { name: "Message" }).fill("Tell me about the sea");
  await member.getByRole("button", { name: "Send" }).click();
  await expect(member).toHaveURL(CHAT_URL);
  await expect(lastAnswer(member)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  const chatUrl = member.url();
  // A key of the member's own for Anthropic, which the admin is about to turn off.
  await member.goto("/settings/keys");
  await member.getByLabel("Provider").selectOption("anthropic");
  await member.getByLabel("API key").fill("member-anthropic-key-0001");
  await member.getByRole("button", { name: "Save key" }).click();
  await expect(member.getByText("Saved your Anthropic key.")).toBeVisible();
  const anthropicKey = member.locator('[data-testid="user-key"][data-provider="anthropic"]');
  await expect(anthropicKey.getByRole("button", { name: "Test the Anthropic key" })).toBeVisible();

  // Untick the demo model and the Anthropic provider, make GPT-4o the default, forbid keys of one's own; save.
  const adminPage = await admin.page(await newContext({ baseURL: server.baseURL, javaScriptEnabled }));
  await adminPage.goto("/admin/models");
  // A provider the server has no key or address for says which setting would give it, and who can use it meanwhile.
  await expect(adminPage.locator('[data-testid="admin-provider"][data-provider="mistral"]')).toContainText("No server key (MISTRAL_API_KEY): only people with a key of their own can use it.");
  await expect(adminPage.locator('[data-testid="admin-provider"][data-provider="ollama"]')).toContainText("Not set up on this server (OLLAMA_BASE_URL): only people allowed to point their keys at a server of their choosing (below) can use it.");
  await adminPage.getByLabel("Demo (offline) (demo:parley-demo)", { exact: true }).uncheck();
  await adminPage.getByLabel("Anthropic (the provider and all its models)").uncheck();
  await adminPage.getByLabel("Default model for new chats").selectOption("openai:gpt-4o");
  await adminPage.getByLabel("People may use API keys of their own").uncheck();
  await saveModels(adminPage);
  await expect(adminPage.getByRole("status")).toContainText("Saved.");
  await expect(adminPage.getByLabel("Demo (offline) (demo:parley-demo)", { exact: true })).not.toBeChecked();
  await expect(adminPage.getByLabel("Anthropic (the provider and all its models)")).not.toBeChecked();
  await expect(adminPage.getByLabel("Default model for new chats")).toHaveValue("openai:gpt-4o");
  await expect(adminPage.getByLabel("People may use API keys of their own")).not.toBeChecked();

  await member.goto("/chats?new=1");
  // The page no longer offers the demo model it had turned off.
  await expect(member.getByText("Pick a model below.", { exact: true })).toBeVisible();
  const picker = member.getByTestId("model-select");
  await expect(picker).toHaveValue("openai:gpt-4o");
  await expect(picker.locator("option", { hasText: "Demo (offline)" })).toHaveCount(0);
  await expect(picker.locator("option[value^='anthropic:']")).toHaveCount(0);
  await expect(picker.locator("option[value^='openai:']").first()).toBeAttached();
  await member.goto("/settings/keys");
  await expect(member.getByTestId("keys-not-allowed")).toBeVisible();
  await expect(member.getByRole("button", { name: "Save key" })).toHaveCount(0);
  // The saved key is listed, says why it is not used, offers no test that could only be refused, and can be removed.
  await expect(anthropicKey.getByTestId("key-unused")).toHaveText("The administrator turned off Anthropic on this server: this key is not used while it is off. You can remove it.");
  await expect(anthropicKey.getByRole("button", { name: "Test the Anthropic key" })).toHaveCount(0);
  await anthropicKey.getByRole("button", { name: "Remove the Anthropic key" }).click();
  await expect(member.getByText("Removed your Anthropic key.")).toBeVisible();
  await expect(anthropicKey).toHaveCount(0);
  await member.goto(chatUrl);
  await expect(member.getByTestId("user-message").first()).toContainText("Tell me about the sea");
  await expect(lastAnswer(member)).toHaveAttribute("data-status", "complete");
  // The answer keeps the name of the model that wrote it, not its raw id.
  await expect(lastAnswer(member).getByTestId("answer-model")).toHaveText("Demo (offline)");
  // The page's picker offers only models still on; a form that still names the old one is refused with words.
  await expect(member.getByTestId("model-select").locator("option:not([disabled])", { hasText: "Demo (offline)" })).toHaveCount(0);
  // It names the chat's model, by its name, as not available, and a send from the page says why instead of going with another model.
  await expect(member.getByTestId("model-select").locator("option:checked")).toHaveText("Demo (offline) (not available)");
  await member.getByRole("textbox", { name: "Message" }).fill("And the sky?");
  await member.getByRole("button", { name: "Send" }).click();
  await expect(member.getByText("“Demo (offline)” has been turned off by the administrator. Pick another model.")).toBeVisible();
  await expect(member.getByTestId("user-message")).toHaveCount(1);
  const refused = await postForm(member, new URL(chatUrl).pathname, { intent: "send", content: "And the mountains?", model: "demo:parley-demo" });
  expect(refused.status()).toBe(400);
  expect(await refused.text()).toContain("has been turned off by the administrator. Pick another model.");
  const refusedProvider = await postForm(member, new URL(chatUrl).pathname, { intent: "send", content: "And the rivers?", model: "anthropic:claude-haiku-4-5-20251001" });
  expect(refusedProvider.status()).toBe(400);

  if (javaScriptEnabled) {
    // With JavaScript too, the chat's picker names its model as not available, and a send says why.
    const memberWithJs = await (await newContext({ baseURL: server.baseURL, storageState: await memberContext.storageState() })).newPage();
    await memberWithJs.goto(chatUrl);
    await waitForHydration(memberWithJs);
    await expect(memberWithJs.getByTestId("model-picker")).toHaveText(/^Demo \(offline\) \(not available\)/);
    await memberWithJs.getByRole("textbox", { name: "Message" }).fill("And the stars?");
    await memberWithJs.getByRole("textbox", { name: "Message" }).press("Enter");
    await expect(memberWithJs.getByText("“Demo (offline)” has been turned off by the administrator. Pick another model.")).toBeVisible();
    // With JavaScript the picker has no trace of it either.
    const withJs = await (await newContext({ baseURL: server.baseURL })).newPage();
    await login(withJs, admin.user());
    await withJs.goto("/chats?new=1");
    await withJs.getByTestId("model-picker").click();
    await withJs.getByLabel("Search models").fill("demo");
    await expect(withJs.getByRole("listbox")).toContainText("No model matches.");
  }

  // With OpenAI off too, no model is left: the new-chat page says so and who can change it.
  // The default model cannot be turned off: the save is refused, and keeps every box as it was sent.
  await adminPage.getByLabel("OpenAI (the provider and all its models)").uncheck();
  const ownServers = adminPage.getByLabel("…and point them at a server of their choosing (custom OpenAI-compatible, Ollama)");
  const ownServersBefore = await ownServers.isChecked();
  await ownServers.setChecked(!ownServersBefore);
  await adminPage.getByRole("button", { name: "Save" }).click();
  await expect(adminPage.getByRole("alert")).toHaveText("The default model “gpt-4o” would be turned off by this form. Leave it (or its provider) on, or pick another default.");
  await expect(adminPage.getByLabel("OpenAI (the provider and all its models)")).not.toBeChecked();
  await expect(ownServers).toBeChecked({ checked: !ownServersBefore });
  await expect(adminPage.getByLabel("Anthropic (the provider and all its models)")).not.toBeChecked();
  await expect(adminPage.getByLabel("Default model for new chats")).toHaveValue("openai:gpt-4o");
  await ownServers.setChecked(ownServersBefore);
  // Back to the built-in default first.
  await adminPage.getByLabel("Default model for new chats").selectOption("");
  await saveModels(adminPage);
  await expect(adminPage.getByLabel("OpenAI (the provider and all its models)")).not.toBeChecked();
  await member.goto("/chats?new=1");
  await expect(member.getByText("No model is available on this server right now. An administrator can turn one on under Admin → Providers and models.")).toBeVisible();
  await expect(member.getByTestId("model-select").locator("option:checked")).toHaveText("Demo (offline) (not available)");
  await adminPage.getByLabel("OpenAI (the provider and all its models)").check();

  // Everything back on, and the built-in default again.
  await adminPage.getByLabel("Demo (offline) (demo:parley-demo)", { exact: true }).check();
  await adminPage.getByLabel("Anthropic (the provider and all its models)").check();
  await adminPage.getByLabel("Default model for new chats").selectOption("");
  await adminPage.getByLabel("People may use API keys of their own").check();
  await saveModels(adminPage);
  await expect(adminPage.getByLabel("Demo (offline) (demo:parley-demo)", { exact: true })).toBeChecked();
  await expect(adminPage.getByLabel("Anthropic (the provider and all its models)")).toBeChecked();
  await expect(adminPage.getByLabel("People may use API keys of their own")).toBeChecked();
  await member.goto("/chats?new=1");
  await expect(member.getByTestId("model-select")).toHaveValue("demo:parley-demo");
  await expect(member.getByTestId("model-select").locator("option[value^='anthropic:']").first()).toBeAttached();
  await member.goto("/settings/keys");
  await expect(member.getByTestId("keys-not-allowed")).toHaveCount(0);
  await expect(member.getByRole("button", { name: "Save key" })).toBeVisible();
});
}

/** Saves the admin's models page and waits until the server has answered the save, with or without JavaScript:
 * the boxes' own state changes at the click, before the save has reached the server. */
async function saveModels(adminPage: Page): Promise<void> {
  const saved = adminPage.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname.startsWith("/admin/models"));
  await adminPage.getByRole("button", { name: "Save" }).click();
  expect((await saved).status()).toBeLessThan(400);
}
