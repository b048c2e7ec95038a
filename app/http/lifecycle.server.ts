// Boot and shutdown of the process, called by server.ts through the server
// build. Boot: configuration, private files, database (PRAGMAs, migrations),
// the session secret, people's keys sealed with a rotated-out encryption key,
// answers a dead process left streaming, the periodic clean-up of expired
// sessions, and the background indexing for search by meaning.
import { chmodSync, existsSync } from "node:fs";
import { deleteExpiredSessions } from "../auth/session.server";
import { sweepUnusedUploads } from "../models/attachment.server";
import { encryptionKeyFile, sessionSecret, sessionSecretFile } from "../auth/secret.server";
import { checkpointAndClose, prepareDatabase } from "../db.server";
import { type Env, env, KNOWN_SETTINGS, localDatabasePath } from "../env.server";
import { PRESETS } from "../llm/catalog.server";
import { type EmbeddingsOff, embeddingsModel } from "../llm/embeddings.server";
import { interruptOrphanedStreams } from "../models/message.server";
import { resealUserKeys } from "../models/user-key.server";
import { instanceId, streamRegistry } from "../streaming/streams.server";
import { settlePendingTitles } from "../streaming/title.server";
import { vectorIndexer } from "../services/vector-index.server";
import { logger, scrub } from "../utils/logger.server";
import { readSetting, writeSetting } from "../models/app-setting.server";

const SESSION_SWEEP_MS = 60 * 60 * 1000;
/** How long boot waits for the database to answer (migrations on a remote server included). */
const DATABASE_ANSWER_MS = 30_000;
let sweep: ReturnType<typeof setInterval> | undefined;
let leftoverCheck: ReturnType<typeof setTimeout> | undefined;

/** Until when (ms) a process that is stopping may still be writing answers: another one starting meanwhile leaves them to it. */
const FINISHING_UNTIL_KEY = "answers_finishing_until";
/** Beyond the time to finish: storing what is left as interrupted, and the clocks of two processes. */
const FINISHING_MARGIN_MS = 2_000;

/**
 * The umask covers files created from now on; files an earlier version
 * created readable by everyone (0644) are narrowed here, before they are opened.
 */
