// Every page of Parley checked by axe (WCAG 2.2 A and AA rules and axe's best
// practices), in the light and the dark theme, with and without JavaScript:
// no serious or critical violation, with the popups (<details>) closed and
// open. And every page at 1440×900 and 390×844, in English and Russian, both
// themes, with and without JavaScript: no sideways scroll, the language and
// theme asked for, AA contrast and tap targets.
// On a server of its own: its first account is the admin, so every admin page
// can be visited.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { CHAT_URL, expect, login, signUp, test, uniqueEmail, waitForHydration, type User } from "./fixtures";
import { contrastAndTargets, violations } from "./axe";
import { type OwnServer, startOwnServer } from "./own-server";

// Every page, four times over, on a machine shared with other runs.
test.describe.configure({ timeout: 240_000 });

interface Site {
  admin: User;
  member: User;
  memberId: string;
  chatPath: string;
  attachmentChatPath: string;
  sharePath: string;
  resetPath: string;
}

let server: OwnServer;
let site: Site;

async function completeAnswer(page: Page): Promise<void> {
  await expect(page.getByTestId("assistant-message").last()).toHaveAttribute("data-status", "complete", { timeout: 60_000 });
}

/** The admin, a member, a chat with a whole markdown answer, one with a file, a shared link and a reset link. */
async function buildSite(browser: Browser, baseURL: string): Promise<Site> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const admin = await signUp(page, { name: "Ada Admin", email: uniqueEmail("axe-admin") });

  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByRole("textbox", { name: "Message" }).fill("Explain recursion with an example");
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await completeAnswer(page);
  const chatPath = new URL(page.url()).pathname;

  const control = page.getByTestId("share-control");
  await control.locator("summary").click();
  await control.getByRole("button", { name: "Create link" }).click();
  const sharePath = new URL(await page.getByTestId("share-url").first().inputValue()).pathname;

  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("file-input").setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("Recursion notes\n") }]);
  await expect(page.locator('[data-testid="attachment-chip"][data-status="ready"]')).toHaveCount(1);
  await page.getByRole("textbox", { name: "Message" }).fill("Read my notes on recursion");
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await completeAnswer(page);
  const attachmentChatPath = new URL(page.url()).pathname;

  const memberContext = await browser.newContext({ baseURL });
  const member = await signUp(await memberContext.newPage(), { name: "Bob Member", email: uniqueEmail("axe-member") });
  await memberContext.close();

  await page.goto(`/admin/users?q=${encodeURIComponent(member.email)}`);
  await page.getByTestId("user-row").getByRole("link", { name: "Bob Member" }).click();
  const memberId = new URL(page.url()).pathname.split("/").pop()!;
  await page.getByRole("button", { name: "Create password-reset link" }).click();
  const resetPath = new URL(await page.getByLabel("Password-reset link").inputValue()).pathname;

  await context.close();
  return { admin, member, memberId, chatPath, attachmentChatPath, sharePath, resetPath };
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  server = await startOwnServer();
  site = await buildSite(browser, server.baseURL);
});
test.afterAll(async () => {
  await server?.stop();
});

/** Pages one sees signed out. */
function publicPages(): string[] {
  return ["/login", "/signup", site.resetPath, site.sharePath, "/no-such-page"];
}

/** Pages one sees signed in (as the admin). */
function signedInPages(): string[] {
  return [
    "/chats",
    "/chats?new=1",
    site.chatPath,
    site.attachmentChatPath,
    "/search?q=recursion",
    "/settings/profile",
    "/settings/security",
    "/settings/preferences",
    "/settings/keys",
    "/settings/shares",
    "/settings/data",
    site.sharePath,
    "/admin",
    "/admin/users",
    `/admin/users/${site.memberId}`,
    "/admin/registration",
    "/admin/models",
    "/admin/prompt",
    "/admin/limits",
    "/admin/usage",
    "/chats/aaaaaaaaaaaaaaaaaaaa",
    "/no-such-page",
  ];
}

type Theme = "light" | "dark";

/**
 * A browser in the theme asked for, signed in as the admin or not. "Without
 * JavaScript" is the page as a browser with scripts off builds it (no
 * hydration, <noscript> shown): scripts are turned off while it loads, and on
 * again afterwards for axe alone (axe is a script: it cannot run in a page
 * whose scripts stay off).
 */
async function openBrowser(
  newContext: (options?: object) => Promise<BrowserContext>,
  { theme, signedIn, viewport, locale = "auto" }: { theme: Theme; signedIn: boolean; viewport?: { width: number; height: number }; locale?: "auto" | "en" | "ru" },
): Promise<Page> {
  const context = await newContext({ baseURL: server.baseURL, ...(viewport ? { viewport } : {}) });
  const page = await context.newPage();
  if (signedIn) await login(page, site.admin);
  // The theme is a preference: a cookie (and, signed in, the account's choice).
  const response = await page.request.post("/preferences", { form: { theme, locale, redirectTo: "/" }, maxRedirects: 0 });
  expect(response.status()).toBe(302);
  return page;
}

/** Opens a page with or without JavaScript, and waits until it is ready to be looked at. */
async function visit(page: Page, path: string, { javaScript }: { javaScript: boolean }): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setScriptExecutionDisabled", { value: !javaScript });
  const response = await page.goto(path);
  expect(response, path).not.toBeNull();
  await cdp.send("Emulation.setScriptExecutionDisabled", { value: false });
  await cdp.detach();
  // A chat page is hydrated once its model picker is a button (hidden behind the chat list on a phone).
  if (javaScript && /^\/chats(\?|\/[0-9a-z]{20}$|$)/.test(path) && response!.status() === 200) await expect(page.getByTestId("model-picker")).toBeAttached();
}

