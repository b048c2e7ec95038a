// The one place process.env is read. Parsed once at boot; a bad
// value stops the server with a message naming the variable and the fix.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { allowEntryProblem } from "./llm/ssrf.server";
import { census } from "./utils/census.server";
import { scrub } from "./utils/logger.server";

const booleanString = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { errorMap: () => ({ message: "expected true or false" }) }))
  .transform((v) => v === "true" || v === "1" || v === "yes" || v === "on");

const url = z
  .string()
  .url("must be a URL, like https://api.example.com/v1")
  .refine((v) => /^https?:\/\//i.test(v), "must be an http:// or https:// address, like https://api.example.com/v1");
const modelList = z
  .string()
  .transform((v) => v.split(",").map((m) => m.trim()).filter(Boolean));

/**
 * An AES-256 key: 32 random bytes written as 64 hex characters or as base64
 * (`openssl rand -base64 32`). Decoded here so a wrong length stops the boot.
 */
export function decodeEncryptionKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length === 32) return bytes;
  }
  return null;
}

const ENCRYPTION_KEY_HINT = "must be 32 random bytes as 64 hex characters or base64 (try: openssl rand -base64 32)";
const encryptionKey = z.string().transform((value, context) => {
  const key = decodeEncryptionKey(value);
  if (!key) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: ENCRYPTION_KEY_HINT });
    return z.NEVER;
  }
  return key;
});
const encryptionKeyList = z.string().transform((value, context) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item, index) => {
      const key = decodeEncryptionKey(item);
      if (!key) context.addIssue({ code: z.ZodIssueCode.custom, message: `key ${index + 1} ${ENCRYPTION_KEY_HINT}` });
      return key ?? Buffer.alloc(0);
    }),
);

/** Actions with a rate limit of their own (app/services/limits.server.ts). */
export const LIMITED_ACTIONS = ["send", "regenerate", "upload", "search", "import"] as const;
export type LimitedAction = (typeof LIMITED_ACTIONS)[number];

/** A rate limit: `points` per `durationSeconds`, or null when turned off. */
export type RateLimitSetting = { points: number; durationSeconds: number } | null;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/**
 * "30/1m" (30 per minute), "200/h", "5/10s"; "0" or "off" turns the limit off. `fits` narrows the windows taken,
 * and `format` is then what the one refusal says.
 */
const rateLimitOf = (
  format = 'must be a count per time, like "30/1m", "200/h" or "5/10s" (up to 7 days), or "off"',
  fits: (durationSeconds: number) => boolean = () => true,
) =>
  z.string().transform((value, context): RateLimitSetting => {
    const text = value.trim().toLowerCase();
    if (text === "0" || text === "off") return null;
    const match = /^(\d+)\s*\/\s*(\d*)\s*(s|m|h|d)$/.exec(text);
    const points = Number(match?.[1]);
    const durationSeconds = Number(match?.[2] || 1) * UNIT_SECONDS[(match?.[3] ?? "s") as keyof typeof UNIT_SECONDS];
    if (!match || points < 1 || durationSeconds < 1 || durationSeconds > 7 * 86_400 || !fits(durationSeconds)) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: format });
      return z.NEVER;
    }
    return { points, durationSeconds };
  });
const rateLimit = rateLimitOf();

/** Defaults: a person typing fast stays well inside them; a script hammering the server does not. */
const RATE_LIMIT_DEFAULTS: Record<LimitedAction, { user: string; ip: string }> = {
  send: { user: "30/1m", ip: "120/1m" },
  regenerate: { user: "30/1m", ip: "120/1m" },
  upload: { user: "20/1m", ip: "60/1m" },
  search: { user: "60/1m", ip: "240/1m" },
  import: { user: "5/1h", ip: "20/1h" },
};

const rateLimitVariables = Object.fromEntries(
  LIMITED_ACTIONS.flatMap((action) => [
    [`RATE_LIMIT_${action.toUpperCase()}_PER_USER`, rateLimit.default(RATE_LIMIT_DEFAULTS[action].user)],
    [`RATE_LIMIT_${action.toUpperCase()}_PER_IP`, rateLimit.default(RATE_LIMIT_DEFAULTS[action].ip)],
  ]),
) as Record<`RATE_LIMIT_${Uppercase<LimitedAction>}_PER_${"USER" | "IP"}`, z.ZodDefault<typeof rateLimit>>;

/**
 * What is wrong with a `file:` DATABASE_URL, or null. A `file:` without a
 * path would be a database in memory, lost at every restart; a folder holds
 * no database itself.
 */
