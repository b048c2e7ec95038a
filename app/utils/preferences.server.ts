// The theme and language a page is rendered in, read from cookies so the
// server decides them before the first byte (no flash of the wrong theme, no
// database read per request). Signed-in people's choices are stored on their
// account too, and written back into these cookies when they log in.
import { LOCALES, type Locale } from "../protocol/catalogue";
import { readCookie, setCookie } from "./cookies.server";

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

const THEME_COOKIE = "parley_theme";
const LOCALE_COOKIE = "parley_lang";
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** The theme the request's cookie names; "system" (follow the device) without one. */
export function themeOf(request: Request): Theme {
  const value = readCookie(request, THEME_COOKIE);
  return (THEMES as readonly string[]).includes(value ?? "") ? (value as Theme) : "system";
}

/** The language the request's cookie names, if it names one Parley speaks. */
export function chosenLocaleOf(request: Request): Locale | null {
  const value = readCookie(request, LOCALE_COOKIE);
  return (LOCALES as readonly string[]).includes(value ?? "") ? (value as Locale) : null;
}


function cookie(request: Request, name: string, value: string | null): string {
  return setCookie(request, name, value, { maxAgeSeconds: ONE_YEAR_SECONDS });
}

/**
 * What this browser shows for a signed-in account: the account's own theme and
 * language, and this browser's where the account has none (System, Browser default).
 */
export function appearanceFor(request: Request, own: { theme: Theme; locale: Locale | null }): { theme: Theme; locale: Locale | null } {
  return { theme: own.theme === "system" ? themeOf(request) : own.theme, locale: own.locale ?? chosenLocaleOf(request) };
}

/**
 * Set-Cookie values for a theme and a language. A null language clears its
 * cookie: the page follows the browser's Accept-Language again.
 */
export function preferenceCookies(request: Request, { theme, locale }: { theme: Theme; locale: Locale | null }): string[] {
  return [cookie(request, THEME_COOKIE, theme), cookie(request, LOCALE_COOKIE, locale)];
}

/** Response headers that set several cookies (a Headers object keeps each Set-Cookie apart). */
export function withCookies(cookies: string[], headers: Headers = new Headers()): Headers {
  for (const value of cookies) headers.append("Set-Cookie", value);
  return headers;
}
