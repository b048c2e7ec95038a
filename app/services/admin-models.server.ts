// The admin area's providers and models: which are on, the model new chats
// start with, and whether people may bring keys (and base URLs) of their own.
// Everything is saved as one policy (app/llm/model-policy.server.ts) that the
// catalogue applies to every picker, send and regenerate.
import { z } from "zod";
import { modelNameIn, modelsOf, PRESETS, serverProviders } from "../llm/catalog.server";
import { embeddingsModel, type EmbeddingsOff } from "../llm/embeddings.server";
import type { ListingFailure } from "../llm/types";
import { DEMO_MODEL_ID } from "../llm/demo.server";
import { modelPartOf } from "../llm/model-id";
import { isModelDisabled, modelPolicy, type ModelPolicy, saveModelPolicy } from "../llm/model-policy.server";
import { userKeysEnabled } from "../llm/user-key-policy.server";
import { env } from "../env.server";
import type { PublicUser } from "../models/user.server";
import { type Locale, providerLabelIn } from "../protocol/catalogue";
import { AppError } from "../protocol/errors";
import { vectorIndexReport } from "./vector-index.server";

export interface AdminModel {
  id: string;
  label: string;
  enabled: boolean;
}

export interface AdminProvider {
  id: string;
  label: string;
  /** Whether the server has its own key (or address) for it; otherwise only people's own keys reach it. */
  configured: boolean;
  /** Without the server's own: the variable that would give it (an API key, or a local server's address). */
  setting: string;
  /** A local server (Ollama, LM Studio, a custom one): people reach it with an address of their own, not only a key. */
  keyless: boolean;
  enabled: boolean;
  models: AdminModel[];
  /** Why its last model listing failed (the list shown is then the configured one, or none), until one succeeds. */
  listingFailure: ListingFailure | null;
}

export interface ModelsAdminPage {
  providers: AdminProvider[];
  /** The admin's choice for new chats, "" for the built-in default (the demo model). */
  defaultModel: string;
  /** Keys of one's own are possible at all (ENCRYPTION_KEY is set, or a key was made beside a local database). */
  userKeysPossible: boolean;
  /** They are sealed with the key Parley made beside the database (no ENCRYPTION_KEY): the admin is told to back it up. */
  userKeysKeyMade: boolean;
  userKeys: boolean;
  userBaseUrls: boolean;
  /** Search by meaning: the index's progress, or why it is off. */
  meaningSearch: { on: true; model: string; indexed: number; total: number; running: boolean; lastError: { at: number; message: string } | null; skipped: number } | { on: false; why: EmbeddingsOff };
}

/** The server's providers with their models as listed now, then the providers only people's own keys can reach. */
async function knownProviders(policy: ModelPolicy): Promise<AdminProvider[]> {
  const configured = await Promise.all(
    serverProviders().map(async (provider) => {
      const models = [...(await modelsOf(provider))]
        .sort((a, b) => a.label.localeCompare(b.label))
        .map((model) => ({ id: model.id, label: model.label, enabled: !policy.disabledModels.includes(model.id) }));
      return {
        id: provider.id,
        label: provider.label,
        configured: true,
        setting: "",
        keyless: false,
        enabled: !policy.disabledProviders.includes(provider.id),
        models,
        listingFailure: provider.listingFailure?.() ?? null,
      };
    }),
  );
  const ids = new Set(configured.map((p) => p.id));
  const ownKeysOnly = PRESETS.filter((preset) => !ids.has(preset.id)).map((preset) => ({
    id: preset.id,
    label: preset.label,
    configured: false,
    setting: `${preset.prefix}_${preset.keyless ? "BASE_URL" : "API_KEY"}`,
    keyless: Boolean(preset.keyless),
    enabled: !policy.disabledProviders.includes(preset.id),
    models: [],
    listingFailure: null,
  }));
  return [...configured, ...ownKeysOnly];
}

/** The page in the admin's language: "Demo" and "Custom" are words, said in it (brand names stay). */
export async function modelsAdminPage(locale: Locale = "en"): Promise<ModelsAdminPage> {
  const policy = await modelPolicy();
  return {
    providers: (await knownProviders(policy)).map((provider) => ({
      ...provider,
      label: providerLabelIn(provider.label, locale),
      models: provider.models.map((model) => ({ ...model, label: model.id === DEMO_MODEL_ID ? modelNameIn(model.id, locale) : model.label })),
    })),
    defaultModel: policy.defaultModel ?? "",
    userKeysPossible: userKeysEnabled(),
    userKeysKeyMade: userKeysEnabled() && !env().ENCRYPTION_KEY,
    userKeys: policy.userKeys,
    userBaseUrls: policy.userBaseUrls,
    meaningSearch: await meaningSearchReport(),
  };
}

async function meaningSearchReport(): Promise<ModelsAdminPage["meaningSearch"]> {
  const { off } = embeddingsModel();
  const report = off ? null : await vectorIndexReport();
  return report?.model ? { on: true, ...report, model: report.model } : { on: false, why: off ?? "not_configured" };
}

/** The one form of the models page: what is ticked is on. */
export const modelsFormSchema = z.object({
  providers: z.array(z.string().max(100, "invalid_input")).max(1000, "invalid_input"),
  models: z.array(z.string().max(300, "invalid_input")).max(10_000, "invalid_input"),
  defaultModel: z.string().max(300, "invalid_input").default(""),
  userKeys: z.boolean(),
  userBaseUrls: z.boolean(),
});
export type ModelsForm = z.infer<typeof modelsFormSchema>;

/** Checkboxes and selects as the browser sends them (a checkbox left unticked is not sent at all). */
export function modelsFormFields(form: FormData): unknown {
  return {
    providers: form.getAll("provider").map(String),
    models: form.getAll("model").map(String),
    defaultModel: String(form.get("defaultModel") ?? ""),
    userKeys: form.get("userKeys") === "on",
    userBaseUrls: form.get("userBaseUrls") === "on",
  };
}

/**
 * Saves the page: a provider or model listed now and not ticked is turned off;
 * models turned off earlier and not listed now stay off. The default must be
 * a model that stays on (or "" for the built-in one).
 */
export async function saveModelsPage({ admin, form }: { admin: PublicUser; form: ModelsForm }): Promise<void> {
  const before = await modelPolicy();
  const providers = await knownProviders(before);
  const onProviders = new Set(form.providers);
  const onModels = new Set(form.models);
  const listed = providers.flatMap((p) => p.models.map((m) => m.id));
  const listedSet = new Set(listed);
  const policy: ModelPolicy = {
    disabledProviders: providers.filter((p) => !onProviders.has(p.id)).map((p) => p.id),
    disabledModels: [...before.disabledModels.filter((id) => !listedSet.has(id)), ...listed.filter((id) => !onModels.has(id))],
    defaultModel: form.defaultModel || null,
    userKeys: form.userKeys,
    userBaseUrls: form.userBaseUrls,
  };
  if (policy.defaultModel) {
    // The default kept as it was may be one its provider does not list right now (an outage): it stays.
    const known = listedSet.has(policy.defaultModel) || policy.defaultModel === DEMO_MODEL_ID || policy.defaultModel === before.defaultModel;
    if (!known) throw new AppError("model_unavailable", { params: { model: policy.defaultModel }, field: "defaultModel" });
    if (isModelDisabled(policy, policy.defaultModel)) {
      throw new AppError("default_model_off", { params: { model: modelPartOf(policy.defaultModel) }, field: "defaultModel" });
    }
  }
  await saveModelPolicy({ policy, changedBy: admin.id });
}
