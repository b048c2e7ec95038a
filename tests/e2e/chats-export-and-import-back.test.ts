// Export and import in Chromium, with and without JavaScript: a chat
// downloads as Markdown and as a ZIP from its Export menu, the ZIP imports
// back from Settings → Your data (a second time it is skipped), and a
// ChatGPT export opens on the branch that was current there, with the other
// branch one click away.
import { readFileSync } from "node:fs";
import type { Download, Page } from "@playwright/test";
import { contrastAndTargets } from "./axe";
import { composer, demoAnswerTo, expect, listedChatIds, logout, newChatAndSend, signUp, test, userMessages, waitForAnswer, waitForHydration } from "./fixtures";

async function downloadFrom(page: Page, click: () => Promise<void>): Promise<{ download: Download; text: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  const file = await download.path();
  const bytes = readFileSync(file!);
  return { download, bytes, text: bytes.toString("utf8") };
}

/** Opens the chat's Export menu (unless it is open already) and downloads one format. */
async function exportAs(page: Page, label: RegExp) {
  const link = page.getByRole("link", { name: label });
  if (!(await link.isVisible())) await page.getByText("Export", { exact: true }).click();
  return downloadFrom(page, () => page.getByRole("link", { name: label }).click());
}

// Each test signs up, chats, downloads and uploads: more steps than most, on a machine shared with other suites.
test.describe.configure({ timeout: 120_000 });

const chatGptFile = () =>
  JSON.stringify([
    {
      title: "Bridges from ChatGPT",
      conversation_id: "e2e-bridges",
      create_time: 1_700_000_000,
      update_time: 1_700_000_500,
      current_node: "a1",
      mapping: {
        root: { id: "root", parent: null, children: ["q1", "q2"], message: null },
        q1: { id: "q1", parent: "root", children: ["a1"], message: { author: { role: "user" }, create_time: 1_700_000_001, content: { content_type: "text", parts: ["How do bridges stand?"] } } },
        a1: { id: "a1", parent: "q1", children: [], message: { author: { role: "assistant" }, create_time: 1_700_000_002, content: { content_type: "text", parts: ["By arches and cables."] }, metadata: { model_slug: "gpt-4o" } } },
        q2: { id: "q2", parent: "root", children: ["a2"], message: { author: { role: "user" }, create_time: 1_700_000_003, content: { content_type: "text", parts: ["How do tunnels stand?"] } } },
        a2: { id: "a2", parent: "q2", children: [], message: { author: { role: "assistant" }, create_time: 1_700_000_004, content: { content_type: "text", parts: ["By rings of concrete."] }, metadata: { model_slug: "gpt-4o" } } },
      },
    },
  ]);

test("a chat exports as Markdown and as a ZIP that imports back, once, with JavaScript", async ({ page }) => {
  await signUp(page);
  const question = "Tell me about export formats";
  const { chatUrl } = await newChatAndSend(page, question);
  await waitForAnswer(page);

  const markdown = await exportAs(page, /^Markdown/);
  expect(markdown.download.suggestedFilename()).toMatch(/\.md$/);
  expect(markdown.text).toContain(`## You\n\n${question}`);
  expect(markdown.text).toContain(demoAnswerTo(question).slice(0, 40));

  const zip = await exportAs(page, /^ZIP/);
  expect(zip.download.suggestedFilename()).toMatch(/\.zip$/);
  expect(zip.bytes.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");

  await page.goto("/settings");
  await page.getByRole("link", { name: /Your data/ }).click();
  await expect(page).toHaveURL(/\/settings\/data$/);
  const upload = { name: zip.download.suggestedFilename(), mimeType: "application/zip", buffer: zip.bytes };
  await page.getByLabel(/Export file/).setInputFiles(upload);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toHaveText("Imported 1 conversation from Parley; 0 skipped as already imported; 0 failed.");
  // The script did the import: the page never left.
  await expect(page).toHaveURL(/\/settings\/data$/);
  // The report reads well in either theme.
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await contrastAndTargets(page, `import report, ${colorScheme}`)).toEqual([]);
  }

  // A second time, nothing is added.
  await page.getByLabel(/Export file/).setInputFiles(upload);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toHaveText("Imported 0 conversations from Parley; 1 skipped as already imported; 0 failed.");

  // The imported copy reads like the original: the account's Markdown holds the conversation twice.
  const account = await downloadFrom(page, () => page.getByRole("link", { name: "All chats as Markdown" }).click());
  expect(account.download.suggestedFilename()).toBe("parley-export.md");
  expect(account.text.split(`## You\n\n${question}`)).toHaveLength(3);
  expect(account.text.split(demoAnswerTo(question).slice(0, 40))).toHaveLength(3);
  await page.goto(chatUrl);
  await expect.poll(() => listedChatIds(page)).toHaveLength(2);
});

