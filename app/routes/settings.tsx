// The settings layout: a nav of plain links (works without JavaScript; rows
// that wrap on a phone, so every page and the one open are in sight, a column
// beside the page on wider screens)
// and the page chosen. Every page below checks the session itself too: their
// loaders run in parallel with this one.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, Outlet } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { useTranslation } from "~/i18n/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

const PAGES = [
  { to: "/settings/profile", label: "settings.profile" },
  { to: "/settings/security", label: "settings.security" },
  { to: "/settings/preferences", label: "settings.preferences" },
  { to: "/settings/keys", label: "settings.keys" },
  { to: "/settings/shares", label: "settings.shares" },
  { to: "/settings/data", label: "settings.data" },
] as const;

export default function SettingsLayout() {
  const { t } = useTranslation();
  return (
    <div className="mx-auto flex min-h-full w-full max-w-4xl flex-col gap-4 p-4 sm:flex-row sm:gap-8 sm:p-6">
      <aside className="shrink-0 sm:w-48">
        <p className="mb-3 text-sm">
          <Link to="/chats" className="inline-block py-1 text-sky-400 hover:underline">
            {t("sidebar.backToChats")}
          </Link>
        </p>
        <p className="mb-2 hidden text-xs font-medium tracking-wide text-zinc-500 uppercase sm:block">{t("settings.settings")}</p>
        <nav aria-label={t("settings.settings")} className="-mx-1">
          <ul className="flex flex-wrap gap-1 sm:flex-col">
            {PAGES.map((page) => (
              <li key={page.to} className="shrink-0">
                <NavLink
                  to={page.to}
                  className={({ isActive }) =>
                    `block rounded-md px-3 py-1.5 text-sm whitespace-nowrap ${isActive ? "bg-zinc-800 font-medium text-white" : "text-zinc-300 hover:bg-zinc-800/60"}`
                  }
                >
                  {t(page.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="min-w-0 flex-1">
        <Outlet />
      </div>
    </div>
  );
}
