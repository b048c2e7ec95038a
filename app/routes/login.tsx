import { useEffect, useRef, useState } from "react";
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, redirect, redirectDocument } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthFormError, authenticator, authFormFailure, typedValues } from "~/auth/auth.server";
import { createSession, getSessionUser, safeRedirect, sendsSessionCookie } from "~/auth/session.server";
import { beginLoginAttempt, retryAfterSeconds, settleLoginAttempt } from "~/auth/throttle.server";
import { AuthShell, Field, FormAlert, useFocusOnRefusal } from "~/components/ui/Field";
import { forgetDrafts } from "~/components/chat/drafts";
import { announceLoggedOut } from "~/components/session/logged-out-elsewhere";
import { signupGate } from "~/services/admin-registration.server";
import { getUserSettings } from "~/models/user.server";
import { AppError } from "~/protocol/errors";
import { readFormData } from "~/utils/http.server";
import { appearanceFor, preferenceCookies, withCookies } from "~/utils/preferences.server";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(metaT(matches)("auth.logIn"));

/** A throttled attempt's Retry-After reaches the page's response (without JavaScript too). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (await getSessionUser(request)) throw redirect(safeRedirect(url.searchParams.get("redirectTo")));
  const { mode, firstAccount } = await signupGate();
  // Said only to a browser that still sends the session it lost: the address alone is anyone's to type.
  const sessionEnded = url.searchParams.get("ended") === "1" && sendsSessionCookie(request);
  return { allowRegistration: firstAccount || mode === "open", sessionEnded };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  const ip = context.clientIp ?? "unknown";
  let email = "";
  let counted = false;
  let outcome: "success" | "wrong-password" | "unchecked" = "unchecked";
  let form: FormData | null = null;
  try {
    // A body that is not a readable form is a 400 with a message, never a 500 (the strategy reads its own clone).
    form = await readFormData(request.clone());
    email = String(form.get("email") ?? "").slice(0, 254);
    if (email) {
      const waitMs = await beginLoginAttempt({ ip, email });
      if (waitMs > 0) throw new AppError("rate_limited", { params: { seconds: retryAfterSeconds(waitMs) } });
      counted = true;
    }
    const user = await authenticator.authenticate("login", request);
    outcome = "success";
    // The account's theme and language follow the person to this browser, from the first page on; where the account
    // has none of its own (the system's theme, the browser's language), a choice made beside this form stands.
    const settings = await getUserSettings({ userId: user.id });
    const appearance = settings && appearanceFor(request, settings);
    const cookies = [await createSession({ request, userId: user.id, ip: context.clientIp }), ...(appearance ? preferenceCookies(request, appearance) : [])];
    // A whole page load, not the script's navigation: the address may be a download (an export, a file) that only the
    // browser itself can take, and the page starts afresh for the account.
    return redirectDocument(redirectTo, { headers: withCookies(cookies) });
  } catch (error) {
    if (error instanceof AuthFormError && error.reason === "invalid_credentials") outcome = "wrong-password";
    return authFormFailure(error, request, { email: typedValues(form).email });
  } finally {
    if (counted) await settleLoginAttempt({ ip, email, outcome });
  }
}

export default function Login() {
  const { allowRegistration, sessionEnded } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusOnRefusal(formRef, result, "password");
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formAction?.startsWith("/login");
  const expired = params.get("expired") === "1";
  const ended = !expired && sessionEnded;
  const deleted = params.get("deleted") === "1";
  // Logged out here (kept once the address no longer says so), or in another tab of this browser.
  const [loggedOut] = useState(() => params.get("out") === "1");
  const elsewhere = !loggedOut && params.get("elsewhere") === "1";
  useEffect(() => {
    if (!loggedOut) return;
    announceLoggedOut();
    // Said once: a reload of this page later (another tab logged in again meanwhile) must not send that tab here.
    setParams(
      (current) => {
        current.delete("out");
        return current;
      },
      { replace: true, preventScrollReset: true },
    );
  }, [loggedOut, setParams]);
  // A deleted account's drafts go from this browser too, as at logging out.
  useEffect(() => {
    if (deleted) forgetDrafts();
  }, [deleted]);
  const { t } = useTranslation();
  return (
    <AuthShell title={t("auth.loginTitle")}>
      <Form ref={formRef} method="post" className="space-y-4" noValidate>
        {expired && !result ? <FormAlert>{t("auth.sessionExpired")}</FormAlert> : null}
        {ended && !result ? (
          <p role="status" data-testid="session-ended" className="rounded-lg border border-zinc-600 bg-zinc-800/60 px-3 py-2 text-sm text-zinc-300">
            {t("auth.sessionEnded")}
          </p>
        ) : null}
        {(loggedOut || elsewhere) && !result ? (
          <p role="status" data-testid="logged-out" className="rounded-lg border border-zinc-600 bg-zinc-800/60 px-3 py-2 text-sm text-zinc-300">
            {t(elsewhere ? "auth.loggedOutElsewhere" : "auth.loggedOut")}
          </p>
        ) : null}
        {deleted && !result ? (
          <p role="status" data-testid="account-deleted" className="rounded-lg border border-emerald-500/40 bg-emerald-500/10 px-3 py-2 text-sm text-emerald-300">
            {t("auth.accountDeleted")}
          </p>
        ) : null}
        {result?.formError && !Object.keys(result.fieldErrors).length ? <FormAlert>{result.formError}</FormAlert> : null}
        <Field label={t("auth.email")} name="email" type="email" autoComplete="email" required autoFocus={!result} defaultValue={result?.values.email} error={result?.fieldErrors.email} />
        {/* A refused log-in (the wrong password) comes back with the focus on the password, without JavaScript too. */}
        <Field label={t("auth.password")} name="password" type="password" autoComplete="current-password" required autoFocus={Boolean(result?.formError) && !Object.keys(result?.fieldErrors ?? {}).length} error={result?.fieldErrors.password} />
        <button type="submit" disabled={busy} className="w-full rounded-lg bg-sky-600 py-2 font-medium hover:bg-sky-500 disabled:opacity-60">
          {busy ? t("auth.loggingIn") : t("auth.logIn")}
        </button>
      </Form>
      {allowRegistration ? (
        <p className="mt-6 text-center text-sm text-zinc-400">
          {t("auth.newHere")}{" "}
          <Link to={{ pathname: "/signup", search: params.toString() ? `?${params}` : "" }} className="text-sky-400 underline">
            {t("auth.createAccountLink")}
          </Link>
        </p>
      ) : null}
    </AuthShell>
  );
}
