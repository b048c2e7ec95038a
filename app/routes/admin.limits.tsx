// Usage limits in the admin area: the server's defaults (set in the
// environment) and people set apart from them, with what they have used.
// One plain form sets a person's limits by email; blank follows the default.
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireAdmin } from "~/auth/admin.server";
import { buttonClass, inputClass, Notice, primaryButtonClass, When } from "~/components/ui/admin";
import { FormAlert } from "~/components/ui/Field";
import { AppError } from "~/protocol/errors";
import { limitsAdminPage, limitsFormSchema, saveLimitsFor } from "~/services/admin-limits.server";
import { type FormFailure, formFailure, readFormData } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Limits · Admin · Parley" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return limitsAdminPage();
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  try {
    const fields = Object.fromEntries(await readFormData(request));
    const parsed = limitsFormSchema.safeParse({ chats: "", messages: "", window: "", tokensPerMonth: "", spendPerMonthUsd: "", ...fields });
    if (!parsed.success) throw new AppError("invalid_input", { field: String(parsed.error.issues[0]?.path[0] ?? "") });
    await saveLimitsFor({ admin, ...parsed.data });
    return redirect(`/admin/limits?${new URLSearchParams({ saved: parsed.data.email })}`);
  } catch (error) {
    const failed = formFailure(error, request);
    return data(failed.data, failed.init ?? undefined);
  }
}

const count = (n: number) => (n === 0 ? "no limit" : n.toLocaleString("en"));
const hours = (seconds: number) => (seconds % 86_400 === 0 ? `${seconds / 86_400} d` : `${Math.round(seconds / 3600)} h`);
const usd = (n: number) => (n === 0 ? "no limit" : `$${n.toFixed(2)}`);

