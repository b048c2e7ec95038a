import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import { useNonce } from "./utils/nonce";
import highlightStyles from "highlight.js/styles/github-dark.css?url";
import katexStyles from "katex/dist/katex.min.css?url";
import styles from "./tailwind.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "stylesheet", href: katexStyles },
  { rel: "stylesheet", href: highlightStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Parley" }, { name: "description", content: "Chat with any model. Self-hosted." }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const { pathname } = useLocation();
  return (
    <html lang="en" data-theme="dark">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="bg-zinc-950 text-zinc-100 antialiased">
        {/* The first thing the keyboard reaches: past the chat list, straight to what the page is about. */}
        <a href="#main" className="skip-link">
          {/^\/chats\/[^/]+$/.test(pathname) ? "Skip to the conversation" : "Skip to the main content"}
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message = isRouteErrorResponse(error)
    ? typeof error.data === "string" && error.data
      ? error.data
      : error.statusText
    : "Something went wrong on our side. Try again in a moment.";
  return (
    <main id="main" tabIndex={-1} className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-5xl font-semibold text-zinc-300">{status}</h1>
      <p className="mt-4 text-zinc-400">{status === 404 ? "This page does not exist, or it is not yours." : message}</p>
      <a href="/chats" className="mt-8 inline-block rounded-lg bg-zinc-800 px-4 py-2 hover:bg-zinc-700">
        Back to your chats
      </a>
    </main>
  );
}
