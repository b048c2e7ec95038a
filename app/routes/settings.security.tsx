// Settings → Security: change the password (the current one first; other
// sessions end with the change), the list of signed-in sessions, each of
// which can be ended, or all but this one at once, and deleting the account
// (its password first). Plain POST forms, so all of it works without
// JavaScript.
import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { currentSessionId, destroySession, requireUser } from "~/auth/session.server";
import { primaryButton, quietButton, Saved, Section } from "~/components/settings/parts";
import { Field, FormAlert, useFocusOnRefusal } from "~/components/ui/Field";
import { useSecretForm } from "~/components/ui/useSecretForm";
import { dateLocale } from "~/components/ui/moment";
import { AppError } from "~/protocol/errors";
import { isTheLastAdmin, userFootprint } from "~/models/user.server";
import { changePassword, deleteAccountSchema, deleteOwnAccount, passwordSchema, revokeOtherSessions, revokeSession, revokeSchema, sessionsOf } from "~/services/settings.server";
import { invalidForm, refusedForm } from "~/utils/form-errors.server";
import { localeOf, readFormData } from "~/utils/http.server";
import { tFor } from "~/i18n/translate.server";
import type { Locale } from "~/protocol/catalogue";
import { Trans } from "~/i18n/Trans";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("settings.security")} · ${t("settings.settings")}`);
};

/** A throttled password change says when to try again, without JavaScript too. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

/**
 * "3 minutes ago", in the page's language: worked out on the server, so the
 * browser shows the same words it was sent (no time-zone or ICU mismatch).
 */
function ago(then: number, now: number, locale: Locale, justNow: string): string {
  const minutes = Math.floor((now - then) / 60_000);
  if (minutes < 1) return justNow;
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "always" });
  if (minutes < 60) return relative.format(-minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return relative.format(-hours, "hour");
  return relative.format(-Math.floor(hours / 24), "day");
}

function day(time: number, locale: Locale): string {
  return new Date(time).toLocaleDateString(dateLocale(locale), { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const now = Date.now();
  const locale = localeOf(request);
  const t = tFor(locale);
  const sessions = await sessionsOf({ user, currentSessionId: await currentSessionId(request), locale });
  const footprint = await userFootprint({ userId: user.id });
  return {
    footprint: { chats: footprint.chats, files: footprint.attachments },
    lastAdmin: user.role === "admin" && (await isTheLastAdmin({ userId: user.id })),
    sessions: sessions.map((s) => ({
      id: s.id,
      device: s.device,
      ip: s.ip,
      current: s.current,
      signedIn: day(s.createdAt, locale),
      signedInAt: new Date(s.createdAt).toISOString(),
      lastSeen: s.current ? t("security.now") : ago(s.lastSeenAt ?? s.createdAt, now, locale, t("security.justNow")),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  let intent = "";
  try {
    const raw = Object.fromEntries(await readFormData(request));
    intent = String(raw.intent ?? "");
    const current = await currentSessionId(request);
    switch (intent) {
      case "password": {
        const parsed = passwordSchema.safeParse(raw);
        if (!parsed.success) return invalidForm(parsed.error, request, intent);
        await changePassword({ user, input: parsed.data, ip: context.clientIp ?? "unknown", currentSessionId: current });
        return redirect("/settings/security?changed=password");
      }
      case "revoke": {
        const parsed = revokeSchema.safeParse(raw);
        // A malformed id names no session of this person's: the same 404 as someone else's.
        if (!parsed.success) throw new AppError("not_found");
        await revokeSession({ user, sessionId: parsed.data.sessionId });
        return redirect(parsed.data.sessionId === current ? "/login" : "/settings/security?changed=revoked");
      }
      case "delete-account": {
        const parsed = deleteAccountSchema.safeParse(raw);
        if (!parsed.success) return invalidForm(parsed.error, request, intent);
        await deleteOwnAccount({ user, password: parsed.data.password, ip: context.clientIp ?? "unknown" });
        return redirect("/login?deleted=1", { headers: { "Set-Cookie": await destroySession(request) } });
      }
      case "revoke-others": {
        if (!current) throw new AppError("not_found");
        const ended = await revokeOtherSessions({ user, currentSessionId: current });
        return redirect(`/settings/security?changed=others&ended=${ended}`);
      }
      default:
        throw new AppError("unknown_intent");
    }
  } catch (error) {
    return refusedForm(error, request, intent);
  }
}

export default function SecuritySettings() {
  const { sessions, footprint, lastAdmin } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : "";
  const changed = failure ? null : params.get("changed");
  const ended = Number(params.get("ended") ?? 0);
  const passwordFailure = failure?.intent === "password" ? failure : undefined;
  // Passwords typed do not linger in the page, refused or accepted.
  const passwordForm = useSecretForm({ refusal: passwordFailure, actionData: failure, secretFields: ["currentPassword", "newPassword", "confirmPassword"] });
  const deleteFailure = failure?.intent === "delete-account" ? failure : undefined;
  const deleteForm = useSecretForm({ refusal: deleteFailure, actionData: failure, secretFields: ["password"] });
  useFocusOnRefusal(deleteForm, deleteFailure, "password");
  const others = sessions.filter((s) => !s.current);
  const { t } = useTranslation();
  return (
    <main id="main" tabIndex={-1} className="outline-none">
      <h1 className="mb-6 text-2xl font-semibold">{t("settings.security")}</h1>
      {changed === "password" ? <Saved>{t("security.passwordChanged")}</Saved> : null}
      {changed === "revoked" ? <Saved>{t("security.revoked")}</Saved> : null}
      {changed === "others" ? <Saved>{t("security.endedOthers", { count: ended })}</Saved> : null}
      {failure && failure.intent !== "password" && failure.intent !== "delete-account" ? (
        <div className="mb-4">
          <FormAlert>{failure.formError}</FormAlert>
        </div>
      ) : null}

      <Section title={t("security.changePassword")} description={t("security.changePasswordHint")}>
        <Form ref={passwordForm} method="post" className="max-w-md space-y-4" noValidate>
          <input type="hidden" name="intent" value="password" />
          {passwordFailure && Object.keys(passwordFailure.fieldErrors).length === 0 ? <FormAlert>{passwordFailure.formError}</FormAlert> : null}
          <Field label={t("security.currentPassword")} name="currentPassword" type="password" autoComplete="current-password" error={passwordFailure?.fieldErrors.currentPassword} />
          <Field label={t("security.newPassword")} name="newPassword" type="password" autoComplete="new-password" minLength={8} error={passwordFailure?.fieldErrors.newPassword} />
          <Field label={t("security.confirmPassword")} name="confirmPassword" type="password" autoComplete="new-password" error={passwordFailure?.fieldErrors.confirmPassword} />
          <button type="submit" disabled={busyIntent === "password"} className={primaryButton}>
            {busyIntent === "password" ? t("security.changing") : t("security.changePassword")}
          </button>
        </Form>
      </Section>

      <Section title={t("security.sessions")} description={t("security.sessionsHint")}>
        <ul className="divide-y divide-zinc-800" data-testid="sessions">
          {sessions.map((session) => (
            <li key={session.id} data-testid="session" data-current={session.current ? "true" : undefined} className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3">
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  {session.device}
                  {session.current ? <span className="ml-2 rounded-full bg-emerald-500/10 px-2 py-0.5 text-xs font-normal text-emerald-300">{t("security.thisSession")}</span> : null}
                </p>
                <p className="text-sm text-zinc-400">
                  {session.ip ? <>{session.ip} · </> : null}
                  <Trans i18nKey="security.signedIn" values={{ date: session.signedIn, lastSeen: session.lastSeen }} components={{ time: <time dateTime={session.signedInAt} /> }} />
                </p>
              </div>
              {session.current ? null : (
                <Form method="post">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="sessionId" value={session.id} />
                  <button type="submit" aria-label={t("security.signOutLabel", { device: session.device, lastSeen: session.lastSeen })} className={quietButton}>
                    {t("security.signOut")}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
        {others.length > 0 ? (
          <Form method="post" className="mt-4">
            <input type="hidden" name="intent" value="revoke-others" />
            <button type="submit" disabled={busyIntent === "revoke-others"} className="rounded-lg bg-red-600 px-4 py-2 text-sm font-medium hover:bg-red-500 disabled:opacity-60">
              {t("security.signOutOthers")}
            </button>
          </Form>
        ) : (
          <p className="mt-2 text-sm text-zinc-500">{t("security.noOthers")}</p>
        )}
      </Section>

      <Section title={t("security.deleteAccount")} description={t("security.deleteAccountHint", { chats: t("security.chats", { count: footprint.chats }), files: t("security.files", { count: footprint.files }) })}>
        {lastAdmin ? (
          <p className="max-w-md text-sm text-zinc-400" data-testid="last-admin">
            {t("security.deleteLastAdmin")}
          </p>
        ) : (
          <Form ref={deleteForm} method="post" className="max-w-md space-y-4" noValidate>
            <input type="hidden" name="intent" value="delete-account" />
            <p className="text-sm text-zinc-400">
              <Trans i18nKey="security.deleteExportFirst" components={{ data: <a href="/settings/data" className="text-sky-400 underline" /> }} />
            </p>
            {deleteFailure && Object.keys(deleteFailure.fieldErrors).length === 0 ? <FormAlert>{deleteFailure.formError}</FormAlert> : null}
            <Field label={t("security.deletePassword")} name="password" type="password" autoComplete="current-password" error={deleteFailure?.fieldErrors.password} />
            <button type="submit" disabled={busyIntent === "delete-account"} className="rounded-lg bg-red-600 px-4 py-2 font-medium hover:bg-red-500 disabled:opacity-60">
              {busyIntent === "delete-account" ? t("security.deleting") : t("security.deleteAccountButton")}
            </button>
          </Form>
        )}
      </Section>
    </main>
  );
}
