// Moderation in the admin area: whether messages are checked (MODERATION_MODEL)
// and the newest ones the check refused, with who sent them and why.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Trans } from "~/i18n/Trans";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";
import { noAdminForms, requireAdmin } from "~/auth/admin.server";
import { When, WideTable } from "~/components/ui/admin";
import { moderationAdminPage } from "~/services/moderation.server";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("admin.moderation")} · ${t("admin.admin")}`);
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return moderationAdminPage();
}

export default function AdminModeration() {
  const { model, flags } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <section aria-labelledby="moderation-heading" className="max-w-4xl space-y-4">
      <h2 id="moderation-heading" className="text-lg font-medium">
        {t("admin.moderation")}
      </h2>
      <p className="text-sm text-zinc-400" data-testid="moderation-state">
        {model ? (
          <Trans i18nKey="adminModeration.on" values={{ model }} components={{ code: <code /> }} />
        ) : (
          <Trans i18nKey="adminModeration.off" components={{ code: <code /> }} />
        )}
      </p>
      {flags.length === 0 ? (
        <p className="text-sm text-zinc-500">{t("adminModeration.none")}</p>
      ) : (
        <WideTable label={t("adminModeration.table")}>
          <table className="w-full min-w-[40rem] text-sm" aria-label={t("adminModeration.table")}>
            <thead className="text-left text-zinc-400">
              <tr>
                <th scope="col" className="py-1.5 font-normal">{t("adminModeration.when")}</th>
                <th scope="col" className="font-normal">{t("adminModeration.person")}</th>
                <th scope="col" className="font-normal">{t("adminModeration.categories")}</th>
                <th scope="col" className="font-normal">{t("adminModeration.message")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-800">
              {flags.map((flag) => (
                <tr key={flag.id} data-testid="moderation-flag">
                  <td className="py-1.5 pr-3 align-top text-zinc-400">
                    <When at={flag.createdAt} />
                  </td>
                  <td className="pr-3 align-top">{flag.email ?? t("adminModeration.deletedAccount")}</td>
                  <td className="pr-3 align-top">{flag.categories.join(", ")}</td>
                  <td className="align-top whitespace-pre-wrap text-zinc-300 [overflow-wrap:anywhere]">{flag.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </WideTable>
      )}
    </section>
  );
}

/** This page takes no forms (see noAdminForms). */
export const action = noAdminForms;
