// Theme and language for someone not signed in (beside the login and sign-up
// forms): a plain form, so it works without JavaScript; it comes back to the
// same page, now in the chosen theme and language.
import { Form, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "~/i18n/i18n";
import type { loader as rootLoader } from "~/root";

export function AppearanceChooser() {
  const preferences = useRouteLoaderData<typeof rootLoader>("root");
  const location = useLocation();
  const { t } = useTranslation();
  const select = "rounded-md border border-zinc-700 bg-zinc-900 px-2 py-1 text-sm";
  return (
    <Form method="post" action="/preferences" className="mt-8 flex flex-wrap items-center justify-center gap-2 text-sm text-zinc-400" aria-label={t("appearance.themeAndLanguage")}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <label className="flex items-center gap-1">
        <span>{t("appearance.theme")}</span>
        <select name="theme" defaultValue={preferences?.theme ?? "system"} className={select}>
          <option value="system">{t("appearance.system")}</option>
          <option value="light">{t("appearance.light")}</option>
          <option value="dark">{t("appearance.dark")}</option>
        </select>
      </label>
      <label className="flex items-center gap-1">
        <span>{t("appearance.language")}</span>
        <select name="locale" defaultValue={preferences?.chosenLocale ?? "auto"} className={select}>
          <option value="auto">{t("appearance.browserDefault")}</option>
          <option value="en">English</option>
          <option value="ru">Русский</option>
        </select>
      </label>
      <button type="submit" className="rounded-md bg-zinc-800 px-3 py-1 text-zinc-200 hover:bg-zinc-700">
        {t("appearance.apply")}
      </button>
    </Form>
  );
}
