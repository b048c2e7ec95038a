import { useRef } from "react";
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, redirect, redirectDocument } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthFormError, authenticator, authFormFailure, typedValues } from "~/auth/auth.server";
import { createSession, getSessionUser, safeRedirect } from "~/auth/session.server";
import { saveAppearance } from "~/services/settings.server";
import { chosenLocaleOf, themeOf } from "~/utils/preferences.server";
import { refundSignup, retryAfterSeconds, signupWaitMs } from "~/auth/throttle.server";
import { AuthShell, Field, FormAlert, useFocusOnRefusal } from "~/components/ui/Field";
import { describe } from "~/protocol/catalogue";
import { AppError } from "~/protocol/errors";
import { inviteForToken, inviteProblem, signupGate } from "~/services/admin-registration.server";
import { localeOf, readFormData } from "~/utils/http.server";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(metaT(matches)("auth.signUp"));

/** A throttled attempt's Retry-After reaches the page's response (without JavaScript too). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionUser(request)) throw redirect("/chats");
  const { mode, firstAccount } = await signupGate();
  const token = new URL(request.url).searchParams.get("invite");
  // Registration not open on a server with no account yet: the first one (the admin) may still sign up.
  if (firstAccount) return { view: "form" as const, firstAccountOnly: mode !== "open", message: null };
  if (mode === "open") return { view: "form" as const, firstAccountOnly: false, message: null };
  if (mode === "closed") return { view: "closed" as const, firstAccountOnly: false, message: null };
  if (!token) return { view: "invite-only" as const, firstAccountOnly: false, message: describe("invite_required", localeOf(request)) };
  const problem = inviteProblem(await inviteForToken(token));
  if (problem) return { view: "bad-invite" as const, firstAccountOnly: false, message: describe(problem, localeOf(request)) };
  return { view: "form" as const, firstAccountOnly: false, message: null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  let form: FormData | null = null;
  try {
    // A body that is not a readable form is a 400 with a message, never a 500 (the strategy reads its own clone).
    form = await readFormData(request.clone());
    const ip = context.clientIp ?? "unknown";
    const waitMs = await signupWaitMs({ ip });
    if (waitMs > 0) {
      throw new AppError("rate_limited", { params: { seconds: retryAfterSeconds(waitMs) } });
    }
    const user = await authenticator.authenticate("signup", request).catch(async (error: unknown) => {
      // The limit is on accounts made: a form to correct, or a closed registration, gives its count back. An email
      // that has an account keeps it (trying emails one after another is how addresses would be probed).
      if ((error instanceof AuthFormError && error.reason !== "email_taken") || error instanceof AppError) await refundSignup({ ip });
      throw error;
    });
    // A theme or language chosen before signing up becomes the new account's.
    const theme = themeOf(request);
    const locale = chosenLocaleOf(request);
    if (theme !== "system" || locale) await saveAppearance({ userId: user.id, input: { theme, locale: locale ?? "auto" } });
    // A whole page load, as after logging in: the address may be a download only the browser itself can take.
    return redirectDocument(redirectTo, { headers: { "Set-Cookie": await createSession({ request, userId: user.id, ip: context.clientIp }) } });
  } catch (error) {
    return authFormFailure(error, request, typedValues(form));
  }
}

export default function Signup() {
  const { view, firstAccountOnly, message } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusOnRefusal(formRef, result, "name");
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = navigation.state !== "idle" && navigation.formAction?.startsWith("/signup");
  const { t } = useTranslation();
  if (view !== "form") {
    const title = view === "closed" ? t("auth.registrationClosed") : view === "invite-only" ? t("auth.inviteOnly") : t("auth.badInvite");
    return (
      <AuthShell title={title}>
        <p className="text-center text-zinc-400" data-testid="signup-refused">
          {view === "closed" ? t("auth.closedExplain") : message}
        </p>
        <p className="mt-6 text-center">
          <Link to="/login" className="text-sky-400 hover:underline">
            {t("auth.logIn")}
          </Link>
        </p>
      </AuthShell>
    );
  }
  return (
    <AuthShell title={t("auth.signupTitle")}>
      <Form ref={formRef} method="post" className="space-y-4" noValidate>
        {params.get("invite") ? <input type="hidden" name="invite" value={params.get("invite") ?? ""} /> : null}
        {firstAccountOnly ? (
          <p className="rounded-lg border border-sky-900 bg-sky-950/40 px-3 py-2 text-sm text-sky-200" data-testid="first-account-notice">
            {t("auth.firstAccount")}
          </p>
        ) : null}
        {result?.formError && !Object.keys(result.fieldErrors).length ? <FormAlert>{result.formError}</FormAlert> : null}
        <Field label={t("auth.name")} name="name" autoComplete="name" dir="auto" required autoFocus={!result} defaultValue={result?.values.name} error={result?.fieldErrors.name} />
        <Field label={t("auth.email")} name="email" type="email" autoComplete="email" required defaultValue={result?.values.email} error={result?.fieldErrors.email} />
        <Field
          label={t("auth.newPassword")}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          error={result?.fieldErrors.password}
        />
        <button type="submit" disabled={busy} className="w-full rounded-lg bg-sky-600 py-2 font-medium hover:bg-sky-500 disabled:opacity-60">
          {busy ? t("auth.creatingAccount") : t("auth.signUp")}
        </button>
      </Form>
      <p className="mt-6 text-center text-sm text-zinc-400">
        {t("auth.haveAccount")}{" "}
        <Link to="/login" className="text-sky-400 underline">
          {t("auth.logIn")}
        </Link>
      </p>
    </AuthShell>
  );
}
