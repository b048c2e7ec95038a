// Text over the message limit is kept whole (ADR 132): the box that holds it
// says how long it is and what the limit is, and holds the send meanwhile.
// The message box and the edit box of a sent message share this.
import { useCallback, useState } from "react";
import { useLocale } from "~/i18n/i18n";
import { describe, type Locale } from "../../protocol/catalogue";

/** The words for a text over the limit: the server's refusal of it says the same (one catalogue). */
export function tooLongText(length: number, maxChars: number, locale: Locale): string {
  return describe({ code: "message_too_long", params: { length, max: maxChars } }, locale);
}

/** How long the text is when it is over the limit, else null; `measure` with the text's length as it changes. */
export function useOverLimit(maxChars: number): { overLimit: number | null; measure: (length: number) => void } {
  const [overLimit, setOverLimit] = useState<number | null>(null);
  const measure = useCallback((length: number) => setOverLimit(length > maxChars ? length : null), [maxChars]);
  return { overLimit, measure };
}

/** What the box says over the limit (its id is the box's aria-describedby). */
export function TooLong({ id, length, maxChars, className, testId }: { id: string; length: number; maxChars: number; className: string; testId: string }) {
  const locale = useLocale();
  return (
    <p id={id} role="alert" className={className} data-testid={testId}>
      {tooLongText(length, maxChars, locale)}
    </p>
  );
}
