// Shared helpers for the browser suite (docs/conventions.md). Every test signs up its
// own user through the real /signup form, so tests can run in parallel against
// one server. The `test` exported here fails a test on any console.error or
// uncaught exception in the browser, unless the test declares
// it expects that message with `browserErrors.allow(...)`.
import { type APIResponse, type BrowserContext, type BrowserContextOptions, type Locator, type Page, expect, test as base } from "@playwright/test";
import { composeDemoAnswer } from "../../app/llm/demo.server";
import { userText } from "../../app/llm/types";
import { type MessagePart, plainText } from "../../app/protocol/parts";
import { applyEvent, parseStreamEvent, type StreamEvent } from "../../app/protocol/stream-events";
import { E2E } from "./env";

export { expect };

export interface User {
  name: string;
  email: string;
  password: string;
}

/** Browser-side errors seen by the contexts a test opened. */
export class BrowserErrors {
  private readonly seen: string[] = [];
  private readonly allowed: RegExp[] = [];

  /** Declares a browser error this test provokes on purpose (a 4xx the test asks for, say). */
  allow(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  /** Expected 4xx responses show up in Chromium's console as "Failed to load resource: … status of 404". */
  allowStatus(...statuses: number[]): void {
    for (const status of statuses) this.allow(new RegExp(`the server responded with a status of ${status}\\b`));
  }

  watch(context: BrowserContext): void {
    context.on("console", (message) => {
      if (message.type() !== "error") return;
      const where = message.location().url;
      this.seen.push(`console.error: ${message.text()}${where ? ` (at ${where})` : ""}`);
    });
    context.on("weberror", (webError) => {
      const error = webError.error();
      this.seen.push(`pageerror: ${error.message}\n${error.stack ?? ""}`);
    });
  }

  unexpected(): string[] {
    return this.seen.filter((line) => !this.allowed.some((pattern) => pattern.test(line)));
  }
}

type Fixtures = {
  browserErrors: BrowserErrors;
  /** Opens another browser context (a second user, a second device), watched for errors and closed after the test. */
  newContext: (options?: BrowserContextOptions) => Promise<BrowserContext>;
  /** A page in a context with JavaScript turned off. */
  noJsPage: Page;
};

export const test = base.extend<Fixtures>({
  browserErrors: async ({}, use) => {
    const errors = new BrowserErrors();
    await use(errors);
    expect(errors.unexpected(), "the browser logged an error (console.error or an uncaught exception)").toEqual([]);
  },
  context: async ({ context, browserErrors }, use) => {
    browserErrors.watch(context);
    await use(context);
  },
  newContext: async ({ browser, browserErrors }, use) => {
    const opened: BrowserContext[] = [];
    await use(async (options = {}) => {
      const context = await browser.newContext({ baseURL: E2E.baseURL, ...options });
      browserErrors.watch(context);
      opened.push(context);
      return context;
    });
    for (const context of opened) await context.close();
  },
  noJsPage: async ({ newContext }, use) => {
    const context = await newContext({ javaScriptEnabled: false });
    await use(await context.newPage());
  },
});

// ---------------------------------------------------------------- accounts

let counter = 0;
export function uniqueEmail(prefix = "user"): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export const DEFAULT_PASSWORD = "correct horse battery staple";

/** Creates a unique user through the real sign-up form; the page ends logged in on /chats. */
export async function signUp(page: Page, { name = "Ada Tester", email = uniqueEmail() }: { name?: string; email?: string } = {}): Promise<User> {
  const user = { name, email, password: DEFAULT_PASSWORD };
  await page.goto("/signup");
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  // The address changes as the page starts to load: its scripts are still on the way.
  await page.waitForLoadState("load");
  return user;
}

/** Logs in through the form on the current /login page (or opens it first). */
export async function login(page: Page, user: Pick<User, "email" | "password">): Promise<void> {
  if (new URL(page.url(), E2E.baseURL).pathname !== "/login") await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.waitForLoadState("load");
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  // The login page says so; with JavaScript it then takes the word off its address (said once).
  await expect(page.getByTestId("logged-out")).toHaveText("You are logged out.");
  await expect(page).toHaveURL(/\/login(\?out=1)?$/);
}

// ---------------------------------------------------------------- chatting

export const CHAT_URL = /\/chats\/([0-9a-z]{20})$/;

/**
 * Resolves when the page next reloads its data after asking Parley whether it
 * is there, as it does once an answer has ended or a tab comes back. Set it
 * up before what starts the reload; a test that cuts the network afterwards
 * waits for it, or the reload cut off on its way shows the waiting page.
 */
export function reloadedOnceReachable(page: Page): Promise<unknown> {
  return page
    .waitForResponse((response) => new URL(response.url()).pathname === "/healthz")
    .then(() => page.waitForResponse((response) => response.request().method() === "GET" && new URL(response.url()).pathname.endsWith(".data")));
}

/**
 * Cuts the page off from Parley as a network that is gone would, while the
 * browser still says it is online: every new health check and data request
 * fails (streams already open go on). `checks` counts the health checks the
 * page made meanwhile; `restore` lets requests through again.
 */
export async function cutOffFromParley(page: Page): Promise<{ checks: () => number; restore: () => Promise<void> }> {
  let checks = 0;
  const cutOff = (url: URL) => url.pathname === "/healthz" || url.pathname.endsWith(".data");
  await page.route(cutOff, (route) => {
    if (new URL(route.request().url()).pathname === "/healthz") checks++;
    return route.abort("internetdisconnected");
  });
  return { checks: () => checks, restore: () => page.unroute(cutOff) };
}

/** Resolves once React has hydrated the page (the model picker turns from a <select> into a button). */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.getByTestId("model-picker")).toBeVisible();
}

