// Structured one-line JSON logs. Anything that looks like a secret is redacted
// before it is written (keys, tokens, cookies, passwords).
const SECRET_KEY = /(pass(word)?|secret|token|api[-_]?key|authorization|cookie)/i;
const SECRET_VALUE = /\b(sk-[A-Za-z0-9_-]{8,}|sk-ant-[A-Za-z0-9_-]{8,})\b/g;
/** The password in an address's `user:password@` (a database's or a proxy's URL), also in one too broken to parse. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#@]*@/gi;
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
  let out = text.replace(SECRET_VALUE, "[redacted]").replace(URL_PASSWORD, "$1:[redacted]@");
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.replaceAll(secret, "[redacted]");
  return out;
}

/**
 * The most characters of one value a line keeps. An upstream can answer with
 * a whole web page where its error should be (a base URL pointing at the
 * wrong server); the line keeps its start and says how much was left out.
 */
export const LONGEST_LOGGED_VALUE = 500;

function cut(text: string): string {
  if (text.length <= LONGEST_LOGGED_VALUE) return text;
  return `${text.slice(0, LONGEST_LOGGED_VALUE)}… [${text.length - LONGEST_LOGGED_VALUE} more characters]`;
}

/** The first five frames of a stack; its head repeats the message, which the line already holds (cut). */
function frames(stack: string): string {
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 5)
    .map((line) => cut(scrub(line.trim())))
    .join("\n");
}

function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return { name: value.name, message: redact(value.message), stack: value.stack ? frames(value.stack) : undefined };
  if (typeof value === "string") return cut(scrub(value));
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
