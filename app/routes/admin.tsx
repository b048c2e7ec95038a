// The admin area's frame: who may come in (admins only; anyone else gets the
// same 404 as an address that does not exist) and the nav between its pages.
// Every page below is server-rendered with plain forms and links.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "~/auth/admin.server";

export const meta: MetaFunction = () => [{ title: "Admin · Parley" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request);
  return { admin: { name: admin.name, email: admin.email } };
}

const SECTIONS = [
  { to: "/admin/users", label: "Users" },
  { to: "/admin/registration", label: "Registration" },
  { to: "/admin/models", label: "Models" },
  { to: "/admin/prompt", label: "System prompt" },
  { to: "/admin/limits", label: "Limits" },
  { to: "/admin/usage", label: "Usage" },
  { to: "/admin/moderation", label: "Moderation" },
] as const;

export default function AdminLayout() {
  const { admin } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto flex min-h-full w-full max-w-5xl flex-col p-4 md:p-6">
      <header className="mb-6 flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-zinc-800 pb-3">
        <Link to="/chats" className="text-sm text-sky-400 hover:underline">
          ← Back to chats
        </Link>
        <h1 className="text-xl font-semibold">Admin</h1>
        <nav aria-label="Admin" className="flex flex-wrap gap-1">
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
              {section.label}
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