/** Chooses a model in the page's searchable picker (hydrated first): typed into its search, then picked by name. */
export async function chooseModel(page: Page, search: string, name: string | RegExp): Promise<void> {
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  await page.getByLabel("Search models").fill(search);
  await page.getByRole("option", { name }).click();
  await expect(page.getByTestId("model-picker")).toContainText(name);
}

/**
 * Sends through the composer's plain form, with or without JavaScript: the
 * model goes in the <select> (no JavaScript) or the picker's hidden input
 * (hydrated). With JavaScript it waits for hydration first, or the <select>
 * found before it may be swapped for the picker under the test's hands.
 */
export async function sendThroughTheForm(page: Page, text: string, modelId = "openai:gpt-4o-mini"): Promise<void> {
  // Remix's inline script sets this global; with JavaScript off it never runs.
  const javaScript = await page.evaluate(() => "__remixContext" in window);
  if (javaScript) await waitForHydration(page);
  await composerOfThisChat(page);
  const form = page.locator("form:has(#composer)");
  if (javaScript) await form.locator("input[name=model]").evaluate((input, id) => ((input as HTMLInputElement).value = id), modelId);
  else await form.locator("select[name=model]").selectOption(modelId);
  await page.locator("#composer").fill(text);
  await form.getByRole("button", { name: "Send" }).click();
}

export function composer(page: Page): Locator {
  return page.getByRole("textbox", { name: "Message" });
}

/**
 * Waits until the composer on screen is the one of the chat at the current
 * address: a move within the app changes the address a moment before the new
 * page is drawn, and text typed meanwhile would go to the page being left.
 */
async function composerOfThisChat(page: Page): Promise<void> {
  const chatId = new URL(page.url()).pathname.match(CHAT_URL)?.[1];
  if (chatId) await expect(page.locator(`form[action="/chats/${chatId}"]:has(#composer)`)).toBeVisible();
}

/** Types into the composer and presses Enter (the page must be hydrated). */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await waitForHydration(page);
  await composerOfThisChat(page);
  await composer(page).fill(text);
  await composer(page).press("Enter");
  await afterTheSendIsShown(page);
}

/**
 * With JavaScript, the page shows a sent message and its empty answer in a
 * task after Enter's (its stream connects first), and React renders them in
 * the task after that. Until then the last answer on the page is the one
 * before, complete already, and waitForAnswer would be satisfied by it. This
 * lets the tasks Enter queued run (messages to a port run in the order they
 * were posted), then one frame.
 */
export async function afterTheSendIsShown(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        let hops = 3;
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          if (--hops > 0) return channel.port2.postMessage(null);
          channel.port1.close();
          requestAnimationFrame(() => resolve());
        };
        channel.port2.postMessage(null);
      }),
  );
}

/** Opens a new chat, sends `text` with Enter, and waits for the chat's own page. */
export async function newChatAndSend(page: Page, text: string): Promise<{ chatId: string; chatUrl: string }> {
  await page.goto("/chats?new=1");
  await sendMessage(page, text);
  await expect(page).toHaveURL(CHAT_URL);
  const chatId = chatIdOf(page);
  return { chatId, chatUrl: `/chats/${chatId}` };
}

export function chatIdOf(page: Page): string {
  const match = new URL(page.url()).pathname.match(CHAT_URL);
  if (!match) throw new Error(`not on a chat page: ${page.url()}`);
  return match[1]!;
}

/** The text bubbles of the user's messages on the page, oldest first. */
export function userMessages(page: Page): Locator {
  return page.getByTestId("user-message").locator(":scope > div:first-child");
}

export function lastAnswer(page: Page): Locator {
  return page.getByTestId("assistant-message").last();
}

export function answerContent(page: Page): Locator {
  return lastAnswer(page).getByTestId("answer-content");
}

/**
 * The answer's text as shown (innerText). Read after a frame: blocks just put on the page (content-visibility: auto)
 * are laid out at the next frame, and innerText reads a block not laid out yet as empty.
 */
