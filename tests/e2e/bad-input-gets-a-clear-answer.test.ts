// Wrong, oversized, malformed, conflicting, stale or forged input: each gets a
// status a program can act on and a message a person can act on, and loses
// nothing the user typed.
import type { Page, Response } from "@playwright/test";
import {
  CHAT_URL,
  DEFAULT_PASSWORD,
  answerMessageId,
  composer,
  demoAnswerTo,
  expect,
  lastAnswer,
  listedChatIds,
  login,
  logout,
  newChatAndSend,
  postForm,
  readStream,
  sendMessage,
  signUp,
  streamUrl,
  test,
  uniqueEmail,
  userMessages,
  waitForAnswer,
  waitForHydration,
} from "./fixtures";
import { numberedTokens, queueScripts, uniqueMarker } from "./upstream";

const MAX_MESSAGE_CHARS = 32_000;

function nextPost(page: Page, path: RegExp): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === "POST" && path.test(new URL(r.url()).pathname));
}

test("an empty message is refused with 400 and a message, and creates nothing", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);

  // Enter on a blank composer does nothing at all.
  await composer(page).fill("   ");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(/\/chats\?new=1$/);

  // The Send button submits it anyway (whitespace passes `required`): the server refuses it.
  const refused = nextPost(page, /^\/chats(\.data)?$/);
  await page.getByRole("button", { name: "Send" }).click();
  expect((await refused).status()).toBe(400);
  await expect(page.getByRole("alert")).toHaveText("Write a message first.");
  expect(await listedChatIds(page)).toEqual([]);

  // The same through a plain form post.
  const response = await postForm(page, "/chats?index", { intent: "send", content: " \n\t " });
  expect(response.status()).toBe(400);
  expect(await response.text()).toContain("Write a message first.");
  const missing = await postForm(page, "/chats?index", { intent: "send" });
  expect(missing.status()).toBe(400);
  await page.goto("/chats");
  expect(await listedChatIds(page)).toEqual([]);
});

