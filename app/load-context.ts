// What server.ts hands every loader and action besides the request.
import type { AppLoadContext } from "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Lifts Bun's idle timeout for a long-lived response (SSE). Absent under the Vite dev server. */
    disableIdleTimeout?: () => void;
  }
}

export type { AppLoadContext };
