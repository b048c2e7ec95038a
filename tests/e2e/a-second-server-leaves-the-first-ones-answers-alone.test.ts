// Starting Parley twice by mistake (a second terminal, a second `npm start`)
// on the same port and database must not harm the one already running. At
// boot a server marks answers left streaming by a dead process as
// interrupted; the second server used to do that before finding its port
// taken, and cut the first one's live answers short in the database. A server
// started while the one before is stopping leaves it the answers it is still
// finishing.
import { spawn } from "node:child_process";
import path from "node:path";
import Database from "libsql";
import { answerContent, chooseModel, DEFAULT_PASSWORD, expect, lastAnswer, sendMessage, sendThroughTheForm, signUp, test, uniqueEmail, waitForAnswer } from "./fixtures";
import { startOwnServer } from "./own-server";
import { numberedTokens, queueScripts, uniqueMarker } from "./upstream";

test("a second server on a port in use says so and stops, and the first one's answer ends whole", async ({ page }) => {
  const server = await startOwnServer();
  try {
    await page.goto(`${server.baseURL}/signup`);
    await page.getByLabel("Name").fill("Twice Started");
    await page.getByLabel("Email").fill(uniqueEmail("twice"));
    await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL(/\/chats$/);
    const marker = uniqueMarker("tw");
    await queueScripts("openai", marker, { tokens: numberedTokens(150, "tok"), tokenDelayMs: 50 });
    await sendThroughTheForm(page, `Count slowly ${marker}`);
    await expect(answerContent(page)).toContainText("tok3 ");

    const second = spawn("node_modules/.bin/bun", ["server.ts"], { env: { ...process.env, ...server.env }, stdio: ["ignore", "pipe", "pipe"] });
    let said = "";
    for (const stream of [second.stdout!, second.stderr!]) stream.on("data", (chunk: Buffer) => (said += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => second.once("exit", (code) => resolve(code)));
    expect(exitCode).toBe(1);
    expect(said).toContain(`Port ${server.env.PORT} on 127.0.0.1 is already in use: another Parley (or another program) is running there. Stop it, or set PORT to another port.`);

    // The first server's answer is still being written: a reload now shows it so, and follows it to its end.
    await page.reload();
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
    await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveCount(0);
    await waitForAnswer(page, "complete");
    await expect(answerContent(page)).toContainText("tok150");
    await page.reload();
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete");
    await expect(answerContent(page)).toContainText("tok150");
    await expect(lastAnswer(page).getByTestId("answer-problem")).toHaveCount(0);
  } finally {
    await page.close();
    await server.stop();
  }
});

test("a Parley started while the one before is still finishing its answers leaves them to it", async ({ newContext }) => {
  const before = await startOwnServer();
  let after: Awaited<ReturnType<typeof startOwnServer>> | undefined;
  try {
    const page = await (await newContext({ baseURL: before.baseURL })).newPage();
    await signUp(page);
    const marker = uniqueMarker("fin");
    await queueScripts("openai", marker, { tokens: numberedTokens(50, "tok"), tokenDelayMs: 80 });
    await page.goto("/chats?new=1");
    await chooseModel(page, "mini", "GPT-4o mini");
    await sendMessage(page, `Count on through the restart ${marker}`);
    await expect(answerContent(page)).toContainText("tok3 ");
    const file = path.join(before.dataDir, "parley.db");
    const statusOfTheAnswer = () => {
      const db = new Database(file);
      try {
        return (db.prepare("SELECT status FROM messages WHERE role = 'assistant' ORDER BY created_at DESC LIMIT 1").get() as { status: string }).status;
      } finally {
        db.close();
      }
    };
    // The page goes first (it would see the server gone); the answer goes on without a reader.
    await page.context().close();
    // Stopped (a deploy, a restart), it gives up its port at once and goes on writing for a while; another starts.
    const stopped = before.stop({ keepData: true });
    after = await startOwnServer({}, { dataDir: before.dataDir });
    expect(after.output.join("\n")).toContain("a Parley process that is stopping may still be finishing answers");
    expect(statusOfTheAnswer()).toBe("streaming");
    await stopped;
    expect(statusOfTheAnswer()).toBe("complete");
    expect(after.output.join("\n")).not.toContain("marked answers left streaming by a previous process as interrupted");
  } finally {
    await after?.stop();
  }
});
