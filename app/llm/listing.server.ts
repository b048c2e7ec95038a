// A provider's model list as both adapters read it: the live listing when it
// names a chat model, otherwise the list the operator configured, and the
// reason the last listing failed (shown on Admin → Models, docs/decisions/191).
import { logger } from "../utils/logger.server";
import { type ListingFailure, listingFailureOf, type ModelInfo, timedOut } from "./types";

export interface ModelListing {
  /** Runs `read` under the rules above. Rejects only when there is no configured list, or when the caller gave up. */
  list(read: () => Promise<ModelInfo[]>, signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Why the last listing failed; null once one worked. */
  lastFailure(): ListingFailure | null;
}

export function modelListing(options: {
  label: string;
  /** The configured list, as model infos (built when it stands in). */
  fallback: () => ModelInfo[];
  /** Turns what the SDK threw into the adapter's UpstreamError. */
  toError: (error: unknown) => unknown;
}): ModelListing {
  let lastFailure: ListingFailure | null = null;
  return {
    async list(read, signal) {
      let models: ModelInfo[];
      try {
        models = await read();
      } catch (error) {
        // Given up on by the caller: nothing to list, nothing learnt. Out of time: the configured list stands in, as for
        // any failure (without one, the caller's timeout is its to tell).
        const outOfTime = signal?.aborted === true && timedOut(signal.reason);
        if (signal?.aborted && !outOfTime) throw signal.reason;
        const failure = outOfTime ? signal!.reason : options.toError(error);
        lastFailure = listingFailureOf(failure);
        const fallback = options.fallback();
        if (fallback.length === 0) throw failure;
        logger.warn("listing models failed, using the configured list", { provider: options.label, error: String(error) });
        return fallback;
      }
      lastFailure = null;
      // A listing that names no chat model: the configured list, if any.
      return models.length > 0 ? models : options.fallback();
    },
    lastFailure: () => lastFailure,
  };
}
