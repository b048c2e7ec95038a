// Who may create an account: the mode (open, invite-only, closed) and the
// invite links, each with an expiry and a number of uses, revocable. A new
// link is shown once, right after it is made: only its hash is kept.
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Form,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { requireAdmin } from "~/auth/admin.server";
import {
  buttonClass,
  dangerButtonClass,
  inputClass,
  LinkShownOnce,
  Notice,
  primaryButtonClass,
  When,
} from "~/components/ui/admin";
import { FormAlert } from "~/components/ui/Field";
import { AppError } from "~/protocol/errors";
import {
  createInviteLink,
  inviteViews,
  registrationFormSchema,
  registrationMode,
  revokeInviteLink,
  setRegistrationMode,
} from "~/services/admin-registration.server";
import { INVITE_LIFETIMES_DAYS, REGISTRATION_MODES } from "~/services/registration-modes";
import {
  type FormFailure,
  formFailure,
  readFormData,
} from "~/utils/http.server";
import { shownOnceCookie, takeShownOnce } from "~/utils/cookies.server";
import { useTranslation } from "~/i18n/i18n";
import { isolate } from "~/i18n/isolate";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => [
  ...pageTitle(`${metaT(matches)("admin.registration")} · ${metaT(matches)("admin.admin")}`),
];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const [mode, invites] = await Promise.all([
    registrationMode(),
    inviteViews(),
  ]);
  // The invite link just made, shown this once (see shownOnceCookie).
  const shown = takeShownOnce(request);
  const created = isCreatedInvite(shown?.value) ? shown.value : null;
  return data({ mode, invites, created }, shown ? { headers: { "Set-Cookie": shown.clear } } : undefined);
}

function isCreatedInvite(value: unknown): value is { inviteLink: string; inviteId: string } {
  return typeof value === "object" && value !== null && typeof (value as { inviteLink?: unknown }).inviteLink === "string" && typeof (value as { inviteId?: unknown }).inviteId === "string";
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  let intent = "";
  try {
    const parsed = registrationFormSchema.safeParse(
      Object.fromEntries(await readFormData(request))
    );
    if (!parsed.success)
      throw new AppError(
        parsed.error.issues[0]?.message === "unknown_intent"
          ? "unknown_intent"
          : "invalid_input"
      );
    const input = parsed.data;
    intent = input.intent;
    switch (input.intent) {
      case "mode":
        await setRegistrationMode({ admin, mode: input.mode });
        return redirect("/admin/registration?saved=mode");
      case "invite": {
        const { token, invite } = await createInviteLink({
          admin,
          note: input.note,
          maxUses: input.maxUses,
          days: input.days,
        });
        // Shown on the page this redirects to: reloading it makes no second invite.
        const inviteLink = new URL(`/signup?${new URLSearchParams({ invite: token })}`, request.url).href;
        return redirect("/admin/registration", { headers: { "Set-Cookie": shownOnceCookie(request, { inviteLink, inviteId: invite.id }) } });
      }
      case "revoke":
        await revokeInviteLink({ inviteId: input.inviteId });
        return redirect("/admin/registration?saved=revoked");
    }
  } catch (error) {
    const failed = formFailure(error, request, { intent });
    return data(failed.data, failed.init ?? undefined);
  }
}

const MODE_TEXT = {
  open: { label: "registration.open", help: "registration.openHelp" },
  invite: { label: "registration.invite", help: "registration.inviteHelp" },
  closed: { label: "registration.closed", help: "registration.closedHelp" },
} as const;

const STATE_TEXT = {
  usable: "registration.usable",
  revoked: "registration.revoked",
  expired: "registration.expired",
  used_up: "registration.usedUp",
} as const;

