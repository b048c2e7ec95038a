// Settings: a person's profile, password and sessions, and preferences
// (theme, language, custom instructions). Every function acts on the signed-in
// person's own records only; nothing here takes another person's id.
import { z } from "zod";
import { verifyPassword, hashPassword } from "../auth/password.server";
import { beginLoginAttempt, retryAfterSeconds, settleLoginAttempt } from "../auth/throttle.server";
import { deleteOtherSessions, deleteSession, listSessions } from "../models/session.server";
import {
  changePasswordAndEndOtherSessions,
  chatIdsOwnedBy,
  deleteUserWithData,
  EmailTakenError,
  getPasswordHash,
  getUserSettings,
  isTheLastAdmin,
  type PublicUser,
  updatePreferences,
  updateProfile,
  updateThemeAndLocale,
  type UserSettings,
} from "../models/user.server";
import { type Locale, LOCALES } from "../protocol/catalogue";
import { tFor } from "../i18n/translate.server";
import { AppError } from "../protocol/errors";
import { streamRegistry } from "../streaming/streams.server";
import { abandonTitles } from "../streaming/title.server";
import { type DeviceWords, describeUserAgent } from "../utils/user-agent";
import { asTyped, typedLength } from "../utils/typed-text";
import { THEMES } from "../utils/preferences.server";

/** Custom instructions are a system prompt: long enough for a page of guidance, short enough to leave the context to the chat. */
export const CUSTOM_INSTRUCTIONS_MAX = 4000;

// Issue messages are error codes (app/protocol/errors.ts); the route turns them into words.
const name = z.string({ required_error: "name_empty" }).trim().min(1, "name_empty").max(80, "name_too_long");
const email = z.string({ required_error: "email_invalid" }).trim().min(1, "email_invalid").max(254, "email_invalid").email("email_invalid");

export const profileSchema = z.object({ intent: z.literal("profile"), name, email });

export const passwordSchema = z
  .object({
    intent: z.literal("password"),
    currentPassword: z.string({ required_error: "password_required" }).min(1, "password_required").max(1024, "current_password_wrong"),
    newPassword: z.string({ required_error: "password_too_short" }).min(8, "password_too_short").max(1024, "password_too_long"),
    confirmPassword: z.string({ required_error: "passwords_differ" }),
  })
  .refine((form) => form.newPassword === form.confirmPassword, { message: "passwords_differ", path: ["confirmPassword"] });

/** A session id as the sessions table keeps it (an HMAC, base64url): safe to show, it cannot be turned back into a cookie. */
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "malformed_id");

export const revokeSchema = z.object({ intent: z.literal("revoke"), sessionId });

export const deleteAccountSchema = z.object({
  intent: z.literal("delete-account"),
  password: z.string({ required_error: "password_required" }).min(1, "password_required").max(1024, "current_password_wrong"),
});

export const preferencesSchema = z.object({
  theme: z.enum(THEMES, { errorMap: () => ({ message: "invalid_input" }) }),
  /** "auto": follow the browser. */
  locale: z.enum(["auto", ...LOCALES], { errorMap: () => ({ message: "invalid_input" }) }),
  customInstructions: z
    .string()
    .default("")
    .transform((text) => asTyped(text).trim())
    .refine((text) => typedLength(text) <= CUSTOM_INSTRUCTIONS_MAX, "custom_instructions_too_long"),
});

export async function settingsOf({ user }: { user: PublicUser }): Promise<UserSettings> {
  const settings = await getUserSettings({ userId: user.id });
  // The session was valid a moment ago; an account deleted since has nothing to show.
  if (!settings) throw new AppError("not_found");
  return settings;
}

export async function saveProfile({ user, input }: { user: PublicUser; input: z.infer<typeof profileSchema> }): Promise<void> {
  try {
    await updateProfile({ userId: user.id, name: input.name, email: input.email });
  } catch (error) {
    if (error instanceof EmailTakenError) throw new AppError("email_taken", { field: "email" });
    throw error;
  }
}

/**
 * Runs `act` once `password` is the account's own. Every try counts against
 * the login limits for the account (app/auth/throttle.server.ts), so a form
 * that asks for the password is no way around them for someone who finds a
 * signed-in browser.
 */
async function withOwnPassword<T>({ user, password, ip, field }: { user: PublicUser; password: string; ip: string; field: string }, act: () => Promise<T>): Promise<T> {
  const waitMs = await beginLoginAttempt({ ip, email: user.email });
  if (waitMs > 0) throw new AppError("rate_limited", { params: { seconds: retryAfterSeconds(waitMs) } });
  let outcome: "success" | "wrong-password" | "unchecked" = "unchecked";
  try {
    const hash = await getPasswordHash({ userId: user.id });
    if (!hash) throw new AppError("not_found");
    if (!(await verifyPassword(password, hash))) {
      outcome = "wrong-password";
      throw new AppError("current_password_wrong", { field });
    }
    outcome = "success";
    return await act();
  } finally {
    await settleLoginAttempt({ ip, email: user.email, outcome });
  }
}

