// Sizes the search page's form and the server agree on (the page imports this; it holds nothing server-only).

/** The longest search: a few remembered words, not a pasted document. */
export const SEARCH_MAX_CHARS = 200;
/** The trigram index finds pieces of three characters or more. */
export const MIN_TERM_CHARS = 3;
