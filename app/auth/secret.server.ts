// The secrets Parley makes for itself when the environment gives none, kept
// beside the database (0600) so that a restart finds them:
// - SESSION_SECRET keys the session-id HMAC (rotating it signs everyone out);
// - the encryption key seals people's own provider keys when ENCRYPTION_KEY
//   is unset and the database is a local file (docs/decisions/196).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env, localDatabasePath } from "../env.server";
import { logger } from "../utils/logger.server";

let secret: string | undefined;

export function sessionSecretFile(): string {
  const databaseFile = localDatabasePath(env().DATABASE_URL);
  return path.join(databaseFile ? path.dirname(databaseFile) : path.resolve("data"), "session-secret");
}

/** Where the encryption key Parley made is kept: beside the local database file, or null for a remote database. */
export function encryptionKeyFile(databaseUrl: string): string | null {
  const databaseFile = localDatabasePath(databaseUrl);
  return databaseFile ? path.join(path.dirname(databaseFile), "encryption-key") : null;
}

/**
 * The encryption key Parley made for the database at `databaseUrl`: read
 * from its file, or (`make`) made and saved there when there is none yet.
 * Null for a remote database, which several machines may share: each would
 * make a key of its own, and none could open what another sealed.
 */
export function generatedEncryptionKey(databaseUrl: string, { make }: { make: boolean }): Buffer | null {
  const file = encryptionKeyFile(databaseUrl);
  if (!file) return null;
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
    if (key.length === 32) return key;
    if (!make) return null;
    logger.warn("the encryption key file does not hold 32 bytes: made a new one (keys sealed with the old one must be added again)", { file });
  } else if (!make) {
    return null;
  }
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, key.toString("base64") + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  logger.warn("ENCRYPTION_KEY is not set: generated one for people's own keys and saved it beside the database. Back it up with the database, or set ENCRYPTION_KEY.", { file });
  return key;
}

export function sessionSecret(): string {
  if (secret) return secret;
  const fromEnv = env().SESSION_SECRET;
  if (fromEnv) return (secret = fromEnv);
  const file = sessionSecretFile();
  if (existsSync(file)) {
    secret = readFileSync(file, "utf8").trim();
    if (secret.length >= 32) return secret;
  }
  secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  logger.warn("SESSION_SECRET is not set: generated one and saved it beside the database. Set SESSION_SECRET when running more than one machine.", { file });
  return secret;
}
