// A value a person wrote, put into the interface's own plain text: an
// attribute (an accessible name, a tooltip) or the document's title, where
// there is no <bdi> (see Trans.tsx for sentences on the page). Between
// FIRST STRONG ISOLATE (U+2068) and POP DIRECTIONAL ISOLATE (U+2069), it is
// laid out in its own direction and cannot reorder the words around it: a
// Hebrew title before " · Parley", a name ending in "?" inside a sentence.

/** `value` isolated from the text it is put in. */
export function isolate(value: string): string {
  return `\u2068${value}\u2069`;
}
