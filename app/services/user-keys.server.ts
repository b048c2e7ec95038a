// Keys of one's own: adding, testing and removing a person's key for a
// provider preset (docs/decisions/031). A person only ever reaches their own
// keys (every function takes the signed-in user), and nothing here returns a
// key: only its last four characters.
import { z } from "zod";
import { type Preset, PRESETS, presetById, providerForUserKey, serverBaseUrl } from "../llm/catalog.server";
import { checkUrl, refusedAddress, UnsafeUrlError } from "../llm/ssrf.server";
import { timedOut, UpstreamError } from "../llm/types";
import { modelPolicy } from "../llm/model-policy.server";
import { userBaseUrlAllowHosts, userBaseUrlsAllowed, userKeysAllowed, userKeysEnabled } from "../llm/user-key-policy.server";
import { deleteUserKey, listUserKeys, saveUserKey, storedUserKey, type UserKeyView } from "../models/user-key.server";
import { AppError, type Problem } from "../protocol/errors";
import { DecryptionError } from "../utils/encryption.server";

const KEY_TEST_TIMEOUT_MS = 10_000;
const MAX_KEY_CHARS = 500;
const MAX_URL_CHARS = 2_000;

/** The forms of the keys page; issue messages are error codes (docs/decisions/015). */
export const keyFormSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("add"),
      provider: z.string({ message: "provider_unknown" }).max(40, "provider_unknown"),
      apiKey: z.string().max(MAX_KEY_CHARS * 2, "api_key_invalid").default(""),
      baseUrl: z.string().max(MAX_URL_CHARS, "base_url_invalid").default(""),
    }),
    z.object({ intent: z.literal("test"), provider: z.string({ message: "provider_unknown" }).max(40, "provider_unknown") }),
    z.object({ intent: z.literal("remove"), provider: z.string({ message: "provider_unknown" }).max(40, "provider_unknown") }),
  ],
  { errorMap: () => ({ message: "unknown_intent" }) },
);

/** A provider the keys page offers, and what its form needs. */
export interface KeyProviderOption {
  id: string;
  label: string;
  /** The person gives the address of their own server (needs ALLOW_USER_BASE_URLS). */
  needsBaseUrl: boolean;
  /** The person may give the address of their own server instead of this server's (ALLOW_USER_BASE_URLS). */
  takesBaseUrl: boolean;
  /** A local server may need no key at all. */
  keyOptional: boolean;
}

/** What the keys page shows. */
export interface KeysPage {
  enabled: boolean;
  /** False when the admin does not let people use keys of their own (saved keys can still be removed). */
  allowed: boolean;
  baseUrlsAllowed: boolean;
  providers: KeyProviderOption[];
  /**
   * Why a saved key is not used now, while keys of one's own are allowed (it can still be removed):
   * `turnedOff`, the admin turned its provider off; `addressRefused`, it points at a server of the person's own, which
   * the admin no longer allows.
   */
  keys: (UserKeyView & { label: string; turnedOff: boolean; addressRefused: boolean })[];
}

export async function keysPage({ user }: { user: { id: string } }): Promise<KeysPage> {
  const enabled = userKeysEnabled();
  const allowed = await userKeysAllowed();
  const baseUrlsAllowed = await userBaseUrlsAllowed();
  const { disabledProviders } = await modelPolicy();
  const providers = PRESETS.flatMap((preset): KeyProviderOption[] => {
    // A provider the admin turned off is off whoever's key would pay (the catalogue leaves it out): not offered.
    if (disabledProviders.includes(preset.id)) return [];
    const needsBaseUrl = needsOwnBaseUrl(preset);
    if (needsBaseUrl && !baseUrlsAllowed) return [];
    return [{ id: preset.id, label: preset.label, needsBaseUrl, takesBaseUrl: baseUrlsAllowed && Boolean(preset.keyless), keyOptional: Boolean(preset.keyless) }];
  });
  const keys = enabled ? await listUserKeys({ userId: user.id }) : [];
  return { enabled, allowed, baseUrlsAllowed, providers, keys: keys.map((key) => ({ ...key, label: presetById(key.provider)?.label ?? key.provider, turnedOff: disabledProviders.includes(key.provider), addressRefused: allowed && key.baseUrl !== null && !baseUrlsAllowed })) };
}

/** A local or custom server this server has no address for: the person gives theirs (when allowed). */
function needsOwnBaseUrl(preset: Preset): boolean {
  return Boolean(preset.keyless) && !serverBaseUrl(preset);
}

function requireEnabled(): void {
  if (!userKeysEnabled()) throw new AppError("user_keys_off");
}

/** Adding and testing keys needs them possible (ENCRYPTION_KEY) and allowed by the admin. */
async function requireAllowed(): Promise<void> {
  requireEnabled();
  if (!(await userKeysAllowed())) throw new AppError("user_keys_not_allowed");
}

function requirePreset(provider: string) {
  const preset = presetById(provider);
  if (!preset) throw new AppError("provider_unknown", { field: "provider" });
  return preset;
}

