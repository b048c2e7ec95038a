// A new account's empty pages say what belongs there and how to get it, with
// and without JavaScript: the chat list, the archive, search before a query,
// a search that finds nothing (with a way out of its filters), keys, shares.
import { expect, signUp, test } from "./fixtures";

for (const javaScriptEnabled of [true, false]) {
  test(`empty pages say what to do (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async ({ newContext }) => {
    const page = await (await newContext({ javaScriptEnabled })).newPage();
    await signUp(page);

    await page.goto("/chats");
    const list = page.getByTestId("chat-list");
    await expect(list).toHaveText("No chats yet. Start one with New chat.");
    await expect(page.getByRole("link", { name: "+ New chat" })).toBeVisible();

    await page.goto("/chats?index&archived=1");
    await expect(list).toHaveText("No archived chats. A chat’s menu archives it: it leaves the list but is not deleted.");

    await page.goto("/search");
    await expect(page.getByTestId("search-hint")).toHaveText(
      "Finds the words you type in every message and chat title, archived chats included. Put a phrase in quotes to find it as written.",
    );
    await expect(page.getByTestId("search-nothing")).toHaveCount(0);

    await page.goto("/search?q=zebrafinch&archived=archived");
    const nothing = page.getByTestId("search-nothing");
    await expect(nothing).toHaveText("Nothing matches “zebrafinch” with these filters. Search without the filters");
    await expect(page.getByTestId("search-hint")).toHaveCount(0);
    await nothing.getByRole("link", { name: "Search without the filters" }).click();
    await expect(page).toHaveURL(/\/search\?q=zebrafinch$/);
    await expect(page.getByTestId("search-nothing")).toHaveText("Nothing matches “zebrafinch”. Try other words, or fewer.");

    await page.goto("/settings/keys");
    await expect(page.getByText("No keys yet.")).toBeVisible();
    await page.goto("/settings/shares");
    await expect(page.getByText("You have not shared any chat. Use Share at the top of a chat.")).toBeVisible();
    // Every settings page has the one way back of the settings' own list.
    for (const path of ["/settings/profile", "/settings/shares", "/settings/data"]) {
      await page.goto(path);
      await expect(page.getByRole("link", { name: /Back to chats/ }), path).toHaveCount(1);
    }
  });
}
