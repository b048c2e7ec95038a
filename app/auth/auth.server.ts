// Sign-up and log-in through remix-auth's form strategy. Validation happens in
// the verify callbacks (the strategy reads the body); failures throw an
// AuthFormError that the route turns into field errors or one generic message.
// Its messages are keys of the interface's words (app/i18n), put into the
// request's language when the form is answered.
import { data } from "@remix-run/node";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { z } from "zod";
import { createUser, EmailTakenError, getUserWithPasswordByEmail, type PublicUser } from "../models/user.server";
import { requireUsableInvite, signupGate } from "../services/admin-registration.server";
import { describe } from "../protocol/catalogue";
import { AppError } from "../protocol/errors";
import { tOf } from "../i18n/translate.server";
import { localeOf } from "../utils/http.server";
import { hashPassword, verifyPassword } from "./password.server";

export type FieldErrors = Partial<Record<"email" | "password" | "name", string>>;

export class AuthFormError extends Error {
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors = {},
    readonly status = 400,
    /**
     * `invalid_credentials`: the email and password did not match (what login throttling counts);
     * `email_taken`: a sign-up for an email that has an account (it counts, so addresses cannot be probed).
     */
    readonly reason?: "invalid_credentials" | "email_taken",
  ) {
    super(message);
  }
}

const email = z
  .string({ required_error: "auth.enterEmail" })
  .trim()
  .min(1, "auth.enterEmail")
  .max(254, "auth.emailTooLong")
  .email("auth.emailInvalid");

export const loginSchema = z.object({
  email,
  password: z.string({ required_error: "auth.enterPassword" }).min(1, "auth.enterPassword").max(1024),
});

export const signupSchema = z.object({
  name: z.string().trim().min(1, "auth.nameEmpty").max(80, "auth.nameTooLong"),
  email,
  password: z
    .string({ required_error: "auth.choosePassword" })
    .min(8, "auth.passwordTooShort")
    .max(1024, "auth.passwordTooLong"),
});

function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path[0] as keyof FieldErrors;
    out[key] ??= issue.message;
  }
  return out;
}

const INVALID_CREDENTIALS = "auth.invalidCredentials";

export const authenticator = new Authenticator<PublicUser>();

authenticator.use(
  new FormStrategy(async ({ form }) => {
    const parsed = loginSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AuthFormError("auth.checkFields", fieldErrorsOf(parsed.error));
    const user = await getUserWithPasswordByEmail(parsed.data.email);
    // Verify against a dummy hash when the account does not exist, so timing does not reveal which emails are registered.
    const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok) throw new AuthFormError(INVALID_CREDENTIALS, {}, 400, "invalid_credentials");
    // Said only after the right password: the message tells nothing to someone guessing.
    if (user.disabledAt !== null) throw new AppError("account_disabled");
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }),
  "login",
);

authenticator.use(
  new FormStrategy(async ({ form, request }) => {
    const { mode, firstAccount } = await signupGate();
    const inviteToken = String(form.get("invite") || new URL(request.url).searchParams.get("invite") || "");
    let invite: { tokenHash: string } | undefined;
    // The server's first account may always be created (it becomes the admin).
    if (!firstAccount && mode === "closed") throw new AppError("registration_closed");
    if (!firstAccount && mode === "invite") {
      if (!inviteToken) throw new AppError("invite_required");
      invite = await requireUsableInvite(inviteToken);
    }
    const parsed = signupSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AuthFormError("auth.checkFields", fieldErrorsOf(parsed.error));
    try {
      const account = { ...parsed.data, passwordHash: await hashPassword(parsed.data.password) };
      if (firstAccount && mode !== "open") {
        // Let in only while the server is still empty: another sign-up may have been first meanwhile.
        const user = await createUser({ ...account, onlyFirst: true });
        if (user) return user;
        throw new AppError(mode === "closed" ? "registration_closed" : "invite_required");
      }
      if (!invite) return await createUser(account);
      const user = await createUser({ ...account, invite });
      if (user) return user;
      // The invite's last use went to someone else a moment ago (or it was revoked meanwhile): say which.
      await requireUsableInvite(inviteToken);
      throw new AppError("invite_used_up");
    } catch (error) {
      if (error instanceof EmailTakenError) {
        throw new AuthFormError("auth.checkFields", { email: "auth.emailTaken" }, 400, "email_taken");
      }
      throw error;
    }
  }),
  "signup",
);

// argon2id hash of a random string, computed on first use.
let dummyHash: Promise<string> | undefined;
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}

/** What a refused login or sign-up form gets back to show again: never the password. */
export interface TypedValues {
  name?: string;
  email?: string;
}

/** The name and email of a posted form, as typed (a page without JavaScript shows them again after a refusal). */
export function typedValues(form: FormData | null): TypedValues {
  const value = (field: string, max: number) => {
    const raw = form?.get(field);
    return typeof raw === "string" ? raw.slice(0, max) : undefined;
  };
  return { name: value("name", 200), email: value("email", 254) };
}

/**
 * What the login and sign-up forms show for a failure: field errors, one
 * message, or a throttle's wait (429 with Retry-After), with what was typed
 * (`values`). Anything else is thrown.
 */
export function authFormFailure(error: unknown, request: Request, values: TypedValues = {}) {
  if (error instanceof AuthFormError) {
    const t = tOf(request) as (key: string) => string;
    const fieldErrors = Object.fromEntries(Object.entries(error.fieldErrors).map(([field, key]) => [field, t(key)])) as FieldErrors;
    return data({ formError: t(error.message), fieldErrors, values }, { status: error.status });
  }
  if (!(error instanceof AppError)) throw error;
  const seconds = error.params?.seconds;
  return data(
    { formError: describe(error.problem, localeOf(request)), fieldErrors: {} as FieldErrors, values },
    { status: error.status, headers: seconds ? { "Retry-After": String(seconds) } : undefined },
  );
}
