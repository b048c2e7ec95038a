// One i18next instance per rendered document, made from the one language the
// root loader sent (docs/decisions/090). The server and the browser build it
// from the same data, so both render the same words and hydration agrees.
import { createInstance, type i18n } from "i18next";
import { useTranslation } from "react-i18next";
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

/** The page's language, for `Intl` and the catalogue. */
export function useLocale(): Locale {
  return useTranslation().i18n.language as Locale;
}

/** A count as the language writes it ("12,000" / "12 000"). */
export function formatNumber(value: number, locale: Locale): string {
  return value.toLocaleString(locale === "ru" ? "ru-RU" : "en-US");
}
