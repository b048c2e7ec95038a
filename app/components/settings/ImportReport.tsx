// What an import did, as the data page shows it with or without JavaScript.
import { Link } from "@remix-run/react";
import { useTranslation } from "~/i18n/i18n";

export interface ImportReportView {
  source: string | null;
  imported: number;
  skipped: number;
  failed: { title: string; reason: string }[];
  filesLeftOut?: { title: string; name: string; reason: "missing" | "unreadable" | "quota" | "changed" }[];
  chats: { id: string; title: string }[];
}

const LEFT_OUT_WHY = { missing: "importReport.fileMissing", unreadable: "importReport.fileUnreadable", quota: "importReport.fileQuota", changed: "importReport.fileChanged" } as const;

const SOURCE_NAMES: Record<string, string> = { parley: "Parley", chatgpt: "ChatGPT", claude: "Claude" };

export function ImportReport({ report }: { report: ImportReportView }) {
  const { t } = useTranslation();
  const from = report.source ? t("importReport.from", { source: SOURCE_NAMES[report.source] ?? report.source }) : "";
  return (
    <div role="status" data-testid="import-report" className="space-y-2 rounded-lg border border-emerald-500/40 bg-emerald-500/10 px-3 py-2 text-sm text-emerald-300">
      <p>
        <span data-testid="import-summary">
          {t("importReport.imported", { count: report.imported })}
          {from}
          {t("importReport.rest", { skipped: report.skipped, failed: report.failed.length })}
        </span>
      </p>
      {report.chats.length > 0 ? (
        <ul className="list-inside list-disc">
          {report.chats.slice(0, 20).map((chat) => (
            <li key={chat.id}>
              <Link to={`/chats/${chat.id}`} className="text-sky-300 hover:underline">
                {chat.title}
              </Link>
            </li>
          ))}
          {report.chats.length > 20 ? <li>{t("importReport.more", { count: report.chats.length - 20 })}</li> : null}
        </ul>
      ) : null}
      {report.filesLeftOut?.length ? (
        <div className="text-amber-300" data-testid="import-files-left-out">
          <p>{t("importReport.filesLeftOut", { count: report.filesLeftOut.length })}</p>
          <ul className="list-inside list-disc">
            {report.filesLeftOut.slice(0, 50).map((file, i) => (
              <li key={i}>
                <span className="font-medium">{file.title}</span> — {file.name}: {t(LEFT_OUT_WHY[file.reason])}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {report.failed.length > 0 ? (
        <ul className="list-inside list-disc text-red-300" data-testid="import-failures">
          {report.failed.map((failure, i) => (
            <li key={i}>
              <span className="font-medium">{failure.title}</span>: {failure.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
