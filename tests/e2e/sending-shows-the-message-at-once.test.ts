// The fast send: with JavaScript, Enter shows the message and its answer at
// once, opens the answer's stream in parallel with the send, and does not
// reload the chat page's data until the answer has ended.
import {
  answerContent,
  answerMessageId,
  answerText,
  CHAT_URL,
  chatIdOf,
  composer,
  demoAnswerTo,
  expect,
  lastAnswer,
  login,
  newChatAndSend,
  postForm,
  readStream,
  signUp,
  test,
  userMessages,
  waitForAnswer,
  waitForHydration,
} from "./fixtures";

test("the message and its answer appear before the server has answered the send, and the answer streams in", async ({ page }) => {
  await signUp(page);
  const first = "Tell me about harbours";
  const { chatId } = await newChatAndSend(page, first);
  await waitForAnswer(page);
  await waitForHydration(page);

  // Hold the send at the network for a moment: whatever shows meanwhile was drawn by the page itself.
  let releaseSend!: () => void;
  const sendHeld = new Promise<void>((resolve) => (releaseSend = resolve));
  const sends: string[] = [];
  await page.route(`**/chats/${chatId}/messages`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    sends.push(route.request().postData() ?? "");
    await sendHeld;
    await route.continue();
  });
  const pageReloads: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "GET" && new URL(request.url()).pathname.endsWith(".data")) pageReloads.push(request.url());
  });
  const streamOpened = page.waitForRequest((request) => /\/messages\/[0-9a-z]{20}\/stream/.test(request.url()));

  const followUp = "And about lighthouses on them";
  await composer(page).fill(followUp);
  await composer(page).press("Enter");

  await expect(userMessages(page)).toHaveText([first, followUp]);
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  await expect(composer(page)).toHaveValue("");
  // The stream was asked for while the send was still held.
  await streamOpened;
  expect(sends).toHaveLength(1);
  expect(sends[0]).toContain("answerId=");

  const sendAnswered = page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname === `/chats/${chatId}/messages`);
  releaseSend();
  expect((await sendAnswered).status()).toBe(200);
  // The answer is still being written (the demo writes for seconds): the page did not reload its data after the send.
  await page.waitForTimeout(300);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");
  expect(pageReloads).toEqual([]);
  await waitForAnswer(page);
  const answerId = await answerMessageId(page);
  expect(sends[0]).toContain(`answerId=${answerId}`);
  expect((await readStream(page, chatId, answerId)).text).toBe(demoAnswerTo(first, followUp));
  // No reload of the page's data between the send and the end of the answer; one after it ends.
  await expect.poll(() => pageReloads.length).toBeGreaterThan(0);
  expect(chatIdOf(page)).toBe(chatId);

  // What the page shows after its reload is what the server stored.
  await page.reload();
  await expect(userMessages(page)).toHaveText([first, followUp]);
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
});

test("an answer whose first connection is cut after a few events carries on from the next event, nothing lost or doubled", async ({ page }) => {
  await signUp(page);
  const first = "Tell me about harbours";
  const { chatId } = await newChatAndSend(page, first);
  await waitForAnswer(page);
  await waitForHydration(page);

  // The page's first connection to the new answer's stream (the one opened with the send) ends after three events,
  // without the answer's end: as a connection lost mid-answer does.
  const streams: string[] = [];
  let cutAfter: number | undefined;
  await page.route(/\/messages\/[0-9a-z]{20}\/stream/, async (route) => {
    streams.push(new URL(route.request().url()).search);
    if (streams.length > 1) return route.continue();
    const response = await route.fetch();
    const blocks = (await response.text()).split("\n\n");
    const events = blocks.filter((block) => /^id: /m.test(block));
    cutAfter = Number(/^id: (\d+)/m.exec(events[2]!)![1]);
    // The server's reconnection delay stays, so the browser comes back as it would in life.
    await route.fulfill({ response, body: `${[...blocks.filter((block) => /^retry: /m.test(block)), ...events.slice(0, 3)].join("\n\n")}\n\n` });
  });
  const followUp = "And about lighthouses on them";
  await composer(page).fill(followUp);
  await composer(page).press("Enter");
  // The new answer first: until it is on the page, the last answer is the first one, complete already.
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await waitForAnswer(page);

  // The browser came back once, on its own (the address is the first one's; what it has is in its Last-Event-ID).
  expect(cutAfter).toBeGreaterThan(0);
  expect(streams).toEqual(["?lastEventId=0", "?lastEventId=0"]);
  const answerId = await answerMessageId(page);
  expect((await readStream(page, chatId, answerId)).text).toBe(demoAnswerTo(first, followUp));
  // What the page assembled from the two connections is what a fresh page shows of the stored answer.
  const fresh = await page.context().newPage();
  await fresh.goto(`/chats/${chatId}`);
  await waitForAnswer(fresh);
  const stored = await answerText(fresh);
  expect(stored.length).toBeGreaterThan(0);
  await expect.poll(() => answerContent(page).innerText()).toBe(stored);
  await fresh.close();
});

