// Settings → Your data acts on all of one's chats at once, in Chromium, with
// and without JavaScript: Archive all says how many went, links to Archived
// and has an Undo that brings back exactly those; Delete all asks for a box
// to be ticked (refused beside it otherwise, nothing deleted), then empties
// the list, and a tab still showing one of the chats is told it is gone.
import type { Page } from "@playwright/test";
import { contrastAndTargets, violations } from "./axe";
import { composer, expect, listedChatIds, postForm, signUp, test, waitForHydration } from "./fixtures";

// Each test signs up, imports and goes back and forth between pages: more steps than most, on a shared machine.
test.describe.configure({ timeout: 90_000 });

/** Imports a ChatGPT export of one short conversation per title through the page's import form (with or without JavaScript). */
async function importChats(page: Page, titles: string[]): Promise<void> {
  const conversations = titles.map((title, i) => ({
    title,
    conversation_id: `e2e-all-chats-${i}-${Math.random().toString(36).slice(2)}`,
    create_time: 1_700_000_000 + i,
    update_time: 1_700_000_500 + i,
    current_node: "a",
    mapping: {
      root: { id: "root", parent: null, children: ["q"], message: null },
      q: { id: "q", parent: "root", children: ["a"], message: { author: { role: "user" }, create_time: 1_700_000_001, content: { content_type: "text", parts: [`About ${title}?`] } } },
      a: { id: "a", parent: "q", children: [], message: { author: { role: "assistant" }, create_time: 1_700_000_002, content: { content_type: "text", parts: ["Noted."] } } },
    },
  }));
  await page.goto("/settings/data");
  await page.getByLabel(/Export file/).setInputFiles({ name: "conversations.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(conversations)) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toContainText(`Imported ${titles.length} conversations`);
}

/** The chat list's titles, top to bottom (`archived`: the Archived list). */
async function listedTitles(page: Page, { archived = false } = {}): Promise<string[]> {
  await page.goto(archived ? "/chats?archived=1" : "/chats");
  return (await page.getByTestId("chat-list").locator("a[href^='/chats/']").allInnerTexts()).map((title) => title.trim()).sort();
}

/** Archives one chat by its title, as its menu would (the chat list's own form). */
async function archiveOne(page: Page, title: string): Promise<void> {
  await page.goto("/chats");
  const href = await page.getByTestId("chat-list").getByRole("link", { name: title, exact: true }).getAttribute("href");
  expect((await postForm(page, href!.replace(/\?.*$/, ""), { intent: "archive", value: "true" })).status()).toBeLessThan(400);
}

const allChats = (page: Page) => page.locator("main");

test("Archive all says how many it archived and links to them; Undo brings back exactly those, not a chat archived before", async ({ page }) => {
  await signUp(page);
  await page.goto("/settings/data");
  await expect(page.getByRole("heading", { name: "All your chats" })).toBeVisible();
  await expect(page.getByTestId("no-chats")).toHaveText("You have no chats.");

  await importChats(page, ["Alpha", "Beta", "Gamma"]);
  // The page's counts follow the import its script made.
  await expect(page.getByRole("button", { name: "Archive all 3 chats" })).toBeVisible();
  await archiveOne(page, "Gamma");

  await page.goto("/settings/data");
  await expect(page.getByRole("button", { name: "Delete all 3 chats" })).toBeVisible();
  await page.getByRole("button", { name: "Archive all 2 chats" }).click();
  const notice = page.getByTestId("all-chats-notice");
  await expect(notice).toContainText("Archived 2 chats.");
  // Nothing is left to archive: the button says so and cannot be pressed.
  const archiveAll = page.getByRole("button", { name: "Archive all chats" });
  await expect(archiveAll).toBeDisabled();
  await expect(archiveAll).toHaveAccessibleDescription("Nothing to archive: all your chats are archived already.");
  expect(await violations(page, "your data, all chats archived")).toEqual([]);
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await contrastAndTargets(page, `all chats archived, ${colorScheme}`)).toEqual([]);
  }

  await notice.getByRole("button", { name: "Undo" }).click();
  await expect(notice).toHaveText("Moved 2 chats back to your list.");
  await expect(page.getByRole("button", { name: "Archive all 2 chats" })).toBeEnabled();
  expect(await listedTitles(page)).toEqual(["Alpha", "Beta"]);
  expect(await listedTitles(page, { archived: true })).toEqual(["Gamma"]);

  // The notice's link opens the Archived list, where all three are now.
  await page.goto("/settings/data");
  await page.getByRole("button", { name: "Archive all 2 chats" }).click();
  await allChats(page).getByRole("link", { name: "Open Archived" }).click();
  await expect(page).toHaveURL(/\/chats\?archived=1$/);
  await expect.poll(() => listedChatIds(page)).toHaveLength(3);
});

