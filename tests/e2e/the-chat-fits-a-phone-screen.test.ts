// On a phone (390×844) nothing sticks out: no sideways scrolling, the chat's
// title has room, every header control and every popup it opens sits inside
// the screen, message actions are there to tap and big enough for a finger,
// and every screen has a way back to the chat list.
import type { Locator, Page } from "@playwright/test";
import { CHAT_URL, DEFAULT_PASSWORD, expect, lastAnswer, signUp, test, uniqueEmail, waitForHydration } from "./fixtures";
import { isolate } from "../../app/i18n/isolate";

/** Signs a new account up through the Russian sign-up form (the browser asks for Russian). */
async function signUpInRussian(page: Page, emailPrefix: string): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Имя").fill("Ада");
  await page.getByLabel("Email").fill(uniqueEmail(emailPrefix));
  await page.getByLabel("Пароль").fill(DEFAULT_PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).toHaveURL(/\/chats$/);
}

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

async function pageWidth(page: Page): Promise<{ scroll: number; client: number }> {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
}

async function expectInsideViewport(locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  expect(box, `${what} is laid out`).not.toBeNull();
  expect(box!.x, `${what} starts inside the left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} ends inside the right edge`).toBeLessThanOrEqual(PHONE.viewport.width);
  expect(box!.y + box!.height, `${what} ends above the bottom edge`).toBeLessThanOrEqual(PHONE.viewport.height);
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  test(`a chat on a phone has no sideways scroll, a visible title and every header control and popup on screen (${mode})`, async ({ newContext }) => {
    const phone = await newContext({ ...PHONE, javaScriptEnabled: javaScript });
    const page = await phone.newPage();
    await signUp(page);
    await page.goto("/chats?new=1");
    if (javaScript) await waitForHydration(page);
    await page.getByRole("textbox", { name: "Message" }).fill("How do tides work on the open ocean and near the coast?");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page).toHaveURL(CHAT_URL);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });

    const width = await pageWidth(page);
    expect(width.scroll, "the page is no wider than the screen").toBeLessThanOrEqual(width.client);
    // The composer's file field and model choice do not run into each other (without JavaScript the browser's own file field is wide).
    const files = (await page.locator(javaScript ? "form:has(#composer) label:has([data-testid=file-input])" : "[data-testid=file-input]").boundingBox())!;
    const model = (await page.getByTestId(javaScript ? "model-picker" : "model-select").boundingBox())!;
    const apart = files.x + files.width <= model.x || model.y >= files.y + files.height;
    expect(apart, `files ${JSON.stringify(files)} and model ${JSON.stringify(model)} do not overlap`).toBe(true);

    const header = page.getByTestId("chat-header");
    const title = page.getByTestId("chat-title");
    await expect(title).toBeVisible();
    expect((await title.boundingBox())!.width, "the title has room to be read").toBeGreaterThan(80);
    // …two lines of it, beside the row of buttons: a long title shows its first few words, not ten letters.
    expect(await title.evaluate((h1) => getComputedStyle(h1).webkitLineClamp)).toBe("2");
    expect(await title.evaluate((h1) => Math.round(h1.getBoundingClientRect().height / parseFloat(getComputedStyle(h1).lineHeight)))).toBeLessThanOrEqual(2);

    const controls = header.locator("a:visible, summary, button:visible");
    const count = await controls.count();
    expect(count).toBeGreaterThanOrEqual(6); // back, export, rename, system prompt, share, delete (pin and archive are in the list's menu)
    for (let i = 0; i < count; i++) {
      const control = controls.nth(i);
      const name = (await control.getAttribute("aria-label")) ?? `control ${i}`;
      await expectInsideViewport(control, name);
      expect(await control.getAttribute("title"), `${name} has a tooltip`).toBeTruthy();
      const box = (await control.boundingBox())!;
      expect(box.width, `${name} is wide enough to tap`).toBeGreaterThanOrEqual(24);
      expect(box.height, `${name} is tall enough to tap`).toBeGreaterThanOrEqual(24);
    }

    // Each popup opens inside the screen, its button reachable.
    for (const [opener, button] of [
      ["Rename", "Save"],
      ["System prompt", "Save"],
      ["Delete", "Delete permanently"],
    ] as const) {
      const summary = header.locator(`summary[aria-label="${opener}"]`);
      await summary.click();
      const panel = summary.locator("xpath=..").locator(":scope > form");
      await expect(panel).toBeVisible();
      await expectInsideViewport(panel, `the ${opener} popup`);
      const action = panel.getByRole("button", { name: button });
      await expect(action).toBeVisible();
      await expectInsideViewport(action, `the ${opener} popup's ${button} button`);
      await summary.click();
      await expect(panel).toBeHidden();
    }
    expect((await pageWidth(page)).scroll, "no popup widened the page").toBeLessThanOrEqual(width.client);

    // Back to the list, and from the new-chat screen back to it too.
    await header.getByRole("link", { name: "Back to chats" }).click();
    await expect(page).toHaveURL(/\/chats#in-list-[0-9a-z]+$/);
    await expect(page.getByRole("navigation", { name: "Chats" })).toBeVisible();
    await page.getByRole("link", { name: "+ New chat" }).click();
    await expect(page).toHaveURL(/\/chats\?new=1$/);
    await expect(page.getByRole("navigation", { name: "Chats" })).toBeHidden();
    await page.getByRole("link", { name: "Back to chats" }).click();
    await expect(page).toHaveURL(/\/chats$/);
    await expect(page.getByRole("navigation", { name: "Chats" })).toBeVisible();
  });
}

