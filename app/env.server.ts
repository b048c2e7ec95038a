// The one place process.env is read. Parsed once at boot; a bad
// value stops the server with a message naming the variable and the fix.
import { z } from "zod";
import { census } from "./utils/census.server";

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    errorMap: () => ({ message: "expected true or false" }),
  })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const url = z.string().url("must be a URL, like https://api.example.com/v1");
const modelList = z
  .string()
  .transform((v) => v.split(",").map((m) => m.trim()).filter(Boolean));

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
  /** Attempts per answer before the first token (429, 5xx, connection errors). */
  UPSTREAM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** An upstream silent this long is treated as failed. */
  UPSTREAM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** How long a model listing is cached. */
  MODEL_LIST_TTL_MS: z.coerce.number().int().min(0).default(10 * 60_000),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .default("file:./data/parley.db")
    .refine((v) => /^(file:|libsql:|https?:|wss?:)/.test(v), {
      message: "must start with file: (a local SQLite file) or libsql:// (a remote libSQL server)",
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
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** The largest file one may attach, in bytes (20 MiB). */
  MAX_FILE_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  /** Files one message may carry. */
  MAX_FILES_PER_MESSAGE: z.coerce.number().int().min(1).max(100).default(10),
  /** All the files one person has uploaded, in bytes (1 GiB). */
  MAX_UPLOAD_BYTES_PER_USER: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  /** New accounts one address may create per hour (0 turns the limit off). */
  SIGNUPS_PER_IP_PER_HOUR: z.coerce.number().int().min(0).default(10),
});

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Treat empty strings as unset, so `FOO=` in a .env file means "default".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      return `  ${name}=${JSON.stringify(source[name] ?? "")}: ${issue.message}`;
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
