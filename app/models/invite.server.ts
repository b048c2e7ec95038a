// Invitations to sign up (table invites). The link's token is stored only as
// its SHA-256; an invite is usable while it is not revoked, not expired and
// has uses left. Taking a use happens in the sign-up's own transaction
// (createUser in user.server.ts).
import { desc, eq, sql } from "drizzle-orm";
import { type Invite, invites } from "../../drizzle/schema";
import { database } from "../db.server";
import { createId } from "../utils/id";

export type { Invite };

export async function createInvite({ tokenHash, note, maxUses, expiresAt, createdBy }: { tokenHash: string; note: string; maxUses: number; expiresAt: number; createdBy: string }): Promise<Invite> {
  const [invite] = await database().insert(invites).values({ id: createId(), tokenHash, note, maxUses, expiresAt, createdBy }).returning();
  return invite!;
}

/** Every invite, newest first (the page shows which are still usable). */
export async function listInvites({ limit = 200 }: { limit?: number } = {}): Promise<Invite[]> {
  return database().select().from(invites).orderBy(desc(invites.createdAt), desc(invites.id)).limit(limit);
}

export async function inviteByTokenHash({ tokenHash }: { tokenHash: string }): Promise<Invite | undefined> {
  const [invite] = await database().select().from(invites).where(eq(invites.tokenHash, tokenHash)).limit(1);
  return invite;
}

/** Revokes an invite; true when there was one to revoke. */
export async function revokeInvite({ inviteId, now = Date.now() }: { inviteId: string; now?: number }): Promise<boolean> {
  const result = await database().run(sql`UPDATE invites SET revoked_at = coalesce(revoked_at, ${now}) WHERE id = ${inviteId}`);
  return result.rowsAffected > 0;
}

/** The condition an invite row (`invites`) meets while it can still be used. */
export const usableInvite = (tokenHash: string, now: number) =>
  sql`invites.token_hash = ${tokenHash} AND invites.revoked_at IS NULL AND invites.expires_at > ${now} AND invites.uses < invites.max_uses`;
