// The admin's list of accounts: search by name or email (?q=), 50 a page
// (?page=), newest first. Each account opens its own page, where it is changed.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireAdmin } from "~/auth/admin.server";
import { inputClass, Notice, When } from "~/components/ui/admin";
import { usersPage, usersQuerySchema } from "~/services/admin-users.server";

export const meta: MetaFunction = () => [{ title: "Users · Admin · Parley" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request);
  const { q, page } = usersQuerySchema.parse(
    Object.fromEntries(new URL(request.url).searchParams)
  );
  return { ...(await usersPage({ query: q, page })), adminId: admin.id };
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
  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading" className="mb-4 text-lg font-medium">
        Users
      </h2>
      {deleted ? (
        <Notice>Deleted the account {deleted} and its data.</Notice>
      ) : null}
      <Form method="get" role="search" className="mb-4 flex gap-2">
        <label className="sr-only" htmlFor="user-search">
          Search by name or email
        </label>
        <input
          id="user-search"
          name="q"
          type="search"
          defaultValue={query}
          placeholder="Search by name or email"
          maxLength={200}
          className={`${inputClass} min-w-0 flex-1`}
        />
        <button
          type="submit"
          className="rounded-lg bg-zinc-800 px-4 py-2 text-sm hover:bg-zinc-700"
        >
          Search
        </button>
      </Form>
      <p className="mb-2 text-sm text-zinc-500" data-testid="users-count">
        {total === 0
          ? query
            ? `No account matches “${query}”.`
            : "No accounts."
          : `${total} account${total === 1 ? "" : "s"}${
              query ? ` matching “${query}”` : ""
            }, page ${page} of ${pages}.`}
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="users-table">
          <thead className="text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="py-2 pr-3 font-medium">Name</th>
              <th className="py-2 pr-3 font-medium">Email</th>
              <th className="py-2 pr-3 font-medium">Role</th>
              <th className="py-2 pr-3 font-medium">Status</th>
              <th className="py-2 pr-3 font-medium">Created</th>
              <th className="py-2 pr-3 font-medium">Last active</th>
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
                    <span className="ml-1 text-xs text-zinc-500">(you)</span>
                  ) : null}
                </td>
                <td className="py-2 pr-3 text-zinc-300">{user.email}</td>
                <td className="py-2 pr-3" data-testid="user-role">
                  {user.role}
                </td>
                <td className="py-2 pr-3" data-testid="user-status">
                  {user.disabledAt === null ? (
                    <span className="text-emerald-400">active</span>
                  ) : (
                    <span className="text-amber-300">disabled</span>
                  )}
                </td>
                <td className="py-2 pr-3 text-zinc-400">
                  <When at={user.createdAt} />
                </td>
                <td className="py-2 pr-3 text-zinc-400">
                  <When at={user.lastActiveAt} empty="never" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <nav
          aria-label="Pages"
          className="mt-4 flex items-center gap-4 text-sm"
        >
          {page > 1 ? (
            <Link
              to={pageLink(page - 1)}
              className="text-sky-400 hover:underline"
            >
              ← Previous page
            </Link>
          ) : null}
          {page < pages ? (
            <Link
              to={pageLink(page + 1)}
              className="text-sky-400 hover:underline"
            >
              Next page →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
