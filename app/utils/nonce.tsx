// The CSP nonce of the page being rendered, for Remix's inline scripts. The
// server renders it into the script tags; browsers hide it from the DOM, so
// on the client it is empty and that is fine (scripts already ran).
import { createContext, useContext } from "react";

const NonceContext = createContext<string>("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
