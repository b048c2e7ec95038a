// The model catalog: which providers are configured (from the environment),
// and their models — listed live from each provider's /models where it has
// one, cached, with a configured fallback list. The demo model is always there.
import { env, type Env } from "../env.server";
import { logger } from "../utils/logger.server";
import { createAnthropicProvider } from "./anthropic.server";
import { createDemoProvider, DEMO_MODEL, DEMO_MODEL_ID } from "./demo.server";
import { createOpenAIProvider } from "./openai.server";
import type { LlmProvider, ModelInfo } from "./types";

export { DEMO_MODEL_ID };

export interface ProviderGroup {
  providerId: string;
  label: string;
  models: ModelInfo[];
}

interface Preset {
  id: string;
  label: string;
  prefix: "OPENAI" | "ANTHROPIC" | "OPENROUTER" | "DEEPSEEK" | "GROQ" | "GEMINI" | "MISTRAL" | "XAI" | "TOGETHER" | "OLLAMA" | "LMSTUDIO" | "CUSTOM_OPENAI";
  api: "openai" | "anthropic";
  baseURL?: string;
  /** Local servers need no key: they are enabled by setting their base URL. */
  keyless?: boolean;
  fallbackModels: string[];
}

/** Every provider Parley knows. OpenAI-compatible ones go through the `openai` SDK with their base URL. */
export const PRESETS: Preset[] = [
  { id: "openai", label: "OpenAI", prefix: "OPENAI", api: "openai", fallbackModels: ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o4-mini"] },
  { id: "anthropic", label: "Anthropic", prefix: "ANTHROPIC", api: "anthropic", fallbackModels: ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"] },
  { id: "openrouter", label: "OpenRouter", prefix: "OPENROUTER", api: "openai", baseURL: "https://openrouter.ai/api/v1", fallbackModels: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "deepseek/deepseek-r1"] },
  { id: "deepseek", label: "DeepSeek", prefix: "DEEPSEEK", api: "openai", baseURL: "https://api.deepseek.com/v1", fallbackModels: ["deepseek-chat", "deepseek-reasoner"] },
  { id: "groq", label: "Groq", prefix: "GROQ", api: "openai", baseURL: "https://api.groq.com/openai/v1", fallbackModels: ["llama-3.3-70b-versatile"] },
  { id: "gemini", label: "Google Gemini", prefix: "GEMINI", api: "openai", baseURL: "https://generativelanguage.googleapis.com/v1beta/openai", fallbackModels: ["gemini-2.5-flash", "gemini-2.5-pro"] },
  { id: "mistral", label: "Mistral", prefix: "MISTRAL", api: "openai", baseURL: "https://api.mistral.ai/v1", fallbackModels: ["mistral-large-latest", "mistral-small-latest"] },
  { id: "xai", label: "xAI", prefix: "XAI", api: "openai", baseURL: "https://api.x.ai/v1", fallbackModels: ["grok-4"] },
  { id: "together", label: "Together", prefix: "TOGETHER", api: "openai", baseURL: "https://api.together.xyz/v1", fallbackModels: ["meta-llama/Llama-3.3-70B-Instruct-Turbo"] },
  { id: "ollama", label: "Ollama", prefix: "OLLAMA", api: "openai", keyless: true, fallbackModels: [] },
  { id: "lmstudio", label: "LM Studio", prefix: "LMSTUDIO", api: "openai", keyless: true, fallbackModels: [] },
  { id: "custom", label: "Custom", prefix: "CUSTOM_OPENAI", api: "openai", keyless: true, fallbackModels: [] },
];

/** Builds the providers the environment configures. A provider without a key (or, for local servers, a base URL) is left out. */
export function providersFromEnv(config: Env): Map<string, LlmProvider> {
  const providers = new Map<string, LlmProvider>();
  const demo = createDemoProvider({ tokensPerSecond: config.DEMO_TOKENS_PER_SECOND });
  providers.set(demo.id, demo);
  for (const preset of PRESETS) {
    const apiKey = config[`${preset.prefix}_API_KEY`];
    const baseURL = config[`${preset.prefix}_BASE_URL`] ?? preset.baseURL;
    const enabled = preset.keyless ? Boolean(config[`${preset.prefix}_BASE_URL`]) : Boolean(apiKey);
    if (!enabled) continue;
    const label = preset.id === "custom" ? (config.CUSTOM_OPENAI_NAME ?? preset.label) : preset.label;
    const fallbackModels = config[`${preset.prefix}_MODELS`] ?? preset.fallbackModels;
    const options = {
      id: preset.id,
      label,
      // Local servers ignore the key, but the SDKs insist on one.
      apiKey: apiKey ?? "not-needed",
      baseURL,
      fallbackModels,
    };
    providers.set(preset.id, preset.api === "anthropic" ? createAnthropicProvider(options) : createOpenAIProvider(options));
  }
  return providers;
}

let providers: Map<string, LlmProvider> | undefined;

function configuredProviders(): Map<string, LlmProvider> {
  providers ??= providersFromEnv(env());
  return providers;
}

export function getProvider(providerId: string): LlmProvider | undefined {
  return configuredProviders().get(providerId);
}

interface CacheEntry {
  models: ModelInfo[];
  fetchedAt: number;
  refreshing?: Promise<ModelInfo[]>;
}
const modelCache = new Map<string, CacheEntry>();
const LISTING_TIMEOUT_MS = 4_000;

async function fetchModels(provider: LlmProvider): Promise<ModelInfo[]> {
  try {
    const models = await provider.listModels(AbortSignal.timeout(LISTING_TIMEOUT_MS));
    modelCache.set(provider.id, { models, fetchedAt: Date.now() });
    return models;
  } catch (error) {
    logger.warn("could not list models", { provider: provider.id, error });
    const stale = modelCache.get(provider.id);
    // Remember the failure briefly so a dead upstream does not slow every page.
    modelCache.set(provider.id, { models: stale?.models ?? [], fetchedAt: Date.now() - env().MODEL_LIST_TTL_MS + 30_000 });
    return stale?.models ?? [];
  }
}

/** A provider's models: from cache while fresh, refreshed in the background when stale. */
export async function modelsOf(provider: LlmProvider): Promise<ModelInfo[]> {
  const cached = modelCache.get(provider.id);
  if (!cached) {
    const pending = fetchModels(provider);
    modelCache.set(provider.id, { models: [], fetchedAt: 0, refreshing: pending });
    return pending;
  }
  if (cached.refreshing) return cached.refreshing;
  if (Date.now() - cached.fetchedAt > env().MODEL_LIST_TTL_MS) {
    cached.refreshing = fetchModels(provider).finally(() => {
      const entry = modelCache.get(provider.id);
      if (entry) delete entry.refreshing;
    });
  }
  return cached.models;
}

export async function listModelGroups(): Promise<ProviderGroup[]> {
  const groups = await Promise.all(
    [...configuredProviders().values()].map(async (provider) => ({
      providerId: provider.id,
      label: provider.label,
      models: [...(await modelsOf(provider))].sort((a, b) => a.label.localeCompare(b.label)),
    })),
  );
  return groups.filter((group) => group.models.length > 0);
}

export interface ResolvedModel {
  provider: LlmProvider;
  model: ModelInfo;
}

/**
 * A model id (`provider:upstream-id`) to its provider and description, for a
 * configured provider and a model its catalogue lists (live, or the fallback
 * list when listing fails). Anything else is undefined: a model that is no
 * longer listed cannot be used even by an old chat, which then picks another.
 */
export async function resolveModel(modelId: string): Promise<ResolvedModel | undefined> {
  const separator = modelId.indexOf(":");
  if (separator <= 0 || separator === modelId.length - 1) return undefined;
  const provider = getProvider(modelId.slice(0, separator));
  if (!provider) return undefined;
  // Only models the catalogue lists (live, or the configured fallback list)
  // may be used: any other id would reach the upstream on the operator's key.
  const listed = (await modelsOf(provider)).find((m) => m.id === modelId);
  return listed ? { provider, model: listed } : undefined;
}

export function defaultModelId(): string {
  return DEMO_MODEL.id;
}
