// A shared link as its owner handles it: the whole address in a read-only
// box (select it and copy, without JavaScript), a Copy button once the
// page's script runs, and the link itself to open.
import { useTranslation } from "~/i18n/i18n";
import { useHydrated } from "remix-utils/use-hydrated";
import { useCopy } from "../markdown/useCopy";

export function shareUrl(origin: string, token: string): string {
  return `${origin}/s/${token}`;
}

export function ShareLink({ origin, token, label }: { origin: string; token: string; label?: string }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const { copied, copy } = useCopy();
  const url = shareUrl(origin, token);
  return (
    <div className="flex items-center gap-2">
      <input
        readOnly
        value={url}
        aria-label={label ?? t("share.sharedLink")}
        data-testid="share-url"
        onFocus={(event) => event.currentTarget.select()}
        className="min-w-0 flex-1 rounded-md border border-zinc-700 bg-zinc-800 px-2 py-1 font-mono text-xs text-zinc-200"
      />
      {hydrated ? (
        <button
          type="button"
          onClick={() => copy(url)}
          className="shrink-0 rounded-md bg-zinc-800 px-2 py-1 text-xs text-zinc-200 hover:bg-zinc-700"
        >
          {copied ? t("common.copied") : t("share.copyLink")}
        </button>
      ) : null}
      <a href={`/s/${token}`} target="_blank" rel="noreferrer" className="shrink-0 text-xs text-sky-400 hover:underline">
        {t("share.open")}
      </a>
    </div>
  );
}
