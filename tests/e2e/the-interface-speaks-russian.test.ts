// The whole interface follows the page's language (docs/decisions/090): a
// visitor whose browser asks for Russian gets the log-in page in Russian, and
// a Russian account sees its chat list, a chat with an answer, the settings
// and search in Russian, with <html lang="ru">, Russian plurals and Russian
// page titles, with and without JavaScript; choosing English in the settings
// brings English back. Server and browser render the same words: a hydration
// mismatch would log an error and fail the test.
import type { BrowserContext, Page } from "@playwright/test";
import { CHAT_URL, DEFAULT_PASSWORD, expect, lastAnswer, type User, test, uniqueEmail, waitForAnswer } from "./fixtures";
import { isolate } from "../../app/i18n/isolate";

// Several accounts and logins (argon2 each): more than the default time on a busy machine.
test.describe.configure({ timeout: 120_000 });

/** A browser that asks for Russian first (Accept-Language: ru-RU). */
const RUSSIAN_BROWSER = { locale: "ru-RU" };

/** Signs up through the Russian sign-up form; the page ends on /chats. */
async function signUpInRussian(page: Page): Promise<User> {
  const user = { name: "Ада Тестова", email: uniqueEmail("ru"), password: DEFAULT_PASSWORD };
  await page.goto("/signup");
  await expect(page.getByRole("heading", { name: "Создайте аккаунт" })).toBeVisible();
  await page.getByLabel("Имя").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Пароль").fill(user.password);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  return user;
}

async function logInInRussian(context: BrowserContext, user: User): Promise<Page> {
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Пароль").fill(user.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  return page;
}

/** Sends the first message of a new chat with the (default) offline demo model and waits for its whole answer. */
async function startChat(page: Page, text: string, { script }: { script: boolean }): Promise<void> {
  await page.goto("/chats?new=1");
  await expect(page.getByRole("heading", { name: "О чём поговорим?" })).toBeVisible();
  if (script) await expect(page.getByTestId("model-picker")).toBeVisible();
  await page.getByRole("textbox", { name: "Сообщение" }).fill(text);
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(page).toHaveURL(CHAT_URL);
  await waitForAnswer(page);
}

/** What the chat list, a chat, the settings and search show, checked the same way with and without JavaScript. */
async function expectRussianPages(page: Page, { script }: { script: boolean }): Promise<void> {
  await page.goto("/chats");
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page).toHaveTitle("Чаты · Parley");
  const list = page.getByRole("navigation", { name: "Чаты" });
  await expect(list.getByRole("link", { name: "+ Новый чат" })).toBeVisible();
  await expect(list.getByText("Чатов пока нет. Начните новый кнопкой «Новый чат».")).toBeVisible();
  await expect(list.getByRole("link", { name: "Настройки" })).toBeVisible();
  await expect(list.getByRole("button", { name: "Выйти" })).toBeVisible();

  await startChat(page, "Привет из Москвы", { script });
  await expect(page.getByTestId("chat-header").locator("summary[aria-label='Переименовать']")).toBeVisible();
  await expect(page.getByRole("button", { name: "Отправить" })).toBeVisible();
  await expect(lastAnswer(page).getByRole("button", { name: "Ответить заново", exact: true })).toBeAttached();
  await expect(lastAnswer(page).getByRole("button", { name: "Ответвить в новый чат" })).toBeAttached();
  // A code block's Copy button too (it shows only with JavaScript, and is in the page either way).
  await expect(lastAnswer(page).locator('button.copy-code[aria-label="Копировать код"]')).toHaveText("КопироватьСкопировано");
  // The demo model answers a Russian question in Russian, and the answer's figures use Russian units.
  await expect(lastAnswer(page).getByTestId("answer-content")).toContainText("Вы написали 3 слова: «Привет из Москвы».");
  // The demo is named in Russian too, on the answer and in the model choice.
  await expect(lastAnswer(page).getByTestId("answer-model")).toHaveText("Демо (офлайн)");
  await expect(page.getByTestId(script ? "model-picker" : "model-select")).toContainText("Демо (офлайн)");
  await expect(lastAnswer(page).getByTestId("answer-stats")).toContainText("вх.");
  await expect(lastAnswer(page).getByTestId("answer-stats")).toContainText("1-й токен");
  await expect(page.getByRole("navigation", { name: "Чаты" })).toContainText("Привет из Москвы");

  await page.goto("/settings/profile");
  await expect(page).toHaveTitle("Профиль · Настройки · Parley");
  await expect(page.getByRole("heading", { name: "Профиль", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Настройки" }).getByRole("link", { name: "Предпочтения" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Сохранить профиль" })).toBeVisible();

  await page.goto(`/search?${new URLSearchParams({ q: "Москвы" })}`);
  await expect(page).toHaveTitle(`${isolate("Москвы")} · Поиск · Parley`);
  await expect(page.getByRole("heading", { name: "Поиск", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Сообщения" })).toBeVisible();
  await expect(page.getByTestId("search-messages")).toContainText("Вопрос");
  await page.goto(`/search?${new URLSearchParams({ q: "ничегоподобного" })}`);
  await expect(page.getByTestId("search-nothing")).toHaveText("По запросу «ничегоподобного» ничего не найдено. Попробуйте другие слова или меньше слов.");
}

test("a visitor whose browser asks for Russian gets the log-in page in Russian, with and without JavaScript", async ({ newContext, browserErrors }) => {
  // The refused log-in answers 400, which the browser logs.
  browserErrors.allowStatus(400);
  for (const javaScriptEnabled of [true, false]) {
    const page = await (await newContext({ ...RUSSIAN_BROWSER, javaScriptEnabled })).newPage();
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
    await expect(page).toHaveTitle("Войти · Parley");
    await expect(page.getByRole("heading", { name: "Войдите, чтобы продолжить" })).toBeVisible();
    await expect(page.getByLabel("Пароль")).toBeVisible();
    await expect(page.getByRole("button", { name: "Войти" })).toBeVisible();
    await expect(page.getByRole("form", { name: "Тема и язык" })).toBeVisible();
    // A wrong password is refused in Russian too.
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Пароль").fill("not the password");
    await page.getByRole("button", { name: "Войти" }).click();
    await expect(page.getByRole("alert")).toHaveText("Такого сочетания email и пароля нет.");
  }
});

test("an address that does not exist answers 404 with a page in the visitor's language and theme", async ({ newContext, browserErrors }) => {
  browserErrors.allowStatus(404);
  for (const javaScriptEnabled of [true, false]) {
    const context = await newContext({ ...RUSSIAN_BROWSER, javaScriptEnabled });
    const page = await context.newPage();
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
    await expect(page).toHaveTitle("Не найдено · Parley");
    await expect(page.getByText("Такой страницы нет, или она не ваша.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Вернуться к чатам" })).toBeVisible();
    // The theme chosen on the log-in page holds there too.
    expect((await page.request.post("/preferences", { form: { theme: "light", locale: "auto", redirectTo: "/" }, maxRedirects: 0 })).status()).toBe(302);
    await page.goto("/no-such/page/either");
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
    // A form sent to such an address gets the same 404.
    expect((await page.request.post("/no-such-page", { form: { a: "b" }, maxRedirects: 0 })).status()).toBe(404);
  }
});

test("with JavaScript: a Russian account sees its chats, a chat, the settings and search in Russian, Russian plurals, and English again once chosen", async ({ newContext }) => {
  const context = await newContext(RUSSIAN_BROWSER);
  const page = await context.newPage();
  const me = await signUpInRussian(page);
  const elsewhere = [await newContext(RUSSIAN_BROWSER), await newContext(RUSSIAN_BROWSER)];
  await expectRussianPages(page, { script: true });

  // The quick switcher speaks Russian too.
  await page.goto("/chats");
  await expect(page.getByTestId("model-picker")).toBeVisible();
  await page.keyboard.press("Control+k");
  await expect(page.getByRole("combobox", { name: "Чат или сообщение, к которому перейти" })).toBeFocused();
  await page.keyboard.press("Escape");

  // Three forms of a Russian count: two other sessions are "сеанса" (few), not "сеансов".
  for (const other of elsewhere) await logInInRussian(other, me);
  await page.goto("/settings/security");
  await page.getByRole("button", { name: "Завершить все остальные сеансы" }).click();
  await expect(page.getByRole("status")).toHaveText("Завершено 2 других сеанса.");

  // Back to English: the settings say so in English, and so does the whole interface.
  await page.goto("/settings/preferences");
  await page.getByLabel("Язык").selectOption({ label: "English" });
  await page.getByRole("button", { name: "Сохранить предпочтения" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "Preferences", level: 1 })).toBeVisible();
  await page.goto("/chats");
  await expect(page).toHaveTitle("Chats · Parley");
  await expect(page.getByRole("navigation", { name: "Chats" }).getByRole("link", { name: "+ New chat" })).toBeVisible();
});

