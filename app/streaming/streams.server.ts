// The process-wide stream registry, wired to the database. One per process;
// kept on globalThis so Vite's dev-mode module reloads do not orphan streams.
import { saveStreamFinal, saveStreamProgress } from "../models/message.server";
import { env } from "../env.server";
import { vectorIndexer } from "../services/vector-index.server";
import { logger } from "../utils/logger.server";
import { StreamRegistry } from "./registry.server";

declare global {
  var __parleyStreamRegistry: StreamRegistry | undefined;
}

export function streamRegistry(): StreamRegistry {
  globalThis.__parleyStreamRegistry ??= new StreamRegistry({
    store: {
      saveProgress: saveStreamProgress,
      // A finished answer (and the question before it) can now be found by meaning.
      saveFinal: async (final) => {
        await saveStreamFinal(final);
        vectorIndexer().nudge([final.messageId]);
      },
    },
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

/** Thrown when another Fly machine is writing the answer a request is about. */
export class AnswerOnAnotherMachine extends Error {
  constructor(readonly instanceId: string) {
    super(`the answer is being written on machine ${instanceId}`);
    this.name = "AnswerOnAnotherMachine";
  }
}

/**
 * The machine writing this answer, when it is not this one (the answer is
 * streaming, not in this registry, and recorded elsewhere); otherwise null.
 */
export function owningMachine(message: { id: string; chatId: string; status: string; instanceId: string | null }): string | null {
  if (message.status !== "streaming" || !message.instanceId || message.instanceId === instanceId()) return null;
  if (streamRegistry().getIn(message.chatId, message.id)) return null;
  return message.instanceId;
}

/** The response that makes Fly's proxy replay the request on the machine that owns the answer (ADR 006, 012). */
export function replayOn(machine: string): Response {
  return new Response(null, { status: 409, headers: { "fly-replay": `instance=${machine}` } });
}
