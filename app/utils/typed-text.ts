// A textarea's text as the person typed it: browsers send its line breaks as
// CR LF, while the person counted each as one character. Every limit on such
// text is checked on this form of it.
export function asTyped(text: string): string {
  return text.replace(/\r\n/g, "\n");
}

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * How many characters a person counts in a text as typed: an emoji or another
 * character outside the Basic Multilingual Plane is one (JavaScript's `length`
 * counts two), and a line break is one. Message limits count this.
 */
export function typedLength(text: string): number {
  const typed = asTyped(text);
  return typed.length - (typed.match(SURROGATE_PAIR)?.length ?? 0);
}