test("an edit over the limit is kept whole, says how long it is, and is not sent until shortened", async ({ page }) => {
  await signUp(page);
  await newChatAndSend(page, "A short question to edit");
  await waitForAnswer(page);
  const question = page.getByTestId("user-message").first();
  await question.getByRole("link", { name: "Edit" }).click();
  const box = page.getByTestId("edit-form").locator("textarea");
  const tooLong = "x".repeat(MAX_MESSAGE_CHARS + 1);
  await box.fill(tooLong);
  await expect(box).toHaveValue(tooLong);
  await expect(page.getByTestId("edit-too-long")).toHaveText("This message is 32,001 characters long, 1 over the limit of 32,000. Shorten it or split it in two.");
  await expect(page.getByRole("button", { name: "Save & answer" })).toBeDisabled();
  await box.press("Enter");
  await expect(page.getByTestId("edit-form")).toBeVisible();
  await box.press("End");
  await box.press("Backspace");
  await expect(page.getByTestId("edit-too-long")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save & answer" })).toBeEnabled();
});

test("an oversized message is refused with 413 and the typed text is handed back", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(413);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const tooLong = `${"lorem ipsum ".repeat(Math.ceil(MAX_MESSAGE_CHARS / 12))}`.slice(0, MAX_MESSAGE_CHARS) + "!";
  expect(tooLong).toHaveLength(MAX_MESSAGE_CHARS + 1);

  // The composer keeps a paste over the limit whole (nothing cut short without a word), says how long it is,
  // and holds the send: Send is off and Enter sends nothing.
  await composer(page).fill(tooLong);
  await expect(composer(page)).toHaveValue(tooLong);
  await expect(page.getByTestId("too-long")).toHaveText("This message is 32,001 characters long, 1 over the limit of 32,000. Shorten it or split it in two.");
  await expect(page.getByRole("button", { name: "Send" })).toBeDisabled();
  await composer(page).press("Enter");
  await expect(page).toHaveURL(/\/chats\?new=1$/);
  // A client that sends it anyway reaches the server's check, and gets the text back.
  const refused = nextPost(page, /^\/chats(\.data)?$/);
  await composer(page).evaluate((box) => (box as HTMLTextAreaElement).form!.requestSubmit());
  expect((await refused).status()).toBe(413);
  await expect(page.getByText("This message is 32,001 characters long, 1 over the limit of 32,000. Shorten it or split it in two.")).toBeVisible();
  await expect(composer(page)).toHaveValue(tooLong);
  expect(await listedChatIds(page)).toEqual([]);
  // One character less, and it may go.
  await composer(page).press("End");
  await composer(page).press("Backspace");
  await expect(page.getByTestId("too-long")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();
  // An emoji is one character, as the person counts it (JavaScript's length counts two).
  await composer(page).fill("😀".repeat(MAX_MESSAGE_CHARS));
  await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();
  await expect(page.getByTestId("too-long")).toHaveCount(0);
  await composer(page).press("End");
  await composer(page).pressSequentially("😀");
  await expect(page.getByTestId("too-long")).toHaveText("This message is 32,001 characters long, 1 over the limit of 32,000. Shorten it or split it in two.");
  await composer(page).fill(tooLong.slice(0, MAX_MESSAGE_CHARS));

  // A plain form post gets the page back with the text in the composer.
  const response = await postForm(page, "/chats?index", { intent: "send", content: tooLong });
  expect(response.status()).toBe(413);
  const html = await response.text();
  expect(html).toContain("This message is 32,001 characters long, 1 over the limit of 32,000. Shorten it or split it in two.");
  expect(html).toMatch(new RegExp(`<textarea[^>]*id="composer"[^>]*>${tooLong.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</textarea>`));

  // Exactly at the limit is fine.
  const atLimit = await postForm(page, "/chats?index", { intent: "send", content: tooLong.slice(0, MAX_MESSAGE_CHARS) });
  expect(atLimit.status()).toBe(302);
  expect(atLimit.headers()["location"]).toMatch(CHAT_URL);
});

test("without JavaScript, a refused send keeps the model it chose, in a new chat and in a chat", async ({ page, browser }) => {
  await signUp(page);
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const plain = await context.newPage();
  const tooLong = "y".repeat(MAX_MESSAGE_CHARS + 1);
  try {
    await plain.goto("/chats?new=1");
    const picker = plain.getByTestId("model-select");
    await expect(picker).toHaveValue("demo:parley-demo");
    await picker.selectOption("openai:gpt-4o");
    await plain.locator("#composer").fill(tooLong);
    await plain.getByRole("button", { name: "Send" }).click();
    await expect(plain.getByText("This message is 32,001 characters long, 1 over the limit of 32,000. Shorten it or split it in two.")).toBeVisible();
    // Sending again must not go to another model than the one chosen.
    await expect(picker).toHaveValue("openai:gpt-4o");
    await expect(plain.locator("#composer")).toHaveValue(tooLong);

    await plain.locator("#composer").fill("Hello in a plain page");
    await plain.getByRole("button", { name: "Send" }).click();
    await expect(plain).toHaveURL(CHAT_URL);
    await expect(picker).toHaveValue("openai:gpt-4o");
    // The page reloads itself while the answer is written (and a reload resets the form): wait for its end.
    await expect(lastAnswer(plain)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
    await picker.selectOption("anthropic:claude-haiku-4-5-20251001");
    await plain.locator("#composer").fill(tooLong);
    await plain.getByRole("button", { name: "Send" }).click();
    await expect(plain.getByText("This message is 32,001 characters long, 1 over the limit of 32,000. Shorten it or split it in two.")).toBeVisible();
    await expect(picker).toHaveValue("anthropic:claude-haiku-4-5-20251001");
  } finally {
    await context.close();
  }
});

test("a malformed or unknown chat id is a 404", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(404);
  await signUp(page);
  for (const path of ["/chats/not-an-id", "/chats/DROP%20TABLE%20chats", "/chats/0000000000000000000x", "/chats/zzzzzzzzzzzzzzzzzzzz"]) {
    const response = await page.goto(path);
    expect(response!.status(), path).toBe(404);
    // Said in the chat's column, beside the list of chats.
    await expect(page.getByTestId("chat-not-found")).toHaveText(/This chat does not exist: it was deleted, or it is not yours\./);
    await expect(page.getByTestId("chat-list")).toBeVisible();
    // …and in the tab, as any page that does not exist.
    await expect(page).toHaveTitle("Not found · Parley");
  }
  // On a phone, where the list is a screen of its own, the page leads back to it.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId("chat-not-found").getByRole("link", { name: "Back to chats" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  expect((await page.request.get("/chats/not-an-id/messages/also-not/stream")).status()).toBe(404);
  expect((await postForm(page, "/chats/not-an-id", { intent: "rename", title: "x" })).status()).toBe(404);
});

test("a garbage Last-Event-ID is a 400, and so is one ahead of a live answer", async ({ page }) => {
  const prompt = "Tell me about lighthouses";
  await signUp(page);
  const { chatId } = await newChatAndSend(page, prompt);
  const messageId = await answerMessageId(page);
  const url = streamUrl(chatId, messageId);

  // First, while the answer is surely still being written: an id it has not reached.
  const ahead = await page.request.get(url, { headers: { "Last-Event-ID": "100000" } });
  expect(ahead.status()).toBe(400);
  const aheadMessage = await ahead.text();
  expect(aheadMessage).toMatch(/^Last-Event-ID 100000 is ahead of this stream \(its newest event is \d+\)\.$/);
  const newestThen = Number(aheadMessage.match(/newest event is (\d+)/)![1]);

  for (const garbage of ["abc", "-1", "1.5", "1e3", "12abc", "0x10", "9".repeat(16)]) {
    const response = await page.request.get(url, { headers: { "Last-Event-ID": garbage } });
    expect(response.status(), `Last-Event-ID: ${JSON.stringify(garbage)}`).toBe(400);
    expect(await response.text()).toBe("Last-Event-ID must be a non-negative whole number.");
  }
  const viaQuery = await page.request.get(`${url}?lastEventId=soon`);
  expect(viaQuery.status()).toBe(400);

  // The answer was live when refused (more events came after), and is unharmed.
  await waitForAnswer(page);
  const stored = await readStream(page, chatId, messageId);
  expect(stored.text).toBe(demoAnswerTo(prompt));
  expect(stored.events.at(-1)!.id!).toBeGreaterThan(newestThen + 1);
});

test("a second send while an answer is streaming is refused with 409 and the first answer completes", async ({ page, context, browserErrors }) => {
  browserErrors.allowStatus(409);
  await signUp(page);
  const first = "Opening question about volcanoes";
  const { chatId, chatUrl } = await newChatAndSend(page, first);
  await waitForAnswer(page);

  // A second tab has the same chat open and idle.
  const otherTab = await context.newPage();
  await otherTab.goto(chatUrl);
  await waitForHydration(otherTab);
  await expect(composer(otherTab)).toBeEnabled();
  await composer(otherTab).fill("A competing question");

  // The first tab asks a follow-up, answered slowly (10 s) so that it is
  // surely still being written while the others try…
  const marker = uniqueMarker("busy");
  const followUp = `Follow-up about magma ${marker}`;
  const tokens = numberedTokens(250, "lava");
  await queueScripts("openai", marker, { tokens, tokenDelayMs: 40 });
  await waitForHydration(page);
  await page.locator("form:has(#composer) input[name=model]").evaluate((input) => ((input as HTMLInputElement).value = "openai:gpt-4o-mini"));
  await sendMessage(page, followUp);
  await expect(page.getByTestId("assistant-message")).toHaveCount(2);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "streaming");

  // …and the second tab, which does not know yet, sends too.
  const refused = nextPost(otherTab, new RegExp(`^/chats/${chatId}(\\.data|/messages)?$`));
  await composer(otherTab).press("Enter");
  expect((await refused).status()).toBe(409);
  await expect(otherTab.getByRole("alert")).toHaveText("An answer is still being written in this chat. Wait for it or stop it first.");
  await expect(composer(otherTab)).toHaveValue("A competing question");
  // The refused tab catches up: it shows the answer being written, and the Stop it was told about.
  await expect(userMessages(otherTab)).toHaveText([first, followUp]);
  await expect(otherTab.getByRole("button", { name: "Stop generating" })).toBeVisible();

  // A plain form post gets the same answer.
  const raw = await postForm(page, chatUrl, { intent: "send", content: "Yet another" });
  expect(raw.status()).toBe(409);
  expect(await raw.text()).toContain("An answer is still being written in this chat.");

  // The first answer carries on to the end, and nothing else was added.
  await waitForAnswer(page);
  const answerId = await answerMessageId(page);
  expect((await readStream(page, chatId, answerId)).text).toBe(tokens.join(""));
  await otherTab.reload();
  await expect(userMessages(otherTab)).toHaveText([first, followUp]);
  await expect(otherTab.getByTestId("assistant-message")).toHaveCount(2);
});

