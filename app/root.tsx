import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, type ShouldRevalidateFunction, useLocation, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import { I18nextProvider } from "react-i18next";
import { MATH_STYLESHEET, useMathStylesNeededLive } from "~/components/markdown/math-styles";
import { ConnectionStatus } from "~/components/ui/ConnectionStatus";
import { KeepFocus } from "~/components/ui/KeepFocus";
import { ScrollBoxTabStops } from "~/components/ui/ScrollBoxTabStops";
import { NavigationProgress } from "~/components/ui/NavigationProgress";
import { RefreshWhenBack } from "~/components/ui/RefreshWhenBack";
import { LoggedOutElsewhere } from "~/components/session/logged-out-elsewhere";
import { useTranslation } from "~/i18n/i18n";
import { createI18n } from "./i18n/i18n";
import { metaT } from "./i18n/meta";
import { PageWordsScript, usePageWords, useWordsOfThisTab } from "./i18n/page-words";
import { messagesFor } from "./i18n/resources.server";
import { localeOf } from "./utils/http.server";
import { useNonce } from "./utils/nonce";
import { appearanceFor, chosenLocaleOf, preferenceCookies, themeOf, withCookies } from "./utils/preferences.server";
import { sessionAppearance } from "./auth/session.server";
import highlightStyles from "highlight.js/styles/github-dark.css?url";
import styles from "./tailwind.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "stylesheet", href: highlightStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = ({ matches, error }) => {
  // Without the root's data (an error answering a form) there are no words here: the plain name only.
  if (!matches.find((match) => match.id === "root")?.data) return [{ title: "Parley" }];
  return [
    // A page that does not exist says so in its tab too.
    { title: isRouteErrorResponse(error) && error.status === 404 ? `${metaT(matches)("errorPage.title")} · Parley` : "Parley" },
    { name: "description", content: metaT(matches)("app.description") },
  ];
};

/**
 * The theme and language come from cookies (app/utils/preferences.server.ts):
 * the very first HTML already has the right `data-theme` and `lang`, so
 * nothing flashes while scripts load, and without scripts too. The page's
 * words travel with them, in its language only (docs/decisions/090).
 * A page opened in a browser whose cookies say otherwise than the account's
 * own choice (made in another browser since) sets them and opens again.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  if (request.method === "GET") await followAccountAppearance(request);
  const locale = localeOf(request);
  return { theme: themeOf(request), locale, chosenLocale: chosenLocaleOf(request), messages: messagesFor(locale) };
}

async function followAccountAppearance(request: Request): Promise<void> {
  const own = await sessionAppearance(request);
  if (!own) return;
  const { theme, locale } = appearanceFor(request, own);
  if (theme === themeOf(request) && locale === chosenLocaleOf(request)) return;
  const url = new URL(request.url);
  // A page's data asked for by the browser carries the routes it wants: the page itself is where to go again.
  url.searchParams.delete("_routes");
  throw redirect(url.pathname + url.search, { headers: withCookies(preferenceCookies(request, { theme, locale })) });
}

/**
 * The root's data is the theme and the language: only a form that may change
 * them (settings, the visitor's chooser, logging in or out) reloads it. A send
 * or any other chat action leaves it alone, so an answer starts without a
 * reload of the page's data, and so does following a link to another page.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, currentUrl, nextUrl, defaultShouldRevalidate }) => {
  // Following a link to another page changes neither, except into the settings: there the page shows the
  // account's choices, so it is drawn in them (another browser may have changed them).
  if (!formAction) {
    if (nextUrl.pathname.startsWith("/settings") && !currentUrl.pathname.startsWith("/settings")) return true;
    return currentUrl.pathname === nextUrl.pathname ? defaultShouldRevalidate : false;
  }
  const path = new URL(formAction, "http://parley.invalid").pathname;
  return /^\/(settings|preferences|login|signup|logout)(\/|$)/.test(path) ? defaultShouldRevalidate : false;
};

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  // Absent when the root loader did not run (an error answering a form) or failed: the words the server wrote
  // into the page then (i18n/page-words.tsx), and the default look.
  const preferences = useRouteLoaderData<typeof loader>("root");
  const pageWords = usePageWords();
  const { pathname, search } = useLocation();
  // On a narrow screen /chats is the chat list alone (the main column is hidden): there is nothing to skip to.
  const listAlone = pathname === "/chats" && !new URLSearchParams(search).has("new");
  const words = useWordsOfThisTab(preferences ?? pageWords);
  const locale = words?.locale ?? "en";
  const messages = words?.messages;
  // Made again only when the language or its words change (a saved preference).
  const i18n = useMemo(() => createI18n(locale, messages), [locale, messages]);
  // KaTeX's stylesheet only where a page's data shows math (components/markdown/math-styles.ts).
  const mathNeededLive = useMathStylesNeededLive();
  const matches = useMatches();
  const showsMath = mathNeededLive || matches.some((match) => (match.data as { needsMathStyles?: boolean } | undefined)?.needsMathStyles === true);
  return (
    <html lang={locale} data-theme={preferences?.theme ?? "system"}>
      <head>
        <meta charSet="utf-8" />
        {/* The on-screen keyboard shrinks the page (Android), so the message box and its Send stay above it. */}
        <meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-content" />
        <Meta />
        <Links />
        {showsMath ? <link rel="stylesheet" href={MATH_STYLESHEET} /> : null}
        {!preferences && pageWords ? <PageWordsScript words={pageWords} /> : null}
      </head>
      <body className="bg-zinc-950 text-zinc-100 antialiased">
        <I18nextProvider i18n={i18n}>
          {/* The first thing the keyboard reaches: past the chat list, straight to what the page is about. */}
          <a href="#main" className={listAlone ? "skip-link max-md:hidden" : "skip-link"}>
            {/^\/chats\/[^/]+$/.test(pathname) ? i18n.t("app.skipToConversation") : i18n.t("app.skipToMain")}
          </a>
          {children}
          <ConnectionStatus />
          {/* What a screen reader hears of a small done thing ("Copied"): see copy.ts. */}
          <div id="announcer" aria-live="polite" aria-atomic="true" className="sr-only" data-testid="announcer" />
        </I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <>
      <Outlet />
      <NavigationProgress />
      <KeepFocus />
      <RefreshWhenBack />
      <ScrollBoxTabStops />
      <LoggedOutElsewhere />
    </>
  );
}

