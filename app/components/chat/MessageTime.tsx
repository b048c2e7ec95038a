// When a message was written: relative ("5 minutes ago") once the page's
// script runs, with the exact local time on hover and when the message has
// focus. The server does not know the reader's time zone, so the HTML (and
// the page without JavaScript) says the exact time in UTC.
import { useRouteLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useHydrated } from "remix-utils/use-hydrated";
import { dateLocale } from "~/components/ui/moment";
import type { loader as rootLoader } from "~/root";

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
];

// Making a formatter costs far more than using one: one of each per language (and zone), made once.
const formatters = new Map<string, Intl.RelativeTimeFormat | Intl.DateTimeFormat>();
function formatter<T extends Intl.RelativeTimeFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let made = formatters.get(key) as T | undefined;
  if (!made) formatters.set(key, (made = make()));
  return made;
}

/** "now", "3 minutes ago", "yesterday"…; a week or more is a date (`isDate`). */
function relativeTime(at: number, now: number, locale: string): { text: string; isDate: boolean } {
  let amount = Math.round((at - now) / 1000);
  const format = formatter(`relative ${locale}`, () => new Intl.RelativeTimeFormat(dateLocale(locale), { numeric: "auto" }));
  if (Math.abs(amount) < 45) return { text: format.format(0, "second"), isDate: false };
  for (const [unit, size] of STEPS) {
    if (Math.abs(amount) < size) return { text: format.format(amount, unit), isDate: false };
    amount = Math.round(amount / size);
  }
  return { text: formatter(`date ${locale}`, () => new Intl.DateTimeFormat(dateLocale(locale), { dateStyle: "medium" })).format(at), isDate: true };
}

/** The time of day alone ("14:03"): what a date shown already leaves to say. */
function timeOfDay(at: number, locale: string): string {
  return formatter(`time ${locale}`, () => new Intl.DateTimeFormat(dateLocale(locale), { timeStyle: "short" })).format(at);
}

/** Exact times already written out: a message's time never changes, and formatting one is slow. */
const exactTimes = new Map<string, string>();

export function exactTime(at: number, locale: string, timeZone?: string): string {
  const key = `${locale} ${timeZone ?? "local"} ${at}`;
  let text = exactTimes.get(key);
  if (text === undefined) {
    const exact = formatter(`exact ${locale} ${timeZone ?? "local"}`, () => new Intl.DateTimeFormat(dateLocale(locale), { dateStyle: "long", timeStyle: "short", timeZone }));
    text = exact.format(at) + (timeZone === "UTC" ? " UTC" : "");
    if (exactTimes.size >= 2_000) exactTimes.clear();
    exactTimes.set(key, text);
  }
  return text;
}

/** One clock for every time on the page, ticking twice a minute while any is shown. */
const listeners = new Set<(now: number) => void>();
let ticking: ReturnType<typeof setInterval> | undefined;
function subscribe(listener: (now: number) => void): () => void {
  listeners.add(listener);
  ticking ??= setInterval(() => {
    const now = Date.now();
    for (const l of listeners) l(now);
  }, 30_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) ticking = void clearInterval(ticking);
  };
}

export function MessageTime({ at }: { at: number | undefined }) {
  const locale = useRouteLoaderData<typeof rootLoader>("root")?.locale ?? "en";
  // Null on the server and while the page hydrates, so both agree; a time
  // drawn later (another chat opened, a new message) is relative at once.
  const hydrated = useHydrated();
  // The shared clock only makes the time render again; the time itself is read now.
  const [, setTick] = useState(0);
  useEffect(() => subscribe(setTick), []);
  const now = hydrated ? Date.now() : null;
  if (at === undefined) return null;
  const exact = now === null ? exactTime(at, locale, "UTC") : exactTime(at, locale);
  const relative = now === null ? null : relativeTime(at, now, locale);
  // Shown on hover and focus after the relative time; after a date, only the time of day is left to say.
  const more = relative === null ? undefined : relative.isDate ? timeOfDay(at, locale) : exact;
  return (
    <time dateTime={new Date(at).toISOString()} title={exact} data-exact={more} className="message-time whitespace-nowrap text-xs text-zinc-500" data-testid="message-time">
      {relative === null ? exact : relative.text}
    </time>
  );
}