export default function AdminRegistration() {
  const { mode, invites, created } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as FormFailure | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const failure = result && "formError" in result ? result : undefined;
  const saved = params.get("saved");
  const { t } = useTranslation();
  return (
    <section
      aria-labelledby="registration-heading"
      className="max-w-3xl space-y-8"
    >
      <div>
        <h2 id="registration-heading" className="mb-4 text-lg font-medium">
          {t("admin.registration")}
        </h2>
        {saved === "mode" && !result ? (
          <Notice>{t("registration.savedMode")}</Notice>
        ) : null}
        {saved === "revoked" && !result ? (
          <Notice>{t("registration.revokedInvite")}</Notice>
        ) : null}
        {failure ? (
          <div className="mb-4">
            <FormAlert>{failure.formError}</FormAlert>
          </div>
        ) : null}
        <Form method="post" className="space-y-3">
          <input type="hidden" name="intent" value="mode" />
          <fieldset className="space-y-2">
            <legend className="mb-2 text-sm text-zinc-300">
              {t("registration.who")}
            </legend>
            {REGISTRATION_MODES.map((value) => (
              <label key={value} className="flex items-start gap-2">
                <input
                  type="radio"
                  name="mode"
                  value={value}
                  defaultChecked={mode === value}
                  className="mt-1"
                />
                <span>
                  <span className="font-medium">{t(MODE_TEXT[value].label)}</span>
                  <span className="block text-sm text-zinc-400">
                    {t(MODE_TEXT[value].help)}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={busy} className={primaryButtonClass}>
            {t("registration.saveMode")}
          </button>
        </Form>
      </div>

      <div>
        <h3 className="mb-2 font-medium">{t("registration.inviteLinks")}</h3>
        {mode !== "invite" ? (
          <p className="mb-3 text-sm text-amber-300">
            {t("registration.onlyWhileInvite")}
          </p>
        ) : null}
        {/* A new, empty form once a link is made: its note and uses were for that one. */}
        <Form
          key={created?.inviteId ?? "new"}
          method="post"
          className="flex flex-wrap items-end gap-3 rounded-lg border border-zinc-800 p-4"
        >
          <input type="hidden" name="intent" value="invite" />
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">
              {t("registration.note")}
            </span>
            <input name="note" maxLength={200} dir="auto" className={inputClass} />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">{t("registration.uses")}</span>
            <input
              name="maxUses"
              type="number"
              min={1}
              max={1000}
              defaultValue={1}
              required
              className={`${inputClass} w-24`}
            />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">
              {t("registration.expiresAfter")}
            </span>
            <select name="days" defaultValue="7" className={inputClass}>
              {INVITE_LIFETIMES_DAYS.map((days) => (
                <option key={days} value={days}>
                  {t("registration.days", { count: days })}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy} className={buttonClass}>
            {t("registration.create")}
          </button>
        </Form>
        {created ? <LinkShownOnce testId="invite-link" intro={t("registration.copyNow")} label={t("registration.inviteLink")} link={created.inviteLink} /> : null}
        {invites.length === 0 ? (
          <p className="mt-4 text-sm text-zinc-500">{t("registration.none")}</p>
        ) : (
          <table
            className="mt-4 w-full text-left text-sm"
            data-testid="invites-table"
          >
            <thead className="text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th className="py-2 pr-3 font-medium">{t("registration.noteColumn")}</th>
                <th className="py-2 pr-3 font-medium">{t("registration.usesLeft")}</th>
                <th className="py-2 pr-3 font-medium">{t("registration.expires")}</th>
                <th className="py-2 pr-3 font-medium">{t("registration.state")}</th>
                <th className="py-2 font-medium">
                  <span className="sr-only">{t("registration.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invites.map((invite) => (
                <tr
                  key={invite.id}
                  className="border-t border-zinc-800"
                  data-testid="invite-row"
                  data-state={invite.state}
                >
                  <td className="py-2 pr-3">
                    {invite.note || <span className="text-zinc-500">—</span>}
                  </td>
                  <td className="py-2 pr-3" data-testid="invite-uses-left">
                    {t("registration.usesOf", { left: invite.usesLeft, max: invite.maxUses })}
                  </td>
                  <td className="py-2 pr-3 text-zinc-400">
                    <When at={invite.expiresAt} />
                  </td>
                  <td className="py-2 pr-3" data-testid="invite-state">
                    {t(STATE_TEXT[invite.state])}
                  </td>
                  <td className="py-2 text-right">
                    {invite.state === "usable" ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="revoke" />
                        <input
                          type="hidden"
                          name="inviteId"
                          value={invite.id}
                        />
                        <button
                          type="submit"
                          className={dangerButtonClass}
                          aria-label={invite.note ? t("registration.revokeFor", { note: isolate(invite.note) }) : t("registration.revokeInvite")}
                        >
                          {t("shares.revoke")}
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
