// Small pieces the admin pages share: dates as people read them, notices,
// links shown once.
import type { ReactNode } from "react";
import { useHydrated } from "remix-utils/use-hydrated";
import { useTranslation } from "~/i18n/i18n";
import { useCopy } from "../markdown/useCopy";
import { useMoment } from "./moment";

/** A moment as a date and time in the page's language: UTC as served, the reader's own once the script runs. */
export function When({ at, empty = "—" }: { at: number | null; empty?: string }) {
  const moment = useMoment();
  if (at === null) return <span className="text-zinc-500">{empty}</span>;
  const iso = new Date(at).toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {moment(at)}
    </time>
  );
}

export function Notice({ children, tone = "ok" }: { children: ReactNode; tone?: "ok" | "info" }) {
  const colours = tone === "ok" ? "border-emerald-500/40 bg-emerald-500/10 text-emerald-300" : "border-zinc-600 bg-zinc-800/60 text-zinc-300";
  return (
    <p role="status" className={`mb-4 rounded-lg border px-3 py-2 text-sm ${colours}`}>
      {children}
    </p>
  );
}

export const buttonClass = "rounded-md bg-zinc-800 px-3 py-1 text-sm hover:bg-zinc-700 disabled:opacity-50";
export const dangerButtonClass = "rounded-md px-3 py-1 text-sm text-red-400 hover:bg-red-500/10";
export const primaryButtonClass = "rounded-lg bg-sky-600 px-4 py-2 text-sm font-medium hover:bg-sky-500 disabled:opacity-60";
export const inputClass = "rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 aria-[invalid]:border-red-500";

/**
 * A table wider than a phone, scrolled sideways within the page, with a shade
 * at the edge that has more beyond it. Focusable and named, so the keyboard
 * can scroll it too (arrows, once it has the focus).
 */
export function WideTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} data-scroll-box="" className="scroll-shadows overflow-x-auto rounded outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
      {children}
    </div>
  );
}

/**
 * A link the server shows this once (an invite, a password reset): it takes the
 * focus as it appears, selected, so it is copied at once (Ctrl+C, or Copy once
 * the script runs) and a keyboard or screen reader lands on it, not back on the
 * button that made it.
 */
export function LinkShownOnce({ intro, label, link, testId }: { intro: ReactNode; label: string; link: string; testId: string }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const { copied, copy } = useCopy();
  return (
    <div className="mt-3 rounded-lg border border-sky-900 bg-sky-950/40 p-3 text-sm" data-testid={testId}>
      <p className="mb-1 text-sky-200">{intro}</p>
      <div className="flex items-center gap-2">
        <input
          readOnly
          autoFocus
          value={link}
          aria-label={label}
          onFocus={(event) => event.currentTarget.select()}
          className={`${inputClass} min-w-0 flex-1 font-mono text-xs`}
        />
        {hydrated ? (
          <button type="button" onClick={() => copy(link)} className={`${buttonClass} shrink-0`}>
            {copied ? t("common.copied") : t("share.copyLink")}
          </button>
        ) : null}
      </div>
    </div>
  );
}
