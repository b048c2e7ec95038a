// A tab left in the background and brought back reloads its page's data, so
// it shows what other tabs and devices did meanwhile (a new message, a
// renamed or deleted chat, another version chosen) before the person acts on
// a stale page. A glance away of a moment reloads nothing.
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { revalidateWhenReachable } from "../chat/not-reached";

/** Away at least this long before the page's data is read again. */
export const AWAY_FOR_MS = 2_000;

export function RefreshWhenBack() {
  const revalidator = useRevalidator();
  // Read by the listener, which outlives renders.
  const current = useRef(revalidator);
  current.current = revalidator;
  useEffect(() => {
    let hiddenAt: number | null = null;
    const changed = () => {
      if (document.visibilityState === "hidden") {
        hiddenAt = Date.now();
        return;
      }
      const away = hiddenAt === null ? 0 : Date.now() - hiddenAt;
      hiddenAt = null;
      // A phone's network may wake later than its page: the reload waits for Parley to answer.
      if (away >= AWAY_FOR_MS && current.current.state === "idle") revalidateWhenReachable(() => current.current.revalidate());
    };
    document.addEventListener("visibilitychange", changed);
    return () => document.removeEventListener("visibilitychange", changed);
  }, []);
  return null;
}
