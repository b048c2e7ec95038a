// Theme and language for someone not signed in (beside the login and sign-up
// forms): a plain form, so it works without JavaScript; it comes back to the
// same page, now in the chosen theme and language.
import { Form, useLocation, useRouteLoaderData } from "@remix-run/react";
import type { loader as rootLoader } from "~/root";

export function AppearanceChooser() {
  const preferences = useRouteLoaderData<typeof rootLoader>("root");
  const location = useLocation();
  const select = "rounded-md border border-zinc-700 bg-zinc-900 px-2 py-1 text-sm";
  return (
    <Form method="post" action="/preferences" className="mt-8 flex flex-wrap items-center justify-center gap-2 text-sm text-zinc-400" aria-label="Theme and language">
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <label className="flex items-center gap-1">
        <span>Theme</span>
        <select name="theme" defaultValue={preferences?.theme ?? "system"} className={select}>
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <label className="flex items-center gap-1">
        <span>Language</span>
        <select name="locale" defaultValue={preferences?.chosenLocale ?? "auto"} className={select}>
          <option value="auto">Browser default</option>
          <option value="en">English</option>
          <option value="ru">Русский</option>
        </select>
      </label>
      <button type="submit" className="rounded-md bg-zinc-800 px-3 py-1 text-zinc-200 hover:bg-zinc-700">
        Apply
      </button>
    </Form>
  );
}
