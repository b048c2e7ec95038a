// Usage, limits and the server's system prompt in the admin area, in Chromium
// with and without JavaScript, on a server of its own (its first account is
// the admin): a member's answers and their chat's title show up in the usage
// tables, chart and CSV; a limit set for them refuses their next send with
// words saying when it eases; prompt versions are saved, compared line by
// line and restored.
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { firstAccountIsAdmin } from "./admin";
import { CHAT_URL, expect, signUp, test, uniqueEmail, waitForAnswer } from "./fixtures";
import { type OwnServer, startOwnServer } from "./own-server";

test.describe.configure({ mode: "serial" });
test.use({ actionTimeout: 15_000 });

let server: OwnServer;
test.beforeAll(async () => {
  server = await startOwnServer();
});
test.afterAll(async () => {
  await server?.stop();
});

const admin = firstAccountIsAdmin();

/** Sends through the composer's plain form: the same steps with JavaScript and without it. */
async function send(page: Page, text: string, { newChat = false } = {}): Promise<void> {
  if (newChat) await page.goto("/chats?new=1");
  await page.locator("#composer").fill(text);
  await page.locator("form:has(#composer)").getByRole("button", { name: "Send" }).click();
}

for (const javaScriptEnabled of [false, true]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`${mode}: a member's answers are in the usage report, a limit set for them holds, and prompt versions compare and restore`, async ({ newContext, browserErrors }) => {
    test.setTimeout(120_000);
    browserErrors.allowStatus(400, 403, 429);
    const adminPage = await admin.page(await newContext({ baseURL: server.baseURL, javaScriptEnabled }));
    const memberPage = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled })).newPage();
    const member = await signUp(memberPage, { name: "Mia Member", email: uniqueEmail(javaScriptEnabled ? "mia-js" : "mia") });
    await send(memberPage, "How long is the Volga?", { newChat: true });
    await expect(memberPage).toHaveURL(CHAT_URL);
    const chatUrl = memberPage.url();
    await waitForAnswer(memberPage);

    // Usage: the member's two requests (the answer, and the title the new chat asked for after it), in the table, the chart and the CSV.
    const perPerson = adminPage.getByRole("table", { name: "Per person" });
    // The title is asked for once the answer has ended: the page is loaded again until it is counted.
    await expect(async () => {
      await adminPage.goto("/admin/usage");
      // Columns after the person: requests, input tokens, output tokens, cost.
      await expect(perPerson.getByRole("row").filter({ hasText: member.email }).getByRole("cell").first()).toHaveText("2", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(adminPage.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Usage" })).toHaveAttribute("aria-current", "page");
    const chart = adminPage.getByRole("img", { name: /^Requests per day from/ });
    await expect(chart).toBeVisible();
    // An SVG drawn on the server, one bar per day of the period; today's counts the requests made so far.
    expect(await chart.evaluate((svg) => svg.tagName)).toBe("svg");
    await expect(chart.locator("rect")).toHaveCount(30);
    // The period is written as a person reads a date, ending today (UTC).
    const todayWritten = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(new Date());
    await expect(adminPage.getByText(/\(UTC\): /)).toContainText(` to ${todayWritten} (UTC): `);
    await expect(chart.locator("rect").filter({ has: adminPage.locator("title", { hasText: new RegExp(`^${todayWritten}: [1-9]`) }) })).toHaveCount(1);
    // The axis names days as the page writes them ("6 Nov"), not as the database keys them ("11-06").
    const firstDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(Date.now() - 29 * 24 * 60 * 60 * 1000);
    // (Written beside the drawing, under it: text inside a drawing scaled to a phone would be a few pixels tall.)
    const ticks = await chart.locator("xpath=following-sibling::div[1]/span").allTextContents();
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const tick of ticks) expect(tick).toMatch(/^\d{1,2} [A-Z][a-z]{2,3}$/);
    expect(ticks[0]).toBe(firstDay);
    // The link downloads a file in the browser, and the file holds the rows.
    const [download] = await Promise.all([adminPage.waitForEvent("download"), adminPage.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^parley-usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const downloaded = await readFile((await download.path())!, "utf8");
    expect(downloaded).toContain(`,${member.email},Mia Member,demo:parley-demo,server,answer,1,`);
    expect(downloaded).toContain(`,${member.email},Mia Member,demo:parley-demo,server,title,1,`);
    const csvHref = await adminPage.getByRole("link", { name: "Download CSV" }).getAttribute("href");
    const csv = await adminPage.context().request.get(csvHref!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-disposition"]).toMatch(/^attachment; filename="parley-usage-/);
    expect(await csv.text()).toContain(`,${member.email},Mia Member,demo:parley-demo,server,title,1,`);
    await adminPage.getByLabel("From", { exact: true }).fill("2026-03-10");
    await adminPage.getByLabel("To (included)").fill("2026-03-01");
    await adminPage.getByRole("button", { name: "Show" }).click();
    await expect(adminPage.getByRole("alert")).toContainText("The period ends before it starts");
    // Something that is no date, typed into the address: said above the form; the field shows the period shown.
    await adminPage.goto("/admin/usage?from=bad");
    await expect(adminPage.getByRole("alert")).toBeVisible();
    await expect(adminPage.getByLabel("From", { exact: true })).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);

    // Everyone's limits: one chat each; the member's second chat is refused, saying which limit and what to do.
    await adminPage.goto("/admin/limits");
    await adminPage.getByLabel("Chats kept").first().fill("1");
    await adminPage.getByRole("button", { name: "Save everyone's limits" }).click();
    await expect(adminPage.getByRole("status")).toHaveText("Saved everyone's limits.");
    await expect(adminPage.getByText(/^In force: chats 1; answers/)).toBeVisible();
    await send(memberPage, "A second chat?", { newChat: true });
    await expect(memberPage.getByText("This server lets you keep 1 chat, and you have reached that. Delete chats you no longer need to start a new one.")).toBeVisible();
    await expect(memberPage).not.toHaveURL(CHAT_URL);
    // A blank field follows the environment again (no limit here).
    await adminPage.getByLabel("Chats kept").first().fill("");
    await adminPage.getByRole("button", { name: "Save everyone's limits" }).click();
    await expect(adminPage.getByText(/^In force: chats no limit; answers/)).toBeVisible();
    await memberPage.goto(chatUrl);
    await waitForAnswer(memberPage);

    // Limits: one answer per 3 hours for this member; their next send is refused with the reason.
    await adminPage.goto("/admin/limits");
    const personal = adminPage.locator("#set-limits");
    await personal.getByLabel("Email").fill(member.email);
    // Refused: each field it cannot take says why beneath it, as its description, and everything typed stays.
    await personal.getByLabel("Answers", { exact: true }).fill("abc");
    await personal.getByLabel("per (e.g. 3h, 1d)").fill("9d");
    await adminPage.getByRole("button", { name: "Save limits" }).click();
    await expect(personal.getByLabel("per (e.g. 3h, 1d)")).toHaveAccessibleDescription("Write the window in hours or days, from 1h to 7d: for example 3h or 1d.");
    await expect(personal.getByLabel("Answers", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(personal.getByLabel("Answers", { exact: true })).toHaveValue("abc");
    await expect(personal.getByLabel("per (e.g. 3h, 1d)")).toHaveValue("9d");
    await expect(personal.getByLabel("Email")).toHaveValue(member.email);
    await personal.getByLabel("Answers", { exact: true }).fill("1");
    await personal.getByLabel("per (e.g. 3h, 1d)").fill("3h");
    await adminPage.getByRole("button", { name: "Save limits" }).click();
    await expect(adminPage.getByRole("status")).toHaveText(`Saved the limits of ${member.email}.`);
    await expect(adminPage.getByRole("row").filter({ hasText: member.email })).toContainText("1 / 1 per 3 h");
    await send(memberPage, "And the Danube?");
    await expect(memberPage.getByText(/You have asked for 1 answer in the last 3 hours, the most this server allows\. You can ask again in \d+ (minutes|hours)\./)).toBeVisible();
    await expect(memberPage.getByTestId("assistant-message")).toHaveCount(1);

    // The system prompt: two versions, compared, then the first restored.
    await adminPage.goto("/admin/prompt");
    const stamp = Date.now().toString(36);
    await adminPage.getByLabel(/^Prompt/).fill(`Rule one ${stamp}\nRule two`);
    await adminPage.getByRole("button", { name: "Save as a new version" }).click();
    await expect(adminPage.getByRole("status")).toContainText(/^Saved as version \d+\./);
    const first = Number((await adminPage.getByRole("status").innerText()).match(/version (\d+)/)![1]);
    await adminPage.getByLabel(/^Prompt/).fill(`Rule one ${stamp}\nRule three`);
    await adminPage.getByRole("button", { name: "Save as a new version" }).click();
    await expect(adminPage.getByRole("status")).toHaveText(`Saved as version ${first + 1}. New answers use it from now on.`);
    // The comparison offers the two newest versions, the one just saved among them.
    await expect(adminPage.getByLabel("Compare")).toHaveValue(String(first));
    await expect(adminPage.getByLabel("with")).toHaveValue(String(first + 1));
    await adminPage.getByLabel("Compare").selectOption(String(first));
    await adminPage.getByLabel("with").selectOption(String(first + 1));
    await adminPage.getByRole("button", { name: "Compare" }).click();
    const diff = adminPage.getByTestId("prompt-diff");
    await expect(diff.locator("del")).toHaveText(["− Rule two"]);
    await expect(diff.locator("ins")).toHaveText(["+ Rule three"]);
    await adminPage.getByRole("button", { name: `Restore version ${first}`, exact: true }).click();
    await expect(adminPage.getByRole("status")).toHaveText(`Version ${first} is in force again, as version ${first + 2}.`);
    await expect(adminPage.getByLabel(/^Prompt/)).toHaveValue(`Rule one ${stamp}\nRule two`);
    const versions = adminPage.getByRole("listitem").filter({ hasText: /^Version \d+/ });
    await expect(versions.first()).toContainText(`Version ${first + 2}`);
    await expect(versions.first()).toContainText(`by ${admin.user().name} (restored version ${first})`);
    await expect(versions.first()).toContainText("in force");
    await expect(versions.filter({ hasText: `Version ${first + 1}` }).getByRole("button", { name: `Restore version ${first + 1}` })).toBeVisible();
    // The version whose words are in force again has nothing to restore.
    const restoredOne = versions.filter({ has: adminPage.getByText(`Version ${first}`, { exact: true }) });
    await expect(restoredOne).toHaveCount(1);
    await expect(restoredOne.getByRole("button")).toHaveCount(0);
    await expect(restoredOne).toContainText("same text as in force");

    // A prompt over the limit is refused with the limit it is over, and the text stays whole.
    const tooLong = `Rule ${stamp} `.padEnd(20_001, "z");
    await adminPage.getByLabel(/^Prompt/).fill(tooLong);
    if (javaScriptEnabled) await expect(adminPage.getByTestId("length-count")).toHaveText("20,001 / 20,000 characters: 1 too many");
    await adminPage.getByRole("button", { name: "Save as a new version" }).click();
    await expect(adminPage.getByRole("alert")).toHaveText("Keep the system prompt to 20,000 characters or fewer.");
    await expect(adminPage.getByLabel(/^Prompt/)).toHaveValue(tooLong);
    await expect(versions.first()).toContainText(`Version ${first + 2}`);
  });
}
