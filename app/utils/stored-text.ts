// Text read out of a file (a PDF's text layer, an imported file's text) is
// stored as an SQLite string, which ends at its first NUL: everything after
// one would be lost without a word. PDF readers hand out NULs for glyphs they
// cannot map (CJK text in a Chromium-made PDF, for one), and other C0 control
// characters mean nothing to a reader or a model either.

// C0 controls except tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** Extracted text as it may be stored: no C0 control characters but tab, LF and CR. */
export function storableText(text: string): string {
  return text.replace(CONTROL, "");
}
