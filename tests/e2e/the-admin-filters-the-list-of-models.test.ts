// The admin's models page can be long (OpenRouter alone lists hundreds of
// models). With JavaScript a filter narrows it by provider, name or id; the
// models it hides keep their boxes, and a save sends them as they are.
// Without JavaScript the whole list is there, as before.
import { expect, signUp, test } from "./fixtures";
import { startOwnServer } from "./own-server";

test("the admin filters the models page by provider, name or id, and a save keeps the boxes it hid", async ({ newContext }) => {
  const server = await startOwnServer();
  try {
    const page = await (await newContext({ baseURL: server.baseURL })).newPage();
    await signUp(page, { name: "Ada Admin" });
    await page.goto("/admin/models");
    const filter = page.getByLabel("Filter providers and models");
    const boxes = page.locator('input[name="model"]');
    const total = await boxes.count();
    expect(total).toBeGreaterThan(5);
    const visibleIds = () => boxes.evaluateAll((inputs) => inputs.filter((input) => (input as HTMLElement).checkVisibility()).map((input) => (input as HTMLInputElement).value));

    // Words in any order, in the model's name or id.
    await filter.fill("mini");
    await expect.poll(visibleIds).toEqual(["openai:gpt-4o-mini", "openai:o3-mini", "openai:o4-mini"]);
    await expect(page.getByTestId("models-filter-count")).toHaveText(`3 of ${total} models shown; the others keep their boxes as they are.`);
    await filter.fill("4o mini");
    await expect.poll(visibleIds).toEqual(["openai:gpt-4o-mini"]);
    // A provider's name shows all its models; the providers with none that match are hidden.
    await filter.fill("anthropic");
    await expect.poll(visibleIds).toEqual(expect.arrayContaining(["anthropic:claude-haiku-4-5-20251001", "anthropic:claude-opus-4-1-20250805"]));
    expect((await visibleIds()).every((id) => id.startsWith("anthropic:"))).toBe(true);
    await expect(page.locator('[data-testid="admin-provider"][data-provider="openai"]')).toBeHidden();
    await filter.fill("no such model");
    await expect(page.getByTestId("models-filter-count")).toHaveText("No model matches.");
    await expect.poll(visibleIds).toEqual([]);

    // Enter in the filter does not save the page.
    await filter.fill("gpt-4o-mini");
    await filter.press("Enter");
    await expect(page.getByLabel("GPT-4o mini (openai:gpt-4o-mini)")).toBeVisible();
    await expect(page.getByText("Saved.", { exact: false })).toHaveCount(0);

    // One box turned off while the rest are hidden: they are saved as they were, all on.
    await page.getByLabel("GPT-4o mini (openai:gpt-4o-mini)").uncheck();
    const saved = page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname.startsWith("/admin/models"));
    await page.getByRole("button", { name: "Save" }).click();
    expect((await saved).status()).toBeLessThan(400);
    await expect(page.getByText("Saved.", { exact: false })).toBeVisible();
    await page.goto("/admin/models");
    await expect(page.getByLabel("GPT-4o mini (openai:gpt-4o-mini)")).not.toBeChecked();
    await expect(boxes.and(page.locator(":checked"))).toHaveCount(total - 1);

    // Without JavaScript there is no filter, and every model is listed.
    const plain = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled: false, storageState: await page.context().storageState() })).newPage();
    await plain.goto("/admin/models");
    await expect(plain.getByLabel("Filter providers and models")).toHaveCount(0);
    await expect(plain.locator('input[name="model"]')).toHaveCount(total);
  } finally {
    await server.stop();
  }
});
