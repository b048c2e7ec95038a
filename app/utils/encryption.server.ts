// Secrets at rest (people's own provider keys): AES-256-GCM under
// ENCRYPTION_KEY (or the key Parley made beside a local database), with earlier keys kept for decryption so the key can be
// rotated (docs/decisions/031). node:crypto, which Bun and Node both provide.
//
// A sealed value reads `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url): the
// key id says which key sealed it, so rotation knows what to re-encrypt and
// decryption never has to guess. The caller's `context` (whose secret, for
// which provider) is authenticated too: a sealed value copied onto another
// row does not open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { generatedEncryptionKey } from "../auth/secret.server";
import { env } from "../env.server";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Keyring {
  /** Seals new values. */
  current: { id: string; key: Buffer };
  /** Every key that may open a value, by id (the current one included). */
  byId: Map<string, Buffer>;
}

/** A sealed value that cannot be opened: unknown key, tampered, or not ours. Its message never holds the value. */
export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`could not decrypt a stored secret: ${reason}`);
    this.name = "DecryptionError";
  }
}

/** A short public name for a key (a hash, so it reveals nothing of the key). */
export function keyId(key: Buffer): string {
  return createHash("sha256").update("parley-encryption-key-id\0").update(key).digest("hex").slice(0, 12);
}

export function keyringOf({ current, old = [] }: { current: Buffer; old?: Buffer[] }): Keyring {
  const byId = new Map<string, Buffer>();
  for (const key of [current, ...old]) if (key.length === 32) byId.set(keyId(key), key);
  return { current: { id: keyId(current), key: current }, byId };
}

let cached: { source: Buffer | undefined; databaseUrl: string; keyring: Keyring | null } | undefined;

/**
 * The keyring that seals people's own keys: ENCRYPTION_KEY, or without it the
 * key Parley made beside a local database file (docs/decisions/196); null for
 * a remote database without ENCRYPTION_KEY (keys of one's own are off). A key
 * Parley made stays an old key once ENCRYPTION_KEY is set, so what it sealed
 * still opens and is sealed again at the next start.
 */
export function serverKeyring(): Keyring | null {
  const { ENCRYPTION_KEY, ENCRYPTION_KEYS_OLD, DATABASE_URL } = env();
  if (!cached || cached.source !== ENCRYPTION_KEY || cached.databaseUrl !== DATABASE_URL) {
    cached = { source: ENCRYPTION_KEY, databaseUrl: DATABASE_URL, keyring: keyringFor({ key: ENCRYPTION_KEY, old: ENCRYPTION_KEYS_OLD, databaseUrl: DATABASE_URL }) };
  }
  return cached.keyring;
}

/** The keyring for these settings (serverKeyring's rules); makes the key kept beside a local database when `key` is unset. */
export function keyringFor({ key, old, databaseUrl }: { key: Buffer | undefined; old: Buffer[]; databaseUrl: string }): Keyring | null {
  const generated = generatedEncryptionKey(databaseUrl, { make: !key });
  if (key) return keyringOf({ current: key, old: [...old, ...(generated ? [generated] : [])] });
  return generated ? keyringOf({ current: generated, old }) : null;
}

export function seal(keyring: Keyring, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, keyring.current.id, iv.toString("base64url"), ciphertext.toString("base64url"), tag.toString("base64url")].join(".");
}

export function open(keyring: Keyring, sealed: string, context: string): string {
  const [version, id, iv, ciphertext, tag, ...rest] = sealed.split(".");
  if (version !== VERSION || !id || iv === undefined || ciphertext === undefined || tag === undefined || rest.length > 0) {
    throw new DecryptionError("not a sealed value");
  }
  const key = keyring.byId.get(id);
  if (!key) throw new DecryptionError(`it was sealed with key ${id}, which is none of ENCRYPTION_KEY, ENCRYPTION_KEYS_OLD or the key kept beside the database`);
  const ivBytes = Buffer.from(iv, "base64url");
  const tagBytes = Buffer.from(tag, "base64url");
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new DecryptionError("malformed");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch (cause) {
    // GCM's tag check failed: the value, its context or the key is not what sealed it.
    throw Object.assign(new DecryptionError("it was changed, or belongs elsewhere"), { cause });
  }
}

/** True when a value was sealed with an older key (rotation re-encrypts it). */
export function sealedWithOldKey(keyring: Keyring, sealed: string): boolean {
  return sealed.split(".")[1] !== keyring.current.id;
}
