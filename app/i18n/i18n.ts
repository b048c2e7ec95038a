// One i18next instance per rendered document, made from the one language the
// root loader sent (docs/decisions/090). The server and the browser build it
// from the same data, so both render the same words and hydration agrees.
import { createInstance, type i18n, type TFunction } from "i18next";
import { useContext } from "react";
import { I18nContext } from "react-i18next";
import type { Locale } from "~/protocol/catalogue";
import type { Resource } from "./types";

export function createI18n(locale: Locale, messages: Resource | undefined): i18n {
  const instance = createInstance({
    lng: locale,
    resources: messages ? { [locale]: { translation: messages } } : {},
    fallbackLng: false,
    // The resources are already here: init finishes before it returns, so the
    // first render has its words on the server and in the browser alike.
    initImmediate: false,
    // React escapes what it renders; escaping here too would show "&amp;".
    interpolation: { escapeValue: false },
    react: { useSuspense: false },
    returnNull: false,
  });
  void instance.init();
  return instance;
}

/**
 * The page's `t`, for components. A plain key's text is looked up once per
 * document and kept: i18next's own `t` (and react-i18next's hook, which
 * checks on every render that the language is loaded) cost a chat of 24
 * messages tens of milliseconds per render. The document's instance never
 * changes language (another language is another instance, from the root's
 * data), so what is kept stays right.
 */
const fastT = new WeakMap<i18n, TFunction>();

export function useTranslation(): { t: TFunction; i18n: i18n } {
  const { i18n } = useContext(I18nContext);
  let t = fastT.get(i18n);
  if (!t) {
    const fixed = i18n.getFixedT(i18n.language);
    const plain = new Map<string, string>();
    t = ((key: string | string[], options?: unknown) => {
      if (options !== undefined || typeof key !== "string") return (fixed as (k: unknown, o?: unknown) => string)(key, options);
      let text = plain.get(key);
      if (text === undefined) plain.set(key, (text = (fixed as (k: string) => string)(key)));
      return text;
    }) as unknown as TFunction;
    fastT.set(i18n, t);
  }
  return { t, i18n };
}

/** The page's language, for `Intl` and the catalogue. */
export function useLocale(): Locale {
  return useContext(I18nContext).i18n.language as Locale;
}

/** A count as the language writes it ("12,000" / "12 000"). */
export function formatNumber(value: number, locale: Locale): string {
  return value.toLocaleString(locale === "ru" ? "ru-RU" : "en-US");
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A formatter of the language's, made once per language and options (making one costs far more than using it). */
function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-US", options)));
  return format;
}

/**
 * An amount in US dollars as the language writes money ("$1,234.50" /
 * "1 234,50 $"), to the cent; a little above nothing is "< $0.01", never a
 * "$0.00" that reads as free.
 */
export function formatUsd(value: number, locale: Locale): string {
  const format = numberFormat(locale, { style: "currency", currency: "USD", currencyDisplay: "narrowSymbol" });
  return value > 0 && value < 0.01 ? `< ${format.format(0.01)}` : format.format(value);
}

/** Dollars as the language writes money, to these decimals: a price per million tokens ("$2.5"), an answer's cost ("$0.00004"). */
export function formatDollars(value: number, locale: Locale, digits: { min: number; max: number }): string {
  return numberFormat(locale, { style: "currency", currency: "USD", currencyDisplay: "narrowSymbol", minimumFractionDigits: digits.min, maximumFractionDigits: digits.max }).format(value);
}

/** A large count abbreviated as the language does ("128K", «128 тыс.»). */
export function formatCompact(value: number, locale: Locale): string {
  return numberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }).format(value);
}
