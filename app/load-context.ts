// What server.ts hands every loader and action besides the request.
import type { AppLoadContext } from "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Lifts Bun's idle timeout for a long-lived response (SSE). Absent under the Vite dev server. */
    disableIdleTimeout?: () => void;
    /** This request's Content-Security-Policy nonce for inline scripts. */
    nonce?: string;
    /** The client's address (the socket's, or Fly-Client-IP on Fly): for login throttling. */
    clientIp?: string;
  }
}

export type { AppLoadContext };
