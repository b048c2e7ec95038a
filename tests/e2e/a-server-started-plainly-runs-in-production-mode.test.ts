// `npm start` sets no NODE_ENV, and neither does a person who runs
// `bun server.ts`: the server must still run the way it runs on Fly. In
// development mode Remix sends a failure's details and stack trace to the
// browser, and React renders more slowly and writes warnings with component
// stacks to the log on every chat page.
import { DEFAULT_PASSWORD, expect, sendMessage, test, uniqueEmail } from "./fixtures";
import { startOwnServer } from "./own-server";

test("a server started without NODE_ENV renders chats without writing to the log", async ({ page }) => {
  const server = await startOwnServer({ NODE_ENV: "" });
  try {
    await page.goto(`${server.baseURL}/signup`);
    await page.getByLabel("Name").fill("Plain Start");
    await page.getByLabel("Email").fill(uniqueEmail("plain-start"));
    await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL(/\/chats$/);
    await sendMessage(page, "Hello there");
    await expect(page).toHaveURL(/\/chats\/[0-9a-z]{20}$/);
    const linesBefore = server.output.length;
    // The chat page rendered on the server, with its answer.
    await page.reload();
    await expect(page.getByText("Hello there").first()).toBeVisible();
    expect(server.output.slice(linesBefore).filter((line) => !line.startsWith("{")), "only JSON log lines").toEqual([]);
  } finally {
    // The page goes first: it would go on loading from a server that is gone.
    await page.close();
    await server.stop();
  }
});