/** A key for a provider the admin turned off would never be used: neither added nor tested. */
async function requireProviderOn(preset: Preset): Promise<void> {
  if ((await modelPolicy()).disabledProviders.includes(preset.id)) throw new AppError("provider_turned_off", { field: "provider", params: { provider: preset.label } });
}

/** A key as pasted: surrounding whitespace goes; whitespace or control characters inside mean it is not one key. */
function cleanKey(raw: string): string {
  const key = raw.trim();
  if (key && (key.length > MAX_KEY_CHARS || !/^[\x21-\x7e]+$/.test(key))) throw new AppError("api_key_invalid", { field: "apiKey" });
  return key;
}

/** A base URL a person typed: http(s), no credentials, and not pointing into the server's own network. */
async function checkedBaseUrl(raw: string, label: string): Promise<string> {
  const text = raw.trim();
  if (!text) throw new AppError("base_url_required", { field: "baseUrl", params: { provider: label } });
  if (!(await userBaseUrlsAllowed())) throw new AppError("base_url_not_allowed", { field: "baseUrl" });
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new AppError("base_url_invalid", { field: "baseUrl", cause });
  }
  // The SDKs append their paths to the address: a query or a fragment would end up before them, and every request fail.
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || url.search || url.hash) {
    throw new AppError("base_url_invalid", { field: "baseUrl" });
  }
  try {
    await checkUrl(url, { allowHosts: await userBaseUrlAllowHosts() });
  } catch (error) {
    if (error instanceof UnsafeUrlError) throw new AppError("base_url_refused", { field: "baseUrl", params: { host: error.host }, cause: error });
    throw error;
  }
  // Stored without a trailing slash: the SDKs append their paths.
  return url.href.replace(/\/+$/, "");
}

/** Adds or replaces the person's key for a provider. */
export async function addUserKey({ user, provider, apiKey, baseUrl }: { user: { id: string }; provider: string; apiKey: string; baseUrl: string }): Promise<void> {
  await requireAllowed();
  const preset = requirePreset(provider);
  await requireProviderOn(preset);
  const key = cleanKey(apiKey);
  const needsBaseUrl = needsOwnBaseUrl(preset);
  if (!key && !preset.keyless) throw new AppError("api_key_required", { field: "apiKey" });
  // A local or custom server this server has an address for: the person's own address, when they give one, wins.
  const url = needsBaseUrl || (preset.keyless && baseUrl.trim()) ? await checkedBaseUrl(baseUrl, preset.label) : null;
  // A hosted provider's key goes to its own address: an address typed for it would be left unused without a word.
  if (!url && baseUrl.trim()) throw new AppError("base_url_not_taken", { field: "baseUrl", params: { provider: preset.label } });
  await saveUserKey({ userId: user.id, provider: preset.id, apiKey: key || null, baseUrl: url });
}

export async function removeUserKey({ user, provider }: { user: { id: string }; provider: string }): Promise<void> {
  requireEnabled();
  if (!(await deleteUserKey({ userId: user.id, provider }))) throw new AppError("key_not_found");
}

export type KeyTest = { provider: string; ok: true; models: number } | { provider: string; ok: false; problem: Problem };

/**
 * Asks the provider for its model list with the person's key, through the
 * real SDK (the cheapest request that needs a valid key). What the provider
 * said is reduced to a status: its words may quote the key.
 */
export async function testUserKey({ user, provider }: { user: { id: string }; provider: string }): Promise<KeyTest> {
  await requireAllowed();
  const preset = requirePreset(provider);
  await requireProviderOn(preset);
  const stored = await storedUserKey({ userId: user.id, provider: preset.id });
  if (!stored) throw new AppError("key_not_found");
  if (stored.baseUrl && !(await userBaseUrlsAllowed())) throw new AppError("base_url_not_allowed");
  try {
    stored.openKey();
  } catch (error) {
    if (error instanceof DecryptionError) throw new AppError("key_unreadable", { cause: error });
    throw error;
  }
  const adapter = await providerForUserKey(stored, { fallbackModels: [] });
  // Readable, yet no way to reach it: a local server's key saved without an address, whose server address is gone since.
  if (!adapter) throw new AppError("key_needs_base_url", { params: { provider: preset.label } });
  try {
    const models = await adapter.listModels(AbortSignal.timeout(KEY_TEST_TIMEOUT_MS));
    return { provider: preset.id, ok: true, models: models.length };
  } catch (error) {
    const refused = refusedAddress(error);
    if (refused) return { provider: preset.id, ok: false, problem: { code: "base_url_refused", params: { host: refused.host } } };
    const status = error instanceof UpstreamError ? error.status : undefined;
    const params = { provider: preset.label, ...(status ? { status } : {}) };
    // Nothing answered at the address (nothing listening, no such host, no answer in time): the address or the server is the thing to check.
    const unreachable = (error instanceof UpstreamError && (error.kind === "connection" || error.kind === "timeout")) || timedOut(error);
    const code = status === 401 || status === 403 ? "key_rejected" : unreachable ? "key_test_unreachable" : "key_test_failed";
    return { provider: preset.id, ok: false, problem: { code, params } };
  }
}
