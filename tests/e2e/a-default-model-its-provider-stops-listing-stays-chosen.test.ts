// The admin's default model is a choice that outlives an outage: when its
// provider stops listing it (a key removed, a model list that cannot be read),
// the models page still shows it chosen, says what new chats get meanwhile,
// and a save of anything else keeps it instead of the first option.
import { expect, login, signUp, test } from "./fixtures";
import { type OwnServer, startOwnServer } from "./own-server";

test("a default model its provider no longer lists stays chosen, is said to be missing, and outlives a save of something else", async ({ newContext }) => {
  let server: OwnServer = await startOwnServer();
  try {
    const first = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled: false })).newPage();
    const admin = await signUp(first, { name: "Ada Admin" });
    await first.goto("/admin/models");
    const choice = first.getByLabel("Default model for new chats");
    await choice.selectOption("openai:gpt-4o-mini");
    await first.getByRole("button", { name: "Save", exact: true }).click();
    await expect(first.getByText(/^Saved\./)).toBeVisible();
    await first.context().close();

    // Started again without OpenAI's key: its models are listed no more.
    await server.stop({ keepData: true });
    server = await startOwnServer({ OPENAI_API_KEY: "" }, { dataDir: server.dataDir });
    const page = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled: false })).newPage();
    await page.goto("/login");
    await login(page, admin);
    await page.goto("/admin/models");
    await expect(page.getByLabel("Default model for new chats")).toHaveValue("openai:gpt-4o-mini");
    await expect(page.getByTestId("default-unlisted")).toHaveText(
      "openai:gpt-4o-mini is not listed by its provider right now (its list could not be read, or the model is gone): new chats start with the built-in model until it is back. It stays chosen unless you pick another.",
    );
    // A save of something else keeps it.
    await page.getByLabel("People may use API keys of their own").uncheck();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText(/^Saved\./)).toBeVisible();
    await expect(page.getByLabel("Default model for new chats")).toHaveValue("openai:gpt-4o-mini");
    await expect(page.getByLabel("People may use API keys of their own")).not.toBeChecked();
  } finally {
    await server.stop();
  }
});

test("with JavaScript, a models save refused at the end of the page brings its reason and the default's field into view", async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(400);
  const server = await startOwnServer();
  try {
    const page = await (await newContext({ baseURL: server.baseURL })).newPage();
    await signUp(page, { name: "Ada Admin" });
    await page.goto("/admin/models");
    await page.getByLabel("Default model for new chats").selectOption("openai:gpt-4o-mini");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText(/^Saved\./)).toBeVisible();
    // OpenAI off, with the default among its models: Save is pressed where it is, at the end.
    await page.getByLabel("OpenAI (the provider and all its models)").uncheck();
    const save = page.getByRole("button", { name: "Save", exact: true });
    await save.scrollIntoViewIfNeeded();
    await save.click();
    const refusal = page.getByRole("alert").filter({ hasText: "The default model" });
    await expect(refusal).toContainText("would be turned off by this form");
    await expect(refusal).toBeInViewport();
    const choice = page.getByLabel("Default model for new chats");
    await expect(choice).toBeFocused();
    await expect(choice).toHaveAttribute("aria-invalid", "true");
    await expect(choice).toBeInViewport();
    // The admin's edits are still on the page, to fix and save again.
    await expect(page.getByLabel("OpenAI (the provider and all its models)")).not.toBeChecked();
  } finally {
    await server.stop();
  }
});
