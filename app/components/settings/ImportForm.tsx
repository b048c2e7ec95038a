// The import form. Without JavaScript it is a plain multipart POST to the
// page; with JavaScript the file goes by XMLHttpRequest, so the page can show
// how much of it has been sent, then the report, without leaving the page
// (whose data is read again then: the counts of chats beneath the form).
import { useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { FormAlert } from "../ui/Field";
import { ImportReport, type ImportReportView } from "./ImportReport";

interface ImportReply {
  report?: ImportReportView;
  error?: { code: string; message: string };
}

type State = { phase: "idle" } | { phase: "sending"; fraction: number } | { phase: "importing" } | { phase: "done"; report: ImportReportView } | { phase: "failed"; message: string };

export function ImportForm({ report, error, maxBytesLabel }: { report?: ImportReportView; error?: string; maxBytesLabel: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ phase: "idle" });
  const revalidator = useRevalidator();
  const busy = state.phase === "sending" || state.phase === "importing";

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/settings/data/import");
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setState({ phase: "sending", fraction: e.loaded / e.total });
    };
    xhr.upload.onload = () => setState({ phase: "importing" });
    xhr.onload = () => {
      const reply = xhr.response as ImportReply | null;
      if (reply?.report) {
        setState({ phase: "done", report: reply.report });
        form.reset();
        revalidator.revalidate();
      } else if (reply?.error) setState({ phase: "failed", message: reply.error.message });
      else setState({ phase: "failed", message: xhr.responseURL.includes("/login") ? t("data.sessionExpired") : t("data.importFailedStatus", { status: xhr.status }) });
    };
    xhr.onerror = () => setState({ phase: "failed", message: t("data.importConnectionLost") });
    setState({ phase: "sending", fraction: 0 });
    xhr.send(new FormData(form));
  }

  const shownReport = state.phase === "done" ? state.report : state.phase === "idle" ? report : undefined;
  const shownError = state.phase === "failed" ? state.message : state.phase === "idle" ? error : undefined;
  return (
    <form method="post" encType="multipart/form-data" onSubmit={onSubmit} className="space-y-4 rounded-lg border border-zinc-800 p-4">
      {shownError ? <FormAlert>{shownError}</FormAlert> : null}
      {shownReport ? <ImportReport report={shownReport} /> : null}
      <label className="block">
        <span className="mb-1 block text-sm text-zinc-300">{t("data.file", { size: maxBytesLabel })}</span>
        <input name="file" type="file" required accept=".json,.zip,application/json,application/zip" className="block w-full text-sm text-zinc-300 file:mr-3 file:rounded-md file:border-0 file:bg-zinc-800 file:px-3 file:py-1.5 file:text-zinc-100" />
      </label>
      {state.phase === "sending" ? (
        <div className="space-y-1" data-testid="import-progress">
          <progress max={1} value={state.fraction} className="w-full" aria-label={t("data.uploadProgress")} />
          <p className="text-xs text-zinc-400">{t("data.sending", { percent: Math.round(state.fraction * 100) })}</p>
        </div>
      ) : null}
      {state.phase === "importing" ? (
        <p className="text-xs text-zinc-400" data-testid="import-progress">
          {t("data.importing")}
        </p>
      ) : null}
      <button type="submit" disabled={busy} className="rounded-lg bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500 disabled:opacity-60">
        {busy ? t("data.importing") : t("data.import")}
      </button>
    </form>
  );
}
