// Says when the browser has lost its connection, and when it is back: what
// is typed stays in the composer, an answer being written picks up again by
// itself (its stream reconnects), and a send made meanwhile says it did not
// go. The live region is always in the page so screen readers announce the
// change (not a "status" role: pages have their own status messages).
import { useEffect, useState } from "react";
import { useTranslation } from "~/i18n/i18n";

/** How long "back online" stays up. */
const BACK_FOR_MS = 4000;

type Connection = "online" | "offline" | "back";

export function ConnectionStatus() {
  const { t } = useTranslation();
  const [connection, setConnection] = useState<Connection>("online");
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offline = () => {
      clearTimeout(timer);
      setConnection("offline");
    };
    const online = () => {
      clearTimeout(timer);
      setConnection("back");
      timer = setTimeout(() => setConnection("online"), BACK_FOR_MS);
    };
    if (!navigator.onLine) offline();
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
    };
  }, []);
  return (
    // Below the chat header (its buttons stay visible and clickable), and clicks go through it.
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 top-14 z-50 flex justify-center px-4" data-testid="connection-status">
      {connection === "offline" ? (
        <p className="rounded-lg border border-amber-500/40 bg-amber-950 px-4 py-2 text-sm text-amber-100 shadow-lg">{t("connection.offline")}</p>
      ) : connection === "back" ? (
        <p className="rounded-lg border border-emerald-500/40 bg-emerald-950 px-4 py-2 text-sm text-emerald-100 shadow-lg">{t("connection.back")}</p>
      ) : null}
    </div>
  );
}
