// What an import did, as the data page shows it with or without JavaScript.
import { Link } from "@remix-run/react";

export interface ImportReportView {
  source: string | null;
  imported: number;
  skipped: number;
  failed: { title: string; reason: string }[];
  chats: { id: string; title: string }[];
}

const SOURCE_NAMES: Record<string, string> = { parley: "Parley", chatgpt: "ChatGPT", claude: "Claude" };
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function ImportReport({ report }: { report: ImportReportView }) {
  const from = report.source ? ` from ${SOURCE_NAMES[report.source] ?? report.source}` : "";
  return (
    <div role="status" data-testid="import-report" className="space-y-2 rounded-lg border border-emerald-500/40 bg-emerald-500/10 px-3 py-2 text-sm text-emerald-200">
      <p>
        <span data-testid="import-summary">
          Imported {plural(report.imported, "conversation")}
          {from}; {report.skipped} skipped as already imported; {report.failed.length} failed.
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
          {report.chats.length > 20 ? <li>…and {report.chats.length - 20} more in the sidebar.</li> : null}
        </ul>
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
