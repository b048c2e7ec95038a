// Parley's production entry point: Bun.serve in front of the Remix request
// handler. Order of work per request: static files → CSRF check → Remix.
import path from "node:path";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { isCrossOriginRequest } from "./app/auth/csrf.server";
import { sessionSecret } from "./app/auth/secret.server";
import { prepareDatabase } from "./app/db.server";
import { env } from "./app/env.server";
import { interruptOrphanedStreams } from "./app/models/message.server";
import { instanceId, streamRegistry } from "./app/streaming/streams.server";
import { logger } from "./app/utils/logger.server";

const bootStartedAt = performance.now();

let config: ReturnType<typeof env>;
try {
  config = env();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const root = path.dirname(Bun.fileURLToPath(import.meta.url));
const clientDir = path.join(root, "build", "client");
const build = (await import(path.join(root, "build", "server", "index.js"))) as ServerBuild;
const handleRemixRequest = createRequestHandler(build, config.NODE_ENV === "test" ? "production" : config.NODE_ENV);

await prepareDatabase();
sessionSecret();
const interrupted = await interruptOrphanedStreams({ instanceId: instanceId() });
if (interrupted > 0) logger.warn("marked answers left streaming by a previous process as interrupted", { count: interrupted });

/** Hashed build output never changes under the same name: cache it for a year. */
const IMMUTABLE = "public, max-age=31536000, immutable";

// The client build does not change while the server runs: list it once, so a
// page or stream request costs no file-system lookup.
const staticFiles = new Set(
  [...new Bun.Glob("**/*").scanSync({ cwd: clientDir, onlyFiles: true, dot: false })].map((name) => "/" + name.split(path.sep).join("/")),
);

function serveStatic(pathname: string): Response | null {
  if (pathname === "/" || pathname.endsWith("/")) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const file = path.join(clientDir, decoded);
  // path.join normalises "..": anything that resolves outside the folder is not ours to serve.
  if (!file.startsWith(clientDir + path.sep) || !staticFiles.has(decoded)) return null;
  return new Response(Bun.file(file), {
    headers: { "Cache-Control": decoded.startsWith("/assets/") ? IMMUTABLE : "public, max-age=3600" },
  });
}

const server = Bun.serve({
  port: config.PORT,
  hostname: config.HOST,
  // SSE responses lift this per request (server.timeout(req, 0)) and send heartbeats.
  idleTimeout: 30,
  async fetch(request, server) {
    const url = new URL(request.url);
    if (request.method === "GET" || request.method === "HEAD") {
      const file = serveStatic(url.pathname);
      if (file) return file;
      // A stale hashed asset (an old page after a deploy) is a plain 404, not an HTML page.
      if (url.pathname.startsWith("/assets/")) return new Response("Not found", { status: 404 });
    }
    if (isCrossOriginRequest(request)) {
      return new Response("Cross-site form submissions are not accepted. Reload the page and try again.", {
        status: 403,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    return handleRemixRequest(request, {
      // Bun closes a connection after `idleTimeout` seconds without bytes; a stream can sit quiet longer.
      disableIdleTimeout: () => server.timeout(request, 0),
    });
  },
  error(error) {
    logger.error("unhandled server error", { error });
    return new Response("Internal Server Error", { status: 500 });
  },
});

logger.info("Parley is listening", {
  url: `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${server.port}`,
  bootMs: Math.round(performance.now() - bootStartedAt),
  database: config.DATABASE_URL.startsWith("file:") ? config.DATABASE_URL : "remote libSQL",
});

// Graceful shutdown (Fly sends SIGINT/SIGTERM on deploy): stop taking requests,
// give running answers a moment to finish, then persist the rest as interrupted.
let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info("shutting down", { signal, activeStreams: streamRegistry().activeStreams().length });
  server.stop();
  const deadline = Date.now() + 10_000;
  while (streamRegistry().activeStreams().length > 0 && Date.now() < deadline) await Bun.sleep(100);
  await streamRegistry().stopAll();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
