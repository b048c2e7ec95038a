// Parley's production entry point: Bun.serve in front of the server build.
// Everything else — config, database, static files, security headers, Remix —
// lives in the build (app/entry.server.tsx re-exports what is needed here),
// so the process holds one copy of every module.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import type * as Entry from "./app/entry.server";

const bootStartedAt = performance.now();
const root = path.dirname(Bun.fileURLToPath(import.meta.url));

/** Newest modification time under `target` (a file or a folder), 0 when absent. */
function newest(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newest(path.join(target, name))));
}

/**
 * Builds the app when the build is missing or older than its sources (a
 * checkout without the sources, like the Docker image, never builds), and
 * says so in one line instead of the bundler's page of output.
 */
function ensureFreshBuild() {
  const built = newest(path.join(root, "build", "server", "index.js"));
  // Everything the bundles are made from: the app, its static files, the schema it imports, the build settings and the dependencies.
  const inputs = ["app", "public", "drizzle/schema.ts", "vite.config.ts", "tsconfig.json", "package.json", "package-lock.json"];
  const sources = Math.max(...inputs.map((name) => newest(path.join(root, name))));
  const remix = path.join(root, "node_modules", ".bin", "remix");
  if ((built > 0 && built >= sources) || !existsSync(path.join(root, "app")) || !existsSync(remix)) return;
  const startedAt = performance.now();
  process.stdout.write("Building Parley… ");
  const result = Bun.spawnSync([remix, "vite:build"], { cwd: root, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) {
    process.stdout.write("failed:\n");
    process.stdout.write(result.stdout.toString() + result.stderr.toString());
    process.exit(1);
  }
  process.stdout.write(`done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`);
}

// This entry point serves the production build: React, Remix and the app run in production mode unless told
// otherwise (development mode sends error details and stack traces to the browser, and renders more slowly).
// Set before the build is imported, since React picks its mode when it is first loaded.
process.env.NODE_ENV ||= "production";

ensureFreshBuild();
const build = (await import(path.join(root, "build", "server", "index.js"))) as ServerBuild;
const app = build.entry.module as unknown as typeof Entry;

let config: ReturnType<typeof app.settings>;
try {
  config = app.settings();
} catch (error) {
  // A bad setting: say which and stop (the message names the variable and the fix).
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

// A command instead of serving (`npm run reset-link -- <email>`): done on the database as it is, then the process ends.
const [command, ...commandArgs] = process.argv.slice(2);
if (command === "reset-link") {
  const { ok, said } = await app.resetLinkCommand(commandArgs[0]);
  (ok ? console.log : console.error)(said);
  process.exit(ok ? 0 : 1);
} else if (command) {
  console.error(`Unknown command "${command}". Without one, this starts Parley; npm run reset-link -- <email> makes a password-reset link.`);
  process.exit(1);
}

const remix = createRequestHandler(build, config.NODE_ENV === "test" ? "production" : config.NODE_ENV);
const staticFiles = app.listStaticFiles(path.join(root, "build", "client"));

// The port is taken before boot touches any data: boot marks answers left streaming as interrupted, and a second
// server started by mistake on the same port and database would otherwise do that to the first one's live answers.
// Requests that arrive while boot runs wait for it.
let booted = false;
let bootDone: () => void = () => {};
const booting = new Promise<void>((resolve) => (bootDone = resolve));

let server: ReturnType<typeof Bun.serve>;
try {
  server = Bun.serve({
    port: config.PORT,
    hostname: config.HOST,
    // SSE responses lift this per request (server.timeout(req, 0)) and send heartbeats.
    idleTimeout: 30,
    // A message with the most files of the largest size, and its text (uploads are checked file by file as they stream),
    // or the largest import (checked as it streams in too).
    maxRequestBodySize: Math.max(config.MAX_FILES_PER_MESSAGE * config.MAX_FILE_BYTES, config.MAX_IMPORT_BYTES) + 16 * 1024 * 1024,
    fetch(request, server) {
      const handle = () =>
        app.handleHttp(request, {
          remix,
          staticFiles,
          // Bun closes a connection after `idleTimeout` seconds without bytes; a stream can sit quiet longer.
          disableIdleTimeout: () => server.timeout(request, 0),
          socketIp: server.requestIP(request)?.address,
          clientIpHeader: config.CLIENT_IP_HEADER ?? (config.FLY_MACHINE_ID ? "Fly-Client-IP" : undefined),
        });
      return booted ? handle() : booting.then(handle);
    },
    error(error) {
      // handleHttp answers every failure itself; this is Bun's last resort: one log line, the usual headers.
      return app.lastResort(error);
    },
  });
} catch (error) {
  const inUse = (error as { code?: string }).code === "EADDRINUSE";
  console.error(
    inUse
      ? `Port ${config.PORT} on ${config.HOST} is already in use: another Parley (or another program) is running there. Stop it, or set PORT to another port.`
      : `Could not listen on HOST=${JSON.stringify(config.HOST)} PORT=${config.PORT}: ${error instanceof Error ? error.message : String(error)}. HOST is an address of this machine (0.0.0.0 for all of them, 127.0.0.1 for itself only).`,
  );
  process.exit(1);
}

try {
  await app.boot({ migrationsFolder: path.join(root, "drizzle", "migrations") });
} catch (error) {
  // A database that cannot be opened or migrated: say why and stop.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
booted = true;
bootDone();

console.log(
  JSON.stringify({
    time: new Date().toISOString(),
    level: "info",
    message: "Parley is listening",
    url: `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${server.port}`,
    bootMs: Math.round(performance.now() - bootStartedAt),
  }),
);

// Graceful shutdown (Fly sends SIGTERM on deploy, a terminal SIGINT): stop
// taking requests, let running answers finish or be stored, then exit.
let shuttingDown = 0;
let hurried = false;
async function stop() {
  if (shuttingDown) {
    // A signal within a second of the first is the same Ctrl-C, which reaches the server both from the terminal and
    // through npm. A second Ctrl-C ends the answers' time to finish: they are stored as they are, and the server
    // stops. A third stops at once (the next start stores what was still running as interrupted).
    if (performance.now() - shuttingDown <= 1_000) return;
    if (hurried) process.exit(130);
    hurried = true;
    app.hurryShutdown();
    return;
  }
  shuttingDown = performance.now();
  await app.shutdown({ stopListening: () => void server.stop() });
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
