// Structured one-line JSON logs. Anything that looks like a secret is redacted
// before it is written (keys, tokens, cookies, passwords).
const SECRET_KEY = /(pass(word)?|secret|token|api[-_]?key|authorization|cookie)/i;
const SECRET_VALUE = /\b(sk-[A-Za-z0-9_-]{8,}|sk-ant-[A-Za-z0-9_-]{8,})\b/g;
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/**
 * Secrets whose shape no pattern knows (people's own keys, once decrypted):
 * scrubbed from every line, wherever they turn up (an upstream's error
 * message that quotes the key, say).
 */
const knownSecrets = new Set<string>();
const SHORTEST_SCRUBBED = 8;

/** Keeps `secret` out of every log line from now on. */
export function registerSecret(secret: string): void {
  if (secret.length >= SHORTEST_SCRUBBED) knownSecrets.add(secret);
}

/** `text` with every secret Parley knows of, and anything shaped like a key, cut out (for a log line, or a provider's words shown to a person). */
export function scrub(text: string): string {
  let out = text.replace(SECRET_VALUE, "[redacted]");
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.replaceAll(secret, "[redacted]");
  return out;
}

function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return { name: value.name, message: redact(value.message), stack: value.stack ? scrub(value.stack.split("\n").slice(0, 6).join("\n")) : undefined };
  if (typeof value === "string") return scrub(value);
  if (!value || typeof value !== "object" || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1)]),
  );
}

function threshold(): number {
  const level = (process.env.LOG_LEVEL ?? "info") as Level;
  return LEVELS[level] ?? LEVELS.info;
}

function write(level: Level, message: string, fields?: Record<string, unknown>) {
  if (LEVELS[level] < threshold()) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, message: scrub(message), ...(redact(fields ?? {}) as object) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};
