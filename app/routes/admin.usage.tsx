// Usage and cost in the admin area: a period of whole days (UTC), totals,
// per person, per model, per day as a chart drawn on the server, and the rows
// as CSV. A GET form: the period is in the address, so it can be shared.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { noAdminForms, requireAdmin } from "~/auth/admin.server";
import { BarChart } from "~/components/ui/BarChart";
import { inputClass, primaryButtonClass, WideTable } from "~/components/ui/admin";
import { FormAlert } from "~/components/ui/Field";
import { describe } from "~/protocol/catalogue";
import { isErrorCode } from "~/protocol/errors";
import { type Grouped, usagePeriodSchema, usageReport } from "~/services/usage.server";
import { localeOf } from "~/utils/http.server";
import { Trans } from "~/i18n/Trans";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";
import { asDateFieldValue } from "~/utils/date-field";
import { dateLocale } from "~/components/ui/moment";
import { formatNumber, formatUsd, useLocale } from "~/i18n/i18n";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("admin.usage")} · ${t("admin.admin")}`);
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const url = new URL(request.url);
  const asked = { from: url.searchParams.get("from") || undefined, to: url.searchParams.get("to") || undefined };
  // A date field can only show a date: something else typed into the address is named by the error above it instead.
  const shown = { from: asDateFieldValue(asked.from), to: asDateFieldValue(asked.to) };
  const parsed = usagePeriodSchema.safeParse(asked);
  if (!parsed.success) {
    const code = parsed.error.issues[0]?.message;
    const report = await usageReport(usagePeriodSchema.parse({}), localeOf(request));
    return { report, asked: shown, error: describe({ code: isErrorCode(code) ? code : "invalid_input" }, localeOf(request)) };
  }
  return { report: await usageReport(parsed.data, localeOf(request)), asked: shown, error: null };
}


function Totals({ rows, caption, first }: { rows: Grouped[]; caption: string; first: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const number = (n: number) => formatNumber(n, locale);
  const usd = (n: number) => formatUsd(n, locale);
  return (
    <WideTable label={caption}>
      <table className="w-full min-w-[36rem] text-sm">
        <caption className="mb-2 text-left font-medium">{caption}</caption>
        <thead className="text-left text-zinc-400">
          <tr>
            <th scope="col" className="py-1.5 font-normal">{first}</th>
            <th scope="col" className="text-right font-normal">{t("adminUsage.requests")}</th>
            <th scope="col" className="text-right font-normal">{t("adminUsage.inputTokens")}</th>
            <th scope="col" className="text-right font-normal">{t("adminUsage.outputTokens")}</th>
            <th scope="col" className="text-right font-normal">{t("adminUsage.cost")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={5} className="py-2 text-zinc-500">{t("adminUsage.nothing")}</td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.key}>
                <th scope="row" className="py-1.5 text-left font-normal">{row.label || t("adminUsage.deletedAccount")}</th>
                <td className="text-right tabular-nums">{number(row.requests)}</td>
                <td className="text-right tabular-nums">{number(row.inputTokens)}</td>
                <td className="text-right tabular-nums">{number(row.outputTokens)}</td>
                <td className="text-right tabular-nums">{usd(row.costUsd)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </WideTable>
  );
}

export default function AdminUsage() {
  const { report, asked, error } = useLoaderData<typeof loader>();
  const { period, total } = report;
  const { t } = useTranslation();
  const locale = useLocale();
  const number = (n: number) => formatNumber(n, locale);
  const usd = (n: number) => formatUsd(n, locale);
  const csv = `/admin/usage.csv?${new URLSearchParams({ from: period.fromDay, to: period.toDay })}`;
  // The period's days as the page's language writes a date (its fields keep the form's own YYYY-MM-DD).
  const dayFormat = new Intl.DateTimeFormat(dateLocale(locale), { dateStyle: "medium", timeZone: "UTC" });
  const tickFormat = new Intl.DateTimeFormat(dateLocale(locale), { day: "numeric", month: "short", timeZone: "UTC" });
  const dayOf = (day: string) => Date.parse(`${day}T00:00:00Z`);
  const from = dayFormat.format(dayOf(period.fromDay));
  const to = dayFormat.format(dayOf(period.toDay));
  const days = report.byDay.map((d) => ({ ...d, label: dayFormat.format(dayOf(d.key)), tick: tickFormat.format(dayOf(d.key)) }));
  return (
    <section aria-labelledby="usage-heading" className="space-y-8">
      <div>
        <h2 id="usage-heading" className="mb-3 text-lg font-medium">
          {t("adminUsage.title")}
        </h2>
        <Form method="get" className="flex flex-wrap items-end gap-3">
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">{t("adminUsage.from")}</span>
            <input type="date" name="from" defaultValue={asked.from ?? period.fromDay} className={inputClass} />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm text-zinc-300">{t("adminUsage.to")}</span>
            <input type="date" name="to" defaultValue={asked.to ?? period.toDay} className={inputClass} />
          </label>
          <button type="submit" className={primaryButtonClass}>
            {t("adminUsage.show")}
          </button>
          <a href={csv} className="py-2 text-sm text-sky-400 hover:underline" download>
            {t("adminUsage.csv")}
          </a>
        </Form>
        {error ? (
          <div className="mt-3">
            <FormAlert>{error} {t("adminUsage.fallback")}</FormAlert>
          </div>
        ) : null}
        <p className="mt-3 text-sm text-zinc-400">
          <Trans
            i18nKey="adminUsage.summary"
            values={{ from, to, requests: number(total.requests), input: number(total.inputTokens), output: number(total.outputTokens), cost: usd(total.costUsd) }}
            components={{ strong: <strong className="text-zinc-200" /> }}
          />
        </p>
      </div>
      <figure>
        <figcaption className="mb-2 font-medium">{t("adminUsage.requestsPerDay")}</figcaption>
        <BarChart bars={days.map((d) => ({ ...d, value: d.requests }))} label={t("adminUsage.requestsChart", { from, to })} format={number} />
      </figure>
      <figure>
        <figcaption className="mb-2 font-medium">{t("adminUsage.costPerDay")}</figcaption>
        <BarChart bars={days.map((d) => ({ ...d, value: d.costUsd }))} label={t("adminUsage.costChart", { from, to })} format={usd} />
      </figure>
      <Totals rows={report.byUser} caption={t("adminUsage.perPerson")} first={t("adminLimits.person")} />
      <Totals rows={report.byModel} caption={t("adminUsage.perModel")} first={t("composer.model")} />
      <details>
        <summary className="cursor-pointer text-sm text-zinc-300">{t("adminUsage.perDay")}</summary>
        <Totals rows={days.filter((d) => d.requests > 0)} caption={t("adminUsage.perDayCaption")} first={t("adminUsage.day")} />
      </details>
      <p className="text-sm text-zinc-500">
        <Trans i18nKey="adminUsage.limitsLink" components={{ limits: <Link to="/admin/limits" className="text-sky-400 underline" /> }} />
      </p>
    </section>
  );
}

/** This page takes no forms (see noAdminForms). */
export const action = noAdminForms;
