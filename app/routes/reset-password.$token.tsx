// A password-reset link an admin handed over: choose a new password once.
// Using it ends every session of the account (a stolen cookie stops working)
// and signs this browser in with a fresh one.
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
} from "@remix-run/react";
import { createSession } from "~/auth/session.server";
import { AuthShell, Field, FormAlert } from "~/components/ui/Field";
import { describe } from "~/protocol/catalogue";
import { AppError } from "~/protocol/errors";
import {
  newPasswordSchema,
  resetLinkAccount,
  resetPassword,
} from "~/services/admin-users.server";
import { formFailure, localeOf, readFormData } from "~/utils/http.server";
import { Trans } from "~/i18n/Trans";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(metaT(matches)(data?.ok === false ? "reset.refused" : "reset.title"));

export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const user = await resetLinkAccount({ token: params.token });
    return { ok: true as const, email: user.email, message: null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return data(
      {
        ok: false as const,
        email: null,
        message: describe(error.problem, localeOf(request)),
      },
      { status: error.status }
    );
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  try {
    const parsed = newPasswordSchema.safeParse(
      Object.fromEntries(await readFormData(request))
    );
    if (!parsed.success)
      throw new AppError("password_invalid", { field: "password" });
    const userId = await resetPassword({
      token: params.token,
      password: parsed.data.password,
    });
    return redirect("/chats", {
      headers: { "Set-Cookie": await createSession({ request, userId }) },
    });
  } catch (error) {
    const failed = formFailure(error, request);
    return data(failed.data, failed.init ?? undefined);
  }
}

export default function ResetPassword() {
  const { ok, email, message } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const { t } = useTranslation();
  if (!ok || result?.code === "reset_link_invalid") {
    return (
      <AuthShell title={t("reset.refused")}>
        <p className="text-center text-zinc-400" data-testid="reset-refused">
          {result?.formError ?? message}
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
    <AuthShell title={t("reset.title")}>
      <Form method="post" className="space-y-4" noValidate>
        <p className="text-sm text-zinc-400">
          <Trans i18nKey="reset.intro" values={{ email }} components={{ strong: <strong className="text-zinc-200" /> }} />
        </p>
        <input
          type="text"
          name="username"
          value={email ?? ""}
          autoComplete="username"
          readOnly
          hidden
        />
        <Field
          label={t("reset.newPassword")}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          autoFocus
          error={result?.field === "password" ? result.formError : undefined}
        />
        {result && result.field !== "password" ? (
          <FormAlert>{result.formError}</FormAlert>
        ) : null}
        <button
          type="submit"
          disabled={busy}
          className="w-full rounded-lg bg-sky-600 py-2 font-medium hover:bg-sky-500 disabled:opacity-60"
        >
          {busy ? t("common.saving") : t("reset.submit")}
        </button>
      </Form>
    </AuthShell>
  );
}
