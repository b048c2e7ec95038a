// The admin's list of accounts: search by name or email (?q=), 50 a page
// (?page=), newest first. Each account opens its own page, where it is changed.
import { type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { noAdminForms, requireAdmin } from "~/auth/admin.server";
import { inputClass, Notice, When, WideTable } from "~/components/ui/admin";
import { usersPage, usersQuerySchema } from "~/services/admin-users.server";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("admin.users")} · ${t("admin.admin")}`);
};

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request);
  const { q, page } = usersQuerySchema.parse(
    Object.fromEntries(new URL(request.url).searchParams)
  );
  const found = await usersPage({ query: q, page });
  // A page past the last (an old link, accounts deleted since) goes to the last one.
  if (found.page > found.pages && found.pages >= 1) {
    throw redirect(`/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(found.pages) })}`);
  }
  return { ...found, adminId: admin.id };
}

export default function AdminUsers() {
  const { users, total, page, pages, query, adminId } =
    useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const pageLink = (n: number) =>
    `?${new URLSearchParams({
      ...(query ? { q: query } : {}),
      page: String(n),
    })}`;
  const deleted = params.get("deleted");
  const { t } = useTranslation();
  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading" className="mb-4 text-lg font-medium">
        {t("admin.users")}
      </h2>
      {deleted ? (
        <Notice>{t("adminUsers.deleted", { email: deleted })}</Notice>
      ) : null}
      <Form method="get" role="search" className="mb-4 flex gap-2">
        <label className="sr-only" htmlFor="user-search">
          {t("adminUsers.searchLabel")}
        </label>
        <input
          id="user-search"
          name="q"
          type="search"
          defaultValue={query}
          dir="auto"
          // Short enough for a phone's width (the field's full name is its label).
          placeholder={t("adminUsers.searchPlaceholder")}
          maxLength={200}
          className={`${inputClass} min-w-0 flex-1`}
        />
        <button
          type="submit"
          className="rounded-lg bg-zinc-800 px-4 py-2 text-sm hover:bg-zinc-700"
        >
          {t("search.title")}
        </button>
      </Form>
      <p className="mb-2 text-sm text-zinc-500" data-testid="users-count">
        {total === 0
          ? query
            ? (
                <>
                  {t("adminUsers.noMatch", { query })}{" "}
                  <Link to="/admin/users" className="text-sky-400 underline hover:text-sky-300">
                    {t("adminUsers.showEveryone")}
                  </Link>
                </>
              )
            : t("adminUsers.none")
          : query
            ? t("adminUsers.countMatching", { count: total, query, page, pages })
            : t("adminUsers.count", { count: total, page, pages })}
      </p>
      <WideTable label={t("adminUsers.list")}>
        <table className="w-full text-left text-sm" data-testid="users-table">
          <thead className="text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="py-2 pr-3 font-medium">{t("auth.name")}</th>
              <th className="py-2 pr-3 font-medium">{t("auth.email")}</th>
              <th className="py-2 pr-3 font-medium">{t("adminUsers.role")}</th>
              <th className="py-2 pr-3 font-medium">{t("adminUsers.status")}</th>
              <th className="py-2 pr-3 font-medium">{t("adminUsers.created")}</th>
              <th className="py-2 pr-3 font-medium">{t("adminUsers.lastActive")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr
                key={user.id}
                className="border-t border-zinc-800"
                data-testid="user-row"
                data-email={user.email}
              >
                <td className="py-2 pr-3">
                  <Link
                    to={`/admin/users/${user.id}`}
                    className="text-sky-400 hover:underline"
                  >
                    {user.name}
                  </Link>
                  {user.id === adminId ? (
                    <span className="ml-1 text-xs text-zinc-500">{t("adminUsers.you")}</span>
                  ) : null}
                </td>
                <td className="py-2 pr-3 text-zinc-300">{user.email}</td>
                <td className="py-2 pr-3" data-testid="user-role">
                  {user.role === "admin" ? t("adminUsers.roleAdmin") : t("adminUsers.roleMember")}
                </td>
                <td className="py-2 pr-3" data-testid="user-status">
                  {user.disabledAt === null ? (
                    <span className="text-emerald-400">{t("adminUsers.active")}</span>
                  ) : (
                    <span className="text-amber-300">{t("adminUsers.disabled")}</span>
                  )}
                </td>
                <td className="py-2 pr-3 text-zinc-400">
                  <When at={user.createdAt} />
                </td>
                <td className="py-2 pr-3 text-zinc-400">
                  <When at={user.lastActiveAt} empty={t("adminUsers.never")} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </WideTable>
      {pages > 1 ? (
        <nav
          aria-label={t("adminUsers.pages")}
          className="mt-4 flex items-center gap-4 text-sm"
        >
          {page > 1 ? (
            <Link
              to={pageLink(page - 1)}
              className="text-sky-400 hover:underline"
            >
              {t("search.previous")}
            </Link>
          ) : null}
          {page < pages ? (
            <Link
              to={pageLink(page + 1)}
              className="text-sky-400 hover:underline"
            >
              {t("search.next")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}

/** This page takes no forms (see noAdminForms). */
export const action = noAdminForms;
