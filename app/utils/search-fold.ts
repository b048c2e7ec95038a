// How search reads letters (docs/decisions/174): the index and a query fold
// text alike, so that a word is found however either was typed. SQLite does
// most of it in the index's tokenizer (`trigram remove_diacritics 2`): case,
// İ as i, Latin letters' accents, and the combining accents of TOKENIZER_SKIPS.
// The index's triggers apply SEARCH_FOLDS on top, in SQL (the migration spells
// them out with foldSql); a query applies the same ones here, to each of the
// forms Unicode allows for what was typed (composed, decomposed, compatibility).
// They stay few: SQLite's parser nests about twenty replace() calls in a
// trigger, no more.

/**
 * What the index's text and a query's words go through before the tokenizer,
 * in this order, each a plain replacement of every occurrence (SQL's
 * replace()). No replacement makes what an earlier or later one replaces.
 */
export const SEARCH_FOLDS: readonly (readonly [from: string, to: string])[] = [
  // Cyrillic letters written as a base and a combining mark: joined first, as
  // the tokenizer drops such marks and й, ї are letters of their own, not и, і.
  ["\u0438\u0306", "\u0439"], // и + breve → й
  ["\u0418\u0306", "\u0419"], // И + breve → Й
  ["\u0456\u0308", "\u0457"], // і + diaeresis → ї
  ["\u0406\u0308", "\u0407"], // І + diaeresis → Ї
  // Russian writes ё as е more often than not.
  ["\u0451", "\u0435"], // ё → е
  ["\u0401", "\u0415"], // Ё → Е
  // German: ß is ss (Straße, Strasse).
  ["\u00df", "ss"],
  ["\u1e9e", "SS"],
  // Turkish dotless ı: the tokenizer reads I and İ as i, so ı too, or a word in
  // capitals (ISPANAK) would miss the same word in small letters (ıspanak).
  ["\u0131", "i"],
  // Arabic: the stretching tatweel and the vowel marks (harakat), which most text leaves out.
  ["\u0640", ""], // tatweel
  ["\u064b", ""], // fathatan
  ["\u064c", ""], // dammatan
  ["\u064d", ""], // kasratan
  ["\u064e", ""], // fatha
  ["\u064f", ""], // damma
  ["\u0650", ""], // kasra
  ["\u0651", ""], // shadda
  ["\u0652", ""], // sukun
  ["\u0670", ""], // superscript alef
];

/** The combining marks the tokenizer reads as nothing (with `remove_diacritics`): they add no letter to a trigram. */
export const TOKENIZER_SKIPS = /[\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331]/g;

const PAIRS = new Map(SEARCH_FOLDS.filter(([from]) => from.length === 2));
const SINGLES = new Map(SEARCH_FOLDS.filter(([from]) => from.length === 1));

/** `text` folded, and where each of its UTF-16 units came from in `text`: [start[i], end[i]). */
export interface FoldedText {
  text: string;
  start: number[];
  end: number[];
}

/**
 * `text` with SEARCH_FOLDS applied, as the index holds it, with the source of
 * every unit: a mark that was removed belongs to the letter before it, so a
 * hit on that letter covers it. One pass gives what the replacements in order
 * give, as none makes what another replaces.
 */
export function foldWithSources(text: string): FoldedText {
  let out = "";
  const start: number[] = [];
  const end: number[] = [];
  // Removed units before the first kept one: they belong to the next letter.
  let pendingStart = -1;
  for (let i = 0; i < text.length; ) {
    const pair = PAIRS.get(text.slice(i, i + 2));
    const from = pair !== undefined ? 2 : 1;
    const to = pair ?? SINGLES.get(text[i]!) ?? text[i]!;
    if (to === "") {
      if (end.length) end[end.length - 1] = i + from;
      else if (pendingStart === -1) pendingStart = i;
    }
    for (const unit of to) {
      out += unit;
      start.push(pendingStart !== -1 ? pendingStart : i);
      end.push(i + from);
      pendingStart = -1;
    }
    i += from;
  }
  return { text: out, start, end };
}

/** `text` as the index holds it (SEARCH_FOLDS applied). */
export function foldForSearch(text: string): string {
  return foldWithSources(text).text;
}

/** `text` in SQL written in ASCII letters only: 'ss', or char(0x439) for a letter outside ASCII (combining marks stay visible). */
function sqlText(text: string): string {
  return /^[a-z]*$/i.test(text) ? `'${text}'` : `char(${[...text].map((c) => `0x${c.codePointAt(0)!.toString(16)}`).join(", ")})`;
}

/** SQL applying SEARCH_FOLDS to the SQL expression `expression`, written only in ASCII. */
export function foldSql(expression: string): string {
  return SEARCH_FOLDS.reduce((inner, [from, to]) => `replace(${inner}, ${sqlText(from)}, ${sqlText(to)})`, expression);
}

/** How many characters the trigram tokenizer reads in a folded `text`: a piece shorter than three finds nothing. */
export function indexedLength(folded: string): number {
  return [...folded.replace(TOKENIZER_SKIPS, "")].length;
}

const FORMS = ["NFC", "NFD", "NFKC", "NFKD"] as const;

/**
 * A query's word in every form the index may hold it in, folded: composed and
 * decomposed (a text pasted from a Mac file name is decomposed), and with
 * compatibility characters read as plain ones (a full-width Ａ as A). Forms
 * the tokenizer reads alike count once; the composed one comes first.
 */
export function searchForms(term: string): string[] {
  const seen = new Set<string>();
  const forms: string[] = [];
  for (const form of FORMS) {
    const folded = foldForSearch(term.normalize(form));
    const key = folded.replace(TOKENIZER_SKIPS, "");
    if (!key || seen.has(key)) continue;
    seen.add(key);
    forms.push(folded);
  }
  return forms;
}
