import { type ChangeEvent, type TextareaHTMLAttributes, useState } from "react";
import { formatNumber, useLocale, useTranslation } from "~/i18n/i18n";
import { typedLength } from "~/utils/typed-text";

/**
 * The length of a box with a limit, counted as people type. The box has no
 * `maxLength`: a paste past the limit would be cut without a word. The text
 * stays whole, the count says how much is too many, and the server refuses it
 * with the same limit.
 */
export function useLengthCount(initial: string, max: number) {
  const [length, setLength] = useState(() => typedLength(initial));
  return {
    length,
    over: Math.max(0, length - max),
    onChange: (event: ChangeEvent<HTMLTextAreaElement>) => setLength(typedLength(event.currentTarget.value)),
  };
}

export function LengthCount({ id, length, max, className = "mt-1 text-xs" }: { id?: string; length: number; max: number; className?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const over = length - max;
  const words = { count: max, length: formatNumber(length, locale), max: formatNumber(max, locale) };
  return (
    <p id={id} className={`${className} ${over > 0 ? "font-medium text-red-400" : "text-zinc-500"}`} data-testid="length-count">
      {over > 0 ? t("common.charactersOver", { ...words, over: formatNumber(over, locale) }) : t("common.characters", words)}
    </p>
  );
}

/**
 * A textarea with its count beneath (`<id>-count` describes it), marked
 * invalid past `max` or when the server refused it.
 */
export function CountedTextArea({
  id,
  max,
  defaultValue,
  refused = false,
  className,
  ...textarea
}: { id: string; max: number; defaultValue: string; refused?: boolean } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "defaultValue" | "onChange">) {
  const count = useLengthCount(defaultValue, max);
  return (
    <>
      <textarea
        id={id}
        defaultValue={defaultValue}
        dir="auto"
        onChange={count.onChange}
        aria-invalid={refused || count.over > 0 || undefined}
        aria-describedby={`${id}-count`}
        className={`${className ?? ""} aria-[invalid]:border-red-500`}
        {...textarea}
      />
      <LengthCount id={`${id}-count`} length={count.length} max={max} />
    </>
  );
}
