// Logging out in one tab takes the browser's other tabs to the login page at
// once, saying why. Their pages would otherwise go on showing the account's
// chats on a shared computer, and the next click would land on the login page
// without a word. The tab that logged out says so once its logout is done
// (the session is gone by then, so the other tabs' login page does not send
// them straight back); logging in there again returns each to where it was.
import { useLocation } from "@remix-run/react";
import { useEffect } from "react";

const CHANNEL = "parley:session";
const LOGGED_OUT = "logged-out";
/** The pages only a signed-in person sees: the ones a logout elsewhere leaves. */
const SIGNED_IN_PAGES = /^\/(chats|settings|admin|search|attachments)(\/|$)/;

function channel(): BroadcastChannel | null {
  return typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);
}

/** Tells this browser's other tabs that the account logged out here. */
export function announceLoggedOut(): void {
  const other = channel();
  other?.postMessage(LOGGED_OUT);
  other?.close();
}

/** Where a tab goes when the account logged out in another: the login page, with the way back to this one. */
export function loginAfterLogoutElsewhere(here: string): string {
  return `/login?${new URLSearchParams({ redirectTo: here, elsewhere: "1" })}`;
}

/** Mounted once, in every tab: a signed-in page goes to the login page when another tab logs out. */
export function LoggedOutElsewhere() {
  const { pathname } = useLocation();
  const signedInPage = SIGNED_IN_PAGES.test(pathname);
  useEffect(() => {
    if (!signedInPage) return;
    const listening = channel();
    if (!listening) return;
    listening.onmessage = (event: MessageEvent) => {
      if (event.data !== LOGGED_OUT) return;
      // A whole page load: nothing of the account stays in this tab's memory.
      window.location.assign(loginAfterLogoutElsewhere(window.location.pathname + window.location.search));
    };
    return () => listening.close();
  }, [signedInPage]);
  return null;
}
