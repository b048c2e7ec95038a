// What `server.ts` does when given a command instead of serving: work on the
// database as it is, print what the operator needs, and end. Nothing of the
// boot runs (no migration, no answers marked interrupted), so a command is
// safe beside a running server.
import { env } from "../env.server";
import { closeDatabase } from "../db.server";
import { AppError } from "../protocol/errors";
import { createResetLinkByEmail } from "../services/admin-users.server";
import { scrub } from "../utils/logger.server";
import { databaseSetting, rootCause } from "./lifecycle.server";

/** `npm run reset-link -- <email>`: a password-reset link for that account, as an admin would hand over. */
export async function resetLinkCommand(email: string | undefined): Promise<{ ok: boolean; said: string }> {
  const config = env();
  const where = databaseSetting(config);
  if (!email) return { ok: false, said: "Give the account's email: npm run reset-link -- admin@example.com" };
  try {
    const { token, expiresAt, disabled } = await createResetLinkByEmail({ email });
    // Where the server is reached on this machine: its own port, or on Fly the app's address.
    const origin = config.FLY_APP_NAME ? `https://${config.FLY_APP_NAME}.fly.dev` : `http://localhost:${config.PORT}`;
    const link = `${origin}/reset-password/${token}`;
    return {
      ok: true,
      said: [
        `A password-reset link for ${email.trim().toLowerCase()}, usable once until ${new Date(expiresAt).toISOString().replace("T", " ").slice(0, 16)} UTC:`,
        `  ${link}`,
        "On another address (a domain of its own), open the same path there. It replaces the account's earlier unused links.",
        ...(disabled ? ["This account is disabled: the link works once an admin enables it again."] : []),
      ].join("\n"),
    };
  } catch (error) {
    if (error instanceof AppError && error.code === "user_not_found") return { ok: false, said: `No account has the email ${email} in the database at ${where}.` };
    const message = rootCause(error);
    if (/no such table/i.test(message)) return { ok: false, said: `Parley has not started on the database at ${where} yet: there are no accounts in it.` };
    return { ok: false, said: scrub(`Could not make the link with the database at ${where}: ${message}`) };
  } finally {
    closeDatabase();
  }
}