test("without JavaScript: a Russian account sees its chats, a chat with an answer, the settings and search in Russian", async ({ newContext }) => {
  const page = await (await newContext({ ...RUSSIAN_BROWSER, javaScriptEnabled: false })).newPage();
  await signUpInRussian(page);
  await expectRussianPages(page, { script: false });

  await page.goto("/settings/security");
  await expect(page.getByRole("heading", { name: "Активные сеансы" })).toBeVisible();
  await expect(page.getByTestId("session")).toContainText("Этот сеанс");
});

test("the chat header fits its Russian names: at 1024 px they give way to icons, the title stays readable and every control is on screen", async ({ newContext }) => {
  for (const [width, named] of [
    [1024, false],
    [1600, true],
  ] as const) {
    const page = await (await newContext({ ...RUSSIAN_BROWSER, viewport: { width, height: 700 } })).newPage();
    await signUpInRussian(page);
    await page.goto("/chats?new=1");
    await page.getByRole("textbox", { name: "Сообщение" }).fill("Расскажи про озеро Байкал");
    await page.getByRole("button", { name: "Отправить" }).click();
    await expect(page).toHaveURL(CHAT_URL);
    const header = page.getByTestId("chat-header");
    const title = page.getByTestId("chat-title");
    expect((await title.boundingBox())!.width, `at ${width} px the title has room to be read`).toBeGreaterThan(150);
    const controls = header.locator("summary, button:visible");
    for (let i = 0; i < (await controls.count()); i++) {
      const box = (await controls.nth(i).boundingBox())!;
      expect(box.x + box.width, `at ${width} px control ${i} ends on screen`).toBeLessThanOrEqual(width);
      expect(box.height, `at ${width} px control ${i} keeps to one line`).toBeLessThanOrEqual(40);
    }
    await expect(header.getByText("Удалить", { exact: true })).toBeVisible({ visible: named });
    // The chat list's menu keeps room for the title being renamed beside its long button name.
    await page.getByTestId("chat-menu").first().locator("summary").click();
    const renaming = page.locator("input[id^='rename-']").first();
    await expect(renaming).toBeVisible();
    expect((await renaming.boundingBox())!.width, "the title being renamed has room").toBeGreaterThan(180);
  }
});
