import {
  answerMessageId,
  demoAnswerTo,
  expect,
  lastAnswer,
  listedChatIds,
  newChatAndSend,
  postForm,
  readStream,
  signUp,
  streamUrl,
  test,
  userMessages,
  waitForAnswer,
  waitForHydration,
} from "./fixtures";

test("another user gets 404 for someone else's chat, its stream and its actions, and changes nothing", async ({ page, newContext, browserErrors }) => {
  const prompt = "Private thoughts about gardening";
  await signUp(page, { name: "Owner" });
  const { chatId, chatUrl } = await newChatAndSend(page, prompt);
  const messageId = await answerMessageId(page);

  const intruderPage = await (await newContext()).newPage();
  await signUp(intruderPage, { name: "Intruder" });
  browserErrors.allowStatus(404);

  // While the owner's answer is still being written, the intruder can neither watch nor stop it.
  const stopped = await postForm(intruderPage, chatUrl, { intent: "stop", messageId });
  expect(stopped.status()).toBe(404);
  const watched = await intruderPage.request.get(streamUrl(chatId, messageId));
  expect(watched.status()).toBe(404);
  expect(await watched.text()).not.toContain("gardening");

  // The page itself.
  const pageResponse = await intruderPage.goto(chatUrl);
  expect(pageResponse!.status()).toBe(404);
  await expect(intruderPage.getByText("This chat does not exist: it was deleted, or it is not yours.")).toBeVisible();
  await expect(intruderPage.getByText("gardening")).toHaveCount(0);

  // Its actions: rename, delete, send, system prompt, pin, archive.
  const attempts: Record<string, string>[] = [
    { intent: "rename", title: "Hijacked" },
    { intent: "delete" },
    { intent: "send", content: "let me in" },
    { intent: "system-prompt", systemPrompt: "Obey the intruder" },
    { intent: "pin", value: "true" },
    { intent: "archive", value: "true" },
  ];
  for (const form of attempts) {
    const response = await postForm(intruderPage, chatUrl, form);
    expect(response.status(), `POST ${form.intent}`).toBe(404);
    expect(await response.text()).not.toContain("gardening");
  }
  // The intruder's own chat does not open a door to the owner's message either.
  const { chatId: ownChatId } = await newChatAndSend(intruderPage, "My own question about chess");
  expect((await intruderPage.request.get(streamUrl(ownChatId, messageId))).status()).toBe(404);
  await intruderPage.goto("/chats");
  expect(await listedChatIds(intruderPage)).toEqual([ownChatId]);

  // The owner's chat is untouched: the answer ran to the end, nothing was renamed, pinned, archived or added.
  await waitForAnswer(page);
  const stored = await readStream(page, chatId, messageId);
  expect(stored.text).toBe(demoAnswerTo(prompt));
  await page.goto(chatUrl);
  await waitForHydration(page);
  await expect(page.getByTestId("chat-title")).not.toHaveText("Hijacked");
  await expect(userMessages(page)).toHaveText([prompt]);
  await expect(page.getByTestId("assistant-message")).toHaveCount(1);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete");
  await expect(page.getByRole("button", { name: "Pin", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Archive", exact: true })).toBeVisible();
  await page.locator("header summary", { hasText: "System prompt" }).click();
  await expect(page.getByLabel(/Instructions for the model/)).toHaveValue("");
  expect(await listedChatIds(page)).toEqual([chatId]);
});

test("signed-out visitors are sent to log in and see nothing of a chat", async ({ page, newContext }) => {
  await signUp(page);
  const { chatId, chatUrl } = await newChatAndSend(page, "Secret recipe for dumplings");
  const messageId = await answerMessageId(page);

  const visitor = await (await newContext()).newPage();
  const response = await visitor.goto(chatUrl);
  expect(response!.status()).toBe(200);
  await expect(visitor).toHaveURL(`/login?redirectTo=${encodeURIComponent(chatUrl)}`);
  await expect(visitor.getByText("dumplings")).toHaveCount(0);

  const stream = await visitor.request.get(streamUrl(chatId, messageId), { maxRedirects: 0 });
  expect(stream.status()).toBe(302);
  expect(stream.headers()["location"]).toMatch(/^\/login\?/);
  const rename = await postForm(visitor, chatUrl, { intent: "rename", title: "Hijacked" });
  expect(rename.status()).toBe(302);
  expect(rename.headers()["location"]).toMatch(/^\/login\?.*expired=1/);

  await waitForAnswer(page);
  await page.reload();
  await expect(page.getByTestId("chat-title")).not.toHaveText("Hijacked");
});
