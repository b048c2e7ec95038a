// Prefetch on intent: when the pointer rests on a chat in the list (or the
// keyboard focuses it), its page data is loaded into the page's memory
// (chat-cache.ts), so the click that follows shows the chat at once. A
// pointer sweeping across the list loads nothing: it has to rest a moment.
// Each load is a fetcher of its own that is let go as soon as it has
// started: a fetcher kept on the page would be loaded again at every later
// reload of the page's data.
import { useFetcher } from "@remix-run/react";
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { isFreshlyCached } from "./chat-cache";

const REST_MS = 80;

function Prefetch({ href, started }: { href: string; started: () => void }) {
  const { load } = useFetcher();
  useEffect(() => {
    load(href);
    started();
  }, [href, load, started]);
  return null;
}

export function usePrefetchChat(): { intentProps: (href: string) => { onPointerEnter: () => void; onPointerLeave: () => void; onFocus: () => void }; prefetching: ReactNode } {
  const [href, setHref] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const intend = useCallback((to: string, delay = REST_MS) => {
    clearTimeout(timer.current);
    if (to === window.location.pathname + window.location.search || isFreshlyCached(to)) return;
    timer.current = setTimeout(() => setHref(to), delay);
  }, []);
  const cancel = useCallback(() => clearTimeout(timer.current), []);
  const started = useCallback(() => setHref(null), []);
  const intentProps = useCallback((to: string) => ({ onPointerEnter: () => intend(to), onPointerLeave: cancel, onFocus: () => intend(to, 0) }), [intend, cancel]);
  return { intentProps, prefetching: href ? <Prefetch key={href} href={href} started={started} /> : null };
}