test("the next message can be sent as soon as the answer has ended, while the page is still reloading its data", async ({ page }) => {
  await signUp(page);
  const first = "Tell me about canals";
  const { chatId } = await newChatAndSend(page, first);
  // Hold every reload of the page's data until the end: what happens meanwhile is the page's own doing.
  let releaseReloads!: () => void;
  const reloadsHeld = new Promise<void>((resolve) => (releaseReloads = resolve));
  const held: string[] = [];
  await page.route(
    (url) => url.pathname.endsWith(".data"),
    async (route) => {
      held.push(route.request().url());
      await reloadsHeld;
      await route.continue();
    },
  );
  await waitForAnswer(page);
  // The answer's end asked for the chat again, and that reload has not come back.
  await expect.poll(() => held.length).toBeGreaterThan(0);

  const followUp = "And the locks along them";
  await composer(page).fill(followUp);
  await composer(page).press("Enter");
  await expect(userMessages(page)).toHaveText([first, followUp]);
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await expect(composer(page)).toHaveValue("");

  releaseReloads();
  await waitForAnswer(page);
  expect(chatIdOf(page)).toBe(chatId);
  await page.reload();
  await expect(userMessages(page)).toHaveText([first, followUp]);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete");
});

test("an id chosen by the browser that is already used is refused with 409 and changes nothing", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(409);
  await signUp(page);
  const { chatId, chatUrl } = await newChatAndSend(page, "First question");
  await waitForAnswer(page);
  const usedId = await answerMessageId(page);
  const freshId = usedId.slice(0, -1) + (usedId.endsWith("a") ? "b" : "a");
  const response = await postForm(page, chatUrl, { intent: "send", content: "Second question", userMessageId: usedId, answerId: freshId });
  expect(response.status()).toBe(409);
  expect(await response.text()).toContain("That id is already in use.");
  await page.reload();
  await expect(userMessages(page)).toHaveText(["First question"]);
  expect(chatIdOf(page)).toBe(chatId);
});

test("a send that never reaches the server takes its message back, says so and keeps the text", async ({ page, browserErrors }) => {
  browserErrors.allow(/net::ERR_INTERNET_DISCONNECTED|net::ERR_FAILED/);
  await signUp(page);
  const first = "Tell me about tides";
  const { chatId } = await newChatAndSend(page, first);
  await waitForAnswer(page);
  await waitForHydration(page);
  // The link drops just for the send; the answer's stream (which then finds no answer) still gets through.
  await page.route(`**/chats/${chatId}/messages`, (route) => route.abort("internetdisconnected"));
  const lost = "And about the moon's part in them";
  await composer(page).fill(lost);
  await composer(page).press("Enter");
  await expect(page.getByRole("alert")).toHaveText("The message could not reach Parley, so it was not sent. Your text is kept: check your connection and send again.");
  await expect(userMessages(page)).toHaveText([first]);
  await expect(page.getByTestId("assistant-message")).toHaveCount(1);
  await expect(composer(page)).toHaveValue(lost);

  // Back online, the same text goes through.
  await page.unroute(`**/chats/${chatId}/messages`);
  await composer(page).press("Enter");
  await expect(userMessages(page)).toHaveText([first, lost]);
  await waitForAnswer(page);
  await page.reload();
  await expect(userMessages(page)).toHaveText([first, lost]);
});

