// Your data: export every chat (Markdown, Parley JSON, or a ZIP with the
// files), import chats from Parley, ChatGPT or Claude, and act on all of
// one's chats at once (archive all, with Undo; delete all, once a box is
// ticked). Plain links and plain forms, so all of it works without JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useRef } from "react";
import { requireUser } from "~/auth/session.server";
import { ImportForm } from "~/components/settings/ImportForm";
import type { ImportReportView } from "~/components/settings/ImportReport";
import { primaryButton } from "~/components/settings/parts";
import { FormAlert, useFocusOnRefusal } from "~/components/ui/Field";
import { env } from "~/env.server";
import { formatBytes } from "~/protocol/catalogue";
import { AppError } from "~/protocol/errors";
import { type AllChatsIntent, allChatsSchema, archiveAllChats, chatCounts, deleteAllChats, undoArchiveAll } from "~/services/all-chats.server";
import { importUpload } from "~/services/import.server";
import { type FieldFailure, invalidForm, refusedForm } from "~/utils/form-errors.server";
import { type FormFailure, formFailure, localeOf, readFormData } from "~/utils/http.server";
import { Trans } from "~/i18n/Trans";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";
import { useLocale } from "~/i18n/i18n";

export const meta: MetaFunction = ({ matches }) => pageTitle(metaT(matches)("settings.data"));

/** The query the page is sent to after deleting every chat: how many went (a reload says so again, and deletes nothing). */
const DELETED = "deleted";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { maxImportBytes: env().MAX_IMPORT_BYTES, chats: await chatCounts({ user }) };
}

