// Every language's words, for the server only: a page receives its own
// language through the root loader, so the browser never downloads the rest.
import type { Locale } from "~/protocol/catalogue";
import { en } from "./en";
import { ru } from "./ru";
import type { Resource } from "./types";

export const RESOURCES: Record<Locale, Resource> = { en, ru };

export function messagesFor(locale: Locale): Resource {
  return RESOURCES[locale];
}
