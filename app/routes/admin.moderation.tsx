// Moderation in the admin area: whether messages are checked (MODERATION_MODEL)
// and the newest ones the check refused, with who sent them and why.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireAdmin } from "~/auth/admin.server";
import { When } from "~/components/ui/admin";
import { moderationAdminPage } from "~/services/moderation.server";

export const meta: MetaFunction = () => [{ title: "Moderation · Admin · Parley" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return moderationAdminPage();
}

export default function AdminModeration() {
  const { model, flags } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="moderation-heading" className="max-w-4xl space-y-4">
      <h2 id="moderation-heading" className="text-lg font-medium">
        Moderation
      </h2>
      <p className="text-sm text-zinc-400" data-testid="moderation-state">
        {model ? (
          <>
            Every message is checked with <code>{model}</code> before it is stored or sent to a model; a flagged one is refused and listed here.
          </>
        ) : (
          <>
            Off: messages are not checked. Set <code>MODERATION_MODEL</code> (for example <code>omni-moderation-latest</code>) with an OpenAI key to turn it on.
          </>
        )}
      </p>
      {flags.length === 0 ? (
        <p className="text-sm text-zinc-500">No flagged messages.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[40rem] text-sm" aria-label="Flagged messages">
            <thead className="text-left text-zinc-400">
              <tr>
                <th scope="col" className="py-1.5 font-normal">When</th>
                <th scope="col" className="font-normal">Person</th>
                <th scope="col" className="font-normal">Categories</th>
                <th scope="col" className="font-normal">Message</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-800">
              {flags.map((flag) => (
                <tr key={flag.id} data-testid="moderation-flag">
                  <td className="py-1.5 pr-3 align-top text-zinc-400">
                    <When at={flag.createdAt} />
                  </td>
                  <td className="pr-3 align-top">{flag.email ?? "(deleted account)"}</td>
                  <td className="pr-3 align-top">{flag.categories.join(", ")}</td>
                  <td className="align-top whitespace-pre-wrap break-words text-zinc-300">{flag.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
