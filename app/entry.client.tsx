import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

// A click that replaces a page still arriving aborts that page's data read.
// Remix 2 logs the abort with console.error (React Router 7 no longer does);
// the person asked for it, so that one message is dropped. Every other error
// is logged as before.
// eslint-disable-next-line no-console -- wraps the console on purpose (docs/decisions/108)
const logError = console.error.bind(console);
// eslint-disable-next-line no-console -- wraps the console on purpose (docs/decisions/108)
console.error = (...args: unknown[]) => {
  if (args.length === 1 && args[0] instanceof DOMException && args[0].name === "AbortError") return;
  logError(...args);
};
// The same abort can reach the page as a rejected promise nobody waits for: a page's data still streaming in when the
// next navigation replaces it (a version arrow pressed twice quickly). It is not an error either.
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof DOMException && event.reason.name === "AbortError") event.preventDefault();
});

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RemixBrowser />
    </StrictMode>,
  );
});
