// People's own provider keys (table user_api_keys). Keys are sealed here,
// before they reach the database, and opened only for the code that calls the
// provider; nothing that renders a page ever gets more than the last four
// characters (docs/decisions/031).
import { and, eq, not, like } from "drizzle-orm";
import { type UserApiKey, userApiKeys } from "../../drizzle/schema";
import { database } from "../db.server";
import { DecryptionError, type Keyring, open, seal, sealedWithOldKey, serverKeyring } from "../utils/encryption.server";
import { createId } from "../utils/id";

/** What a page may show of a key. */
export interface UserKeyView {
  provider: string;
  /** The key's last four characters; empty when the key is too short to show any, or there is none. */
  lastFour: string;
  hasKey: boolean;
  baseUrl: string | null;
  /** False when the key was sealed with an encryption key the server no longer has. */
  readable: boolean;
  updatedAt: number;
}

/** A stored key as the provider code needs it; `openKey()` decrypts (null: no key, for a keyless server). */
export interface StoredUserKey {
  id: string;
  userId: string;
  provider: string;
  baseUrl: string | null;
  updatedAt: number;
  openKey(): string | null;
}

/** Keys shorter than this show none of their characters (four of eight would be half the key). */
const SHOWN_FROM_LENGTH = 16;

/** Binds a sealed key to its owner and provider: copied onto another row, it does not open. */
function sealContext(userId: string, provider: string): string {
  return `parley:user-api-key:${userId}:${provider}`;
}

export function lastFourOf(apiKey: string): string {
  return apiKey.length >= SHOWN_FROM_LENGTH ? apiKey.slice(-4) : "";
}

function requireKeyring(keyring: Keyring | null): Keyring {
  if (!keyring) throw new Error("keys of one's own need ENCRYPTION_KEY");
  return keyring;
}

/** Adds or replaces a person's key for a provider. */
export async function saveUserKey({
  userId,
  provider,
  apiKey,
  baseUrl,
  keyring = serverKeyring(),
}: {
  userId: string;
  provider: string;
  apiKey: string | null;
  baseUrl: string | null;
  keyring?: Keyring | null;
}): Promise<void> {
  const sealedKey = apiKey ? seal(requireKeyring(keyring), apiKey, sealContext(userId, provider)) : null;
  const lastFour = apiKey ? lastFourOf(apiKey) : "";
  const now = Date.now();
  await database()
    .insert(userApiKeys)
    .values({ id: createId(), userId, provider, sealedKey, lastFour, baseUrl, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [userApiKeys.userId, userApiKeys.provider], set: { sealedKey, lastFour, baseUrl, updatedAt: now } });
}

export async function deleteUserKey({ userId, provider }: { userId: string; provider: string }): Promise<boolean> {
  const deleted = await database()
    .delete(userApiKeys)
    .where(and(eq(userApiKeys.userId, userId), eq(userApiKeys.provider, provider)))
    .returning({ id: userApiKeys.id });
  return deleted.length > 0;
}

function opens(row: UserApiKey, keyring: Keyring | null): boolean {
  if (!row.sealedKey) return true;
  if (!keyring) return false;
  try {
    open(keyring, row.sealedKey, sealContext(row.userId, row.provider));
    return true;
  } catch (error) {
    if (error instanceof DecryptionError) return false;
    throw error;
  }
}

/** A person's keys as the settings page shows them (never the key itself). */
export async function listUserKeys({ userId, keyring = serverKeyring() }: { userId: string; keyring?: Keyring | null }): Promise<UserKeyView[]> {
  const rows = await database().select().from(userApiKeys).where(eq(userApiKeys.userId, userId)).orderBy(userApiKeys.provider);
  return rows.map((row) => ({
    provider: row.provider,
    lastFour: row.lastFour,
    hasKey: row.sealedKey !== null,
    baseUrl: row.baseUrl,
    readable: opens(row, keyring),
    updatedAt: row.updatedAt,
  }));
}

function stored(row: UserApiKey, keyring: Keyring | null): StoredUserKey {
  return {
    id: row.id,
    userId: row.userId,
    provider: row.provider,
    baseUrl: row.baseUrl,
    updatedAt: row.updatedAt,
    openKey: () => (row.sealedKey ? open(requireKeyring(keyring), row.sealedKey, sealContext(row.userId, row.provider)) : null),
  };
}

/** A person's stored keys, still sealed until `openKey()` is called. */
export async function storedUserKeys({ userId, keyring = serverKeyring() }: { userId: string; keyring?: Keyring | null }): Promise<StoredUserKey[]> {
  const rows = await database().select().from(userApiKeys).where(eq(userApiKeys.userId, userId));
  return rows.map((row) => stored(row, keyring));
}

export async function storedUserKey({ userId, provider, keyring = serverKeyring() }: { userId: string; provider: string; keyring?: Keyring | null }): Promise<StoredUserKey | undefined> {
  const [row] = await database()
    .select()
    .from(userApiKeys)
    .where(and(eq(userApiKeys.userId, userId), eq(userApiKeys.provider, provider)))
    .limit(1);
  return row ? stored(row, keyring) : undefined;
}

/**
 * Re-seals every key sealed with an older encryption key under the current
 * one (at boot, after a rotation). Keys no known key opens are left as they
 * are and counted: their owners are asked to add them again.
 */
export async function resealUserKeys({ keyring = serverKeyring() }: { keyring?: Keyring | null } = {}): Promise<{ resealed: number; unreadable: number }> {
  if (!keyring) return { resealed: 0, unreadable: 0 };
  const rows = await database()
    .select()
    .from(userApiKeys)
    .where(not(like(userApiKeys.sealedKey, `v1.${keyring.current.id}.%`)));
  let resealed = 0;
  let unreadable = 0;
  for (const row of rows) {
    if (!row.sealedKey || !sealedWithOldKey(keyring, row.sealedKey)) continue;
    const context = sealContext(row.userId, row.provider);
    let apiKey: string;
    try {
      apiKey = open(keyring, row.sealedKey, context);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      unreadable++;
      continue;
    }
    // Only if it is still the value we opened: a key replaced meanwhile is already sealed with the current key.
    const updated = await database()
      .update(userApiKeys)
      .set({ sealedKey: seal(keyring, apiKey, context) })
      .where(and(eq(userApiKeys.id, row.id), eq(userApiKeys.sealedKey, row.sealedKey)))
      .returning({ id: userApiKeys.id });
    resealed += updated.length;
  }
  return { resealed, unreadable };
}
