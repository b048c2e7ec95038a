// Words that a loader or an action writes into its data (a notice after a
// save, a label in a generated file) come from the request's language.
import type { TFunction } from "i18next";
import type { Locale } from "~/protocol/catalogue";
import { localeOf } from "~/utils/http.server";
import { createI18n } from "./i18n";
import { RESOURCES } from "./resources.server";

const byLocale = new Map<Locale, TFunction>();

export function tFor(locale: Locale): TFunction {
  let t = byLocale.get(locale);
  if (!t) {
    t = createI18n(locale, RESOURCES[locale]).t;
    byLocale.set(locale, t);
  }
  return t;
}

export function tOf(request: Request): TFunction {
  return tFor(localeOf(request));
}
