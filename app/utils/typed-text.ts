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

let graphemes: Intl.Segmenter | undefined;

/**
 * The longest beginning of `text` of at most `max` characters (code points,
 * as `typedLength` counts them) that ends between two characters as a reader
 * sees them: a flag, an emoji with its skin tone, a family joined by
 * zero-width joiners or a letter with its accents stays whole or goes whole.
 */
export function cutText(text: string, max: number): string {
  if (typedLength(text) <= max) return text;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  let end = 0;
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    count += typedLength(segment);
    if (count > max) break;
    end += segment.length;
  }
  return text.slice(0, end);
}
