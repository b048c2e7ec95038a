// The process-wide stream registry, wired to the database. One per process;
// kept on globalThis so Vite's dev-mode module reloads do not orphan streams.
import { saveStreamFinal, saveStreamProgress } from "../models/message.server";
import { env } from "../env.server";
import { logger } from "../utils/logger.server";
import { StreamRegistry } from "./registry.server";

declare global {
  // eslint-disable-next-line no-var
  var __parleyStreamRegistry: StreamRegistry | undefined;
}

export function streamRegistry(): StreamRegistry {
  globalThis.__parleyStreamRegistry ??= new StreamRegistry({
    store: { saveProgress: saveStreamProgress, saveFinal: saveStreamFinal },
    persistIntervalMs: env().PERSIST_INTERVAL_MS,
    retentionMs: env().STREAM_RETENTION_MS,
    onUnexpectedError: (error) => logger.error("stream failure", { error }),
  });
  return globalThis.__parleyStreamRegistry;
}

/** This machine's id on a Fly fleet (null when running alone). */
export function instanceId(): string | null {
  return env().FLY_MACHINE_ID ?? null;
}

/**
 * When another Fly machine is writing this answer (it is streaming, not in
 * this registry, and recorded elsewhere), the response that makes Fly's proxy
 * replay the request there (ADR 006, 012); otherwise null.
 */
export function replayToOwner(message: { id: string; status: string; instanceId: string | null }): Response | null {
  if (message.status !== "streaming" || !message.instanceId || message.instanceId === instanceId()) return null;
  if (streamRegistry().get(message.id)) return null;
  return new Response(null, { status: 409, headers: { "fly-replay": `instance=${message.instanceId}` } });
}
