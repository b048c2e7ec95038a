// The one place process.env is read (STYLE.md §2). Parsed once at boot; a bad
// value stops the server with a message naming the variable and the fix.
import { z } from "zod";

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    errorMap: () => ({ message: "expected true or false" }),
  })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const envSchema = z.object({
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
  cached ??= parseEnv(process.env);
  return cached;
}
