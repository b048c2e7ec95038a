// Settings → Preferences: the theme (light, dark, or the device's) and the
// language are rendered by the server into <html data-theme lang>, so the
// first response is already right (no flash), without JavaScript too; they
// are kept on the account and come back at the next login. Both themes keep
// text at WCAG AA contrast (4.5:1).
import type { Page } from "@playwright/test";
import { DEFAULT_PASSWORD, expect, login, signUp, test, uniqueEmail } from "./fixtures";

// Several accounts, logins and argon2 hashes each: more than the default time on a busy machine.
test.describe.configure({ timeout: 120_000 });

/** The opening <html> tag of the page's first response, as the server sent it (a page that depends on the session: never stored, hardened). */
async function firstHtmlTag(page: Page, path: string): Promise<string> {
  const response = await page.request.get(path);
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("private, no-store");
  expect(response.headers()["content-security-policy"]).toContain("script-src 'self' 'nonce-");
  expect(response.headers()["x-frame-options"]).toBe("DENY");
  return /<html[^>]*>/.exec(await response.text())?.[0] ?? "";
}

/** The preferences page's words, in the language it is shown in. */
const WORDS = {
  en: { language: "Language", save: "Save preferences", saved: "Saved." },
  ru: { language: "Язык", save: "Сохранить предпочтения", saved: "Сохранено." },
};

async function choose(
  page: Page,
  { theme, language, shownIn = "en", savedIn = shownIn }: { theme?: string; language?: string; shownIn?: "en" | "ru"; savedIn?: "en" | "ru" },
): Promise<void> {
  if (theme) await page.getByRole("radio", { name: new RegExp(`^${theme}`) }).check();
  if (language) await page.getByLabel(WORDS[shownIn].language).selectOption({ label: language });
  await page.getByRole("button", { name: WORDS[shownIn].save }).click();
  // Saved in the language just chosen: the page comes back in it.
  await expect(page.getByRole("status")).toHaveText(WORDS[savedIn].saved);
}

/**
 * Contrast ratios of text against what is behind it, for the given elements:
 * colours are resolved by painting them on a canvas (so oklch and color-mix
 * come out as the sRGB the screen shows), backgrounds found up the tree.
 */
async function contrasts(page: Page, selectors: string[]): Promise<Record<string, number>> {
  return page.evaluate((selectors) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const paint = canvas.getContext("2d", { willReadFrequently: true })!;
    const rgba = (color: string): number[] => {
      paint.clearRect(0, 0, 1, 1);
      paint.fillStyle = color;
      paint.fillRect(0, 0, 1, 1);
      return [...paint.getImageData(0, 0, 1, 1).data].map((v, i) => (i === 3 ? v / 255 : v));
    };
    const background = (element: Element): number[] => {
      const layers: number[][] = [];
      for (let at: Element | null = element; at; at = at.parentElement) {
        const color = rgba(getComputedStyle(at).backgroundColor);
        if (color[3]! > 0) layers.push(color);
        if (color[3] === 1) break;
      }
      let [r, g, b] = [255, 255, 255];
      for (const [lr, lg, lb, la] of layers.reverse()) [r, g, b] = [lr! * la! + r * (1 - la!), lg! * la! + g * (1 - la!), lb! * la! + b * (1 - la!)];
      return [r, g, b];
    };
    const luminance = ([r, g, b]: number[]) =>
      [r!, g!, b!].map((c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i]!, 0);
    const out: Record<string, number> = {};
    for (const selector of selectors) {
      const element = document.querySelector(selector);
      if (!element) throw new Error(`nothing matches ${selector}`);
      const [a, b] = [luminance(rgba(getComputedStyle(element).color)), luminance(background(element))];
      out[selector] = Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100;
    }
    return out;
  }, selectors);
}

/** Texts the settings pages show in the palette's weakest colours: the muted hints and the blue button. */
const TEXTS = ["main h2 + p.text-zinc-400", "label span.text-zinc-500", "main button.bg-sky-600", "a.text-sky-400"];

test("with JavaScript: Light and Dark apply at once, survive a reload, are in the first HTML, and keep AA contrast", async ({ page }) => {
  await signUp(page);
  await page.goto("/settings/preferences");
  await expect(page.getByRole("radio", { name: /^System/ })).toBeChecked();
  expect(await firstHtmlTag(page, "/settings/preferences")).toContain('data-theme="system"');

  for (const [theme, value, dark] of [["Light", "light", false], ["Dark", "dark", true]] as const) {
    await choose(page, { theme });
    await expect(page.locator("html")).toHaveAttribute("data-theme", value);
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-theme", value);
    await expect(page.getByRole("radio", { name: theme })).toBeChecked();
    expect(await firstHtmlTag(page, "/chats")).toContain(`data-theme="${value}"`);
    const body = await page.evaluate(() => getComputedStyle(document.body).colorScheme);
    expect(body).toBe(dark ? "dark" : "light");
    for (const [text, ratio] of Object.entries(await contrasts(page, TEXTS))) expect(ratio, `${theme}: ${text}`).toBeGreaterThanOrEqual(4.5);
  }
});