function localFileProblem(url: string): string | null {
  if (!url.startsWith("file:")) return null;
  const file = url.slice("file:".length).split("?")[0]!;
  const example = "name the database file, like file:./data/parley.db";
  if (file === "" || file === ":memory:") return `holds no file: the data would be kept in memory and lost at every restart; ${example}`;
  const resolved = localDatabasePath(url)!;
  if (file.endsWith("/") || (existsSync(resolved) && statSync(resolved).isDirectory())) return `names a folder; ${example}`;
  return null;
}

/** The local file behind a `file:` URL, or null for a remote libSQL server. */
export function localDatabasePath(url: string): string | null {
  if (!url.startsWith("file:")) return null;
  const withoutScheme = url.slice("file:".length).split("?")[0]!;
  return path.resolve(withoutScheme.startsWith("//") ? fileURLToPath(url) : withoutScheme);
}

/** Provider settings: `<PREFIX>_API_KEY`, `<PREFIX>_BASE_URL`, `<PREFIX>_MODELS` (fallback list). */
export const PROVIDER_ENV_PREFIXES = [
  "OPENAI",
  "ANTHROPIC",
  "OPENROUTER",
  "DEEPSEEK",
  "GROQ",
  "GEMINI",
  "MISTRAL",
  "XAI",
  "TOGETHER",
  "OLLAMA",
  "LMSTUDIO",
  "CUSTOM_OPENAI",
] as const;

const providerVariables = Object.fromEntries(
  PROVIDER_ENV_PREFIXES.flatMap((prefix) => [
    [`${prefix}_API_KEY`, z.string().optional()],
    [`${prefix}_BASE_URL`, url.optional()],
    [`${prefix}_MODELS`, modelList.optional()],
  ]),
) as Record<`${(typeof PROVIDER_ENV_PREFIXES)[number]}_${"API_KEY" | "BASE_URL"}`, z.ZodOptional<z.ZodString>> &
  Record<`${(typeof PROVIDER_ENV_PREFIXES)[number]}_MODELS`, z.ZodOptional<typeof modelList>>;

