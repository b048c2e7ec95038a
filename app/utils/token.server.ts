// One-time tokens handed to people in links (password resets, invites): 256
// random bits in the link, only their SHA-256 in the database, so a copy of
// the database holds no usable link.
import { createHash } from "node:crypto";

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createToken(): { token: string; hash: string } {
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** Whether a string has the shape of a token we made (anything else is refused before any lookup). */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === "string" && TOKEN_PATTERN.test(value);
}
