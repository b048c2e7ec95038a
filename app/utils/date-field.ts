/**
 * A value a date field can show (YYYY-MM-DD), or undefined: something else
 * typed into the address is named by the page's error instead (a date input
 * given anything else shows empty and warns in the console).
 */
export function asDateFieldValue(value: string | undefined): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}
