import type { Page } from "@playwright/test";
import {
  composer,
  expect,
  expectClickable,
  listedChatIds,
  newChatAndSend,
  postForm,
  sendMessage,
  signUp,
  test,
  waitForAnswer,
  waitForHydration,
} from "./fixtures";
import { isolate } from "../../app/i18n/isolate";

const PAGE_SIZE = 20;

/**
 * Creates a chat through the real new-chat form and stops its answer at once,
 * so the chat's last activity is over before the next one is created.
 */
async function createQuietChat(page: Page, text: string): Promise<string> {
  const created = await postForm(page, "/chats?index", { intent: "send", content: text });
  expect(created.status()).toBe(302);
  const chatUrl = created.headers()["location"]!;
  const html = await (await page.request.get(chatUrl)).text();
  const messageId = html.match(/data-testid="assistant-message"[^>]*data-message-id="([0-9a-z]{20})"/)?.[1];
  expect(messageId, "the new chat shows its answer").toBeTruthy();
  const stopped = await postForm(page, chatUrl, { intent: "stop", messageId: messageId! });
  expect(stopped.status()).toBe(302);
  return chatUrl.replace("/chats/", "");
}

function sidebarLink(page: Page, chatId: string) {
  return page.getByTestId("chat-list").locator(`a[href^="/chats/${chatId}"]`);
}

test("the chat list shows 20 chats at a time, newest activity first, with Load more", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);
  const created: string[] = [];
  for (let i = 0; i < PAGE_SIZE + 2; i++) created.push(await createQuietChat(page, `Question number ${i + 1} about topic${i + 1}`));
  const newestFirst = [...created].reverse();

  await page.goto("/chats");
  await waitForHydration(page);
  expect(await listedChatIds(page)).toEqual(newestFirst.slice(0, PAGE_SIZE));
  const loadMore = page.getByRole("link", { name: "Load more" });
  await expect(loadMore).toBeVisible();

  await loadMore.click();
  await expect(page).toHaveURL(/\/chats\?more=2$/);
  await expect.poll(() => listedChatIds(page)).toEqual(newestFirst);
  await expect(loadMore).toHaveCount(0);

  // New activity in the oldest chat moves it to the top.
  const oldest = created[0]!;
  await sidebarLink(page, oldest).click();
  await expect(page).toHaveURL(new RegExp(`/chats/${oldest}`));
  await sendMessage(page, "Bringing this old chat back");
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await expect.poll(async () => (await listedChatIds(page))[0]).toBe(oldest);
  await waitForAnswer(page);
  await page.goto("/chats");
  expect(await listedChatIds(page)).toEqual([oldest, ...newestFirst.slice(0, PAGE_SIZE - 1)]);

  // A pinned chat goes first, above the most recent activity, even from the second page.
  const secondOldest = created[1]!;
  await page.goto(`/chats/${secondOldest}`);
  await waitForHydration(page);
  await page.locator("header").getByRole("button", { name: "Pin", exact: true }).click();
  await expect(page.locator("header").getByRole("button", { name: "Unpin", exact: true })).toBeVisible();
  await expect.poll(async () => (await listedChatIds(page)).slice(0, 2)).toEqual([secondOldest, oldest]);
  await expect(sidebarLink(page, secondOldest).getByLabel("Pinned")).toBeVisible();
  await expect(sidebarLink(page, oldest).getByLabel("Pinned")).toHaveCount(0);

  // Unpinned, it falls back to its place by activity: last.
  await page.locator("header").getByRole("button", { name: "Unpin", exact: true }).click();
  await expect(page.locator("header").getByRole("button", { name: "Pin", exact: true })).toBeVisible();
  await page.goto("/chats?more=2");
  const all = await listedChatIds(page);
  expect(all[0]).toBe(oldest);
  expect(all.at(-1)).toBe(secondOldest);
});

for (const javaScriptEnabled of [false, true]) {
  test(`${javaScriptEnabled ? "with" : "without"} JavaScript, on a phone, Load more keeps the rows seen in view, and Back to chats returns to the list as it was left, at the chat left`, async ({ newContext }) => {
    test.setTimeout(120_000);
    const phone = await newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, javaScriptEnabled });
    const page = await phone.newPage();
    await signUp(page);
    const created: string[] = [];
    for (let i = 0; i < PAGE_SIZE + 10; i++) created.push(await createQuietChat(page, `Phone list chat ${i + 1}`));
    const newestFirst = [...created].reverse();
    const row = (chatId: string) => page.locator(`[id="in-list-${chatId}"]`);

    await page.goto("/chats");
    // Hydrated: the model picker (hidden where the list is the page) has become a button.
    if (javaScriptEnabled) await expect(page.getByTestId("model-picker")).toBeAttached();
    const lastSeen = newestFirst[PAGE_SIZE - 1]!;
    await page.getByRole("link", { name: "Load more" }).click();
    // Without JavaScript the whole page loads again, and the address names the row to bring back into view.
    await expect(page).toHaveURL(javaScriptEnabled ? /\/chats\?more=2$/ : new RegExp(`/chats\\?more=2#in-list-${lastSeen}$`));
    await expect.poll(() => listedChatIds(page)).toEqual(newestFirst);
    // The page is not back at its top: the last row seen is in view, the first new one beneath it.
    await expect(row(lastSeen)).toBeInViewport();
    await expect(row(newestFirst[0]!)).not.toBeInViewport();

    const left = newestFirst[PAGE_SIZE + 5]!;
    await page.getByTestId("chat-list").locator(`a[href^="/chats/${left}"]`).click();
    await expect(page).toHaveURL(new RegExp(`/chats/${left}\\?more=2$`));
    await page.getByTestId("chat-header").getByRole("link", { name: "Back to chats" }).click();
    await expect(page).toHaveURL(new RegExp(`/chats\\?more=2#in-list-${left}$`));
    await expect.poll(() => listedChatIds(page)).toEqual(newestFirst);
    await expect(row(left)).toBeInViewport();
  });
}

