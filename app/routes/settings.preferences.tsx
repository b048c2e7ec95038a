// Settings → Preferences: the theme, the language of Parley's messages, and
// custom instructions (the system prompt of every new answer in a chat that
// has none of its own). Saved on the account and in cookies, so the next page
// is rendered in the new theme and language from its first byte.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { primaryButton, Saved, Section, TextArea } from "~/components/settings/parts";
import { FormAlert } from "~/components/ui/Field";
import { LengthCount, useLengthCount } from "~/components/ui/LengthCount";
import { CUSTOM_INSTRUCTIONS_MAX, preferencesSchema, savePreferences, settingsOf } from "~/services/settings.server";
import { invalidForm, refusedForm } from "~/utils/form-errors.server";
import { orRespond, readFormData } from "~/utils/http.server";
import { preferenceCookies, withCookies } from "~/utils/preferences.server";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("settings.preferences")} · ${t("settings.settings")}`);
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const settings = await orRespond(request, () => settingsOf({ user }));
  return { theme: settings.theme, locale: settings.locale ?? "auto", customInstructions: settings.customInstructions ?? "", max: CUSTOM_INSTRUCTIONS_MAX };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  let typed = "";
  try {
    const raw = Object.fromEntries(await readFormData(request));
    typed = String(raw.customInstructions ?? "");
    const parsed = preferencesSchema.safeParse(raw);
    if (!parsed.success) {
      const failed = invalidForm(parsed.error, request, "preferences", { custom_instructions_too_long: { max: CUSTOM_INSTRUCTIONS_MAX } });
      return data({ ...failed.data, typed }, failed.init ?? undefined);
    }
    await savePreferences({ user, input: parsed.data });
    const cookies = preferenceCookies(request, { theme: parsed.data.theme, locale: parsed.data.locale === "auto" ? null : parsed.data.locale });
    return redirect("/settings/preferences?saved=1", { headers: withCookies(cookies) });
  } catch (error) {
    const failed = refusedForm(error, request, "preferences");
    return data({ ...failed.data, typed }, failed.init ?? undefined);
  }
}

const THEME_CHOICES = [
  { value: "system", label: "appearance.system", hint: "preferences.systemHint" },
  { value: "light", label: "appearance.light", hint: null },
  { value: "dark", label: "appearance.dark", hint: null },
] as const;

const LANGUAGE_CHOICES = [
  // The languages are named in their own words; the browser's default in the page's.
  { value: "auto", label: null },
  { value: "en", label: "English" },
  { value: "ru", label: "Русский" },
] as const;

export default function PreferencesSettings() {
  const saved = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const { t } = useTranslation();
  const count = useLengthCount(failure?.typed ?? saved.customInstructions, saved.max);
  return (
    <main id="main" tabIndex={-1} className="outline-none">
      <h1 className="mb-6 text-2xl font-semibold">{t("settings.preferences")}</h1>
      {params.get("saved") && !failure ? <Saved>{t("settings.saved")}</Saved> : null}
      {failure && Object.keys(failure.fieldErrors).length === 0 ? (
        <div className="mb-4">
          <FormAlert>{failure.formError}</FormAlert>
        </div>
      ) : null}
      <Form method="post" noValidate>
        <Section title={t("appearance.theme")}>
          <fieldset>
            <legend className="sr-only">{t("appearance.theme")}</legend>
            <div className="flex flex-wrap gap-2">
              {THEME_CHOICES.map((choice) => (
                <label key={choice.value} className="flex cursor-pointer items-center gap-2 rounded-lg border border-zinc-700 px-3 py-2 has-[:checked]:border-sky-500 has-[:checked]:bg-sky-950/40">
                  <input type="radio" name="theme" value={choice.value} defaultChecked={saved.theme === choice.value} className="accent-sky-600" />
                  <span>{t(choice.label)}</span>
                  {choice.hint ? <span className="text-xs text-zinc-500">{t(choice.hint)}</span> : null}
                </label>
              ))}
            </div>
          </fieldset>
        </Section>
        <Section title={t("appearance.language")} description={t("preferences.languageHint")}>
          <label className="block max-w-xs">
            <span className="mb-1 block text-sm text-zinc-300">{t("appearance.language")}</span>
            <select name="locale" defaultValue={saved.locale} className="w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2">
              {LANGUAGE_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label ?? t("appearance.browserDefault")}
                </option>
              ))}
            </select>
          </label>
        </Section>
        <Section
          title={t("preferences.customInstructions")}
          description={t("preferences.customInstructionsHint")}
        >
          <TextArea
            label={t("preferences.customInstructions")}
            name="customInstructions"
            rows={6}
            defaultValue={failure?.typed ?? saved.customInstructions}
            onChange={count.onChange}
            placeholder={t("preferences.customInstructionsPlaceholder")}
            hint={<LengthCount length={count.length} max={saved.max} className="" />}
            error={failure?.fieldErrors.customInstructions}
          />
        </Section>
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? t("common.saving") : t("preferences.save")}
        </button>
      </Form>
    </main>
  );
}