/** Closes every popup, then opens the next ones not yet looked at that do not overlap; says how many it opened. */
function openNextBatchOfPopups(): number {
  const all = [...document.querySelectorAll("details")];
  for (const details of all) details.open = false;
  const outermost = all.filter((details) => !details.parentElement?.closest("details") && !details.hasAttribute("data-axe-seen"));
  const taken: DOMRect[] = [];
  const overlaps = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  let opened = 0;
  for (const details of outermost) {
    for (const inner of [details, ...details.querySelectorAll("details")]) inner.open = true;
    const boxes = [...details.querySelectorAll(":scope > :not(summary)")].map((element) => element.getBoundingClientRect());
    if (boxes.some((box) => taken.some((other) => overlaps(box, other)))) {
      for (const inner of [details, ...details.querySelectorAll("details")]) inner.open = false;
      continue;
    }
    taken.push(...boxes);
    // As the app does when one opens (a popup near the end of the scrolling chat list is cut off until then).
    details.querySelector(":scope > :not(summary)")?.scrollIntoView({ block: "nearest" });
    details.setAttribute("data-axe-seen", "");
    opened++;
  }
  return opened;
}

/** Checks the page, then again with every popup (<details>) on it open. */
async function checkPage(page: Page, path: string, { javaScript }: { javaScript: boolean }): Promise<string[]> {
  await visit(page, path, { javaScript });
  const found = await violations(page, path);
  // Popups are opened by their property, in batches that do not overlap: all
  // at once they would cover each other, which never happens in use (opening
  // one closes the others). A popup's nested popups open with it.
  for (let batch = 1; batch <= 5; batch++) {
    const opened = await page.evaluate(openNextBatchOfPopups);
    if (opened === 0) break;
    // A listed chat's menu fades in (a CSS transition): until it is done it paints under the next chat.
    await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished)));
    found.push(...(await violations(page, `${path} (popups open, batch ${batch})`, "details[open] > :not(summary)")));
  }
  return found;
}

for (const theme of ["light", "dark"] as const) {
  for (const javaScript of [true, false]) {
    test(`every page in the ${theme} theme ${javaScript ? "with" : "without"} JavaScript has no serious or critical axe violation`, async ({ newContext, browserErrors }) => {
      browserErrors.allowStatus(404, 410);
      const found: string[] = [];
      const signedOut = await openBrowser(newContext, { theme, signedIn: false });
      for (const path of publicPages()) found.push(...(await checkPage(signedOut, path, { javaScript })));
      const signedIn = await openBrowser(newContext, { theme, signedIn: true });
      for (const path of signedInPages()) found.push(...(await checkPage(signedIn, path, { javaScript })));
      expect(found, `axe found:\n${found.join("\n")}`).toEqual([]);
    });
  }
}

const VIEWPORTS = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;
const SKIP_LINK = {
  en: ["Skip to the main content", "Skip to the conversation"],
  ru: ["Перейти к основному содержимому", "Перейти к разговору"],
} as const;

// Every page at both sizes and in both languages, in the light theme with JavaScript and the dark one without: it
// fits the screen (no sideways scroll), speaks the language asked for, wears the theme asked for, and keeps AA
// contrast and tap targets.
for (const [size, viewport] of Object.entries(VIEWPORTS)) {
  for (const locale of ["en", "ru"] as const) {
    test(`every page at ${viewport.width}×${viewport.height} in ${locale === "en" ? "English" : "Russian"} fits, speaks it and keeps contrast: light with JavaScript, dark without`, async ({
      newContext,
      browserErrors,
    }) => {
      browserErrors.allowStatus(404, 410);
      const found: string[] = [];
      // Each theme once and each way of running once (all four together are the axe runs above, at one size).
      for (const [theme, javaScript] of [["light", true], ["dark", false]] as const) {
        for (const signedIn of [false, true]) {
          const page = await openBrowser(newContext, { theme, signedIn, viewport, locale });
          for (const path of signedIn ? signedInPages() : publicPages()) {
            const where = `${path} (${size}, ${theme}, ${javaScript ? "with" : "without"} JavaScript)`;
            await visit(page, path, { javaScript });
            const seen = await page.evaluate(() => ({
              width: document.documentElement.scrollWidth,
              lang: document.documentElement.lang,
              theme: document.documentElement.dataset.theme,
              skipLink: document.querySelector(".skip-link")?.textContent ?? "",
            }));
            if (seen.width > viewport.width) found.push(`${where}: ${seen.width}px wide`);
            if (seen.lang !== locale) found.push(`${where}: lang="${seen.lang}"`);
            if (seen.theme !== theme) found.push(`${where}: data-theme="${seen.theme}"`);
            if (!(SKIP_LINK[locale] as readonly string[]).includes(seen.skipLink)) found.push(`${where}: the skip link says "${seen.skipLink}"`);
            found.push(...(await contrastAndTargets(page, where)));
            // On a phone, every rule again: what scrolls sideways there (code, tables) must be reachable by keyboard.
            if (size === "phone") found.push(...(await violations(page, where)));
          }
          await page.context().close();
        }
      }
      expect(found, found.join("\n")).toEqual([]);
    });
  }
}
