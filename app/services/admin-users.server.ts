// The admin area's accounts: the list, roles, disabling, deleting, and
// password-reset links. Callers have passed requireAdmin. Every change that
// could leave the server without an enabled admin is checked in the same
// statement as the change (models/user.server.ts): `last_admin`, 409.
import { z } from "zod";
import { hashPassword } from "../auth/password.server";
import {
  createPasswordReset,
  getUserWithPasswordByEmail,
  getUserForAdmin,
  type GuardedOutcome,
  listUsers,
  passwordResetUser,
  type PublicUser,
  setUserDisabled,
  setUserRole,
  type UserListItem,
  redeemPasswordReset,
} from "../models/user.server";
import { AppError } from "../protocol/errors";
import { deleteAccount, stopAnswersInChatsOf } from "./settings.server";
import { createToken, hashToken, isTokenShaped } from "../utils/token.server";

export const USERS_PAGE_SIZE = 50;
export const RESET_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/** `?q=` and `?page=` of the list; anything odd falls back to the first page of everyone. */
export const usersQuerySchema = z.object({
  q: z.string().trim().max(200).catch(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const userId = z.string({ message: "user_not_found" }).min(1, "user_not_found").max(40, "user_not_found");

/** The forms of the users pages; issue messages are error codes. */
export const userActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("role"), userId, role: z.enum(["admin", "member"], { message: "invalid_input" }) }),
    z.object({ intent: z.literal("disable"), userId }),
    z.object({ intent: z.literal("enable"), userId }),
    z.object({ intent: z.literal("reset-link"), userId }),
    z.object({ intent: z.literal("delete"), userId, confirmEmail: z.string().max(300).default("") }),
  ],
  { errorMap: () => ({ message: "unknown_intent" }) },
);
export type UserAction = z.infer<typeof userActionSchema>;

export interface UsersPage {
  users: UserListItem[];
  total: number;
  page: number;
  pages: number;
  query: string;
}

export async function usersPage({ query, page }: { query: string; page: number }): Promise<UsersPage> {
  const { users, total } = await listUsers({ query, page, pageSize: USERS_PAGE_SIZE });
  return { users, total, page, pages: Math.max(1, Math.ceil(total / USERS_PAGE_SIZE)), query };
}

export async function userForAdmin({ userId }: { userId: string }): Promise<UserListItem> {
  const user = await getUserForAdmin({ userId });
  if (!user) throw new AppError("user_not_found");
  return user;
}

function settle(outcome: GuardedOutcome): void {
  if (outcome === "last_admin") throw new AppError("last_admin");
  if (outcome === "not_found") throw new AppError("user_not_found");
}

export async function changeRole({ admin, userId, role }: { admin: PublicUser; userId: string; role: "admin" | "member" }): Promise<void> {
  settle(await setUserRole({ userId, role, changedBy: admin.id }));
}

/**
 * Disables an account: its sessions end in the same transaction, and logging
 * in is refused until it is enabled. Answers still being written in its
 * chats are stopped, as at a deletion: the server's keys pay for none of them.
 */
export async function disableUser({ admin, userId }: { admin: PublicUser; userId: string }): Promise<void> {
  settle(await setUserDisabled({ userId, disabled: true, changedBy: admin.id }));
  await stopAnswersInChatsOf({ userId });
}

export async function enableUser({ admin, userId }: { admin: PublicUser; userId: string }): Promise<void> {
  settle(await setUserDisabled({ userId, disabled: false, changedBy: admin.id }));
}

/**
 * Deletes an account with its chats, files, keys and sessions, once the admin
 * has typed the account's email to confirm. Answers still being written in
 * its chats are stopped first, so nothing writes to rows that are gone.
 */
export async function deleteUser({ userId, confirmEmail }: { userId: string; confirmEmail: string }): Promise<{ email: string }> {
  const user = await userForAdmin({ userId });
  if (confirmEmail.trim().toLowerCase() !== user.email) throw new AppError("confirmation_mismatch", { field: "confirmEmail" });
  await deleteAccount({ userId });
  return { email: user.email };
}

/**
 * A new password-reset link for an account: 256 random bits, stored hashed,
 * usable once within 24 hours; it replaces the account's earlier unused links.
 * The token is returned once, for the admin to hand over.
 */
export async function createResetLink({ admin, userId, now = Date.now() }: { admin: PublicUser; userId: string; now?: number }): Promise<{ token: string; expiresAt: number }> {
  const { token, hash } = createToken();
  const expiresAt = now + RESET_LINK_TTL_MS;
  if (!(await createPasswordReset({ userId, tokenHash: hash, expiresAt, createdBy: admin.id }))) throw new AppError("user_not_found");
  return { token, expiresAt };
}

/**
 * A reset link made on the server's command line (`npm run reset-link`), for
 * an operator locked out of the only admin account: the same link an admin
 * hands over, made by the account itself.
 */
export async function createResetLinkByEmail({ email, now = Date.now() }: { email: string; now?: number }): Promise<{ token: string; expiresAt: number; disabled: boolean }> {
  const user = await getUserWithPasswordByEmail(email.trim());
  if (!user) throw new AppError("user_not_found");
  const { token, hash } = createToken();
  const expiresAt = now + RESET_LINK_TTL_MS;
  if (!(await createPasswordReset({ userId: user.id, tokenHash: hash, expiresAt, createdBy: user.id }))) throw new AppError("user_not_found");
  return { token, expiresAt, disabled: user.disabledAt !== null };
}

/**
 * The account a reset link is for. A disabled account's link is refused,
 * and kept: it works once an admin enables the account again (a password
 * set now would lead only to a login that says "disabled").
 */
export async function resetLinkAccount({ token, now }: { token: string | undefined; now?: number }): Promise<PublicUser> {
  const found = isTokenShaped(token) ? await passwordResetUser({ tokenHash: hashToken(token), now }) : undefined;
  if (!found) throw new AppError("reset_link_invalid");
  const { disabled, ...user } = found;
  if (disabled) throw new AppError("account_disabled");
  return user;
}

export const newPasswordSchema = z.object({
  password: z.string({ message: "password_invalid" }).min(8, "password_invalid").max(1024, "password_invalid"),
});

/** Sets the new password through a reset link: the link is used up and every session of the account ends. */
export async function resetPassword({ token, password, now }: { token: string | undefined; password: string; now?: number }): Promise<string> {
  await resetLinkAccount({ token, now });
  if (!isTokenShaped(token)) throw new AppError("reset_link_invalid");
  const userId = await redeemPasswordReset({ tokenHash: hashToken(token), passwordHash: await hashPassword(password), now });
  if (!userId) throw new AppError("reset_link_invalid");
  return userId;
}
