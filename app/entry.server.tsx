// The server side of the app, and the one entry point of the process: Remix
// renders documents with handleRequest, and server.ts reaches boot, shutdown
// and handleHttp through this module of the server build (never by importing
// app/ itself), so every module — database, config, stream registry — exists
// once (docs/decisions/019).
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { contentSecurityPolicy } from "./http/edge.server";
import { documentBytes } from "./http/html-stream.server";
import { logger } from "./utils/logger.server";
import { NonceProvider } from "./utils/nonce";
import { messagesFor } from "./i18n/resources.server";
import { type PageWords, PageWordsProvider } from "./i18n/page-words";
import { localeOf } from "./utils/http.server";

export { boot, hurryShutdown, settings, shutdown } from "./http/lifecycle.server";
export { resetLinkCommand } from "./http/commands.server";
export { handleHttp, lastResort, listStaticFiles } from "./http/edge.server";

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // Bots, and browsers without JavaScript that cannot finish a streamed
  // suspense boundary, get the whole document at once.
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  const nonce = loadContext.nonce ?? "";
  return new Promise<Response>((resolve, reject) => {
    let shellReady = false;
    let shellRendered = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <PageWordsProvider value={pageWordsOf(request, remixContext)}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </PageWordsProvider>
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          // The wait for streamed data starts once the page's frame is rendered. Counted from the request instead,
          // a busy server (a hundred pages queued for the CPU) aborted renders that had not begun, and the
          // aborted page went out as a 500.
          shellReady = true;
          timer = setTimeout(abort, ABORT_DELAY + 1_000);
          if (!waitForAll) send();
        },
        onAllReady() {
          clearTimeout(timer);
          if (waitForAll) send();
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          // Past the shell, a part that failed or was cut off by the wait shows its fallback in a page that is
          // otherwise whole (a page for a bot, rendered complete before it is sent, included): not a 500.
          if (!shellReady) responseStatusCode = 500;
          if (!request.signal.aborted) logger.error(shellRendered ? "rendering failed after the shell was sent" : "rendering failed", { error });
        },
      },
    );

    function send() {
      shellRendered = true;
      const body = documentBytes();
      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      if (nonce) responseHeaders.set("Content-Security-Policy", contentSecurityPolicy(nonce));
      resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
      pipe(body);
    }
  });
}

/** The page's language and words when the root's loader did not run (an error answering a form): from the request. */
function pageWordsOf(request: Request, remixContext: EntryContext): PageWords | null {
  if (remixContext.staticHandlerContext.loaderData.root) return null;
  const locale = localeOf(request);
  return { locale, messages: messagesFor(locale) };
}

/**
 * What Remix reports: a 4xx (an unknown address, a method a route does not
 * take) is the visitor's business, not the log's; a real failure is one JSON
 * line. Nobody can fill the log with stack traces by asking for odd URLs.
 */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) return;
  logger.error("request failed", { method: request.method, path: new URL(request.url).pathname, error });
};
