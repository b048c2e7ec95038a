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

export const meta: MetaFunction = () => [{ title: "System prompt · Admin · Parley" }];

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
      return redirect(`/admin/prompt?restored=${restored.restoredFrom}`);
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
  return (
    <section aria-labelledby="prompt-heading" className="max-w-4xl space-y-8">
      <div>
        <h2 id="prompt-heading" className="mb-2 text-lg font-medium">
          System prompt
        </h2>
        {params.get("saved") && !failure ? <Notice>Saved as version {current?.version}. New answers use it from now on.</Notice> : null}
        {params.get("unchanged") && !failure ? <Notice tone="info">That is already the prompt in force: nothing was saved.</Notice> : null}
        {params.get("restored") && !failure ? <Notice>Version {params.get("restored")} is in force again, as version {current?.version}.</Notice> : null}
        <p className="mb-3 text-sm text-zinc-400">
          Every answer gets these instructions first, then the chat&apos;s own system prompt (or the default one). Each answer records the version it was
          written with. Empty: no server prompt.
        </p>
        <Form method="post" className="space-y-3">
          {failure ? <FormAlert>{failure.formError}</FormAlert> : null}
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">Prompt {current ? `(version ${current.version} in force)` : "(none yet)"}</span>
            <textarea
              // A new version in force (saved or restored) replaces what the box holds, with JavaScript too.
              key={current?.version ?? 0}
              name="text"
              rows={10}
              maxLength={maxChars}
              defaultValue={failure?.text ?? current?.text ?? ""}
              aria-invalid={failure?.field === "text" || undefined}
              className={`${inputClass} w-full font-mono text-sm`}
            />
          </label>
          <button type="submit" name="intent" value="save" className={primaryButtonClass}>
            Save as a new version
          </button>
        </Form>
      </div>

      <div>
        <h3 className="mb-2 font-medium">Versions</h3>
        {history.length === 0 ? (
          <p className="text-sm text-zinc-500">No version yet.</p>
        ) : (
          <>
            <Form method="get" className="mb-3 flex flex-wrap items-end gap-2 text-sm">
              <label>
                <span className="mb-1 block text-zinc-300">Compare</span>
                <select name="a" defaultValue={comparison?.a ?? history[1]?.version ?? history[0]?.version} className={inputClass}>
                  {history.map((v) => (
                    <option key={v.version} value={v.version}>
                      version {v.version}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <span className="mb-1 block text-zinc-300">with</span>
                <select name="b" defaultValue={comparison?.b ?? history[0]?.version} className={inputClass}>
                  {history.map((v) => (
                    <option key={v.version} value={v.version}>
                      version {v.version}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className={buttonClass}>
                Compare
              </button>
            </Form>
            {compareAsked && !comparison ? <FormAlert>Choose two versions from the list.</FormAlert> : null}
            {comparison ? (
              <figure className="mb-4 overflow-x-auto rounded-lg border border-zinc-800 p-3">
                <figcaption className="mb-2 text-sm text-zinc-400">
                  From version {comparison.a} to version {comparison.b}: lines removed are marked −, lines added +.
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
                  <span className="font-medium">Version {v.version}</span>
                  <span className="text-zinc-400">
                    <When at={v.createdAt} /> by {v.authorEmail ?? "a deleted account"}
                    {v.restoredFrom ? ` (restored version ${v.restoredFrom})` : ""}
                    {v.text ? "" : " — empty: no server prompt"}
                  </span>
                  {i === 0 ? (
                    <span className="text-emerald-300">in force</span>
                  ) : (
                    <Form method="post" className="ml-auto">
                      <input type="hidden" name="version" value={v.version} />
                      <button type="submit" name="intent" value="restore" className={buttonClass}>
                        Restore<span className="sr-only"> version {v.version}</span>
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
