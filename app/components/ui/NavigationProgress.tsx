// A thin bar across the top of the page while moving to another page takes
// longer than a blink (a chat shown from memory never shows it). Announced
// to screen readers as a busy progress bar.
import { useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "~/i18n/i18n";

const SHOW_AFTER_MS = 150;

export function NavigationProgress() {
  const { t } = useTranslation();
  const loading = useNavigation().state === "loading";
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!loading) return setShown(false);
    const timer = setTimeout(() => setShown(true), SHOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, [loading]);
  if (!shown) return null;
  return (
    <div role="progressbar" aria-label={t("moving.loadingPage")} aria-busy="true" className="navigation-progress fixed inset-x-0 top-0 z-50 h-0.5 overflow-hidden" data-testid="navigation-progress">
      <div className="h-full w-1/3 bg-sky-500" />
    </div>
  );
}
