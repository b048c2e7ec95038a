// A form posted by the page's script that cannot reach Parley at all (offline,
// a restart) stays on its page and says it was not done, rather than the page
// giving way to the one that waits for the server. One whose connection drops
// on the way while Parley is up (a reset on a flaky network) stays too: it may
// or may not have been done, so it says that, and the page's data is read
// again to show which — never the page for a failure of the server. The
// page's own reloads (an answer ended, the tab came back) wait until Parley
// answers.
import { isRouteErrorResponse } from "@remix-run/react";
import { describe, type Locale } from "~/protocol/catalogue";
import type { FormFailure } from "~/protocol/errors";

type NotReached = "send_failed" | "action_not_reached";

/**
 * The route's action as the server answered it; when the request never got an
 * answer, a failure with `code` (the send's own, or any other form's) if the
 * server does not answer its health check either, else `action_cut_off`.
 */
export async function unlessUnreachable<T>(serverAction: () => Promise<T>, code: NotReached): Promise<T | FormFailure> {
  try {
    return await serverAction();
  } catch (error) {
    // An answer from the server (a refusal, its own failure) is the server's to show. Anything else: is it there?
    if (error instanceof Response || isRouteErrorResponse(error)) throw error;
    const locale: Locale = document.documentElement.lang === "ru" ? "ru" : "en";
    const up = await fetch("/healthz", { cache: "no-store" }).then((r) => r.ok, () => false);
    const said = up ? "action_cut_off" : code;
    return { formError: describe(said, locale), code: said };
  }
}

/** A form that never reached the server changed nothing there (and asking it for the page's data again would fail too). */
export function neverArrived(actionResult: unknown): boolean {
  const code = typeof actionResult === "object" && actionResult !== null ? (actionResult as { code?: unknown }).code : undefined;
  return code === "send_failed" || code === "action_not_reached";
}

/** The longest pause between two checks that Parley answers, while it does not. */
const CHECK_AT_MOST_EVERY_MS = 30_000;

/** The reload waiting for Parley to answer, if one is: later calls join it. */
let waiting: { revalidate: () => void } | undefined;

/**
 * Reloads the page's data once Parley answers: at once when it does, or,
 * while the browser is offline or Parley cannot be reached (a network that
 * is gone although the browser has not noticed yet, a phone waking up, a
 * restart), once it is back. A reload that fails gives the page way to the
 * one that waits for the server, although what the page shows is still true.
 * Parley is asked first (`/healthz`), then again after 1, 2, 4… s (at most
 * CHECK_AT_MOST_EVERY_MS), and at once when the browser says it is online.
 */
export function revalidateWhenReachable(revalidate: () => void): void {
  if (waiting) {
    waiting.revalidate = revalidate;
    return;
  }
  const current = (waiting = { revalidate });
  let pause = 1_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = async () => {
    clearTimeout(timer);
    window.removeEventListener("online", check);
    const up = navigator.onLine && (await fetch("/healthz", { cache: "no-store" }).then((r) => r.ok, () => false));
    if (up) {
      waiting = undefined;
      current.revalidate();
      return;
    }
    window.addEventListener("online", check);
    timer = setTimeout(check, pause);
    pause = Math.min(pause * 2, CHECK_AT_MOST_EVERY_MS);
  };
  void check();
}
