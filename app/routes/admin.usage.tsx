// Usage and cost in the admin area: a period of whole days (UTC), totals,
// per person, per model, per day as a chart drawn on the server, and the rows
// as CSV. A GET form: the period is in the address, so it can be shared.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "~/auth/admin.server";
import { BarChart } from "~/components/ui/BarChart";
import { inputClass, primaryButtonClass } from "~/components/ui/admin";
import { FormAlert } from "~/components/ui/Field";
import { describe } from "~/protocol/catalogue";
import { isErrorCode } from "~/protocol/errors";
import { type Grouped, usagePeriodSchema, usageReport } from "~/services/usage.server";
import { localeOf } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Usage · Admin · Parley" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const url = new URL(request.url);
  const asked = { from: url.searchParams.get("from") || undefined, to: url.searchParams.get("to") || undefined };
  const parsed = usagePeriodSchema.safeParse(asked);
  if (!parsed.success) {
    const code = parsed.error.issues[0]?.message;
    const report = await usageReport(usagePeriodSchema.parse({}));
    return { report, asked, error: describe({ code: isErrorCode(code) ? code : "invalid_input" }, localeOf(request)) };
  }
  return { report: await usageReport(parsed.data), asked, error: null };
}

const usd = (n: number) => `$${n.toFixed(n > 0 && n < 0.01 ? 4 : 2)}`;
const number = (n: number) => n.toLocaleString("en");

function Totals({ rows, caption, first }: { rows: Grouped[]; caption: string; first: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[36rem] text-sm">
        <caption className="mb-2 text-left font-medium">{caption}</caption>
        <thead className="text-left text-zinc-400">
          <tr>
            <th scope="col" className="py-1.5 font-normal">{first}</th>
            <th scope="col" className="text-right font-normal">Requests</th>
            <th scope="col" className="text-right font-normal">Input tokens</th>
            <th scope="col" className="text-right font-normal">Output tokens</th>
            <th scope="col" className="text-right font-normal">Cost</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={5} className="py-2 text-zinc-500">Nothing in this period.</td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.key}>
                <th scope="row" className="py-1.5 text-left font-normal">{row.label}</th>
                <td className="text-right tabular-nums">{number(row.requests)}</td>
                <td className="text-right tabular-nums">{number(row.inputTokens)}</td>
                <td className="text-right tabular-nums">{number(row.outputTokens)}</td>
                <td className="text-right tabular-nums">{usd(row.costUsd)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export default function AdminUsage() {
  const { report, asked, error } = useLoaderData<typeof loader>();
  const { period, total } = report;
  const csv = `/admin/usage.csv?${new URLSearchParams({ from: period.fromDay, to: period.toDay })}`;
  return (
    <section aria-labelledby="usage-heading" className="space-y-8">
      <div>
        <h2 id="usage-heading" className="mb-3 text-lg font-medium">
          Usage and cost
        </h2>
        <Form method="get" className="flex flex-wrap items-end gap-3">
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">From</span>
            <input type="date" name="from" defaultValue={asked.from ?? period.fromDay} className={inputClass} />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">To (included)</span>
            <input type="date" name="to" defaultValue={asked.to ?? period.toDay} className={inputClass} />
          </label>
          <button type="submit" className={primaryButtonClass}>
            Show
          </button>
          <a href={csv} className="py-2 text-sm text-sky-400 hover:underline" download>
            Download CSV
          </a>
        </Form>
        {error ? (
          <div className="mt-3">
            <FormAlert>{error} Showing the last 30 days instead.</FormAlert>
          </div>
        ) : null}
        <p className="mt-3 text-sm text-zinc-400">
          {period.fromDay} to {period.toDay} (UTC): <strong className="text-zinc-200">{number(total.requests)}</strong> requests,{" "}
          <strong className="text-zinc-200">{number(total.inputTokens)}</strong> input and <strong className="text-zinc-200">{number(total.outputTokens)}</strong>{" "}
          output tokens, <strong className="text-zinc-200">{usd(total.costUsd)}</strong> estimated from the catalog&apos;s prices. Answers paid with a person&apos;s
          own key count too; the CSV says who paid.
        </p>
      </div>
      <figure>
        <figcaption className="mb-2 font-medium">Requests per day</figcaption>
        <BarChart bars={report.byDay.map((d) => ({ key: d.key, label: d.label, value: d.requests }))} label={`Requests per day from ${period.fromDay} to ${period.toDay}`} format={number} />
      </figure>
      <figure>
        <figcaption className="mb-2 font-medium">Cost per day</figcaption>
        <BarChart bars={report.byDay.map((d) => ({ key: d.key, label: d.label, value: d.costUsd }))} label={`Estimated cost per day from ${period.fromDay} to ${period.toDay}`} format={usd} />
      </figure>
      <Totals rows={report.byUser} caption="Per person" first="Person" />
      <Totals rows={report.byModel} caption="Per model" first="Model" />
      <details>
        <summary className="cursor-pointer text-sm text-zinc-300">Per day</summary>
        <Totals rows={report.byDay.filter((d) => d.requests > 0)} caption="Per day (days with usage)" first="Day" />
      </details>
      <p className="text-sm text-zinc-500">
        Limits per person are on the <Link to="/admin/limits" className="text-sky-400 underline">Limits</Link> page.
      </p>
    </section>
  );
}