test("an expired session in the middle of a form lands on login, and nothing typed is lost", async ({ page, context, browserErrors }) => {
  // The page's send is answered 401 (with where to log in), which Chromium's console reports.
  browserErrors.allowStatus(401);
  const user = await signUp(page);
  const first = "Notes on the history of tea";
  const { chatUrl } = await newChatAndSend(page, first);
  await waitForAnswer(page);

  const draft = "A carefully typed follow-up\nwith two lines";
  await composer(page).fill(draft);
  await context.clearCookies({ name: "parley_session" });
  await composer(page).press("Enter");

  await expect(page).toHaveURL(`/login?redirectTo=${encodeURIComponent(chatUrl)}&expired=1`);
  await expect(page.getByRole("alert")).toHaveText("You are signed out: your session ended. Log in again; then send your form once more.");
  await login(page, user);

  // Back where the form was, with the conversation and the draft intact.
  await expect(page).toHaveURL(chatUrl);
  await waitForHydration(page);
  await expect(userMessages(page)).toHaveText([first]);
  await expect(composer(page)).toHaveValue(draft);
  await composer(page).press("Enter");
  await expect(userMessages(page)).toHaveText([first, draft]);
  await waitForAnswer(page);
});

test("an expired session under a new chat's first message lands on login, and the message is still there after", async ({ page, context }) => {
  const user = await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const draft = "A first question typed slowly";
  await composer(page).fill(draft);
  await context.clearCookies({ name: "parley_session" });
  await composer(page).press("Enter");

  await expect(page).toHaveURL(/\/login\?.*expired=1/);
  await login(page, user);
  // Back on the new chat's page, with the message in its box.
  await expect(page).toHaveURL(/\/chats(\?new=1)?$/);
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue(draft);
  await composer(page).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(userMessages(page)).toHaveText([draft]);
  await waitForAnswer(page);
});

