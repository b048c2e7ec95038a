// The model catalog: which providers are configured (from the environment),
// and their models — listed live from each provider's /models where it has
// one, cached, with a configured fallback list. The demo model is always there.
// A person's own key for a provider (docs/decisions/031) replaces the
// server's provider of the same id for that person, and makes a provider the
// server has no key for usable by them.
import { DEMO_MODEL_NAMES, type Locale, ownKeyLabel, ownServerLabel, providerLabelIn } from "../protocol/catalogue";
import type { Payer } from "../models/answer-payer.server";
import { storedUserKeys, type StoredUserKey } from "../models/user-key.server";
import { env, type Env } from "../env.server";
import { DecryptionError } from "../utils/encryption.server";
import { logger, registerSecret } from "../utils/logger.server";
import { createAnthropicProvider } from "./anthropic.server";
import { createDemoProvider, DEMO_MODEL, DEMO_MODEL_ID, DEMO_PROVIDER_ID } from "./demo.server";
import { createOpenAIProvider } from "./openai.server";
import { knownLabel } from "./known-models";
import { modelPartOf } from "./model-id";
import { guardedFetch } from "./ssrf.server";
import type { ListingFailure, LlmProvider, ModelInfo, UnlistedModel } from "./types";
import { isModelDisabled, modelPolicy, type ModelPolicy } from "./model-policy.server";
import { userBaseUrlAllowHosts, userBaseUrlsAllowed, userKeysAllowed } from "./user-key-policy.server";

export type { Payer };

export { DEMO_MODEL_ID };

export interface ProviderGroup {
  providerId: string;
  label: string;
  models: ModelInfo[];
}

export interface Preset {
  id: string;
  label: string;
  prefix: "OPENAI" | "ANTHROPIC" | "OPENROUTER" | "DEEPSEEK" | "GROQ" | "GEMINI" | "MISTRAL" | "XAI" | "TOGETHER" | "OLLAMA" | "LMSTUDIO" | "CUSTOM_OPENAI";
  api: "openai" | "anthropic";
  baseURL?: string;
  /** Local servers need no key: they are enabled by setting their base URL. */
  keyless?: boolean;
  /**
   * Models that run on a machine of one's own (Ollama, LM Studio): no price per token, whatever their name (a local
   * "gpt-oss" or a model named like a hosted one is not billed at the hosted price).
   */
  unpriced?: boolean;
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
  { id: "ollama", label: "Ollama", prefix: "OLLAMA", api: "openai", keyless: true, unpriced: true, fallbackModels: [] },
  { id: "lmstudio", label: "LM Studio", prefix: "LMSTUDIO", api: "openai", keyless: true, unpriced: true, fallbackModels: [] },
  { id: "custom", label: "Custom", prefix: "CUSTOM_OPENAI", api: "openai", keyless: true, fallbackModels: [] },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}

/** Where the server sends a preset's requests: its configured base URL, else the preset's (undefined: the SDK's default). */
export function serverBaseUrl(preset: Preset, config: Env = env()): string | undefined {
  return config[`${preset.prefix}_BASE_URL`] ?? preset.baseURL;
}

/**
 * The adapter for a preset with a given key and endpoint. Its errors never
 * carry the key, whoever's it is (the server's or a person's own): some
 * upstreams quote the key they refused, and the error becomes the answer's
 * visible text.
 */