export async function answerText(page: Page): Promise<string> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return answerContent(page).innerText();
}

export async function answerMessageId(page: Page): Promise<string> {
  const id = await lastAnswer(page).getAttribute("data-message-id");
  if (!id) throw new Error("the last answer has no message id");
  return id;
}

/** Waits for the last answer to end in `status` (complete by default). */
export async function waitForAnswer(page: Page, status: "complete" | "interrupted" | "error" = "complete"): Promise<void> {
  await expect(lastAnswer(page)).toHaveAttribute("data-status", status, { timeout: 20_000 });
}

/** Waits until the streaming answer's visible text contains `text`. */
export async function waitForAnswerToReach(page: Page, text: string | RegExp): Promise<void> {
  await expect(answerContent(page)).toContainText(text, { timeout: 20_000 });
}

/** The demo model's whole answer to a conversation made of these user messages (it is deterministic). */
export function demoAnswerTo(...userMessages: string[]): string {
  return composeDemoAnswer(userMessages.map(userText));
}

// ---------------------------------------------------------------- SSE

export interface SseEvent {
  id: number | null;
  event: string;
  data: string;
}

/** Parses a text/event-stream body (comments and retry lines are skipped). */
export function parseSse(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    let event = "message";
    let id: number | null = null;
    const data: string[] = [];
    let hasData = false;
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "id") id = Number(value);
      else if (field === "data") {
        data.push(value);
        hasData = true;
      }
    }
    if (hasData) events.push({ id, event, data: data.join("\n") });
  }
  return events;
}

/** The events as the shared vocabulary types them (unknown names are dropped). */
export function typedEvents(events: SseEvent[]): StreamEvent[] {
  return events.flatMap((e) => parseStreamEvent(e.event, e.data, e.id ?? NaN) ?? []);
}

/** The answer parts that a list of events spells (a `snapshot` restarts them). */
export function partsOfEvents(events: SseEvent[], initial: MessagePart[] = []): MessagePart[] {
  return typedEvents(events).reduce(applyEvent, initial);
}

/** The answer text that a list of events spells. */
export function textOfEvents(events: SseEvent[]): string {
  return plainText(partsOfEvents(events));
}

export function streamUrl(chatId: string, messageId: string): string {
  return `/chats/${chatId}/messages/${messageId}/stream`;
}

/** Reads an answer's stream to its end (with the page's cookies): the events and the text they spell. */
export async function readStream(
  page: Page,
  chatId: string,
  messageId: string,
  { lastEventId }: { lastEventId?: number | string } = {},
): Promise<{ response: APIResponse; events: SseEvent[]; text: string; terminal: SseEvent | undefined }> {
  const response = await page.request.get(streamUrl(chatId, messageId), {
    headers: lastEventId === undefined ? {} : { "Last-Event-ID": String(lastEventId) },
    timeout: 30_000,
  });
  const events = response.ok() ? parseSse(await response.text()) : [];
  return { response, events, text: textOfEvents(events), terminal: events.find((e) => e.event === "done" || e.event === "error") };
}

/**
 * The id of the newest event the server has for a live answer, without
 * following it: a Last-Event-ID far ahead is refused with a message naming it.
 */
export async function newestEventId(page: Page, chatId: string, messageId: string): Promise<number> {
  const response = await page.request.get(streamUrl(chatId, messageId), { headers: { "Last-Event-ID": "999999999999" } });
  const match = (await response.text()).match(/its newest event is (\d+)/);
  if (response.status() !== 400 || !match) throw new Error(`the answer is not live (HTTP ${response.status()})`);
  return Number(match[1]);
}

/** Waits until the server has produced at least `eventId` events of a live answer. */
export async function waitForServerEvent(page: Page, chatId: string, messageId: string, eventId: number): Promise<void> {
  await expect.poll(() => newestEventId(page, chatId, messageId), { intervals: [50], timeout: 20_000 }).toBeGreaterThanOrEqual(eventId);
}

// ---------------------------------------------------------------- raw forms

/** A plain form POST with the page's cookies, redirects not followed (the no-JS browser's view). */
export function postForm(page: Page, path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<APIResponse> {
  return page.request.post(path, { form, headers, maxRedirects: 0 });
}

/** Links in the sidebar's chat list, top to bottom, as chat ids. */
/** The element a real mouse click at the locator's centre would hit is the locator's own (nothing covers it). */
export async function expectClickable(page: Page, target: Locator): Promise<void> {
  await expect(target).toBeInViewport({ ratio: 1 });
  const hit = await target.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return top !== null && (top === el || el.contains(top));
  });
  expect(hit, "nothing covers it").toBe(true);
}

export async function listedChatIds(page: Page): Promise<string[]> {
  const hrefs = await page.getByTestId("chat-list").locator("a[href^='/chats/']").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.map((href) => href.replace(/^\/chats\//, "").replace(/\?.*$/, ""));
}
