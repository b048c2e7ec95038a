// The model catalog: which providers are configured, and their models.
import { env } from "../env.server";
import { createDemoProvider, DEMO_MODEL, DEMO_MODEL_ID } from "./demo.server";
import type { LlmProvider, ModelInfo } from "./types";

export { DEMO_MODEL_ID };

export interface ProviderGroup {
  providerId: string;
  label: string;
  models: ModelInfo[];
}

let providers: Map<string, LlmProvider> | undefined;

function configuredProviders(): Map<string, LlmProvider> {
  if (providers) return providers;
  providers = new Map();
  const demo = createDemoProvider({ tokensPerSecond: env().DEMO_TOKENS_PER_SECOND });
  providers.set(demo.id, demo);
  return providers;
}

export function getProvider(providerId: string): LlmProvider | undefined {
  return configuredProviders().get(providerId);
}

export async function listModelGroups(): Promise<ProviderGroup[]> {
  const groups: ProviderGroup[] = [];
  for (const provider of configuredProviders().values()) {
    groups.push({ providerId: provider.id, label: provider.label, models: await provider.listModels() });
  }
  return groups;
}

export interface ResolvedModel {
  provider: LlmProvider;
  model: ModelInfo;
}

/** A model id (`provider:upstream-id`) to its provider and description, or undefined if not configured. */
export async function resolveModel(modelId: string): Promise<ResolvedModel | undefined> {
  const separator = modelId.indexOf(":");
  if (separator <= 0) return undefined;
  const provider = getProvider(modelId.slice(0, separator));
  if (!provider) return undefined;
  const models = await provider.listModels();
  const model = models.find((m) => m.id === modelId);
  return model ? { provider, model } : undefined;
}

export function defaultModelId(): string {
  return DEMO_MODEL.id;
}