test("a draft belongs to its account: logging out forgets it, and the next account on this browser never sees it", async ({ page }) => {
  const first = await signUp(page);
  const { chatUrl } = await newChatAndSend(page, "A chat of the first account");
  await waitForAnswer(page);
  await composer(page).fill("Private words in the chat, not sent");
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await composer(page).fill("Private words for a new chat, not sent");
  // Kept while signed in: a reload brings it back.
  await page.reload();
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("Private words for a new chat, not sent");

  await logout(page);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("parley:draft:")))).toEqual([]);
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("");
  await logout(page);
  await login(page, first);
  await page.goto(chatUrl);
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("");
});

test("a new chat's draft goes once its first message is sent: the next new chat starts empty", async ({ page }) => {
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await composer(page).fill("The first message of a new chat");
  await composer(page).press("Enter");
  await expect(page).toHaveURL(/\/chats\/[A-Za-z0-9_-]+$/);
  await expect(userMessages(page)).toHaveText(["The first message of a new chat"]);
  await waitForAnswer(page);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("parley:draft:") && key.endsWith(":new")))).toEqual([]);
  await page.getByRole("link", { name: "New chat" }).first().click();
  await expect(page).toHaveURL(/\/chats\?new=1$/);
  await waitForHydration(page);
  await expect(composer(page)).toHaveValue("");
});