function makePrivate(databaseFile: string | null) {
  if (!databaseFile) return;
  const siblings = [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`, sessionSecretFile(), encryptionKeyFile(env().DATABASE_URL)!];
  for (const file of siblings) if (existsSync(file)) chmodSync(file, 0o600);
}

const EMBEDDINGS_PROBLEM: Record<EmbeddingsOff, string> = {
  not_configured: "is not set",
  provider_unknown: `names no provider Parley knows: it starts with one of ${PRESETS.filter((preset) => preset.api === "openai").map((preset) => `${preset.id}:`).join(" ")}`,
  provider_missing: "names a provider this server has no key for (its <PROVIDER>_API_KEY, or for a local server its <PROVIDER>_BASE_URL, is not set)",
  provider_unsupported: "names a provider without an OpenAI-compatible embeddings endpoint",
};

/** The database setting as a message names it: without its query string, and any password in it hidden. */
export function databaseSetting(config: Env = env()): string {
  return scrub(`DATABASE_URL=${JSON.stringify(config.DATABASE_URL.split("?")[0])}`);
}

/**
 * The innermost reason of an error (drizzle's "Failed query" wraps the driver's, which may wrap the system's): not
 * the query, which would print what it was asked with.
 */
export function rootCause(error: unknown): string {
  let cause = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  if (!(cause instanceof Error)) return String(cause);
  // The system's and SQLite's own words name a call or a number: say what is wrong with the place instead.
  const { code, path: at } = cause as NodeJS.ErrnoException;
  if (code === "EEXIST" && at) return `${at} is a file, where the database's folder would be`;
  if ((code === "EACCES" || code === "EROFS") && at) return `this user may not write in ${at}`;
  if (/SQLITE_CANTOPEN|Unable to open connection.*: 14\b/.test(cause.message)) return "SQLite could not open or create the file there: check that its folder exists and this user may write in it";
  return cause.message;
}

/** A limit's name typed wrong would be ignored without a word: say so. */
export function warnAboutUnknownSettings(source: Record<string, string | undefined>): string[] {
  const unknown = Object.keys(source).filter((name) => /^(RATE_LIMIT|LIMIT)_/.test(name) && !KNOWN_SETTINGS.has(name));
  for (const name of unknown) logger.warn("unknown setting ignored: check its name in .env.example", { name });
  return unknown;
}

/**
 * The configuration, read and checked without touching any data: server.ts
 * takes its port with it before boot, so a second server started by mistake
 * stops there and leaves the first one's answers alone. Throws with a
 * readable message when a setting is wrong.
 */
export function settings(): Env {
  return env();
}

/** Prepares everything a request needs; throws with a readable message when the configuration is wrong. */
export async function boot({ migrationsFolder }: { migrationsFolder: string }): Promise<Env> {
  const config = env();
  // The database, its WAL and the session secret hold private data: readable by their owner only.
  process.umask(0o077);
  makePrivate(localDatabasePath(config.DATABASE_URL));
  const where = databaseSetting(config);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A server that takes the connection and never answers would otherwise hold the boot, silent, for ever.
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${DATABASE_ANSWER_MS / 1000} s`)), DATABASE_ANSWER_MS);
  });
  await Promise.race([prepareDatabase({ migrationsFolder }), silent])
    .catch((error: unknown) => {
      throw new Error(scrub(`Could not open the database at ${where}: ${rootCause(error)}`));
    })
    .finally(() => clearTimeout(timer));
  warnAboutUnknownSettings(process.env);
  const embeddings = embeddingsModel();
  if (config.EMBEDDINGS_MODEL && embeddings.off) logger.warn(`search by meaning is off: EMBEDDINGS_MODEL ${EMBEDDINGS_PROBLEM[embeddings.off]}`, { reason: embeddings.off });
  sessionSecret();
  // After a rotation (the old ENCRYPTION_KEY moved to ENCRYPTION_KEYS_OLD), people's keys are sealed again with the new one.
  const { resealed, unreadable } = await resealUserKeys();
  if (resealed > 0) logger.info("re-encrypted people's own keys with the current ENCRYPTION_KEY", { count: resealed });
  if (unreadable > 0) logger.warn("some people's own keys were sealed with an encryption key the server no longer has; they must add them again", { count: unreadable });
  // A process stopped a moment ago may still be finishing its answers (it gave up the port at once): they are left
  // to it until its time is up, then whatever it left streaming is marked, as after a crash.
  const finishingUntil = Number(await readSetting({ key: FINISHING_UNTIL_KEY })) || 0;
  const leftover = async () => {
    const interrupted = await interruptOrphanedStreams({ instanceId: instanceId(), except: streamRegistry().activeStreams().map((stream) => stream.messageId) });
    if (interrupted > 0) logger.warn("marked answers left streaming by a previous process as interrupted", { count: interrupted });
  };
  if (finishingUntil > Date.now()) {
    logger.info("a Parley process that is stopping may still be finishing answers: they are left to it, and checked again when its time is up", { until: new Date(finishingUntil).toISOString() });
    leftoverCheck = setTimeout(() => void leftover().catch((error: unknown) => logger.warn("could not check for answers left streaming", { error })), finishingUntil - Date.now());
    leftoverCheck.unref?.();
  } else {
    await leftover();
  }
  const swept = async () => {
    await deleteExpiredSessions().catch((error) => logger.warn("could not delete expired sessions", { error }));
    await sweepUnusedUploads().catch((error) => logger.warn("could not delete unused uploads", { error }));
  };
  await swept();
  sweep = setInterval(swept, SESSION_SWEEP_MS);
  sweep.unref?.();
  // Search by meaning: embeds what is missing in the background (a failing endpoint never stops the boot).
  await vectorIndexer()
    .start()
    .catch((error) => logger.warn("could not start indexing for search by meaning", { error }));
  return config;
}

let hurried = false;

/** A second Ctrl-C: the running answers' time to finish ends now; they are stored as they are. */
export function hurryShutdown(): void {
  hurried = true;
  logger.info("stopping now: answers still being written are stored as they are");
}

/** Lets running answers finish for a while, then stores the rest as interrupted. */
export async function shutdown({ graceMs = 10_000, stopListening = () => {} }: { graceMs?: number; stopListening?: () => void } = {}): Promise<void> {
  hurried = false;
  if (sweep) clearInterval(sweep);
  clearTimeout(leftoverCheck);
  vectorIndexer().stop();
  const registry = streamRegistry();
  const activeStreams = registry.activeStreams().length;
  // The port is given up now: a Parley started meanwhile on this database is told first that these answers are still written.
  const finishingUntil = activeStreams > 0 ? Date.now() + graceMs + FINISHING_MARGIN_MS : 0;
  if (finishingUntil) {
    await writeSetting({ key: FINISHING_UNTIL_KEY, value: finishingUntil, changedBy: null }).catch((error: unknown) =>
      logger.warn("could not note that answers are being finished", { error }),
    );
  }
  stopListening();
  const waiting = `shutting down: running answers get up to ${Math.round(graceMs / 1000)} s to finish (a second Ctrl-C stores them as they are and stops)`;
  logger.info(activeStreams > 0 ? waiting : "shutting down", { activeStreams });
  const deadline = Date.now() + graceMs;
  while (registry.activeStreams().length > 0 && Date.now() < deadline && !hurried) await new Promise((resolve) => setTimeout(resolve, 100));
  await registry.stopAll();
  // Every answer is stored: a Parley starting now has nothing to wait for (unless another process noted a time since).
  if (finishingUntil) {
    await readSetting({ key: FINISHING_UNTIL_KEY })
      .then((noted) => (Number(noted) === finishingUntil ? writeSetting({ key: FINISHING_UNTIL_KEY, value: 0, changedBy: null }) : undefined))
      .catch((error: unknown) => logger.warn("could not note that the answers are finished", { error }));
  }
  await settlePendingTitles(hurried ? 0 : 2_000);
  await checkpointAndClose().catch((error: unknown) => logger.warn("could not checkpoint the database at shutdown", { error }));
}