test("an export's address opened while logged out downloads once the person has logged in, with JavaScript", async ({ page }) => {
  const user = await signUp(page);
  const question = "Tell me about bookmarks of exports";
  const { chatUrl } = await newChatAndSend(page, question);
  await waitForAnswer(page);
  await waitForHydration(page);
  await logout(page);
  // A bookmark, or a link from elsewhere: the login page keeps where it leads.
  await page.goto(`${chatUrl}/export?format=md`);
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  // The login form is the script's (it posts without a page load) once the router is up.
  await page.waitForFunction(() => (window as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized === true);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Log in" }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.md$/);
  expect(readFileSync((await download.path())!, "utf8")).toContain(`## You\n\n${question}`);
});

test("an import without a chat's files says which files were left out, chat by chat", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("file-input").setInputFiles([{ name: "tides.txt", mimeType: "text/plain", buffer: Buffer.from("High and low water\n") }]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await composer(page).fill("Read my notes on tides");
  await composer(page).press("Enter");
  await waitForAnswer(page);
  // The JSON export holds the conversation, not the files' bytes.
  const json = await exportAs(page, /^Parley JSON/);
  await page.goto("/settings/data");
  await page.getByLabel(/Export file/).setInputFiles({ name: "chat.json", mimeType: "application/json", buffer: json.bytes });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toHaveText("Imported 1 conversation from Parley; 0 skipped as already imported; 0 failed.");
  const leftOut = page.getByTestId("import-files-left-out");
  await expect(leftOut).toContainText("1 file was left out (its message names it):");
  await expect(leftOut.getByRole("listitem")).toHaveText(["Read my notes on tides — tides.txt: it was not in the import"]);
});

test("without JavaScript, a chat exports and imports back through plain links and a plain form", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(415);
  browserErrors.allowStatus(400);
  await signUp(page);
  // Without JavaScript the first message is a plain form; the answer is waited for by reloading.
  await page.goto("/chats?new=1");
  await page.getByRole("textbox", { name: "Message" }).fill("Plain forms only");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await waitForAnswer(page);
  const chatUrl = new URL(page.url()).pathname;

  const markdown = await exportAs(page, /^Markdown/);
  expect(markdown.text).toContain("## You\n\nPlain forms only");
  const zip = await exportAs(page, /^ZIP/);

  await page.goto("/settings/data");
  await page.getByLabel(/Export file/).setInputFiles({ name: "chat.zip", mimeType: "application/zip", buffer: zip.bytes });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toHaveText("Imported 1 conversation from Parley; 0 skipped as already imported; 0 failed.");
  await page.getByTestId("import-report").getByRole("link").click();
  await expect(page).not.toHaveURL(new RegExp(`${chatUrl}$`));
  await expect(userMessages(page)).toHaveText(["Plain forms only"]);

  // A file that is not an export is refused in words, and nothing is imported.
  await page.goto("/settings/data");
  await page.getByLabel(/Export file/).setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("just some notes") });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("alert")).toContainText("Parley does not recognise this file.");

  // A file chosen but empty is said to be empty (not "choose a file").
  await page.getByLabel(/Export file/).setInputFiles({ name: "export.json", mimeType: "application/json", buffer: Buffer.alloc(0) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("alert")).toContainText("“export.json” is empty.");
});

test("a ChatGPT export opens on the branch that was current there, and the other branch is one click away", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await page.goto("/settings/data");
  await page.getByLabel(/Export file/).setInputFiles({ name: "conversations.json", mimeType: "application/json", buffer: Buffer.from(chatGptFile()) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toHaveText("Imported 1 conversation from ChatGPT; 0 skipped as already imported; 0 failed.");
  await page.getByTestId("import-report").getByRole("link", { name: "Bridges from ChatGPT" }).click();

  await expect(userMessages(page)).toHaveText(["How do bridges stand?"]);
  await expect(page.getByTestId("answer-content")).toHaveText("By arches and cables.");
  // ChatGPT's model stays as the answer's label, by its name.
  await expect(page.getByTestId("answer-model")).toHaveText("GPT-4o");
  await expect(page.getByTestId("sibling-nav").first()).toContainText("1/2");
  await page.getByRole("button", { name: "Next version" }).first().click();
  await expect(userMessages(page)).toHaveText(["How do tunnels stand?"]);
  await expect(page.getByTestId("answer-content")).toHaveText("By rings of concrete.");

  // A broken file, with JavaScript: the refusal shows in place.
  await page.goto("/settings/data");
  await page.getByLabel(/Export file/).setInputFiles({ name: "conversations.json", mimeType: "application/json", buffer: Buffer.from(chatGptFile().slice(0, 200)) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("alert")).toContainText("This file is damaged or cut short");
});
