// A chat's title as it is stored, whoever wrote it (a person renaming, a model,
// the first message, an import, a copy): without the characters that draw
// nothing or only reorder what is around them (docs/decisions/173). A title
// of those alone looked blank in the list, and a right-to-left override
// turned "Invoice \u202EFDP.exe" into "Invoice exe.PDF" there and reversed the
// sentences it was put in.
import { cutText } from "./typed-text";

/** The longest title, in characters (code points, docs/decisions/164). */
export const TITLE_MAX = 120;

// Direction controls: embeddings and overrides (U+202A–U+202E), isolates
// (U+2066–U+2069), the marks LRM, RLM and ALM (U+200E, U+200F, U+061C).
// Invisible format characters: soft hyphen, Mongolian vowel separator,
// zero-width space, word joiner and invisible operators (U+2060–U+2064),
// deprecated format controls (U+206A–U+206F), the byte order mark,
// interlinear annotation marks; and the Hangul fillers, letters that draw
// nothing. Kept: the zero-width joiner U+200D (emoji sequences) and non-joiner
// U+200C (Persian and other scripts' spelling), variation selectors and tag
// characters (emoji presentation, subdivision flags).
const INVISIBLE = /[\u00AD\u061C\u115F\u1160\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]/g;

/**
 * A title as it is stored and shown: its invisible characters and direction
 * controls removed, its ends trimmed, and, given `max`, cut to that many
 * characters between two characters as seen. Empty when nothing visible is
 * left (a rename refuses that as blank; other writers fall back to a title of
 * their own).
 */
export function cleanChatTitle(text: string, { max }: { max?: number } = {}): string {
  const clean = text.replace(INVISIBLE, "").trim();
  return max === undefined ? clean : cutText(clean, max).trim();
}
