// The server's system prompt in the admin area: edit it, see every version
// with who saved it and when, compare two versions, restore an old one.
// Plain forms: saving and restoring POST here; comparing is a GET.
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { requireAdmin } from "~/auth/admin.server";
import { buttonClass, inputClass, Notice, primaryButtonClass, When } from "~/components/ui/admin";
import { FormAlert } from "~/components/ui/Field";
import { systemPromptHistory } from "~/models/system-prompt.server";
import { AppError } from "~/protocol/errors";
import { diffLines, MAX_SERVER_PROMPT_CHARS, restoreServerPrompt, saveServerPrompt, serverPromptSchema } from "~/services/system-prompt.server";
import { type FormFailure, formFailure, readFormData } from "~/utils/http.server";
import { Trans } from "~/i18n/Trans";
import { CountedTextArea } from "~/components/ui/LengthCount";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("admin.prompt")} · ${t("admin.admin")}`);
};

const versionNumber = z.coerce.number().int().positive();

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const history = await systemPromptHistory();
  const url = new URL(request.url);
  const a = versionNumber.safeParse(url.searchParams.get("a"));
  const b = versionNumber.safeParse(url.searchParams.get("b"));
  const before = a.success ? history.find((v) => v.version === a.data) : undefined;
  const after = b.success ? history.find((v) => v.version === b.data) : undefined;
  const comparison = before && after ? { a: before.version, b: after.version, lines: diffLines(before.text, after.text) } : null;
  return { history, comparison, compareAsked: url.searchParams.has("a") || url.searchParams.has("b"), maxChars: MAX_SERVER_PROMPT_CHARS };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), text: z.string() }),
  z.object({ intent: z.literal("restore"), version: versionNumber }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  const fields = Object.fromEntries(await readFormData(request));
  try {
    const parsed = actionSchema.safeParse(fields);
    if (!parsed.success) throw new AppError("invalid_input");
    if (parsed.data.intent === "restore") {
      const restored = await restoreServerPrompt({ version: parsed.data.version, by: admin });
      return redirect(restored ? `/admin/prompt?restored=${restored.restoredFrom}` : "/admin/prompt?unchanged=1");
    }
    const text = serverPromptSchema.safeParse({ text: parsed.data.text });
    if (!text.success) throw new AppError("system_prompt_too_long", { field: "text", params: { max: MAX_SERVER_PROMPT_CHARS } });
    const { saved } = await saveServerPrompt({ text: text.data.text, by: admin });
    return redirect(`/admin/prompt?${saved ? "saved=1" : "unchanged=1"}`);
  } catch (error) {
    const failed = formFailure(error, request, { text: typeof fields.text === "string" ? fields.text : undefined });
    return data(failed.data, failed.init ?? undefined);
  }
}

export default function AdminPrompt() {
  const { history, comparison, compareAsked, maxChars } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as FormFailure | undefined;
  const [params] = useSearchParams();
  const current = history[0];
  const { t } = useTranslation();
  return (
    <section aria-labelledby="prompt-heading" className="max-w-4xl space-y-8">
      <div>
        <h2 id="prompt-heading" className="mb-2 text-lg font-medium">
          {t("admin.prompt")}
        </h2>
        {params.get("saved") && !failure ? <Notice>{t("adminPrompt.saved", { version: current?.version })}</Notice> : null}
        {params.get("unchanged") && !failure ? <Notice tone="info">{t("adminPrompt.unchanged")}</Notice> : null}
        {params.get("restored") && !failure ? <Notice>{t("adminPrompt.restored", { from: params.get("restored"), version: current?.version })}</Notice> : null}
        <p className="mb-3 text-sm text-zinc-400">
          {t("adminPrompt.intro")}
        </p>
        <Form method="post" className="space-y-3">
          {failure ? <FormAlert>{failure.formError}</FormAlert> : null}
          {/* A new version in force (saved or restored) replaces what the box holds, with JavaScript too. */}
          <div>
            <label htmlFor="server-prompt" className="mb-1 block text-sm text-zinc-300">
              {current ? t("adminPrompt.labelInForce", { version: current.version }) : t("adminPrompt.labelNone")}
            </label>
            <CountedTextArea
              key={current?.version ?? 0}
              id="server-prompt"
              name="text"
              rows={10}
              max={maxChars}
              defaultValue={failure?.text ?? current?.text ?? ""}
              refused={failure?.field === "text"}
              className={`${inputClass} w-full font-mono text-sm`}
            />
          </div>
          <button type="submit" name="intent" value="save" className={primaryButtonClass}>
            {t("adminPrompt.save")}
          </button>
        </Form>
      </div>

      <div>
        <h3 className="mb-2 font-medium">{t("adminPrompt.versions")}</h3>
        {history.length === 0 ? (
          <p className="text-sm text-zinc-500">{t("adminPrompt.none")}</p>
        ) : (
          <>
            {/* Drawn again when a version is saved: its choices then start from the two newest. */}
            <Form key={`${history[0]?.version}-${comparison?.a}-${comparison?.b}`} method="get" className="mb-3 flex flex-wrap items-end gap-2 text-sm">
              <label>
                <span className="mb-1 block text-zinc-300">{t("adminPrompt.compare")}</span>
                <select name="a" defaultValue={comparison?.a ?? history[1]?.version ?? history[0]?.version} className={inputClass}>
                  {history.map((v) => (
                    <option key={v.version} value={v.version}>
                      {t("adminPrompt.versionLower", { version: v.version })}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <span className="mb-1 block text-zinc-300">{t("adminPrompt.with")}</span>
                <select name="b" defaultValue={comparison?.b ?? history[0]?.version} className={inputClass}>
                  {history.map((v) => (
                    <option key={v.version} value={v.version}>
                      {t("adminPrompt.versionLower", { version: v.version })}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className={buttonClass}>
                {t("adminPrompt.compare")}
              </button>
            </Form>
            {compareAsked && !comparison ? <FormAlert>{t("adminPrompt.chooseTwo")}</FormAlert> : null}
            {comparison ? (
              <figure className="mb-4 overflow-x-auto rounded-lg border border-zinc-800 p-3">
                <figcaption className="mb-2 text-sm text-zinc-400">
                  {t("adminPrompt.diff", { a: comparison.a, b: comparison.b })}
                </figcaption>
                <pre className="text-sm" data-testid="prompt-diff">
                  {comparison.lines.map((line, i) =>
                    line.kind === "same" ? (
                      <div key={i} className="text-zinc-400">{`  ${line.text}`}</div>
                    ) : line.kind === "removed" ? (
                      <del key={i} className="block bg-red-500/10 text-red-300 no-underline">{`− ${line.text}`}</del>
                    ) : (
                      <ins key={i} className="block bg-emerald-500/10 text-emerald-300 no-underline">{`+ ${line.text}`}</ins>
                    ),
                  )}
                </pre>
              </figure>
            ) : null}
            <ol className="divide-y divide-zinc-800 text-sm">
              {history.map((v, i) => (
                <li key={v.version} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2">
                  <span className="font-medium">{t("adminPrompt.version", { version: v.version })}</span>
                  <span className="text-zinc-400">
                    <Trans i18nKey="adminPrompt.by" values={{ author: v.authorName ?? v.authorEmail ?? t("adminPrompt.deletedAccount") }} components={{ when: <When at={v.createdAt} /> }} />
                    {v.restoredFrom ? ` ${t("adminPrompt.restoredFrom", { version: v.restoredFrom })}` : ""}
                    {v.text ? "" : ` ${t("adminPrompt.empty")}`}
                  </span>
                  {i === 0 ? (
                    <span className="text-emerald-300">{t("adminPrompt.inForce")}</span>
                  ) : v.text === history[0]?.text ? (
                    // Its words are the ones in force (it was restored, or saved again): nothing to restore.
                    <span className="ml-auto text-zinc-500">{t("adminPrompt.sameAsInForce")}</span>
                  ) : (
                    <Form method="post" className="ml-auto">
                      <input type="hidden" name="version" value={v.version} />
                      <button type="submit" name="intent" value="restore" className={buttonClass}>
                        {t("adminPrompt.restore")}<span className="sr-only"> {t("adminPrompt.versionLower", { version: v.version })}</span>
                      </button>
                    </Form>
                  )}
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </section>
  );
}
