// What the server lets people do with keys of their own: possible at all only
// with ENCRYPTION_KEY; allowed, and with base URLs of one's own, as the admin
// area says (the environment's ALLOW_USER_BASE_URLS until an admin chooses).
import { env } from "../env.server";
import { serverKeyring } from "../utils/encryption.server";
import { modelPolicy } from "./model-policy.server";

/** Keys of one's own need somewhere safe to live: they are off without ENCRYPTION_KEY. */
export function userKeysEnabled(): boolean {
  return serverKeyring() !== null;
}

/** Whether people may use keys of their own: possible (ENCRYPTION_KEY) and allowed by the admin. */
export async function userKeysAllowed(): Promise<boolean> {
  return userKeysEnabled() && (await modelPolicy()).userKeys;
}

/** Whether people may point their own key at a base URL of their choosing (admin area; ALLOW_USER_BASE_URLS by default). */
export async function userBaseUrlsAllowed(): Promise<boolean> {
  if (!userKeysEnabled()) return false;
  const policy = await modelPolicy();
  return policy.userKeys && policy.userBaseUrls;
}

/** Private hosts people's own base URLs may reach anyway (USER_BASE_URL_ALLOW_HOSTS). */
export async function userBaseUrlAllowHosts(): Promise<readonly string[]> {
  return env().USER_BASE_URL_ALLOW_HOSTS;
}