test("on a phone the message actions are always shown, as named icons big enough to tap", async ({ newContext }) => {
  const phone = await newContext(PHONE);
  const page = await phone.newPage();
  await signUp(page);
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByRole("textbox", { name: "Message" }).fill("Compare lakes and reservoirs");
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  expect(await page.evaluate(() => matchMedia("(hover: none)").matches)).toBe(true);
  // No keys to press on a touch screen: the message box does not name Enter or Esc.
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveAttribute("placeholder", "Message Parley");
  // The page has taken the finished answer in (Stop has turned back into Send).
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();

  const actions = page.locator("[data-testid=messages] .reveal").locator("button:visible, a:visible, summary:visible");
  const count = await actions.count();
  expect(count).toBeGreaterThanOrEqual(6); // copy, edit, fork, delete branch on the question; copy, regenerate… on the answer
  for (let i = 0; i < count; i++) {
    const action = actions.nth(i);
    const label = await action.getAttribute("aria-label");
    expect(label, `action ${i} has a name`).toBeTruthy();
    expect(await action.getAttribute("title"), `${label} has a tooltip`).toBe(label);
    expect(await action.evaluate((el) => getComputedStyle(el.closest(".reveal")!).opacity), `${label} shows without hovering`).toBe("1");
    const box = (await action.boundingBox())!;
    expect(box.height, `${label} is at least 24 px tall`).toBeGreaterThanOrEqual(24);
    expect(box.width, `${label} is at least 24 px wide`).toBeGreaterThanOrEqual(24);
  }
  expect((await pageWidth(page)).scroll).toBeLessThanOrEqual(PHONE.viewport.width);
  // With the focus in it, the question's time says its exact form too: its row wraps on the screen, none of it cut off,
  // on the narrowest phones too.
  await page.setViewportSize({ width: 320, height: 700 });
  const question = page.getByTestId("user-message").first();
  await question.getByRole("button", { name: "Copy message" }).focus();
  const time = question.getByTestId("message-time");
  expect(await time.evaluate((el) => getComputedStyle(el, "::after").content)).toMatch(/^" · .*\d{4}/);
  const row = await time.evaluate((el) => [...el.parentElement!.children].map((child) => child.getBoundingClientRect()).map((box) => [box.left, box.right]));
  for (const [left, right] of row) {
    expect(left).toBeGreaterThanOrEqual(0);
    expect(right).toBeLessThanOrEqual(320);
  }
  await page.setViewportSize(PHONE.viewport);

  // A code block's Copy button sits above the code: however long the first line, the button covers none of it.
  const { buttonBottom, codeTop } = await lastAnswer(page)
    .locator(".code-block")
    .first()
    .evaluate((block) => {
      const range = document.createRange();
      range.selectNodeContents(block.querySelector("pre code") ?? block.querySelector("pre")!);
      return { buttonBottom: block.querySelector(".copy-code")!.getBoundingClientRect().bottom, codeTop: Math.min(...[...range.getClientRects()].map((r) => r.top)) };
    });
  expect(codeTop - buttonBottom, "the code starts clearly below the Copy button").toBeGreaterThanOrEqual(8);
});

/** A ChatGPT export of one exchange: a question with a long link and an unbroken word, an answer with a heading and a wide table. */
function wideConversation(longWord: string): string {
  const table = ["| Озеро | Страна | Площадь, км² | Глубина, м |", "|---|---|---|---|", "| Танганьика | Танзания, Конго, Бурунди, Замбия | 32900 | 1470 |", "| Байкал | Россия | 31722 | 1642 |"].join("\n");
  const mapping = {
    root: { id: "root", parent: null, children: ["q"], message: null },
    q: { id: "q", parent: "root", children: ["a"], message: { author: { role: "user" }, create_time: 1_700_000_000, content: { content_type: "text", parts: [`Look: https://example.com/${longWord} and ${longWord}`] } } },
    a: { id: "a", parent: "q", children: [], message: { author: { role: "assistant" }, create_time: 1_700_000_001, content: { content_type: "text", parts: [`## About ${longWord}\n\n${table}`] }, metadata: { model_slug: "gpt-4o" } } },
  };
  return JSON.stringify([{ title: "Wide things", conversation_id: "e2e-wide", create_time: 1_700_000_000, update_time: 1_700_000_001, current_node: "a", mapping }]);
}

for (const width of [390, 320]) {
  test(`on a phone ${width} px wide, long words and links wrap inside their message and a wide table scrolls in its own box, its words whole`, async ({ newContext }) => {
    const screen = { ...PHONE, viewport: { width, height: 740 } };
    const page = await (await newContext(screen)).newPage();
    await signUp(page);
    const longWord = "a".repeat(60) + "b".repeat(60);
    await page.goto("/settings/data");
    await page.getByLabel(/Export file/).setInputFiles({ name: "conversations.json", mimeType: "application/json", buffer: Buffer.from(wideConversation(longWord)) });
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByTestId("import-summary")).toContainText("Imported 1 conversation");
    await page.goto("/chats");
    await page.getByRole("link", { name: "Wide things" }).first().click();
    await expect(page).toHaveURL(CHAT_URL);
    await expect(lastAnswer(page).locator("table")).toBeVisible();

    const scroller = await page.getByTestId("message-scroller").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(scroller.scroll, "the messages do not scroll sideways").toBeLessThanOrEqual(scroller.client);
    for (const [what, locator] of [
      ["the question", page.getByTestId("user-message").first().locator("div").filter({ hasText: longWord }).last()],
      ["the answer's heading", lastAnswer(page).locator("h2")],
      ["the table's box", lastAnswer(page).locator("table")],
    ] as const) {
      const box = (await locator.boundingBox())!;
      expect(box.x, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${what} ends on screen`).toBeLessThanOrEqual(width);
    }
    // The table is wider than the screen: it scrolls within its box, and no word or number is cut in two.
    const table = await lastAnswer(page).locator("table").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(table.scroll).toBeGreaterThan(table.client);
    for (const cell of ["Танганьика", "32900", "1470", "Площадь, км²"]) {
      const lines = await lastAnswer(page)
        .locator("td, th")
        .filter({ hasText: cell })
        .first()
        .evaluate((el, word) => {
          const range = document.createRange();
          const text = el.firstChild!;
          const at = text.textContent!.indexOf(word.split(",")[0]!);
          range.setStart(text, at);
          range.setEnd(text, at + word.split(",")[0]!.length);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        }, cell);
      expect(lines, `“${cell}” stays on one line`).toBe(1);
    }
  });
}

test("on a phone 320 px wide, in Russian (the longer words), the composer's controls do not overlap, a file's remove button is big enough to tap, and the skip link stays out of sight", async ({ newContext }) => {
  const page = await (await newContext({ ...PHONE, viewport: { width: 320, height: 640 }, locale: "ru-RU" })).newPage();
  await signUpInRussian(page, "narrow");
  for (const path of ["/chats?new=1", "/settings/profile"]) {
    await page.goto(path);
    const skip = await page.locator(".skip-link").boundingBox();
    expect(skip!.y + skip!.height, `the skip link of ${path} is above the screen`).toBeLessThanOrEqual(0);
  }
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const picker = (await page.getByTestId("model-picker").boundingBox())!;
  const send = (await page.getByRole("button", { name: "Отправить" }).boundingBox())!;
  expect(picker.x + picker.width, "the model picker ends before Send").toBeLessThanOrEqual(send.x);
  expect(send.x + send.width).toBeLessThanOrEqual(320);
  await page.getByTestId("file-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("Some notes") });
  const remove = page.getByRole("button", { name: `Убрать ${isolate("notes.txt")}`, exact: true });
  await expect(remove).toBeVisible();
  const box = (await remove.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(24);
  expect(box.height).toBeGreaterThanOrEqual(24);
});

test("on a phone 360 px wide, in Russian, the model list opens inside the screen, a long message keeps Send above the keyboard, and the settings page open is in sight", async ({ newContext }) => {
  const page = await (await newContext({ ...PHONE, viewport: { width: 360, height: 740 }, locale: "ru-RU" })).newPage();
  await signUpInRussian(page, "picker");
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByTestId("model-picker").click();
  const list = page.getByRole("listbox", { name: "Модели" });
  await expect(list).toBeVisible();
  const box = (await list.boundingBox())!;
  expect(box.x, "the list starts inside the left edge").toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, "the list ends inside the right edge").toBeLessThanOrEqual(360);
  expect(await pageWidth(page)).toEqual({ scroll: 360, client: 360 });
  expect(await page.evaluate(() => scrollX)).toBe(0);
  // Its figures are written the Russian way: «128 тыс.», «2,5 $».
  await expect(list.getByRole("option", { name: /GPT-4o\b/ }).first()).toContainText("128 тыс.");
  await expect(list.getByRole("option", { name: /GPT-4o\b/ }).first()).toContainText("2,5 $/10 $");
  await page.keyboard.press("Escape");

  // The on-screen keyboard leaves 400 px: the box stops growing, and Send stays on screen.
  await page.setViewportSize({ width: 360, height: 400 });
  await page.locator("#composer").fill(Array.from({ length: 14 }, (_, i) => `Строка ${i + 1}`).join("\n"));
  await page.locator("#composer").press("End");
  const send = (await page.getByRole("button", { name: "Отправить" }).boundingBox())!;
  expect(send.y + send.height, "Send ends above the keyboard").toBeLessThanOrEqual(400);
  expect((await page.locator("#composer").boundingBox())!.height).toBeLessThanOrEqual(0.4 * 400 + 1);
  // With the keyboard up, the model list still opens where it can be seen, its search field too.
  await page.getByTestId("model-picker").click();
  for (const [what, box] of [["the list", await list.boundingBox()], ["its search field", await page.getByRole("combobox", { name: "Поиск моделей" }).boundingBox()]] as const) {
    expect(box!.y, `${what} starts below the top of the screen`).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height, `${what} ends above the keyboard`).toBeLessThanOrEqual(400);
  }
  await page.keyboard.press("Escape");

  await page.setViewportSize({ width: 360, height: 740 });
  for (const [path, name] of [["/settings/data", "Ваши данные"], ["/settings/shares", "Публичные ссылки"], ["/settings/preferences", "Предпочтения"]] as const) {
    await page.goto(path);
    const tab = page.getByRole("navigation", { name: "Настройки" }).getByRole("link", { name, exact: true });
    await expect(tab).toHaveAttribute("aria-current", "page");
    const at = (await tab.boundingBox())!;
    expect(at.x, `${name} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(at.x + at.width, `${name} ends on screen`).toBeLessThanOrEqual(360);
    // Whole, not cut short.
    expect(await tab.evaluate((link) => link.scrollWidth <= link.clientWidth)).toBe(true);
  }
});

test("in a narrow window with a mouse, in Russian, the message box's words fit its two lines; a wide one names the keys", async ({ newContext }) => {
  const page = await (await newContext({ viewport: { width: 390, height: 844 }, locale: "ru-RU" })).newPage();
  await signUpInRussian(page, "narrow-mouse");
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  const box = page.locator("#composer");
  await expect(box).toHaveAttribute("placeholder", "Сообщение для Parley");
  await page.setViewportSize({ width: 1024, height: 800 });
  await expect(box).toHaveAttribute("placeholder", "Сообщение для Parley (Enter — отправить, Shift+Enter — новая строка)");
});

test("on a laptop screen in Russian, the chat header's labels stay on one line and leave the title its room", async ({ newContext }) => {
  const page = await (await newContext({ viewport: { width: 1280, height: 800 }, locale: "ru-RU" })).newPage();
  await signUpInRussian(page, "laptop-ru");
  await page.goto("/chats?new=1");
  await waitForHydration(page);
  await page.getByRole("textbox", { name: "Сообщение" }).fill("Третий чат про погоду");
  await page.getByRole("textbox", { name: "Сообщение" }).press("Enter");
  await expect(page).toHaveURL(CHAT_URL);
  await expect(lastAnswer(page)).toHaveAttribute("data-status", "complete");
  for (const width of [1280, 1440, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    const title = page.getByTestId("chat-title");
    await expect(title).toHaveText("Третий чат про погоду");
    const fits = await title.evaluate((h1) => h1.scrollWidth <= h1.clientWidth);
    expect(fits, `the whole title shows at ${width} px`).toBe(true);
    // No control of the header is taller than one line of it.
    const heights = await page.getByTestId("chat-header").locator(":scope > a, :scope > details > summary, :scope > form > button, :scope details > summary").evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
    expect(Math.max(...heights), `one line at ${width} px`).toBeLessThan(44);
  }
  // Where there is room, the buttons say their names beside their icons.
  await expect(page.getByTestId("chat-header").getByText("Системный промпт", { exact: true })).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByTestId("chat-header").getByText("Системный промпт", { exact: true })).toBeHidden();
});
