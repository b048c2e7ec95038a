// Settings → Preferences → Custom instructions become the system prompt of
// every new answer (OpenAI's system message, Anthropic's `system`), unless the
// chat has a system prompt of its own. Checked at the fake upstreams: what the
// real SDKs sent.
import type { Page } from "@playwright/test";
import { expect, postForm, sendMessage, signUp, test, waitForAnswer, waitForHydration, chatIdOf } from "./fixtures";
import { requestsWith, uniqueMarker } from "./upstream";

// Several accounts, logins and argon2 hashes each: more than the default time on a busy machine.
test.describe.configure({ timeout: 120_000 });

async function pickModel(page: Page, search: string, label: string): Promise<void> {
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  await page.getByLabel("Search models").fill(search);
  await page.getByRole("option", { name: label }).click();
}

async function saveInstructions(page: Page, text: string): Promise<void> {
  await page.goto("/settings/preferences");
  await page.getByLabel("Custom instructions").fill(text);
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
}

async function ask(page: Page, model: { search: string; label: string }, text: string): Promise<string> {
  await page.goto("/chats?new=1");
  await pickModel(page, model.search, model.label);
  await sendMessage(page, text);
  await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
  await waitForAnswer(page);
  return chatIdOf(page);
}

test("custom instructions are the system prompt at OpenAI and Anthropic, and a chat's own prompt wins", async ({ page }) => {
  await signUp(page);
  const instructions = `Answer as a ship's captain. ${uniqueMarker("ci")}\nNever use emoji.`;
  await saveInstructions(page, instructions);
  await page.reload();
  await expect(page.getByLabel("Custom instructions")).toHaveValue(instructions);
  await expect(page.getByText(`${instructions.length} / 4,000 characters`)).toBeVisible();

  const toOpenAI = uniqueMarker("oa");
  await ask(page, { search: "mini", label: "GPT-4o mini" }, `Where are we sailing? ${toOpenAI}`);
  const [openai] = await requestsWith("openai", toOpenAI);
  expect(openai?.body.messages[0]).toEqual({ role: "system", content: instructions });

  const toAnthropic = uniqueMarker("an");
  const chatId = await ask(page, { search: "haiku 4.5", label: "Claude Haiku 4.5" }, `And the weather? ${toAnthropic}`);
  const [anthropic] = await requestsWith("anthropic", toAnthropic);
  expect(JSON.stringify(anthropic?.body.system)).toContain(JSON.stringify(instructions).slice(1, -1));

  // The chat gets a system prompt of its own: that one is sent, the instructions are not.
  const own = `You are a lighthouse keeper. ${uniqueMarker("sp")}`;
  expect((await postForm(page, `/chats/${chatId}`, { intent: "system-prompt", systemPrompt: own })).status()).toBe(302);
  await page.goto(`/chats/${chatId}`);
  const again = uniqueMarker("an");
  await sendMessage(page, `Any ships tonight? ${again}`);
  await waitForAnswer(page);
  const [second] = await requestsWith("anthropic", again);
  expect(JSON.stringify(second?.body.system)).toContain(own);
  expect(JSON.stringify(second?.body.system)).not.toContain("ship's captain");
});

test("without JavaScript: custom instructions are saved, kept when too long, and cleared when emptied", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await saveInstructions(page, "Prefer metric units.");
  await expect(page.getByLabel("Custom instructions")).toHaveValue("Prefer metric units.");

  // The box takes more than 4,000 characters (a paste is never cut short); the server says the limit in words.
  const tooLong = "y".repeat(4001);
  await page.getByLabel("Custom instructions").fill(tooLong);
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.locator("#customInstructions-error")).toHaveText("Keep custom instructions to 4,000 characters or fewer.");
  await expect(page.getByLabel("Custom instructions")).toHaveValue(tooLong);

  await page.goto("/settings/preferences");
  await expect(page.getByLabel("Custom instructions")).toHaveValue("Prefer metric units.");
  await saveInstructions(page, "");
  await expect(page.getByLabel("Custom instructions")).toHaveValue("");
});
