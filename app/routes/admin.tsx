// The admin area's frame: who may come in (admins only; anyone else gets the
// same 404 as an address that does not exist) and the nav between its pages.
// Every page below is server-rendered with plain forms and links.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { noAdminForms, requireAdmin } from "~/auth/admin.server";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(metaT(matches)("admin.admin"));

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request);
  return { admin: { name: admin.name, email: admin.email } };
}

const SECTIONS = [
  { to: "/admin/users", label: "admin.users" },
  { to: "/admin/registration", label: "admin.registration" },
  { to: "/admin/models", label: "admin.models" },
  { to: "/admin/prompt", label: "admin.prompt" },
  { to: "/admin/limits", label: "admin.limits" },
  { to: "/admin/usage", label: "admin.usage" },
  { to: "/admin/moderation", label: "admin.moderation" },
] as const;

export default function AdminLayout() {
  const { admin } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="mx-auto flex min-h-full w-full max-w-5xl flex-col p-4 md:p-6">
      <header className="mb-6 flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-zinc-800 pb-3">
        <Link to="/chats" className="inline-block py-1 text-sm text-sky-400 hover:underline">
          {t("sidebar.backToChats")}
        </Link>
        <h1 className="text-xl font-semibold">{t("admin.admin")}</h1>
        <nav aria-label={t("admin.admin")} className="flex flex-wrap gap-1">
          {SECTIONS.map((section) => (
            <NavLink
              key={section.to}
              to={section.to}
              className={({ isActive }) =>
                `rounded-md px-3 py-1.5 text-sm ${
                  isActive
                    ? "bg-zinc-800 text-white"
                    : "text-zinc-400 hover:bg-zinc-800/60 hover:text-zinc-200"
                }`
              }
            >
              {t(section.label)}
            </NavLink>
          ))}
        </nav>
        <span
          className="ml-auto truncate text-sm text-zinc-500"
          title={admin.email}
        >
          {admin.name}
        </span>
      </header>
      <main id="main" tabIndex={-1} className="outline-none">
        <Outlet />
      </main>
    </div>
  );
}

/** This page takes no forms (see noAdminForms). */
export const action = noAdminForms;