test("the last chat's Delete… in a full list opens where its button can be clicked", async ({ newContext }) => {
  test.setTimeout(90_000);
  const context = await newContext({ viewport: { width: 1280, height: 560 } });
  const page = await context.newPage();
  await signUp(page);
  const created: string[] = [];
  for (let i = 0; i < 12; i++) created.push(await createQuietChat(page, `Chat number ${i + 1} about lists`));
  await page.goto("/chats");
  await waitForHydration(page);
  const last = page.getByTestId("chat-list").locator("li").filter({ has: page.locator(`a[href^="/chats/${created[0]}"]`) });
  await last.scrollIntoViewIfNeeded();
  await last.hover();
  await last.getByTestId("chat-menu").locator("summary").first().click();
  await last.getByText("Delete…").click();
  const confirm = last.getByRole("button", { name: "Delete permanently" });
  await expectClickable(page, confirm);
  await confirm.click();
  await expect.poll(() => listedChatIds(page)).toEqual(created.slice(1).reverse());
});

test("pinned chats are listed first, each group by newest activity", async ({ page }) => {
  await signUp(page);
  const [a, b, c, d] = [
    await createQuietChat(page, "First chat about apples"),
    await createQuietChat(page, "Second chat about bananas"),
    await createQuietChat(page, "Third chat about cherries"),
    await createQuietChat(page, "Fourth chat about dates"),
  ];
  for (const chatId of [a, c]) expect((await postForm(page, `/chats/${chatId}`, { intent: "pin", value: "true" })).status()).toBe(302);
  await page.goto("/chats");
  expect(await listedChatIds(page)).toEqual([c, a, d, b]);
  await expect(sidebarLink(page, c).getByLabel("Pinned")).toBeVisible();
  await expect(sidebarLink(page, a).getByLabel("Pinned")).toBeVisible();
  await expect(sidebarLink(page, d).getByLabel("Pinned")).toHaveCount(0);
});

test("renaming, archiving and deleting a chat update the list at once", async ({ page }) => {
  await signUp(page);
  const { chatId: keptId } = await newChatAndSend(page, "A chat to keep about comets");
  await waitForAnswer(page);
  const { chatId } = await newChatAndSend(page, "A chat to tidy up about meteors");
  await waitForAnswer(page);
  const header = page.locator("header");

  // Rename.
  await header.locator("summary", { hasText: "Rename" }).click();
  await page.getByLabel("Chat title").fill("Meteor notes");
  await page.getByLabel("Chat title").press("Enter");
  await expect(page.getByTestId("chat-title")).toHaveText("Meteor notes");
  await expect(sidebarLink(page, chatId)).toHaveText("Meteor notes");
  await expect(page).toHaveTitle(`${isolate("Meteor notes")} · Parley`);

  // Archive: gone from the list, listed under Archived, and back after Unarchive.
  await header.getByRole("button", { name: "Archive", exact: true }).click();
  await expect(page).toHaveURL(`/chats?justarchived=${chatId}`);
  await expect(page.getByTestId("just-archived")).toContainText("“Meteor notes” is archived");
  await expect.poll(() => listedChatIds(page)).toEqual([keptId]);
  await page.getByRole("link", { name: "Archived" }).click();
  await expect.poll(() => listedChatIds(page)).toEqual([chatId]);
  await sidebarLink(page, chatId).click();
  await header.getByRole("button", { name: "Unarchive", exact: true }).click();
  await expect(header.getByRole("button", { name: "Archive", exact: true })).toBeVisible();
  // Unarchiving lands on the chat with the ordinary list beside it.
  await expect(page.getByRole("link", { name: "Archived" })).toBeVisible();
  await expect.poll(async () => new Set(await listedChatIds(page))).toEqual(new Set([chatId, keptId]));

  // Delete, behind its confirmation.
  await sidebarLink(page, chatId).click();
  await expect(page).toHaveURL(new RegExp(`/chats/${chatId}`));
  await header.locator("summary", { hasText: /^Delete$/ }).click();
  await header.getByRole("button", { name: "Delete permanently" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  await expect.poll(() => listedChatIds(page)).toEqual([keptId]);
  await expect(composer(page)).toBeVisible();
});
