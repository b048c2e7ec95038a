// Dates and times of lists and notices (a share's, an account's, a search
// hit's) in the page's language. The server does not know the reader's time
// zone: the HTML (and the page without JavaScript) says UTC, and once the
// page's script runs it says the reader's local time, as message times do.
import { useCallback } from "react";
import { useHydrated } from "remix-utils/use-hydrated";
import { useLocale } from "~/i18n/i18n";
import type { Locale } from "~/protocol/catalogue";

const formats = new Map<string, Intl.DateTimeFormat>();

/** The language tag dates and times are written in for a page's language (day before month in English too). */
export function dateLocale(locale: string): string {
  return locale === "ru" ? "ru-RU" : "en-GB";
}

/** "5 Dec 2026, 11:43 UTC" / "5 дек. 2026 г., 11:43 UTC"; with `dateOnly`, the date alone ("5 Dec 2026 UTC"). */
export function formatMoment(at: number, locale: Locale, { timeZone, dateOnly = false }: { timeZone?: "UTC"; dateOnly?: boolean } = {}): string {
  const key = `${locale} ${timeZone ?? "local"} ${dateOnly}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(dateLocale(locale), dateOnly ? { dateStyle: "medium", timeZone } : { dateStyle: "medium", timeStyle: "short", timeZone });
    formats.set(key, format);
  }
  // A date in UTC says so too: near midnight it is not the reader's date.
  return format.format(at) + (timeZone === "UTC" ? " UTC" : "");
}

/** The page's way of writing a moment: UTC until the page's script runs (server and hydration agree), then local. */
export function useMoment(): (at: number, options?: { dateOnly?: boolean }) => string {
  const locale = useLocale();
  const hydrated = useHydrated();
  return useCallback((at, options) => formatMoment(at, locale, { timeZone: hydrated ? undefined : "UTC", dateOnly: options?.dateOnly }), [locale, hydrated]);
}