test("a wrong password gets one generic message, whether or not the account exists", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  const user = await signUp(page);
  await logout(page);
  const generic = "That email and password do not match an account.";

  for (const attempt of [
    { email: user.email, password: "not the password" },
    { email: uniqueEmail("nobody"), password: DEFAULT_PASSWORD },
  ]) {
    await page.getByLabel("Email").fill(attempt.email);
    await page.getByLabel("Password").fill(attempt.password);
    const response = nextPost(page, /^\/login(\.data)?$/);
    await page.getByRole("button", { name: "Log in" }).click();
    expect((await response).status()).toBe(400);
    await expect(page.getByRole("alert")).toHaveText(generic);
    // Neither field is blamed: that would say which one was right.
    await expect(page.locator("[aria-invalid=true]")).toHaveCount(0);
    // The password, the thing to type again, has the focus.
    await expect(page.getByLabel("Password")).toBeFocused();
    await expect(page).toHaveURL(/\/login(\?out=1)?$/);
  }
  await login(page, user);
  await expect(page).toHaveURL(/\/chats$/);
});

test("invalid sign-up fields each get their own error", async ({ page, browserErrors }) => {
  browserErrors.allowStatus(400);
  await page.goto("/signup");
  await waitForSignupForm(page);
  await page.getByLabel("Name").fill("   ");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  const response = nextPost(page, /^\/signup(\.data)?$/);
  await page.getByRole("button", { name: "Sign up" }).click();
  expect((await response).status()).toBe(400);

  await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  // The first field to fix has the focus.
  await expect(page.getByLabel("Name")).toBeFocused();
  await expect(page.getByText("Tell us what to call you.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Enter a valid email address, like ada@example.com.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
  await expect(page).toHaveURL(/\/signup$/);

  // Fixing them signs up.
  await page.getByLabel("Name").fill("Fixed Name");
  await page.getByLabel("Email").fill(uniqueEmail());
  await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/chats$/);
});

test("signing up with an email that is taken says so on the email field", async ({ page, newContext, browserErrors }) => {
  browserErrors.allowStatus(400);
  const email = uniqueEmail("taken");
  await signUp(page, { email });

  const other = await (await newContext()).newPage();
  await other.goto("/signup");
  await waitForSignupForm(other);
  await other.getByLabel("Name").fill("Someone Else");
  await other.getByLabel("Email").fill(email.toUpperCase());
  await other.getByLabel("Password").fill("another password 123");
  await other.getByRole("button", { name: "Sign up" }).click();
  await expect(other.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(other.getByText("An account with this email already exists. Log in instead.")).toBeVisible();
  await expect(other).toHaveURL(/\/signup$/);
  // The original account still logs in with its own password.
  await other.goto("/login");
  await login(other, { email, password: DEFAULT_PASSWORD });
  await expect(other).toHaveURL(/\/chats$/);
});

test("without JavaScript, a refused login or sign-up shows the name and email again, never the password", async ({ browser }) => {
  const email = uniqueEmail("typed");
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto("/signup");
    await page.getByLabel("Name").fill("Typed Once");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
    await expect(page.getByLabel("Name")).toHaveValue("Typed Once");
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await expect(page.getByLabel("Password")).toHaveValue("");
    await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL(/\/chats$/);
    await page.getByRole("button", { name: "Log out" }).click();

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await expect(page.getByLabel("Password")).toHaveValue("");
    expect(await page.content()).not.toContain("not the password");
  } finally {
    await context.close();
  }
});

test("a cross-site POST is refused with 403 and changes nothing", async ({ page }) => {
  await signUp(page);
  const { chatId, chatUrl } = await newChatAndSend(page, "A question about owls");
  await waitForAnswer(page);
  // A title of our own (an automatic one could still arrive after the answer and look like a change).
  await page.locator("header summary", { hasText: "Rename" }).click();
  await page.getByLabel("Chat title").fill("Owl facts");
  await page.getByLabel("Chat title").press("Enter");
  await expect(page.getByTestId("chat-title")).toHaveText("Owl facts");

  const forged: Record<string, string>[] = [
    { "Origin": "http://evil.example" },
    { "Sec-Fetch-Site": "cross-site" },
    { "Sec-Fetch-Site": "same-site", "Origin": "http://sub.127.0.0.1.example" },
    { "Origin": "null" },
    // A browser never sends these together; a script can, and Remix's own check would answer it with a 500.
    { "Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example" },
  ];
  for (const headers of forged) {
    const rename = await postForm(page, chatUrl, { intent: "rename", title: "Owned by evil" }, headers);
    expect(rename.status(), JSON.stringify(headers)).toBe(403);
    expect(await rename.text()).toContain("Cross-site form submissions are not accepted.");
    expect((await postForm(page, "/chats?index", { intent: "send", content: "spam" }, headers)).status()).toBe(403);
    expect((await postForm(page, chatUrl, { intent: "delete" }, headers)).status()).toBe(403);
    expect((await postForm(page, "/logout", {}, headers)).status()).toBe(403);
  }

  await page.reload();
  await expect(page.getByTestId("chat-title")).toHaveText("Owl facts");
  expect(await listedChatIds(page)).toEqual([chatId]);

  // The same request from the app's own origin goes through: it was the origin that was refused.
  const sameOrigin = await postForm(page, chatUrl, { intent: "rename", title: "Renamed at home" }, { Origin: new URL(page.url()).origin, "Sec-Fetch-Site": "same-origin" });
  expect(sameOrigin.status()).toBe(302);
  await page.reload();
  await expect(page.getByTestId("chat-title")).toHaveText("Renamed at home");
});

/** The sign-up form validates on the server (noValidate); it is ready once the page is interactive. */
async function waitForSignupForm(page: Page): Promise<void> {
  await expect(page.getByRole("button", { name: "Sign up" })).toBeEnabled();
}

test("a form answered with a 404 shows the error page in the page's language, with and without JavaScript", async ({ page, browser, browserErrors }) => {
  browserErrors.allowStatus(404, 405);
  await signUp(page);
  // Without JavaScript: a rename for a chat that is not there (deleted in another tab, say), in Russian.
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState(), locale: "ru-RU" });
  try {
    const noJs = await plain.newPage();
    const response = await postForm(noJs, "/chats/0000000000000000none", { intent: "rename", title: "Anything" }, { "Accept-Language": "ru-RU,ru;q=0.9" });
    expect(response.status()).toBe(404);
    const html = await response.text();
    expect(html).toContain("Такого чата нет: его удалили, или он не ваш.");
    expect(html).toContain("Начать новый чат");
    expect(html).not.toContain("errorPage.");
  } finally {
    await plain.close();
  }

  // With JavaScript: a form posted as a document (before the page's script took it over) to an address that
  // takes none; the error page hydrates with its words, and nothing is logged.
  await page.goto("/chats");
  await page.evaluate(() => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = "/no/such/page";
    document.body.append(form);
    form.submit();
  });
  await expect(page.getByText("This page does not exist, or it is not yours.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to your chats" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("errorPage.");
});