test("System follows the device's colour scheme, by CSS alone", async ({ newContext }) => {
  for (const colorScheme of ["light", "dark"] as const) {
    const page = await (await newContext({ colorScheme })).newPage();
    await signUp(page);
    await page.goto("/settings/preferences");
    await expect(page.locator("html")).toHaveAttribute("data-theme", "system");
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe(colorScheme);
    for (const [text, ratio] of Object.entries(await contrasts(page, TEXTS))) expect(ratio, `system (${colorScheme}): ${text}`).toBeGreaterThanOrEqual(4.5);
  }
});

test("without JavaScript: the theme and language are saved, rendered from the first byte, and follow the account to a new browser", async ({ noJsPage: page, newContext, browserErrors }) => {
  browserErrors.allowStatus(400);
  const me = await signUp(page);
  await page.goto("/settings/preferences");
  await choose(page, { theme: "Dark", language: "Русский", savedIn: "ru" });
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  expect(await firstHtmlTag(page, "/chats")).toMatch(/<html lang="ru" data-theme="dark">/);

  // Parley's messages come in the chosen language, whatever the browser asks for.
  await page.goto("/settings/profile");
  await page.getByLabel("Имя").fill("");
  await page.getByRole("button", { name: "Сохранить профиль" }).click();
  await expect(page.locator("#name-error")).toHaveText("Скажите, как к вам обращаться.");

  const elsewhere = await (await newContext({ javaScriptEnabled: false, locale: "en-US" })).newPage();
  expect(await firstHtmlTag(elsewhere, "/login")).toMatch(/<html lang="en" data-theme="system">/);
  await login(elsewhere, me);
  await expect(elsewhere.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(elsewhere.locator("html")).toHaveAttribute("lang", "ru");

  await page.goto("/settings/preferences");
  await choose(page, { theme: "Светлая", language: "Как в браузере", shownIn: "ru", savedIn: "en" });
  expect(await firstHtmlTag(page, "/chats")).toMatch(/<html lang="en" data-theme="light">/);
});

test("without JavaScript: a visitor picks a theme and language beside the login form, and signing up keeps them", async ({ noJsPage: page }) => {
  await page.goto("/login");
  const chooser = page.getByRole("form", { name: "Theme and language" });
  await chooser.getByLabel("Theme").selectOption("dark");
  await chooser.getByLabel("Language").selectOption("ru");
  await chooser.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  // The page, the chooser too, now speaks Russian.
  const russianChooser = page.getByRole("form", { name: "Тема и язык" });
  await expect(russianChooser.getByLabel("Тема")).toHaveValue("dark");

  await page.goto("/signup");
  await page.getByLabel("Имя").fill("Ada Tester");
  await page.getByLabel("Email").fill(uniqueEmail());
  await page.getByLabel("Пароль").fill(DEFAULT_PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  await page.goto("/settings/preferences");
  await expect(page.getByRole("radio", { name: "Тёмная" })).toBeChecked();
  await expect(page.getByLabel("Язык")).toHaveValue("ru");
});

test("without JavaScript: a theme and language picked beside the login form stay after logging in to an account that has none of its own", async ({ noJsPage: page, newContext }) => {
  // An account made elsewhere, with the system's theme and the browser's language.
  const elsewhere = await (await newContext()).newPage();
  const user = await signUp(elsewhere);
  await elsewhere.context().close();

  await page.goto("/login");
  const chooser = page.getByRole("form", { name: "Theme and language" });
  await chooser.getByLabel("Theme").selectOption("light");
  await chooser.getByLabel("Language").selectOption("ru");
  await chooser.getByRole("button", { name: "Apply" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Пароль").fill(user.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
});

test("a browser signed in before the account's theme and language changed elsewhere follows them from its next page", async ({ page, newContext }) => {
  const me = await signUp(page);
  const other = await (await newContext({ locale: "en-US" })).newPage();
  await login(other, me);
  await expect(other.locator("html")).toHaveAttribute("lang", "en");

  await page.goto("/settings/preferences");
  await choose(page, { theme: "Dark", language: "Русский", savedIn: "ru" });

  // The other browser's next page: a link followed in its open tab, then a page loaded afresh.
  await other.getByRole("link", { name: "Settings" }).first().click();
  await expect(other).toHaveURL(/\/settings(\/[a-z]+)?$/);
  await expect(other.locator("html")).toHaveAttribute("lang", "ru");
  await expect(other.locator("html")).toHaveAttribute("data-theme", "dark");
  await other.goto("/settings/preferences");
  await expect(other.locator("html")).toHaveAttribute("lang", "ru");
  await expect(other.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(other.getByRole("radio", { name: /^Тёмная/ })).toBeChecked();
  expect(await firstHtmlTag(other, "/chats")).toMatch(/<html lang="ru" data-theme="dark">/);
});