const envSchema = z.object({
  ...providerVariables,
  CUSTOM_OPENAI_NAME: z.string().max(60).optional(),
  /** Checks every message a person sends with this OpenAI moderation model (e.g. omni-moderation-latest) on the OpenAI provider's address and key; unset: no check. */
  MODERATION_MODEL: z.string().trim().min(1).max(100).optional(),
  /**
   * Search by meaning: `<provider>:<model>` of an OpenAI-compatible embeddings
   * endpoint of a configured provider (e.g. openai:text-embedding-3-small,
   * ollama:nomic-embed-text); unset: search finds words only.
   */
  EMBEDDINGS_MODEL: z
    .string()
    .trim()
    .max(200)
    .regex(/^[a-z]+:\S+$/, "must be <provider>:<model>, like openai:text-embedding-3-small")
    .optional(),
  /** Asks the embeddings model for vectors this long (OpenAI's text-embedding-3 models can shorten theirs); unset: the model's own length. */
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(8).max(4096).optional(),
  /** Attempts per answer before the first token (429, 5xx, connection errors). */
  UPSTREAM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** An upstream silent this long is treated as failed. */
  UPSTREAM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** How long a model listing is cached. */
  MODEL_LIST_TTL_MS: z.coerce.number().int().min(0).default(10 * 60_000),
  /** `server.ts` sets production when unset: development mode shows error details to visitors. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .default("file:./data/parley.db")
    .refine((v) => /^(file:|libsql:|https?:|wss?:)/.test(v), {
      message: "must start with file: (a local SQLite file) or libsql:// (a remote libSQL server)",
    })
    .superRefine((v, context) => {
      const problem = localFileProblem(v);
      if (problem) context.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters (try: openssl rand -hex 32)").optional(),
  ALLOW_REGISTRATION: booleanString.default("true"),
  /** Pace of the built-in offline demo model. */
  DEMO_TOKENS_PER_SECOND: z.coerce.number().positive().max(100_000).default(40),
  /** The longest message a user may send, in characters. */
  MAX_MESSAGE_CHARS: z.coerce.number().int().positive().default(32_000),
  /** How often a streaming answer is written to the database. */
  PERSIST_INTERVAL_MS: z.coerce.number().int().min(10).max(10_000).default(500),
  /** How long a finished stream stays in memory for exact resumes. */
  STREAM_RETENTION_MS: z.coerce.number().int().min(0).default(60_000),
  /** Seconds between SSE heartbeat comments (Fly's proxy drops idle connections at 60 s). */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Set by Fly on every machine; used to route stream resumes to the machine that owns them. */
  FLY_MACHINE_ID: z.string().optional(),
  /** Set by Fly on every machine: the app's name, whose `https://<name>.fly.dev` the reset-link command prints. */
  FLY_APP_NAME: z.string().trim().regex(/^[a-z0-9-]+$/).optional().catch(undefined),
  /**
   * The header a reverse proxy in front of Parley puts the client's address in (X-Forwarded-For, X-Real-IP,
   * CF-Connecting-IP): the limits per address then count each person, not the proxy. Unset: the socket's address
   * (Fly-Client-IP on Fly). Set it only when every request comes through that proxy: anyone reaching Parley past it
   * could write the header and pick their own address.
   */
  CLIENT_IP_HEADER: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]+$/, "must be a header's name, like X-Forwarded-For or X-Real-IP")
    .optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** The largest file one may attach, in bytes (20 MiB). */
  MAX_FILE_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  /** Files one message may carry. */
  MAX_FILES_PER_MESSAGE: z.coerce.number().int().min(1).max(100).default(10),
  /** All the files one person has uploaded, in bytes (1 GiB). */
  MAX_UPLOAD_BYTES_PER_USER: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  /** The largest file one import may be, in bytes (200 MiB). */
  MAX_IMPORT_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
  /** New accounts one address may create per hour (0 turns the limit off). */
  SIGNUPS_PER_IP_PER_HOUR: z.coerce.number().int().min(0).default(10),
  ...rateLimitVariables,
  /** Usage limits per person (an admin can set them apart per person): chats kept; 0 is no limit. */
  LIMIT_CHATS_PER_USER: z.coerce.number().int().min(0).default(0),
  /** Answers one person may ask for in a rolling window, like "50/3h"; "off" is no limit. */
  LIMIT_MESSAGES_PER_USER: rateLimitOf(
    'must be answers per whole hours or days, from 1h to 7d, like "50/3h" or "200/1d" (as the admin page takes them), or "off"',
    (seconds) => seconds >= 3600 && seconds % 3600 === 0,
  ).default("off"),
  /** Tokens (in and out) one person may use per calendar month (UTC); 0 is no limit. */
  LIMIT_TOKENS_PER_USER_PER_MONTH: z.coerce.number().int().min(0).default(0),
  /** Estimated spend in USD one person may cause per calendar month (UTC); 0 is no limit. */
  LIMIT_SPEND_PER_USER_PER_MONTH_USD: z.coerce.number().min(0).default(0),
  /** Encrypts people's own provider keys at rest (AES-256-GCM). Unset: keys of one's own are off. */
  ENCRYPTION_KEY: encryptionKey.optional(),
  /** Earlier ENCRYPTION_KEYs, comma-separated: still decrypt, and what they sealed is re-encrypted at boot. */
  ENCRYPTION_KEYS_OLD: encryptionKeyList.default(""),
  /** Whether people may point their own key at a base URL of their choosing (custom OpenAI-compatible servers). */
  ALLOW_USER_BASE_URLS: booleanString.default("false"),
  /**
   * Private addresses people's own base URLs may still reach (an Ollama on the
   * LAN): comma-separated `host`, `host:port`, an IP address or a CIDR range.
   */
  USER_BASE_URL_ALLOW_HOSTS: z
    .string()
    .default("")
    .transform((v, context) => {
      const entries = v.split(",").map((h) => h.trim()).filter(Boolean);
      for (const entry of entries) {
        const problem = allowEntryProblem(entry);
        if (problem) context.addIssue({ code: z.ZodIssueCode.custom, message: `${problem} (entries are host, host:port, an address or a CIDR range, comma-separated)` });
      }
      return entries.map((entry) => entry.toLowerCase());
    }),
}).superRefine((config, context) => {
  // Moderation runs on the OpenAI provider's address with its key: without the key nothing would be checked.
  if (config.MODERATION_MODEL && !config.OPENAI_API_KEY) {
    context.addIssue({ code: z.ZodIssueCode.custom, path: ["MODERATION_MODEL"], message: "needs OPENAI_API_KEY: messages are checked on the OpenAI provider's address with its key" });
  }
});

export type Env = z.infer<typeof envSchema>;

/** Every variable the server reads. */
export const KNOWN_SETTINGS: ReadonlySet<string> = new Set(Object.keys(envSchema.innerType().shape));

const SECRET_NAME = /(_KEY|_KEYS_OLD|SECRET|TOKEN)$/;

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Treat empty strings as unset, so `FOO=` in a .env file means "default".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      // A secret set wrong is still a secret: name it, never print it.
      // An address's password too (libsql://user:password@host).
      const shown = SECRET_NAME.test(name) ? "(hidden)" : scrub(JSON.stringify(source[name] ?? ""));
      return `  ${name}=${shown}: ${issue.message}`;
    });
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}\nSee .env.example for every setting.`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  if (!cached) {
    cached = parseEnv(process.env);
    census().configs++;
  }
  return cached;
}
