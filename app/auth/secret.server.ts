// SESSION_SECRET keys the session-id HMAC (rotating it signs everyone out).
// Without one in the environment, Parley makes one and keeps it beside the
// database so restarts do not sign everybody out.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env, localDatabasePath } from "../env.server";
import { logger } from "../utils/logger.server";

let secret: string | undefined;

export function sessionSecretFile(): string {
  const databaseFile = localDatabasePath(env().DATABASE_URL);
  return path.join(databaseFile ? path.dirname(databaseFile) : path.resolve("data"), "session-secret");
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
