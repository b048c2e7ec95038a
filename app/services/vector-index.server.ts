// Keeps messages' embeddings current, in the background (docs/decisions/103):
// each answer (and its question) once it ends, looked up by id; and a sweep
// of every message every few minutes and at boot (the backfill of messages
// written before search by meaning was set up, newest first). One
// indexer per process; several machines sharing a database may embed the same
// message twice, which only costs a request (the row is replaced).
import { embed, embeddingsModel, type EmbeddingsModel } from "../llm/embeddings.server";
import { dropVectors, messagesWithoutVectors, prepareVectorSpace, storeVectors, theseWithoutVectors, vectorProgress, vectorSpace } from "../models/vectors.server";
import { logger } from "../utils/logger.server";

/** Messages sent to the endpoint per request. */
const BATCH = 32;
/** Vectors stored per write (about 4 ms each with the index: a write holds the connection some 30 ms). */
const STORE_BATCH = 8;
const SWEEP_MS = 5 * 60_000;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 30 * 60_000;

export interface IndexerState {
  /** The model the index is built with (null: search by meaning is off). */
  model: string | null;
  running: boolean;
  /** What went wrong last, for the admin (the provider's message, never a key). */
  lastError: { at: number; message: string } | null;
  /** Messages the endpoint refused one by one (kept out until the server restarts). */
  skipped: number;
}

export class VectorIndexer {
  private running: Promise<void> | null = null;
  private again = false;
  /** Messages named since the last run (answers that ended): looked up by id, not by a sweep of every message. */
  private named = new Set<string>();
  /** Whether the next run sweeps every message (boot, the periodic sweep, an import, a retry). */
  private sweepAll = false;
  private retryMs = FIRST_RETRY_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sweep: ReturnType<typeof setInterval> | undefined;
  private readonly skip = new Set<string>();
  private lastError: IndexerState["lastError"] = null;
  private stopped = false;

  constructor(private readonly options: { batch?: number; firstRetryMs?: number } = {}) {}

  /** Starts the backfill and the periodic sweep; forgets the vectors of a model no longer configured. */
  async start(): Promise<void> {
    const { model } = embeddingsModel();
    if (!model) {
      // Switched off: vectors that can no longer be searched take no room.
      if ((await vectorSpace()) !== null) await dropVectors();
      return;
    }
    this.sweep = setInterval(() => this.nudge(), SWEEP_MS);
    this.sweep.unref?.();
    this.nudge();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.sweep);
    clearTimeout(this.timer);
  }

  /**
   * Something was written: index what is missing, at once or right after the
   * run under way. `ids`: just these messages and those they answer (an
   * answer that ended); none: every message.
   */
  nudge(ids?: readonly string[]): void {
    if (this.stopped || !embeddingsModel().model) return;
    if (ids) for (const id of ids) this.named.add(id);
    else this.sweepAll = true;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  /** Resolves when the index has caught up (or a run failed and waits to retry): for tests and the admin's "index now". */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  state(): IndexerState {
    return { model: embeddingsModel().model?.id ?? null, running: this.running !== null, lastError: this.lastError, skipped: this.skip.size };
  }

  private async run(): Promise<void> {
    const model = embeddingsModel().model;
    if (!model) return;
    try {
      // Another model's vectors (the setting changed): start again from none.
      const space = await vectorSpace();
      if (space && space.model !== model.id) await dropVectors();
      const named = [...this.named];
      this.named.clear();
      const sweepAll = this.sweepAll || space?.model !== model.id;
      this.sweepAll = false;
      const batch = this.options.batch ?? BATCH;
      const these = (await theseWithoutVectors({ ids: named })).filter((m) => !this.skip.has(m.id));
      for (let at = 0; at < these.length && !this.stopped; at += batch) await this.embedAndStore(model, these.slice(at, at + batch));
      while (sweepAll && !this.stopped) {
        const pending = await messagesWithoutVectors({ limit: batch, skip: [...this.skip] });
        if (pending.length === 0) break;
        await this.embedAndStore(model, pending);
      }
      this.retryMs = this.options.firstRetryMs ?? FIRST_RETRY_MS;
      this.lastError = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.lastError = { at: Date.now(), message };
      logger.warn("could not index messages for search by meaning; trying again later", { model: model.id, retryInMs: this.retryMs, error: message });
      clearTimeout(this.timer);
      // The retry sweeps every message: it finds whatever this run left, named or not.
      this.timer = setTimeout(() => this.nudge(), this.retryMs);
      this.timer.unref?.();
      this.retryMs = Math.min(this.retryMs * 2, LONGEST_RETRY_MS);
    }
  }

  private async embedAndStore(model: EmbeddingsModel, pending: { id: string; content: string }[]): Promise<void> {
    let vectors: Float32Array[];
    try {
      vectors = await embed(model, pending.map((m) => m.content));
    } catch (error) {
      // The endpoint refused the batch itself (a 400): find the message it cannot take, and go on without it.
      if (!isRefusal(error) || pending.length === 1) {
        if (isRefusal(error)) {
          this.skip.add(pending[0]!.id);
          logger.warn("the embeddings endpoint refused a message; it stays out of search by meaning", { model: model.id, messageId: pending[0]!.id });
          return;
        }
        throw error;
      }
      for (const one of pending) await this.embedAndStore(model, [one]);
      return;
    }
    await prepareVectorSpace({ model: model.id, dimensions: vectors[0]!.length });
    const rows = pending.map((m, i) => ({ messageId: m.id, chars: m.content.length, vector: vectors[i]! }));
    // A few rows per write: the vector index costs milliseconds per row, and
    // people's requests share the database's one connection between writes.
    for (let at = 0; at < rows.length; at += STORE_BATCH) {
      await storeVectors(rows.slice(at, at + STORE_BATCH));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

function isRefusal(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 408 && status !== 429;
}

declare global {
  var __parleyVectorIndexer: VectorIndexer | undefined;
}

export function vectorIndexer(): VectorIndexer {
  globalThis.__parleyVectorIndexer ??= new VectorIndexer();
  return globalThis.__parleyVectorIndexer;
}

/** For the admin: the model, how far the index has come, and the last problem. */
export async function vectorIndexReport(): Promise<(IndexerState & { indexed: number; total: number }) | null> {
  const state = vectorIndexer().state();
  if (!state.model) return null;
  return { ...state, ...(await vectorProgress()) };
}
