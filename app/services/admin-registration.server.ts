// Who may create an account: registration open to all, by invitation only,
// or closed. The mode is stored in app_settings ("registration"); with none
// stored, ALLOW_REGISTRATION decides (true: open, false: closed). On a server
// with no account yet, the first one may always be created (it becomes admin).
import { z } from "zod";
import { env } from "../env.server";
import { readSetting, writeSetting } from "../models/app-setting.server";
import { createInvite, type Invite, inviteByTokenHash, listInvites, revokeInvite } from "../models/invite.server";
import { hasAnyUser, type PublicUser } from "../models/user.server";
import { AppError, type ErrorCode } from "../protocol/errors";
import { createToken, hashToken, isTokenShaped } from "../utils/token.server";

import { INVITE_LIFETIMES_DAYS, REGISTRATION_MODES, type RegistrationMode } from "./registration-modes";

export type { RegistrationMode };

const SETTING_KEY = "registration";
const storedRegistration = z.object({ mode: z.enum(REGISTRATION_MODES) });

export async function registrationMode(): Promise<RegistrationMode> {
  const parsed = storedRegistration.safeParse(await readSetting({ key: SETTING_KEY }));
  if (parsed.success) return parsed.data.mode;
  return env().ALLOW_REGISTRATION ? "open" : "closed";
}

export async function setRegistrationMode({ admin, mode }: { admin: PublicUser; mode: RegistrationMode }): Promise<void> {
  await writeSetting({ key: SETTING_KEY, value: { mode }, changedBy: admin.id });
}

/** What the sign-up page may offer: the mode, and whether this is the server's very first account. */
export async function signupGate(): Promise<{ mode: RegistrationMode; firstAccount: boolean }> {
  const [mode, anyUser] = await Promise.all([registrationMode(), hasAnyUser()]);
  return { mode, firstAccount: !anyUser };
}

/** Why an invite cannot be used now, or null when it can. */
export function inviteProblem(invite: Invite | undefined, now = Date.now()): ErrorCode | null {
  if (!invite) return "invite_invalid";
  if (invite.revokedAt !== null) return "invite_revoked";
  if (invite.expiresAt <= now) return "invite_expired";
  if (invite.uses >= invite.maxUses) return "invite_used_up";
  return null;
}

/** The invite a token names (undefined for a token of the wrong shape or unknown). */
export async function inviteForToken(token: string | null | undefined): Promise<Invite | undefined> {
  return isTokenShaped(token) ? inviteByTokenHash({ tokenHash: hashToken(token) }) : undefined;
}

/** Throws the reason an invite token cannot be used now. */
export async function requireUsableInvite(token: string | null | undefined, now = Date.now()): Promise<{ tokenHash: string }> {
  const problem = inviteProblem(await inviteForToken(token), now);
  if (problem) throw new AppError(problem);
  return { tokenHash: hashToken(token!) };
}

export const registrationFormSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("mode"), mode: z.enum(REGISTRATION_MODES, { message: "invalid_input" }) }),
    z.object({
      intent: z.literal("invite"),
      note: z.string().trim().max(200, "invalid_input").default(""),
      maxUses: z.coerce.number({ message: "invalid_input" }).int("invalid_input").min(1, "invalid_input").max(1000, "invalid_input"),
      days: z.coerce
        .number({ message: "invalid_input" })
        .refine((d): d is (typeof INVITE_LIFETIMES_DAYS)[number] => (INVITE_LIFETIMES_DAYS as readonly number[]).includes(d), "invalid_input"),
    }),
    z.object({ intent: z.literal("revoke"), inviteId: z.string().min(1, "invalid_input").max(40, "invalid_input") }),
  ],
  { errorMap: () => ({ message: "unknown_intent" }) },
);

/** A new invite link; the token is shown once, only its hash is kept. */
export async function createInviteLink({ admin, note, maxUses, days, now = Date.now() }: { admin: PublicUser; note: string; maxUses: number; days: number; now?: number }): Promise<{ token: string; invite: Invite }> {
  const { token, hash } = createToken();
  const invite = await createInvite({ tokenHash: hash, note, maxUses, expiresAt: now + days * 24 * 60 * 60 * 1000, createdBy: admin.id });
  return { token, invite };
}

export interface InviteView {
  id: string;
  note: string;
  uses: number;
  maxUses: number;
  usesLeft: number;
  expiresAt: number;
  createdAt: number;
  /** null while it can be used. */
  state: "usable" | "revoked" | "expired" | "used_up";
}

export async function inviteViews({ now = Date.now() }: { now?: number } = {}): Promise<InviteView[]> {
  return (await listInvites()).map((invite) => {
    const problem = inviteProblem(invite, now);
    const state = problem === "invite_revoked" ? "revoked" : problem === "invite_expired" ? "expired" : problem === "invite_used_up" ? "used_up" : "usable";
    return {
      id: invite.id,
      note: invite.note,
      uses: invite.uses,
      maxUses: invite.maxUses,
      usesLeft: Math.max(0, invite.maxUses - invite.uses),
      expiresAt: invite.expiresAt,
      createdAt: invite.createdAt,
      state,
    };
  });
}

export async function revokeInviteLink({ inviteId }: { inviteId: string }): Promise<void> {
  if (!(await revokeInvite({ inviteId }))) throw new AppError("not_found");
}
