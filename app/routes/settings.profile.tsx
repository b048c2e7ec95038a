// Settings → Profile: the name Parley calls a person and the email they log
// in with. A plain POST form (works without JavaScript); a refused field keeps
// what was typed and says what to change.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { primaryButton, Saved, Section } from "~/components/settings/parts";
import { Field, FormAlert } from "~/components/ui/Field";
import { profileSchema, saveProfile, settingsOf } from "~/services/settings.server";
import { invalidForm, refusedForm, withTyped } from "~/utils/form-errors.server";
import { orRespond, readFormData } from "~/utils/http.server";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("settings.profile")} · ${t("settings.settings")}`);
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { name, email } = await orRespond(request, () => settingsOf({ user }));
  return { name, email };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  let typed = { name: "", email: "" };
  try {
    const raw = Object.fromEntries(await readFormData(request));
    typed = { name: String(raw.name ?? "").slice(0, 200), email: String(raw.email ?? "").slice(0, 300) };
    const parsed = profileSchema.safeParse({ intent: "profile", ...raw });
    if (!parsed.success) return withTyped(invalidForm(parsed.error, request, "profile"), typed);
    await saveProfile({ user, input: parsed.data });
    return redirect("/settings/profile?saved=1");
  } catch (error) {
    return withTyped(refusedForm(error, request, "profile"), typed);
  }
}

export default function ProfileSettings() {
  const saved = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const values = failure?.typed ?? saved;
  const { t } = useTranslation();
  return (
    <main id="main" tabIndex={-1} className="outline-none">
      <h1 className="mb-6 text-2xl font-semibold">{t("settings.profile")}</h1>
      {params.get("saved") && !failure ? <Saved>{t("settings.saved")}</Saved> : null}
      <Section title={t("profile.section")} description={t("profile.hint")}>
        <Form method="post" className="max-w-md space-y-4" noValidate>
          {failure && Object.keys(failure.fieldErrors).length === 0 ? <FormAlert>{failure.formError}</FormAlert> : null}
          <Field label={t("auth.name")} name="name" autoComplete="name" dir="auto" defaultValue={values.name} maxLength={80} error={failure?.fieldErrors.name} />
          <Field label={t("auth.email")} name="email" type="email" autoComplete="email" defaultValue={values.email} maxLength={300} error={failure?.fieldErrors.email} />
          <button type="submit" disabled={busy} className={primaryButton}>
            {busy ? t("common.saving") : t("profile.save")}
          </button>
        </Form>
      </Section>
    </main>
  );
}
