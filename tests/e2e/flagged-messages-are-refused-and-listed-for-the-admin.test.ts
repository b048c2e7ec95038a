// Moderation, on a server of its own with MODERATION_MODEL set (checked by the
// fake OpenAI's /v1/moderations): with and without JavaScript a flagged
// message is refused with words naming why, nothing is stored or answered,
// and the admin finds it on /admin/moderation; a clean message goes through.
import type { Page } from "@playwright/test";
import { firstAccountIsAdmin } from "./admin";
import { CHAT_URL, expect, signUp, test, uniqueEmail, waitForAnswer } from "./fixtures";
import { type OwnServer, startOwnServer } from "./own-server";
import { uniqueMarker } from "./upstream";

test.describe.configure({ mode: "serial" });
test.use({ actionTimeout: 15_000 });

let server: OwnServer;
test.beforeAll(async () => {
  server = await startOwnServer({ MODERATION_MODEL: "omni-moderation-latest" });
});
test.afterAll(async () => {
  await server?.stop();
});

const admin = firstAccountIsAdmin();

async function send(page: Page, text: string, { newChat = false } = {}): Promise<void> {
  if (newChat) await page.goto("/chats?new=1");
  await page.locator("#composer").fill(text);
  await page.locator("form:has(#composer)").getByRole("button", { name: "Send" }).click();
}

for (const javaScriptEnabled of [false, true]) {
  test(`${javaScriptEnabled ? "with" : "without"} JavaScript: a flagged message is refused and listed for the admin; a clean one is answered`, async ({ newContext, browserErrors }) => {
    browserErrors.allowStatus(400);
    const adminPage = await admin.page(await newContext({ baseURL: server.baseURL, javaScriptEnabled }));
    const memberPage = await (await newContext({ baseURL: server.baseURL, javaScriptEnabled })).newPage();
    const member = await signUp(memberPage, { name: "Moe Member", email: uniqueEmail("moe") });

    await send(memberPage, "Where do rivers begin?", { newChat: true });
    await expect(memberPage).toHaveURL(CHAT_URL);
    await waitForAnswer(memberPage);

    const flaggedText = `I will hurt them ${uniqueMarker("mod")} [[flag:violence]]`;
    await send(memberPage, flaggedText);
    await expect(memberPage.getByText("This message was not sent: the server's content check flagged it (violence). Rephrase it and try again.")).toBeVisible();
    await expect(memberPage.getByTestId("user-message")).toHaveCount(1);
    await expect(memberPage.getByTestId("assistant-message")).toHaveCount(1);

    await adminPage.goto("/admin/moderation");
    await expect(adminPage.getByTestId("moderation-state")).toContainText("omni-moderation-latest");
    const flag = adminPage.getByTestId("moderation-flag").filter({ hasText: flaggedText });
    await expect(flag).toHaveCount(1);
    await expect(flag).toContainText(member.email);
    await expect(flag).toContainText("violence");
  });
}
