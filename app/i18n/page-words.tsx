// The page's language and words when the root's data is missing: Remix runs
// no loader above the route that renders an error, so a POST answered with a
// 404 or 405 (a form for a chat deleted in another tab, an address that takes
// no form) renders the root's error page without them. The server finds them
// from the request (entry.server.tsx) and writes them into the page as JSON;
// the browser reads them back from there, so both render the same words.
import { createContext, useContext, useState } from "react";
import type { Locale } from "~/protocol/catalogue";
import type { Resource } from "./types";

export interface PageWords {
  locale: Locale;
  messages: Resource;
}

const ELEMENT_ID = "parley-page-words";
const PageWordsContext = createContext<PageWords | null>(null);

export const PageWordsProvider = PageWordsContext.Provider;

/** The words the server wrote into the page for want of the root's data (null when it had them). */
export function usePageWords(): PageWords | null {
  const fromServer = useContext(PageWordsContext);
  const [fromPage] = useState<PageWords | null>(() => {
    if (typeof document === "undefined") return null;
    const text = document.getElementById(ELEMENT_ID)?.textContent;
    return text ? (JSON.parse(text) as PageWords) : null;
  });
  return fromServer ?? fromPage;
}

/**
 * The words this tab was last given: when the server cannot be reached (a
 * reload of the page's data fails), the error page still speaks the page's
 * language. Kept in the browser only: on the server every request brings its own.
 */
let seenInThisTab: PageWords | null = null;

export function useWordsOfThisTab(words: PageWords | null | undefined): PageWords | null {
  if (typeof document === "undefined") return words ?? null;
  if (words) seenInThisTab = words;
  return words ?? seenInThisTab;
}

/** The words, in the page for the browser to read back (JSON is not run: no nonce needed). */
export function PageWordsScript({ words }: { words: PageWords }) {
  // `<` escaped, so no text in the words can close the element.
  return <script id={ELEMENT_ID} type="application/json" dangerouslySetInnerHTML={{ __html: JSON.stringify(words).replace(/</g, "\\u003c") }} />;
}