test("a send from a page whose session has ended leads to logging in, and nothing is stored", async ({ page, context, browserErrors }) => {
  browserErrors.allowStatus(401);
  const user = await signUp(page);
  const first = "Tell me about reefs";
  const { chatUrl } = await newChatAndSend(page, first);
  await waitForAnswer(page);
  await waitForHydration(page);
  await context.clearCookies();
  await composer(page).fill("Sent after the session ended");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(/\/login/);
  await login(page, user);
  await page.goto(chatUrl);
  await expect(userMessages(page)).toHaveText([first]);
  await expect(page.getByTestId("assistant-message")).toHaveCount(1);
});

test("losing the connection is said at once on the page, a send meanwhile keeps its text and its files, and coming back is said too", async ({ page, context, browserErrors }) => {
  browserErrors.allow(/net::ERR_INTERNET_DISCONNECTED|net::ERR_FAILED|ERR_NETWORK_CHANGED/);
  await signUp(page);
  const first = "Tell me about rivers";
  await newChatAndSend(page, first);
  await waitForAnswer(page);
  await waitForHydration(page);
  const status = page.getByTestId("connection-status");
  await expect(status).toBeEmpty();

  // A file uploaded before the connection went.
  await page.getByTestId("file-input").setInputFiles([{ name: "delta-notes.txt", mimeType: "text/plain", buffer: Buffer.from("Nile, Ganges, Mekong\n") }]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await context.setOffline(true);
  await expect(status).toHaveText("You are offline. What you type stays here; answers pick up again when the connection is back.");
  // It leaves the chat's header uncovered: its buttons are seen and reached.
  const notice = (await status.locator("p").boundingBox())!;
  const header = (await page.getByTestId("chat-header").boundingBox())!;
  expect(notice.y).toBeGreaterThanOrEqual(header.y + header.height);
  const typed = "And about their deltas";
  await composer(page).fill(typed);
  await composer(page).press("Enter");
  await expect(page.getByRole("alert")).toHaveText("The message could not reach Parley, so it was not sent. Your text is kept: check your connection and send again.");
  await expect(composer(page)).toHaveValue(typed);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveText([/delta-notes\.txt/]);
  await expect(userMessages(page)).toHaveText([first]);

  await context.setOffline(false);
  await expect(status).toHaveText("Back online.");
  await expect(status).toBeEmpty({ timeout: 10_000 });
  await composer(page).press("Enter");
  await expect(userMessages(page)).toHaveText([first, /And about their deltas/]);
  await expect(page.getByTestId("user-message").last().getByTestId("file-part")).toHaveText([/delta-notes\.txt/]);
  await expect(page.getByTestId("attachment-chip")).toHaveCount(0);
  await waitForAnswer(page);
});

test("text typed while a new chat's first message opens that chat is the new chat's draft, not the next new chat's", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  // The new chat's page is slow to load: there is time to type before it is up.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/chats\/[0-9a-z]{20}\.data/, async (route) => {
    await held;
    await route.continue();
  });
  await composer(page).fill("The first question");
  await composer(page).press("Enter");
  await expect(composer(page)).toBeEnabled();
  await composer(page).fill("A follow-up typed meanwhile");
  release();
  await expect(page).toHaveURL(CHAT_URL);
  await page.unroute(/\/chats\/[0-9a-z]{20}\.data/);
  await expect(userMessages(page)).toHaveText(["The first question"]);
  await expect(composer(page)).toHaveValue("A follow-up typed meanwhile");
  await page.reload();
  await expect(composer(page)).toHaveValue("A follow-up typed meanwhile");
  // The next new chat starts empty, and a first message sent with nothing typed after it leaves its chat's box empty.
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("");
  await composer(page).fill("Another first question");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(userMessages(page)).toHaveText(["Another first question"]);
  await page.reload();
  await waitForHydration(page);
  expect(await composer(page).inputValue()).toBe("");
});
