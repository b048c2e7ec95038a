// Embeddings for search by meaning (docs/decisions/103): the OpenAI SDK's
// embeddings endpoint on a configured OpenAI-compatible provider, named by
// EMBEDDINGS_MODEL as `<provider>:<model>`.
// https://platform.openai.com/docs/api-reference/embeddings/create
import OpenAI from "openai";
import { env } from "../env.server";
import { presetById, serverBaseUrl } from "./catalog.server";

export interface EmbeddingsModel {
  /** `<provider>:<model>`, as configured: the vectors of one model are never compared with another's. */
  id: string;
  providerId: string;
  model: string;
  dimensions?: number;
}

/** Why search by meaning is off, when it is (null: it is on). */
export type EmbeddingsOff = "not_configured" | "provider_unknown" | "provider_missing" | "provider_unsupported";

/**
 * The configured embeddings model, or why there is none. The provider must be
 * one the server has (its key, or for a local server its base URL) and speak
 * the OpenAI API (Anthropic has no embeddings endpoint).
 */
export function embeddingsModel(): { model: EmbeddingsModel; off: null } | { model: null; off: EmbeddingsOff } {
  const config = env();
  if (!config.EMBEDDINGS_MODEL) return { model: null, off: "not_configured" };
  const at = config.EMBEDDINGS_MODEL.indexOf(":");
  const providerId = config.EMBEDDINGS_MODEL.slice(0, at);
  const preset = presetById(providerId);
  if (!preset) return { model: null, off: "provider_unknown" };
  if (preset.api !== "openai") return { model: null, off: "provider_unsupported" };
  const enabled = preset.keyless ? Boolean(config[`${preset.prefix}_BASE_URL`]) : Boolean(config[`${preset.prefix}_API_KEY`]);
  if (!enabled) return { model: null, off: "provider_missing" };
  const dimensions = config.EMBEDDINGS_DIMENSIONS;
  return {
    model: { id: config.EMBEDDINGS_MODEL, providerId, model: config.EMBEDDINGS_MODEL.slice(at + 1), ...(dimensions ? { dimensions } : {}) },
    off: null,
  };
}

/** A text longer than this is embedded by its beginning: well inside every embeddings model's input limit. */
export const MAX_EMBEDDED_CHARS = 6_000;

let client: { key: string; openai: OpenAI } | undefined;

function clientFor(model: EmbeddingsModel): OpenAI {
  const config = env();
  const preset = presetById(model.providerId)!;
  const baseURL = serverBaseUrl(preset, config);
  const apiKey = config[`${preset.prefix}_API_KEY`] ?? "not-needed";
  const key = `${baseURL ?? ""} ${apiKey}`;
  if (client?.key !== key) client = { key, openai: new OpenAI({ apiKey, baseURL, maxRetries: 1, timeout: 30_000 }) };
  return client.openai;
}

/**
 * The vectors of `texts`, in order (each cut to MAX_EMBEDDED_CHARS). Throws
 * what the SDK throws when the endpoint fails, or when it answers with a
 * vector missing or of another length than the others.
 */
export async function embed(model: EmbeddingsModel, texts: string[], options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  const response = await clientFor(model).embeddings.create(
    {
      model: model.model,
      input: texts.map((text) => text.slice(0, MAX_EMBEDDED_CHARS)),
      // Plain floats: every OpenAI-compatible server speaks them (base64 is OpenAI's own default).
      encoding_format: "float",
      ...(model.dimensions ? { dimensions: model.dimensions } : {}),
    },
    { signal: options.signal, ...(options.timeoutMs ? { timeout: options.timeoutMs, maxRetries: 0 } : {}) },
  );
  const vectors: Float32Array[] = new Array(texts.length);
  for (const item of response.data) {
    if (item.index >= 0 && item.index < texts.length) vectors[item.index] = Float32Array.from(item.embedding);
  }
  const length = vectors[0]?.length ?? 0;
  for (let i = 0; i < texts.length; i++) {
    if (!vectors[i] || vectors[i]!.length !== length || length === 0) throw new Error(`the embeddings endpoint answered without a usable vector for input ${i}`);
  }
  return vectors;
}