test("Delete all without the box ticked is refused beside the box and deletes nothing; ticked, it empties the list, and a tab still showing a chat is told it is gone", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400, 404);
  await signUp(page);
  await importChats(page, ["Keepsake", "Archived one"]);
  await archiveOne(page, "Keepsake");
  // Another tab, still showing one of the chats.
  const elsewhere = await page.context().newPage();
  await elsewhere.goto("/chats?archived=1");
  await elsewhere.getByTestId("chat-list").getByRole("link", { name: "Keepsake", exact: true }).click();
  await waitForHydration(elsewhere);

  await page.goto("/settings/data");
  const section = allChats(page);
  // Before it, the way to keep a copy.
  await expect(section.getByText("This cannot be undone. To keep a copy, download everything from Export above first.")).toBeVisible();
  await expect(section.getByRole("link", { name: "Export", exact: true })).toHaveAttribute("href", "#export");

  const box = page.getByRole("checkbox", { name: "Yes, delete all 2 chats and their files — this cannot be undone" });
  await page.getByRole("button", { name: "Delete all 2 chats" }).click();
  await expect(box).toHaveAccessibleDescription("Tick the box to confirm. Nothing was deleted.");
  await expect(box).toBeFocused();
  await expect(page).toHaveURL(/\/settings\/data$/);
  expect(await listedTitles(page)).toEqual(["Archived one"]);
  expect(await listedTitles(page, { archived: true })).toEqual(["Keepsake"]);

  await page.goto("/settings/data");
  await box.check();
  await page.getByRole("button", { name: "Delete all 2 chats" }).click();
  await expect(page).toHaveURL(/\/settings\/data\?deleted=2$/);
  await expect(page.getByTestId("all-chats-notice")).toHaveText("Deleted 2 chats.");
  await expect(page.getByTestId("no-chats")).toHaveText("You have no chats.");
  await page.goto("/chats");
  await expect(page.getByTestId("chat-list")).toHaveText("No chats yet. Start one with New chat.");
  expect(await listedTitles(page, { archived: true })).toEqual([]);

  // The other tab learns the chat is gone when it sends, as after deleting one chat, with its text kept.
  await composer(elsewhere).fill("Is this still here?");
  await composer(elsewhere).press("Enter");
  await expect(elsewhere.getByText("This chat no longer exists: it was deleted, perhaps in another tab.", { exact: false })).toBeVisible();
  await expect(composer(elsewhere)).toHaveValue("Is this still here?");
});

test("without JavaScript, Archive all with Undo and Delete all are plain forms: an unticked delete is refused beside the box, a ticked one deletes every chat", async ({ noJsPage: page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  // The import is the same page's multipart form.
  await importChats(page, ["Plain one", "Plain two"]);
  await page.goto("/settings/data");

  await page.getByRole("button", { name: "Archive all 2 chats" }).click();
  const notice = page.getByTestId("all-chats-notice");
  await expect(notice).toContainText("Archived 2 chats.");
  await notice.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByTestId("all-chats-notice")).toHaveText("Moved 2 chats back to your list.");
  expect(await listedTitles(page)).toEqual(["Plain one", "Plain two"]);

  await page.goto("/settings/data");
  await page.getByRole("button", { name: "Delete all 2 chats" }).click();
  const box = page.getByRole("checkbox", { name: "Yes, delete all 2 chats and their files — this cannot be undone" });
  await expect(box).toHaveAccessibleDescription("Tick the box to confirm. Nothing was deleted.");
  // The browser gives the focus to the box in error.
  await expect(box).toBeFocused();
  expect(await listedTitles(page)).toEqual(["Plain one", "Plain two"]);

  await page.goto("/settings/data");
  await box.check();
  await page.getByRole("button", { name: "Delete all 2 chats" }).click();
  await expect(page).toHaveURL(/\/settings\/data\?deleted=2$/);
  await expect(page.getByTestId("all-chats-notice")).toHaveText("Deleted 2 chats.");
  await expect(page.getByTestId("no-chats")).toHaveText("You have no chats.");
  expect(await listedTitles(page)).toEqual([]);
});