/**
 * Stops the answers being written in an account's chats, and the titles they
 * would ask for (it is being deleted or disabled: nobody is there to read
 * them, or to pay). The titles go first: an answer stopped would set its
 * title's request going.
 */
export async function stopAnswersInChatsOf({ userId }: { userId: string }): Promise<void> {
  await stopAnswersIn({ chatIds: new Set(await chatIdsOwnedBy({ userId })) });
}

/** stopAnswersInChatsOf for these chats only (about to be deleted): the titles first, then the answers. */
export async function stopAnswersIn({ chatIds }: { chatIds: Set<string> }): Promise<void> {
  await abandonTitles(chatIds);
  const registry = streamRegistry();
  for (const stream of registry.activeStreams()) if (chatIds.has(stream.chatId)) await registry.stop(stream.messageId);
}

/**
 * Deletes an account with its chats, files, keys, shares and sessions
 * (models/user.server.ts, deleteUserWithData). The server's last enabled
 * admin is refused (`last_admin`) before anything is touched; otherwise the
 * answers still being written in its chats are stopped first, so nothing
 * writes to rows that are gone.
 */
export async function deleteAccount({ userId }: { userId: string }): Promise<void> {
  if (await isTheLastAdmin({ userId })) throw new AppError("last_admin");
  await stopAnswersInChatsOf({ userId });
  const outcome = await deleteUserWithData({ userId });
  if (outcome === "last_admin") throw new AppError("last_admin");
  if (outcome === "not_found") throw new AppError("user_not_found");
}

/** Deletes one's own account (see deleteAccount) once its password is given. */
export async function deleteOwnAccount({ user, password, ip }: { user: PublicUser; password: string; ip: string }): Promise<void> {
  await withOwnPassword({ user, password, ip, field: "password" }, () => deleteAccount({ userId: user.id }));
}

/**
 * Changes the password when the current one is right. Every other session
 * ends with the change: whoever knew the old password is signed out.
 */
export async function changePassword({
  user,
  input,
  ip,
  currentSessionId,
}: {
  user: PublicUser;
  input: z.infer<typeof passwordSchema>;
  ip: string;
  currentSessionId: string | null;
}): Promise<void> {
  await withOwnPassword({ user, password: input.currentPassword, ip, field: "currentPassword" }, async () => {
    await changePasswordAndEndOtherSessions({ userId: user.id, passwordHash: await hashPassword(input.newPassword), keepSessionId: currentSessionId });
  });
}

export interface SessionView {
  id: string;
  device: string;
  ip: string | null;
  createdAt: number;
  lastSeenAt: number | null;
  current: boolean;
}

/** "Chrome on Linux" in a language's words. */
export function deviceWordsFor(locale: Locale): DeviceWords {
  const t = tFor(locale);
  return {
    on: (names) => t("security.deviceOn", names),
    aBrowserOn: (names) => t("security.aBrowserOn", names),
    unknown: t("security.unknownBrowser"),
  };
}

/** The person's signed-in sessions, this one first, then the most recently used; devices named in `locale`. */
export async function sessionsOf({ user, currentSessionId, locale = "en" }: { user: PublicUser; currentSessionId: string | null; locale?: Locale }): Promise<SessionView[]> {
  const rows = await listSessions({ userId: user.id });
  const deviceWords = deviceWordsFor(locale);
  const views = rows.map((row) => ({
    id: row.id,
    device: describeUserAgent(row.userAgent, deviceWords),
    ip: row.ip,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    current: row.id === currentSessionId,
  }));
  return [...views.filter((v) => v.current), ...views.filter((v) => !v.current)];
}

/** Ends one of the person's own sessions; anyone else's (or none) is not found. */
export async function revokeSession({ user, sessionId }: { user: PublicUser; sessionId: string }): Promise<void> {
  if (!(await deleteSession({ userId: user.id, sessionId }))) throw new AppError("not_found");
}

export async function revokeOtherSessions({ user, currentSessionId }: { user: PublicUser; currentSessionId: string }): Promise<number> {
  return deleteOtherSessions({ userId: user.id, keepSessionId: currentSessionId });
}

export async function savePreferences({ user, input }: { user: PublicUser; input: z.infer<typeof preferencesSchema> }): Promise<void> {
  await updatePreferences({
    userId: user.id,
    theme: input.theme,
    locale: input.locale === "auto" ? null : input.locale,
    customInstructions: input.customInstructions || null,
  });
}

/** The theme and language without the rest of the preferences: what a visitor chooses before logging in. */
export const appearanceSchema = z.object({
  theme: z.enum(THEMES, { errorMap: () => ({ message: "invalid_input" }) }),
  locale: z.enum(["auto", ...LOCALES], { errorMap: () => ({ message: "invalid_input" }) }),
});

export async function saveAppearance({ userId, input }: { userId: string; input: z.infer<typeof appearanceSchema> }): Promise<void> {
  await updateThemeAndLocale({ userId, theme: input.theme, locale: input.locale === "auto" ? null : input.locale });
}
