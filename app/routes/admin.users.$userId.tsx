// One account in the admin area: its role, disabling and enabling it, a
// password-reset link to hand over, and deleting it after typing its email.
// Plain POST forms throughout; each change comes back to this page.
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Form,
  Link,
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
  When,
} from "~/components/ui/admin";
import { FormAlert } from "~/components/ui/Field";
import { AppError } from "~/protocol/errors";
import {
  changeRole,
  createResetLink,
  deleteUser,
  disableUser,
  enableUser,
  userActionSchema,
  userForAdmin,
} from "~/services/admin-users.server";
import {
  codeResponse,
  type FormFailure,
  formFailure,
  orRespond,
  readFormData,
} from "~/utils/http.server";
import { shownOnceCookie, takeShownOnce } from "~/utils/cookies.server";
import { useEffect, useRef } from "react";
import { Trans } from "~/i18n/Trans";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("adminUser.title")} · ${t("admin.admin")}`);
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request);
  const user = await orRespond(request, () =>
    userForAdmin({ userId: params.userId ?? "" })
  );
  // The reset link just made for this account, shown this once (see shownOnceCookie).
  const shown = takeShownOnce(request);
  const reset = isResetFor(shown?.value, user.id) ? { resetLink: shown.value.resetLink, expiresAt: shown.value.expiresAt } : null;
  return data({ user, isSelf: user.id === admin.id, reset }, shown ? { headers: { "Set-Cookie": shown.clear } } : undefined);
}

function isResetFor(value: unknown, userId: string): value is { userId: string; resetLink: string; expiresAt: number } {
  const v = value as { userId?: unknown; resetLink?: unknown; expiresAt?: unknown } | null;
  return typeof v === "object" && v !== null && v.userId === userId && typeof v.resetLink === "string" && typeof v.expiresAt === "number";
}

const DONE = { role: "role", disable: "disabled", enable: "enabled" } as const;

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  const userId = params.userId ?? "";
  let intent = "";
  try {
    const raw = Object.fromEntries(await readFormData(request));
    const parsed = userActionSchema.safeParse({ ...raw, userId });
    if (!parsed.success) {
      const code = parsed.error.issues[0]?.message;
      throw new AppError(
        code === "unknown_intent" || code === "user_not_found"
          ? code
          : "invalid_input"
      );
    }
    const input = parsed.data;
    intent = input.intent;
    switch (input.intent) {
      case "role":
        await changeRole({ admin, userId, role: input.role });
        break;
      case "disable":
        await disableUser({ admin, userId });
        break;
      case "enable":
        await enableUser({ admin, userId });
        break;
      case "reset-link": {
        const { token, expiresAt } = await createResetLink({ admin, userId });
        // Shown on the page this redirects to: reloading it never makes a new link that undoes the one handed over.
        const resetLink = new URL(`/reset-password/${token}`, request.url).href;
        return redirect(`/admin/users/${userId}`, { headers: { "Set-Cookie": shownOnceCookie(request, { userId, resetLink, expiresAt }) } });
      }
      case "delete": {
        const { email } = await deleteUser({
          userId,
          confirmEmail: input.confirmEmail,
        });
        return redirect(
          `/admin/users?${new URLSearchParams({ deleted: email })}`
        );
      }
    }
    // An admin who gave up their own admin role (or disabled themselves) can no longer see this page.
    if (
      userId === admin.id &&
      (input.intent === "disable" ||
        (input.intent === "role" && input.role === "member"))
    )
      return redirect("/chats");
    return redirect(`/admin/users/${userId}?done=${DONE[input.intent]}`);
  } catch (error) {
    // An account that is gone answers as any missing page does.
    if (error instanceof AppError && error.code === "user_not_found")
      throw codeResponse("not_found", request);
    const failed = formFailure(error, request, { intent });
    return data(failed.data, failed.init ?? undefined);
  }
}


const DONE_TEXT = {
  role: "adminUser.doneRole",
  disabled: "adminUser.doneDisabled",
  enabled: "adminUser.doneEnabled",
} as const;

const isDone = (value: string | null): value is keyof typeof DONE_TEXT => value !== null && value in DONE_TEXT;

export default function AdminUser() {
  const { user, isSelf, reset } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as FormFailure | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const failure = result && "formError" in result ? result : undefined;
  const done = params.get("done");
  const disabled = user.disabledAt !== null;
  const { t } = useTranslation();
  // A refused role change leaves the list on the role the account still has (the page's own
  // render does so without JavaScript; with it, the list keeps what was picked).
  const roleList = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (failure?.intent === "role" && roleList.current) roleList.current.value = user.role;
  }, [failure, user.role]);
  return (
    <section aria-labelledby="user-heading" className="max-w-2xl">
      <p className="mb-4 text-sm">
        <Link to="/admin/users" className="text-sky-400 hover:underline">
          {t("adminUser.allUsers")}
        </Link>
      </p>
      <h2 id="user-heading" className="text-lg font-medium">
        {user.name}{" "}
        {isSelf ? <span className="text-sm text-zinc-500">{t("adminUsers.you")}</span> : null}
      </h2>
      <p className="mb-4 text-sm text-zinc-400">{user.email}</p>
      {isDone(done) && !failure ? (
        <Notice>{t(DONE_TEXT[done])}</Notice>
      ) : null}
      {failure && failure.intent !== "delete" ? (
        <div className="mb-4">
          <FormAlert>{failure.formError}</FormAlert>
        </div>
      ) : null}

      <dl className="mb-6 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500">{t("adminUsers.role")}</dt>
        <dd data-testid="user-role">{user.role === "admin" ? t("adminUsers.roleAdmin") : t("adminUsers.roleMember")}</dd>
        <dt className="text-zinc-500">{t("adminUsers.status")}</dt>
        <dd data-testid="user-status">
          {disabled ? (
            <span className="text-amber-300">
              <Trans i18nKey="adminUser.disabledSince" components={{ when: <When at={user.disabledAt} /> }} />
            </span>
          ) : (
            t("adminUsers.active")
          )}
        </dd>
        <dt className="text-zinc-500">{t("adminUsers.created")}</dt>
        <dd>
          <When at={user.createdAt} />
        </dd>
        <dt className="text-zinc-500">{t("adminUsers.lastActive")}</dt>
        <dd>
          <When at={user.lastActiveAt} empty={t("adminUsers.never")} />
        </dd>
        <dt className="text-zinc-500">{t("adminUser.lastChanged")}</dt>
        <dd data-testid="user-changed">
          {user.changedAt === null ? (
            <span className="text-zinc-500">{t("adminUsers.never")}</span>
          ) : (
            <>
              <Trans i18nKey="adminUser.changedBy" values={{ name: user.changedByName === null ? t("adminUser.deletedAccount") : `${user.changedByName} (${user.changedByEmail})` }} components={{ when: <When at={user.changedAt} /> }} />
            </>
          )}
        </dd>
      </dl>

      <div className="space-y-6">
        <Form method="post" className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="intent" value="role" />
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">{t("adminUsers.role")}</span>
            <select ref={roleList} name="role" defaultValue={user.role} className={inputClass}>
              <option value="member">{t("adminUser.member")}</option>
              <option value="admin">{t("adminUser.adminRole")}</option>
            </select>
          </label>
          <button type="submit" disabled={busy} className={buttonClass}>
            {t("adminUser.saveRole")}
          </button>
        </Form>

        <Form method="post">
          <input
            type="hidden"
            name="intent"
            value={disabled ? "enable" : "disable"}
          />
          <p className="mb-2 text-sm text-zinc-400">
            {disabled ? t("adminUser.cannotLogIn") : t("adminUser.disableHint")}
          </p>
          <button
            type="submit"
            disabled={busy}
            className={disabled ? buttonClass : dangerButtonClass}
          >
            {disabled ? t("adminUser.enable") : t("adminUser.disable")}
          </button>
        </Form>

        <div>
          <Form method="post">
            <input type="hidden" name="intent" value="reset-link" />
            <p className="mb-2 text-sm text-zinc-400">
              {t("adminUser.resetHint")}
            </p>
            <button type="submit" disabled={busy} className={buttonClass}>
              {t("adminUser.createReset")}
            </button>
          </Form>
          {reset ? (
            <LinkShownOnce
              testId="reset-link"
              intro={<Trans i18nKey="adminUser.resetShown" values={{ name: user.name }} components={{ when: <When at={reset.expiresAt} /> }} />}
              label={t("adminUser.resetLink")}
              link={reset.resetLink}
            />
          ) : null}
        </div>

        <Form method="post" className="rounded-lg border border-red-900/60 p-4">
          <input type="hidden" name="intent" value="delete" />
          <h3 className="mb-1 font-medium text-red-300">{t("adminUser.deleteTitle")}</h3>
          <p className="mb-3 text-sm text-zinc-400">
            <Trans i18nKey="adminUser.deleteHint" values={{ email: user.email }} components={{ strong: <strong className="text-zinc-200" /> }} />
          </p>
          {failure && failure.intent === "delete" ? (
            <div className="mb-3">
              <FormAlert>{failure.formError}</FormAlert>
            </div>
          ) : null}
          <label className="mb-3 block">
            <span className="mb-1 block text-sm text-zinc-300">
              {t("adminUser.confirmEmail")}
            </span>
            <input
              name="confirmEmail"
              type="text"
              autoComplete="off"
              spellCheck={false}
              maxLength={300}
              aria-invalid={
                failure?.field === "confirmEmail" ? true : undefined
              }
              className={`${inputClass} w-full`}
            />
          </label>
          <button
            type="submit"
            disabled={busy}
            className="rounded-lg bg-red-700 px-4 py-2 text-sm font-medium hover:bg-red-600 disabled:opacity-60"
          >
            {t("adminUser.deleteSubmit")}
          </button>
        </Form>
      </div>
    </section>
  );
}
