// What the server lets people do with keys of their own. Today these come
// from the environment; the admin area will own them, so every check goes
// through these functions (async already, for when they read the database).
import { env } from "../env.server";
import { serverKeyring } from "../utils/encryption.server";

/** Keys of one's own need somewhere safe to live: they are off without ENCRYPTION_KEY. */
export function userKeysEnabled(): boolean {
  return serverKeyring() !== null;
}

/** Whether people may point their own key at a base URL of their choosing (ALLOW_USER_BASE_URLS). */
export async function userBaseUrlsAllowed(): Promise<boolean> {
  return userKeysEnabled() && env().ALLOW_USER_BASE_URLS;
}

/** Private hosts people's own base URLs may reach anyway (USER_BASE_URL_ALLOW_HOSTS). */
export async function userBaseUrlAllowHosts(): Promise<readonly string[]> {
  return env().USER_BASE_URL_ALLOW_HOSTS;
}
