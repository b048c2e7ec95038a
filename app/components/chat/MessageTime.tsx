// When a message was written: relative ("5 minutes ago") once the page's
// script runs, with the exact local time on hover and when the message has
// focus. The server does not know the reader's time zone, so the HTML (and
// the page without JavaScript) says the exact time in UTC.
import { useRouteLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { loader as rootLoader } from "~/root";

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
];

function intlLocale(locale: string): string {
  return locale === "ru" ? "ru-RU" : "en-GB";
}

/** "now", "3 minutes ago", "yesterday"…; a week or more is a date. */
export function relativeTime(at: number, now: number, locale: string): string {
  let amount = Math.round((at - now) / 1000);
  const format = new Intl.RelativeTimeFormat(intlLocale(locale), { numeric: "auto" });
  if (Math.abs(amount) < 45) return format.format(0, "second");
  for (const [unit, size] of STEPS) {
    if (Math.abs(amount) < size) return format.format(amount, unit);
    amount = Math.round(amount / size);
  }
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium" }).format(at);
}

export function exactTime(at: number, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "long", timeStyle: "short", timeZone }).format(at) + (timeZone === "UTC" ? " UTC" : "");
}

export function MessageTime({ at }: { at: number | undefined }) {
  const locale = useRouteLoaderData<typeof rootLoader>("root")?.locale ?? "en";
  // Null on the server and in the first render in the browser, so both agree.
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (at === undefined) return null;
  const exact = now === null ? exactTime(at, locale, "UTC") : exactTime(at, locale);
  return (
    <time dateTime={new Date(at).toISOString()} title={exact} data-exact={now === null ? undefined : exact} className="message-time whitespace-nowrap text-xs text-zinc-500" data-testid="message-time">
      {now === null ? exact : relativeTime(at, now, locale)}
    </time>
  );
}
