// Your data: export every chat (Markdown, Parley JSON, or a ZIP with the
// files) and import chats from Parley, ChatGPT or Claude. Plain links and a
// plain multipart form, so all of it works without JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { ImportForm } from "~/components/settings/ImportForm";
import type { ImportReportView } from "~/components/settings/ImportReport";
import { env } from "~/env.server";
import { formatBytes } from "~/protocol/catalogue";
import { importUpload } from "~/services/import.server";
import { type FormFailure, formFailure, localeOf } from "~/utils/http.server";
import { Trans } from "~/i18n/Trans";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";
import { useLocale } from "~/i18n/i18n";

export const meta: MetaFunction = ({ matches }) => pageTitle(metaT(matches)("settings.data"));

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return { maxImportBytes: env().MAX_IMPORT_BYTES };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  try {
    const report = await importUpload({ request, user, ip: context.clientIp, locale: localeOf(request) });
    return data({ report });
  } catch (error) {
    return formFailure(error, request);
  }
}

export default function YourData() {
  const { maxImportBytes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { report: ImportReportView } | FormFailure | undefined;
  const report = result && "report" in result ? result.report : undefined;
  const error = result && "formError" in result ? result.formError : undefined;
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <main id="main" tabIndex={-1} className="outline-none">
      <h1 className="mb-6 text-2xl font-semibold">{t("settings.data")}</h1>

      <h2 className="mb-2 text-lg font-medium">{t("export.export")}</h2>
      <p className="mb-3 text-sm text-zinc-400">
        <Trans i18nKey="data.exportIntro" components={{ code: <code /> }} />
      </p>
      <ul className="mb-8 flex flex-wrap gap-3 text-sm">
        <li>
          <a href="/settings/data/export?format=zip" download className="inline-block rounded-lg bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500">
            {t("data.downloadAll")}
          </a>
        </li>
        <li>
          <a href="/settings/data/export?format=md" download className="inline-block rounded-lg bg-zinc-800 px-4 py-2 hover:bg-zinc-700">
            {t("data.allMarkdown")}
          </a>
        </li>
      </ul>

      <h2 className="mb-2 text-lg font-medium">{t("data.import")}</h2>
      <p className="mb-3 text-sm text-zinc-400">
        <Trans i18nKey="data.importIntro" components={{ code: <code /> }} />
      </p>
      <ImportForm report={report} error={error} maxBytesLabel={formatBytes(maxImportBytes, locale)} />
    </main>
  );
}