export function createPresetProvider(
  preset: Preset,
  options: { apiKey: string | undefined; baseURL: string | undefined; label: string; fallbackModels: string[]; fetch?: typeof fetch },
): LlmProvider {
  const adapterOptions = {
    id: preset.id,
    label: options.label,
    // Local servers ignore the key, but the SDKs insist on one.
    apiKey: options.apiKey ?? "not-needed",
    baseURL: options.baseURL,
    fallbackModels: options.fallbackModels,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const built = preset.api === "anthropic" ? createAnthropicProvider(adapterOptions) : createOpenAIProvider(adapterOptions);
  const adapter = preset.unpriced ? withoutPrices(built) : built;
  if (!options.apiKey) return adapter;
  registerSecret(options.apiKey);
  return keepingSecret(adapter, options.apiKey);
}

/** Builds the providers the environment configures. A provider without a key (or, for local servers, a base URL) is left out. */
export function providersFromEnv(config: Env): Map<string, LlmProvider> {
  const providers = new Map<string, LlmProvider>();
  const demo = createDemoProvider({ tokensPerSecond: config.DEMO_TOKENS_PER_SECOND });
  providers.set(demo.id, demo);
  for (const preset of PRESETS) {
    const apiKey = config[`${preset.prefix}_API_KEY`];
    const enabled = preset.keyless ? Boolean(config[`${preset.prefix}_BASE_URL`]) : Boolean(apiKey);
    if (!enabled) continue;
    const label = preset.id === "custom" ? (config.CUSTOM_OPENAI_NAME ?? preset.label) : preset.label;
    const fallbackModels = config[`${preset.prefix}_MODELS`] ?? preset.fallbackModels;
    providers.set(preset.id, createPresetProvider(preset, { apiKey, baseURL: serverBaseUrl(preset, config), label, fallbackModels }));
  }
  return providers;
}

let providers: Map<string, LlmProvider> | undefined;

function configuredProviders(): Map<string, LlmProvider> {
  providers ??= providersFromEnv(env());
  return providers;
}

/** A provider of the server's own (its keys, from the environment). */
export function getProvider(providerId: string): LlmProvider | undefined {
  return configuredProviders().get(providerId);
}

// ---------------------------------------------------------------- people's own keys

/** Who is choosing a model: their own keys join the catalogue for them. */
export interface CatalogViewer {
  id: string;
}

/**
 * The adapter for a person's stored key, or undefined when it cannot be used
 * (it no longer opens, its base URL is no longer allowed, a local server with
 * no base URL). A base URL the person chose goes through the SSRF guard.
 */
export async function providerForUserKey(
  key: Pick<StoredUserKey, "provider" | "baseUrl" | "openKey">,
  { fallbackModels }: { /** Overrides the fallback list ([] for a key test: a failure must show). */ fallbackModels?: string[] } = {},
): Promise<LlmProvider | undefined> {
  const preset = presetById(key.provider);
  if (!preset) return undefined;
  if (key.baseUrl && !(await userBaseUrlsAllowed())) return undefined;
  const baseURL = key.baseUrl ?? serverBaseUrl(preset);
  if (preset.keyless && !baseURL) return undefined;
  let apiKey: string | null;
  try {
    apiKey = key.openKey();
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    return undefined; // sealed with a key the server no longer has: the settings page asks for it again
  }
  const config = env();
  return createPresetProvider(preset, {
    apiKey: apiKey ?? undefined,
    baseURL,
    label: key.baseUrl ? ownServerLabel(preset.label) : ownKeyLabel(preset.label),
    // A server of the person's own lists its models or offers none; a known provider keeps its usual list.
    fallbackModels: fallbackModels ?? (key.baseUrl ? [] : (config[`${preset.prefix}_MODELS`] ?? preset.fallbackModels)),
    ...(key.baseUrl ? { fetch: guardedFetch({ allowHosts: await userBaseUrlAllowHosts() }) } : {}),
  });
}

/** The adapter with its models' prices left out (what it costs, if anything, is not a price per token). */
function withoutPrices(adapter: LlmProvider): LlmProvider {
  return {
    ...adapter,
    listModels: async (signal) => (await adapter.listModels(signal)).map(({ inputPricePerMTok: _input, outputPricePerMTok: _output, ...model }) => model),
  };
}

/** An error whose message (or whose causes' messages) quoted `secret`, with it cut out. */
function withoutSecret(error: unknown, secret: string): unknown {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current.message.includes(secret)) current.message = current.message.replaceAll(secret, "[redacted]");
  }
  return error;
}

/** The adapter's errors (and their causes) with `secret` cut out of their messages. */
function keepingSecret(adapter: LlmProvider, secret: string): LlmProvider {
  const complete = adapter.complete?.bind(adapter);
  return {
    id: adapter.id,
    label: adapter.label,
    listModels: (signal) => adapter.listModels(signal).catch((error: unknown) => Promise.reject(withoutSecret(error, secret))),
    ...(adapter.listingFailure ? { listingFailure: adapter.listingFailure.bind(adapter) } : {}),
    async *stream(request) {
      try {
        yield* adapter.stream(request);
      } catch (error) {
        throw withoutSecret(error, secret);
      }
    },
    ...(complete ? { complete: (request) => complete(request).catch((error: unknown) => Promise.reject(withoutSecret(error, secret))) } : {}),
  };
}

/** Adapters built from people's keys, by key row and version (a changed key or policy builds a new one). */
const userProviderCache = new Map<string, LlmProvider>();
const USER_PROVIDER_CACHE_LIMIT = 1_000;