/** How often a page that cannot reach the server asks whether it is back. */
const REACHABLE_AGAIN_EVERY_MS = 3_000;

/**
 * Whether the server cannot be reached: an error that is not an answer of the
 * server (a reload of the page's data that failed in the browser) is that only
 * while the health check fails too. Once it answers again, the page loads
 * afresh, and its drafts come back with it.
 */
function useServerUnreachable(error: unknown): boolean {
  const [unreachable, setUnreachable] = useState(false);
  useEffect(() => {
    if (isRouteErrorResponse(error)) return;
    let stopped = false;
    let unreachableSeen = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const probe = async () => {
      const up = await fetch("/healthz", { cache: "no-store" }).then((r) => r.ok, () => false);
      if (stopped) return;
      if (up && unreachableSeen) return window.location.reload();
      if (up) return;
      unreachableSeen = true;
      setUnreachable(true);
      timer = setTimeout(() => void probe(), REACHABLE_AGAIN_EVERY_MS);
    };
    void probe();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [error]);
  return unreachable;
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  const error = useRouteError();
  const unreachable = useServerUnreachable(error);
  if (unreachable) {
    return (
      <main id="main" tabIndex={-1} className="mx-auto max-w-lg p-10 text-center" data-testid="server-unreachable">
        <p role="status" className="mt-4 text-zinc-400">
          {t("errorPage.unreachable")}
        </p>
      </main>
    );
  }
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // Remix's own refusals (a form posted to a page without one) carry its internal wording: never shown.
  const internal = isRouteErrorResponse(error) && "internal" in error && error.internal === true;
  const message =
    isRouteErrorResponse(error) && !internal
      ? typeof error.data === "string" && error.data
        ? error.data
        : error.statusText
      : status === 405
        ? t("errorPage.methodNotAllowed")
        : t("errorPage.somethingWrong");
  return (
    <main id="main" tabIndex={-1} className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-5xl font-semibold text-zinc-300">{status}</h1>
      <p className="mt-4 text-zinc-400">{status === 404 ? t("errorPage.notFound") : message}</p>
      <a href="/chats" className="mt-8 inline-block rounded-lg bg-zinc-800 px-4 py-2 hover:bg-zinc-700">
        {t("errorPage.backToChats")}
      </a>
    </main>
  );
}
