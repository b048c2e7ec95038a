// Usage, limits and the server's system prompt in the admin area, in Chromium
// with and without JavaScript, on a server of its own (its first account is
// the admin): a member's answers show up in the usage tables, chart and CSV;
// a limit set for them refuses their next send with words saying when it
// eases; prompt versions are saved, compared line by line and restored.
import type { BrowserContext, Page } from "@playwright/test";
import { expect, login, newChatAndSend, sendMessage, signUp, test, uniqueEmail, type User, waitForAnswer } from "./fixtures";
import { type OwnServer, startOwnServer } from "./own-server";

test.describe.configure({ mode: "serial" });

let server: OwnServer;
test.beforeAll(async () => {
  server = await startOwnServer();
});
test.afterAll(async () => {
  await server?.stop();
});

let adminUser: User | undefined;
async function adminPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  if (adminUser) await login(page, adminUser);
  else adminUser = await signUp(page, { name: "Ada Admin" });
  return page;
}

for (const javaScriptEnabled of [false, true]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`${mode}: a member's answers are in the usage report, a limit set for them holds, and prompt versions compare and restore`, async ({ newContext, browserErrors }) => {
    test.setTimeout(120_000);
    browserErrors.allowStatus(429);
    const admin = await adminPage(await newContext({ baseURL: server.baseURL, javaScriptEnabled }));
    const memberPage = await (await newContext({ baseURL: server.baseURL })).newPage();
    const member = await signUp(memberPage, { name: "Mia Member", email: uniqueEmail(javaScriptEnabled ? "mia-js" : "mia") });
    await newChatAndSend(memberPage, "How long is the Volga?");
    await waitForAnswer(memberPage);

    // Usage: the member's one request, in the table, the chart and the CSV.
    await admin.goto("/admin/usage");
    await expect(admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Usage" })).toHaveAttribute("aria-current", "page");
    const perPerson = admin.getByRole("table", { name: "Per person" });
    // Columns after the person: requests, input tokens, output tokens, cost.
    await expect(perPerson.getByRole("row").filter({ hasText: member.email }).getByRole("cell").first()).toHaveText("1");
    await expect(admin.getByRole("img", { name: /^Requests per day from/ })).toBeVisible();
    const csvHref = await admin.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    const csv = await admin.context().request.get(csvHref!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-disposition"]).toMatch(/^attachment; filename="parley-usage-/);
    expect(await csv.text()).toContain(`,${member.email},Mia Member,demo:parley-demo,server,1,`);
    await admin.getByLabel("From", { exact: true }).fill("2026-03-10");
    await admin.getByLabel("To (included)").fill("2026-03-01");
    await admin.getByRole("button", { name: "Show" }).click();
    await expect(admin.getByRole("alert")).toContainText("The period ends before it starts");

    // Limits: one answer per 3 hours for this member; their next send is refused with the reason.
    await admin.goto("/admin/limits");
    const personal = admin.locator("#set-limits");
    await personal.getByLabel("Email").fill(member.email);
    await personal.getByLabel("Answers", { exact: true }).fill("1");
    await personal.getByLabel("per (e.g. 3h, 1d)").fill("3h");
    await admin.getByRole("button", { name: "Save limits" }).click();
    await expect(admin.getByRole("status")).toHaveText(`Saved the limits of ${member.email}.`);
    await expect(admin.getByRole("row").filter({ hasText: member.email })).toContainText("1 / 1 per 3 h");
    await sendMessage(memberPage, "And the Danube?");
    await expect(memberPage.getByText(/You have asked for 1 answer in the last 3 hours, the most this server allows\. You can ask again in \d+ (minutes|hours)\./)).toBeVisible();
    await expect(memberPage.getByTestId("assistant-message")).toHaveCount(1);

    // The system prompt: two versions, compared, then the first restored.
    await admin.goto("/admin/prompt");
    const stamp = Date.now().toString(36);
    await admin.getByLabel(/^Prompt/).fill(`Rule one ${stamp}\nRule two`);
    await admin.getByRole("button", { name: "Save as a new version" }).click();
    await expect(admin.getByRole("status")).toContainText(/^Saved as version \d+\./);
    const first = Number((await admin.getByRole("status").innerText()).match(/version (\d+)/)![1]);
    await admin.getByLabel(/^Prompt/).fill(`Rule one ${stamp}\nRule three`);
    await admin.getByRole("button", { name: "Save as a new version" }).click();
    await expect(admin.getByRole("status")).toHaveText(`Saved as version ${first + 1}. New answers use it from now on.`);
    await admin.getByLabel("Compare").selectOption(String(first));
    await admin.getByLabel("with").selectOption(String(first + 1));
    await admin.getByRole("button", { name: "Compare" }).click();
    const diff = admin.getByTestId("prompt-diff");
    await expect(diff.locator("del")).toHaveText(["− Rule two"]);
    await expect(diff.locator("ins")).toHaveText(["+ Rule three"]);
    await admin.getByRole("button", { name: `Restore version ${first}`, exact: true }).click();
    await expect(admin.getByRole("status")).toHaveText(`Version ${first} is in force again, as version ${first + 2}.`);
    await expect(admin.getByLabel(/^Prompt/)).toHaveValue(`Rule one ${stamp}\nRule two`);
  });
}