async function userProviders(viewer: CatalogViewer | undefined): Promise<Map<string, LlmProvider>> {
  const found = new Map<string, LlmProvider>();
  if (!viewer || !(await userKeysAllowed())) return found;
  const stamp = `${await userBaseUrlsAllowed()}|${(await userBaseUrlAllowHosts()).join(",")}`;
  for (const key of await storedUserKeys({ userId: viewer.id })) {
    const cacheKey = `${key.id}|${key.updatedAt}|${stamp}`;
    let provider = userProviderCache.get(cacheKey);
    if (!provider) {
      provider = await providerForUserKey(key);
      if (!provider) continue;
      if (userProviderCache.size >= USER_PROVIDER_CACHE_LIMIT) userProviderCache.delete(userProviderCache.keys().next().value!);
      userProviderCache.set(cacheKey, provider);
    }
    found.set(key.provider, provider);
  }
  return found;
}

export interface ProviderChoice {
  provider: LlmProvider;
  /** Whose key the provider's requests are made with. */
  payer: Payer;
}

/**
 * The providers a person may use: the server's, with their own keys taking
 * the place of the server's for the same provider; a provider the admin
 * turned off is left out, whoever's key would pay.
 */
export async function providersFor(viewer?: CatalogViewer, policy?: ModelPolicy): Promise<Map<string, ProviderChoice>> {
  const { disabledProviders } = policy ?? (await modelPolicy());
  const choices = new Map<string, ProviderChoice>();
  for (const [id, provider] of configuredProviders()) choices.set(id, { provider, payer: { paidBy: "server" } });
  for (const [id, provider] of await userProviders(viewer)) choices.set(id, { provider, payer: { paidBy: "user", keyOwnerId: viewer!.id } });
  for (const id of disabledProviders) choices.delete(id);
  return choices;
}

/** The server's own providers (its keys), whether or not the admin turned them off: what the admin area lists. */
export function serverProviders(): LlmProvider[] {
  return [...configuredProviders().values()];
}

// ---------------------------------------------------------------- model lists

interface CacheEntry {
  models: ModelInfo[];
  fetchedAt: number;
  refreshing?: Promise<ModelInfo[]>;
}
/** By adapter: a person's own adapter for a provider lists (and caches) apart from the server's. */
const modelCache = new WeakMap<LlmProvider, CacheEntry>();
const LISTING_TIMEOUT_MS = 4_000;

async function fetchModels(provider: LlmProvider): Promise<ModelInfo[]> {
  try {
    const models = await provider.listModels(AbortSignal.timeout(LISTING_TIMEOUT_MS));
    modelCache.set(provider, { models, fetchedAt: Date.now() });
    return models;
  } catch (error) {
    logger.warn("could not list models", { provider: provider.id, label: provider.label, error });
    const stale = modelCache.get(provider);
    // Remember the failure briefly so a dead upstream does not slow every page.
    modelCache.set(provider, { models: stale?.models ?? [], fetchedAt: Date.now() - env().MODEL_LIST_TTL_MS + 30_000 });
    return stale?.models ?? [];
  }
}

/** A provider's models: from cache while fresh, refreshed in the background when stale. */
export async function modelsOf(provider: LlmProvider): Promise<ModelInfo[]> {
  const cached = modelCache.get(provider);
  if (!cached) {
    const pending = fetchModels(provider);
    modelCache.set(provider, { models: [], fetchedAt: 0, refreshing: pending });
    return pending;
  }
  if (cached.refreshing) return cached.refreshing;
  if (Date.now() - cached.fetchedAt > env().MODEL_LIST_TTL_MS) {
    cached.refreshing = fetchModels(provider).finally(() => {
      const entry = modelCache.get(provider);
      if (entry) delete entry.refreshing;
    });
  }
  return cached.models;
}

/**
 * How to name a model the catalogue no longer offers (turned off, or its key
 * removed), for the answers it wrote: by its known name, else by its model part.
 */
export function labelOfModelId(modelId: string): string {
  if (modelId === DEMO_MODEL_ID) return DEMO_MODEL.label;
  return knownLabel(modelPartOf(modelId)) ?? modelPartOf(modelId);
}

/** A model's name in `locale` (the demo's is translated), for what is written without the picker (an export). */
export function modelNameIn(modelId: string, locale: Locale): string {
  return modelId === DEMO_MODEL_ID ? DEMO_MODEL_NAMES[locale] : labelOfModelId(modelId);
}

/** Readable names, in `locale`, of those of `modelIds` the groups do not offer (a chat's model turned off, say). */
export function namesOfModelsNotOffered(modelIds: (string | null | undefined)[], groups: ProviderGroup[], locale: Locale): Record<string, string> {
  const offered = new Set(groups.flatMap((g) => g.models.map((m) => m.id)));
  const former = new Set(modelIds.filter((id): id is string => !!id && !offered.has(id)));
  return Object.fromEntries([...former].map((id) => [id, modelNameIn(id, locale)]));
}

