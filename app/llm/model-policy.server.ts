// What the admin allows of the catalogue (admin area, "Models"): providers
// and models turned off, the model new chats start with, and whether people
// may bring keys and base URLs of their own. Stored in app_settings under
// "models"; nothing stored means everything is on, as the environment says.
import { providerOf } from "./model-id";
import { z } from "zod";
import { env } from "../env.server";
import { readSetting, writeSetting } from "../models/app-setting.server";

const SETTING_KEY = "models";

const storedPolicy = z.object({
  disabledProviders: z.array(z.string().max(100)).max(1000).default([]),
  disabledModels: z.array(z.string().max(300)).max(10_000).default([]),
  defaultModel: z.string().max(300).nullable().default(null),
  userKeys: z.boolean().optional(),
  userBaseUrls: z.boolean().optional(),
});

export interface ModelPolicy {
  disabledProviders: string[];
  disabledModels: string[];
  /** The model new chats start with; null: the built-in default. */
  defaultModel: string | null;
  /** Whether people may use keys of their own (only where ENCRYPTION_KEY makes them possible at all). */
  userKeys: boolean;
  /** Whether those keys may point at a base URL of the person's choosing (default: ALLOW_USER_BASE_URLS). */
  userBaseUrls: boolean;
}

export async function modelPolicy(): Promise<ModelPolicy> {
  const parsed = storedPolicy.safeParse((await readSetting({ key: SETTING_KEY })) ?? {});
  // A stored value this version cannot read counts as nothing stored: everything on, as configured.
  const stored = parsed.success ? parsed.data : storedPolicy.parse({});
  return {
    disabledProviders: stored.disabledProviders,
    disabledModels: stored.disabledModels,
    defaultModel: stored.defaultModel,
    userKeys: stored.userKeys ?? true,
    userBaseUrls: stored.userBaseUrls ?? env().ALLOW_USER_BASE_URLS,
  };
}

export async function saveModelPolicy({ policy, changedBy }: { policy: ModelPolicy; changedBy: string }): Promise<void> {
  await writeSetting({ key: SETTING_KEY, value: policy, changedBy });
}

/** Whether the admin turned a model off, itself or through its provider. */
export function isModelDisabled(policy: ModelPolicy, modelId: string): boolean {
  return policy.disabledModels.includes(modelId) || policy.disabledProviders.includes(providerOf(modelId));
}