export default function AdminLimits() {
  const { defaults, people } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as FormFailure | undefined;
  const [params] = useSearchParams();
  const editing = people.find((p) => p.email === params.get("email"));
  const own = editing?.standing.limits;
  const value = (overridden: boolean | undefined, n: number | undefined) => (overridden && n !== undefined ? String(n) : "");
  return (
    <section aria-labelledby="limits-heading" className="max-w-4xl space-y-8">
      <div>
        <h2 id="limits-heading" className="mb-2 text-lg font-medium">
          Usage limits
        </h2>
        {params.get("saved") && !failure ? <Notice>Saved the limits of {params.get("saved")}.</Notice> : null}
        <p className="mb-3 text-sm text-zinc-400">
          Everyone&apos;s defaults come from the server&apos;s environment (<code>LIMIT_*</code> variables); a refusal tells the person which limit they reached and
          when it eases. Rate limits, which stop bursts, are separate.
        </p>
        <table className="w-full text-sm">
          <caption className="sr-only">Default limits</caption>
          <tbody className="divide-y divide-zinc-800">
            <tr>
              <th scope="row" className="py-1.5 text-left font-normal text-zinc-400">Chats kept</th>
              <td>{count(defaults.chats)}</td>
            </tr>
            <tr>
              <th scope="row" className="py-1.5 text-left font-normal text-zinc-400">Answers per window</th>
              <td>{defaults.messages === 0 ? "no limit" : `${defaults.messages} per ${hours(defaults.windowSeconds)}`}</td>
            </tr>
            <tr>
              <th scope="row" className="py-1.5 text-left font-normal text-zinc-400">Tokens per month (UTC)</th>
              <td>{count(defaults.tokensPerMonth)}</td>
            </tr>
            <tr>
              <th scope="row" className="py-1.5 text-left font-normal text-zinc-400">Spend per month (UTC)</th>
              <td>{usd(defaults.spendPerMonthUsd)}</td>
            </tr>
          </tbody>
        </table>
      </div>

      <div>
        <h3 className="mb-2 font-medium">People with limits of their own</h3>
        {people.length === 0 ? (
          <p className="text-sm text-zinc-500">Nobody yet: everyone follows the defaults.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[40rem] text-sm">
              <thead className="text-left text-zinc-400">
                <tr>
                  <th scope="col" className="py-1.5 font-normal">Person</th>
                  <th scope="col" className="font-normal">Chats</th>
                  <th scope="col" className="font-normal">Answers in window</th>
                  <th scope="col" className="font-normal">Tokens this month</th>
                  <th scope="col" className="font-normal">Spend this month</th>
                  <th scope="col" className="font-normal"><span className="sr-only">Change</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-800">
                {people.map(({ userId, email, standing: { limits, used, messagesResetAt } }) => (
                  <tr key={userId}>
                    <td className="py-1.5">{email}</td>
                    <td>{used.chats} / {count(limits.chats)}</td>
                    <td>
                      {used.messages} / {limits.messages === 0 ? "no limit" : `${limits.messages} per ${hours(limits.windowSeconds)}`}
                      {limits.messages > 0 && used.messages >= limits.messages && messagesResetAt ? (
                        <span className="block text-xs text-amber-300">
                          eases <When at={messagesResetAt} />
                        </span>
                      ) : null}
                    </td>
                    <td>{used.tokens.toLocaleString("en")} / {count(limits.tokensPerMonth)}</td>
                    <td>${used.spendUsd.toFixed(2)} / {usd(limits.spendPerMonthUsd)}</td>
                    <td>
                      <Link to={`/admin/limits?${new URLSearchParams({ email })}#set-limits`} className="text-sky-400 hover:underline">
                        Change<span className="sr-only"> the limits of {email}</span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      <Form method="post" id="set-limits" className="space-y-3 rounded-lg border border-zinc-800 p-4" key={editing?.email ?? "new"}>
        <h3 className="font-medium">Set one person&apos;s limits</h3>
        <p className="text-sm text-zinc-400">Leave a field blank to follow the default; 0 means no limit for this person. All blank returns them to the defaults.</p>
        {failure ? <FormAlert>{failure.formError}</FormAlert> : null}
        <label className="block">
          <span className="mb-1 block text-sm text-zinc-300">Email</span>
          <input name="email" type="email" required defaultValue={editing?.email ?? ""} aria-invalid={failure?.field === "email" || undefined} className={`${inputClass} w-full`} />
        </label>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">Chats kept</span>
            <input name="chats" inputMode="numeric" defaultValue={value(own?.overridden.chats, own?.chats)} className={`${inputClass} w-full`} />
          </label>
          <div className="flex gap-2">
            <label className="block flex-1">
              <span className="mb-1 block text-sm text-zinc-300">Answers</span>
              <input name="messages" inputMode="numeric" defaultValue={value(own?.overridden.messages, own?.messages)} className={`${inputClass} w-full`} />
            </label>
            <label className="block w-28">
              <span className="mb-1 block text-sm text-zinc-300">per (e.g. 3h, 1d)</span>
              <input name="window" defaultValue={own?.overridden.messages ? hours(own.windowSeconds).replace(" ", "") : ""} className={`${inputClass} w-full`} />
            </label>
          </div>
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">Tokens per month</span>
            <input name="tokensPerMonth" inputMode="numeric" defaultValue={value(own?.overridden.tokensPerMonth, own?.tokensPerMonth)} className={`${inputClass} w-full`} />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">Spend per month (USD)</span>
            <input name="spendPerMonthUsd" inputMode="decimal" defaultValue={value(own?.overridden.spendPerMonthUsd, own?.spendPerMonthUsd)} className={`${inputClass} w-full`} />
          </label>
        </div>
        <div className="flex gap-2">
          <button type="submit" className={primaryButtonClass}>
            Save limits
          </button>
          {editing ? (
            <Link to="/admin/limits" className={buttonClass}>
              Cancel
            </Link>
          ) : null}
        </div>
      </Form>
    </section>
  );
}