/** A page's model groups in its language: the demo is named in it. */
export function inLanguage(groups: ProviderGroup[], locale: Locale): ProviderGroup[] {
  if (locale === "en") return groups;
  return groups.map((group) => ({
    ...group,
    label: providerLabelIn(group.label, locale),
    models: group.providerId !== DEMO_PROVIDER_ID ? group.models : group.models.map((model) => (model.id === DEMO_MODEL_ID ? { ...model, label: modelNameIn(model.id, locale) } : model)),
  }));
}

/** The model picker's groups for a person (their own keys' providers included, what the admin turned off left out). */
export async function listModelGroups({ viewer }: { viewer?: CatalogViewer } = {}): Promise<ProviderGroup[]> {
  const policy = await modelPolicy();
  const groups = await Promise.all(
    [...(await providersFor(viewer, policy)).values()].map(async ({ provider }) => ({
      providerId: provider.id,
      label: provider.label,
      models: (await modelsOf(provider)).filter((m) => !isModelDisabled(policy, m.id)).sort((a, b) => a.label.localeCompare(b.label)),
    })),
  );
  return groups.filter((group) => group.models.length > 0);
}

export interface ResolvedModel {
  provider: LlmProvider;
  model: ModelInfo;
  /** Whose key pays: the viewer's own when they have one for this provider, else the server's. */
  payer: Payer;
}

/**
 * A model id (`provider:upstream-id`) to its provider and description, for a
 * configured provider (the viewer's own key first) and a model its catalogue
 * lists (live, or the fallback list when listing fails). Anything else is
 * undefined: a model that is no longer listed, or that the admin turned off,
 * cannot be used even by an old chat, which then picks another.
 */
export async function resolveModel(modelId: string, { viewer }: { viewer?: CatalogViewer } = {}): Promise<ResolvedModel | undefined> {
  const separator = modelId.indexOf(":");
  if (separator <= 0 || separator === modelId.length - 1) return undefined;
  const policy = await modelPolicy();
  if (isModelDisabled(policy, modelId)) return undefined;
  const choice = (await providersFor(viewer, policy)).get(modelId.slice(0, separator));
  if (!choice) return undefined;
  // Only models the catalogue lists (live, or the configured fallback list)
  // may be used: any other id would reach the upstream on the operator's key.
  const listed = (await modelsOf(choice.provider)).find((m) => m.id === modelId);
  return listed ? { provider: choice.provider, model: listed, payer: choice.payer } : undefined;
}

/**
 * Why a model the catalogue does not offer `viewer` is missing, when it is
 * because its provider's model list could not be read (a person's own server
 * that is down, say): the provider's label and what the listing ran into.
 * Null for any other reason (no such provider for them, a model it does not list).
 */
export async function unlistedBecause(modelId: string, { viewer }: { viewer?: CatalogViewer } = {}): Promise<{ provider: string; failure: ListingFailure } | null> {
  const separator = modelId.indexOf(":");
  if (separator <= 0) return null;
  const choice = (await providersFor(viewer)).get(modelId.slice(0, separator));
  const failure = choice?.provider.listingFailure?.();
  return choice && failure ? { provider: choice.provider.label, failure } : null;
}

/** The picker's note on `modelId` for `viewer`: null while the groups offer it, or when it is missing for another reason. */
export async function unlistedModelOf(modelId: string, groups: ProviderGroup[], { viewer, locale }: { viewer?: CatalogViewer; locale: Locale }): Promise<UnlistedModel | null> {
  if (groups.some((g) => g.models.some((m) => m.id === modelId))) return null;
  const unlisted = await unlistedBecause(modelId, { viewer });
  return unlisted ? { model: modelId, provider: providerLabelIn(unlisted.provider, locale), reason: unlisted.failure.reason } : null;
}

/**
 * The model a new chat starts with for a person: the admin's choice while it
 * is usable, else the demo model, else the first model the person may use.
 */
export async function defaultModelFor({ viewer }: { viewer?: CatalogViewer } = {}): Promise<string> {
  const { defaultModel } = await modelPolicy();
  if (defaultModel && (await resolveModel(defaultModel, { viewer }))) return defaultModel;
  if (await resolveModel(DEMO_MODEL.id, { viewer })) return DEMO_MODEL.id;
  return (await listModelGroups({ viewer }))[0]?.models[0]?.id ?? DEMO_MODEL.id;
}
