// Page titles are made in `meta`, outside React: they take their words from
// the language the root loader sent, as the page's components do.
import type { TFunction } from "i18next";
import type { Locale } from "~/protocol/catalogue";
import { createI18n } from "./i18n";
import type { Resource } from "./types";

interface RootData {
  locale: Locale;
  messages: Resource;
}

const byMessages = new WeakMap<Resource, TFunction>();

/** The `t` of the page's language, from `meta`'s `matches`. */
export function metaT(matches: readonly { id: string; data?: unknown }[]): TFunction {
  const root = matches.find((match) => match.id === "root")?.data as RootData | undefined;
  if (!root?.messages) return createI18n("en", undefined).t;
  let t = byMessages.get(root.messages);
  if (!t) {
    t = createI18n(root.locale, root.messages).t;
    byMessages.set(root.messages, t);
  }
  return t;
}

/** "Title · Parley". */
export function pageTitle(title: string): { title: string }[] {
  return [{ title: `${title} · Parley` }];
}