/** The import's form is the page's one multipart body: its file is streamed to disk as it arrives, never read as a whole form. */
function isUpload(request: Request): boolean {
  return (request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (isUpload(request)) {
    try {
      const report = await importUpload({ request, user, ip: context.clientIp, locale: localeOf(request) });
      return data({ report });
    } catch (error) {
      return formFailure(error, request);
    }
  }
  let intent = "";
  try {
    const raw = Object.fromEntries(await readFormData(request));
    intent = typeof raw.intent === "string" ? raw.intent : "";
    const parsed = allChatsSchema.safeParse(raw);
    if (!parsed.success) {
      if (parsed.error.issues.some((issue) => issue.path[0] === "intent")) throw new AppError("unknown_intent");
      return invalidForm(parsed.error, request, intent);
    }
    const input = parsed.data;
    switch (input.intent) {
      case "archive-all": {
        // The ids go back to the page: its Undo returns exactly these, not chats archived before.
        const chatIds = await archiveAllChats({ user });
        return data({ done: "archived" as const, count: chatIds.length, chatIds });
      }
      case "undo-archive-all":
        return data({ done: "unarchived" as const, count: await undoArchiveAll({ user, chatIds: input.chatIds }) });
      case "delete-all":
        return redirect(`/settings/data?${DELETED}=${await deleteAllChats({ user })}`);
    }
  } catch (error) {
    return refusedForm(error, request, intent);
  }
}

type Done = { done: "archived"; count: number; chatIds: string[] } | { done: "unarchived"; count: number };
type DataResult = { report: ImportReportView } | FormFailure | FieldFailure | Done;

/** A count from the page's address, when it is one. */
function countIn(value: string | null): number | null {
  return value !== null && /^\d{1,9}$/.test(value) ? Number(value) : null;
}

export default function YourData() {
  const { maxImportBytes, chats } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as DataResult | undefined;
  const report = result && "report" in result ? result.report : undefined;
  const refused = result && "fieldErrors" in result ? result : undefined;
  const importError = result && "formError" in result && !refused ? result.formError : undefined;
  const done = result && "done" in result ? result : undefined;
  const [params] = useSearchParams();
  const deleted = result ? null : countIn(params.get(DELETED));
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" ? (String(navigation.formData?.get("intent") ?? "") as AllChatsIntent | "") : "";
  const deleteForm = useRef<HTMLFormElement>(null);
  const deleteRefused = refused?.intent === "delete-all" ? refused : undefined;
  useFocusOnRefusal(deleteForm, deleteRefused, "confirm");
  const confirmError = deleteRefused?.fieldErrors.confirm;
  const total = chats.listed + chats.archived;
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <main id="main" tabIndex={-1} className="outline-none">
      <h1 className="mb-6 text-2xl font-semibold">{t("settings.data")}</h1>

      <h2 id="export" className="mb-2 text-lg font-medium">
        {t("export.export")}
      </h2>
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
      <ImportForm report={report} error={importError} maxBytesLabel={formatBytes(maxImportBytes, locale)} />

      <h2 id="all-chats" className="mt-10 mb-3 text-lg font-medium">
        {t("data.allChats")}
      </h2>
      {refused && !deleteRefused ? (
        <div className="mb-4">
          <FormAlert>{Object.values(refused.fieldErrors)[0] ?? refused.formError}</FormAlert>
        </div>
      ) : null}
      {done?.done === "archived" ? (
        <Notice>
          {done.count > 0 ? (
            <>
              <span>{t("data.archivedAll", { count: done.count })}</span>
              <Link to="/chats?archived=1" className="underline">
                {t("data.openArchived")}
              </Link>
              <Form method="post" action="/settings/data">
                <input type="hidden" name="intent" value="undo-archive-all" />
                <input type="hidden" name="chatIds" value={done.chatIds.join(" ")} />
                <button type="submit" disabled={busy === "undo-archive-all"} className="font-medium underline disabled:opacity-60">
                  {t("data.undoArchiveAll")}
                </button>
              </Form>
            </>
          ) : (
            <span>{t("data.archivedNone")}</span>
          )}
        </Notice>
      ) : null}
      {done?.done === "unarchived" ? (
        <Notice>
          <span>{t("data.unarchivedAll", { count: done.count })}</span>
        </Notice>
      ) : null}
      {deleted !== null ? (
        <Notice>
          <span>{t("data.deletedAll", { count: deleted })}</span>
        </Notice>
      ) : null}
      {total === 0 ? (
        <p className="text-sm text-zinc-400" data-testid="no-chats">
          {t("data.noChats")}
        </p>
      ) : (
        <div className="space-y-4">
          <section aria-labelledby="archive-all" className="rounded-lg border border-zinc-800 p-4">
            <h3 id="archive-all" className="font-medium">
              {t("data.archiveAllTitle")}
            </h3>
            <p className="mt-1 mb-3 text-sm text-zinc-400">{t("data.archiveAllHint")}</p>
            <Form method="post" action="/settings/data">
              <input type="hidden" name="intent" value="archive-all" />
              {chats.listed === 0 ? (
                <p id="nothing-to-archive" className="mb-3 text-sm text-zinc-400">
                  {t("data.nothingToArchive")}
                </p>
              ) : null}
              <button
                type="submit"
                disabled={chats.listed === 0 || busy === "archive-all"}
                aria-describedby={chats.listed === 0 ? "nothing-to-archive" : undefined}
                className={primaryButton}
              >
                {busy === "archive-all" ? t("data.archiving") : chats.listed === 0 ? t("data.archiveAllNone") : t("data.archiveAll", { count: chats.listed })}
              </button>
            </Form>
          </section>

          <section aria-labelledby="delete-all" className="rounded-lg border border-red-500/40 p-4">
            <h3 id="delete-all" className="font-medium">
              {t("data.deleteAllTitle")}
            </h3>
            <p className="mt-1 mb-3 text-sm text-zinc-400">{t("data.deleteAllHint")}</p>
            {/* Checked by the server, not the browser: an unticked form gets its refusal beside the box, the same with or
                without JavaScript. A new count is a new question: the box starts unticked again. */}
            <Form key={total} ref={deleteForm} method="post" action="/settings/data" noValidate className="space-y-3">
              <input type="hidden" name="intent" value="delete-all" />
              <p className="text-sm text-zinc-400">
                <Trans i18nKey="data.deleteExportFirst" components={{ export: <a href="#export" className="text-sky-400 underline" /> }} />
              </p>
              <div>
                <label className="flex items-start gap-2 text-sm text-zinc-300">
                  <input
                    type="checkbox"
                    name="confirm"
                    value="yes"
                    required
                    aria-invalid={confirmError ? true : undefined}
                    aria-describedby={confirmError ? "confirm-error" : undefined}
                    // Without JavaScript the browser gives the focus to a refused form's field in error.
                    autoFocus={Boolean(confirmError)}
                    className="mt-0.5 size-4 shrink-0"
                  />
                  <span>{t("data.deleteAllConfirm", { count: total })}</span>
                </label>
                {confirmError ? (
                  <p id="confirm-error" className="mt-1 text-sm text-red-400">
                    {confirmError}
                  </p>
                ) : null}
              </div>
              <button type="submit" disabled={busy === "delete-all"} className="rounded-lg bg-red-600 px-4 py-2 font-medium hover:bg-red-500 disabled:opacity-60">
                {busy === "delete-all" ? t("data.deleting") : t("data.deleteAll", { count: total })}
              </button>
            </Form>
          </section>
        </div>
      )}
    </main>
  );
}

/** What an action on all chats did, announced to screen readers too. */
function Notice({ children }: { children: React.ReactNode }) {
  return (
    <div role="status" data-testid="all-chats-notice" className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-emerald-500/40 bg-emerald-500/10 px-3 py-2 text-sm text-emerald-300">
      {children}
    </div>
  );
}
