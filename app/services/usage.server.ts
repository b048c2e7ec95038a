// Usage and cost reports for the admin: the period's rows added up per
// person, per model and per day, and the same rows as CSV. A request is an
// answer's or a new chat's title's: both cost the same money, so the totals
// add them up and only the CSV tells them apart.
import { z } from "zod";
import { modelNameIn } from "../llm/catalog.server";
import { type UsageRow, type UsageTotals, usageRows } from "../models/usage.server";
import type { Locale } from "../protocol/catalogue";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest period one report covers: a year of days is still a small table. */
export const MAX_REPORT_DAYS = 366;

/** A real calendar day: the clock rolls 2026-02-30 over to 2 March, which is not what was asked. */
const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "date_invalid")
  .refine((value) => {
    const at = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === value;
  }, "date_invalid");

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD` (both days included, UTC); the last 30 days when absent. */
export const usagePeriodSchema = z
  .object({ from: isoDay.optional(), to: isoDay.optional() })
  .transform(({ from, to }, context) => {
    const toDay = to ?? new Date().toISOString().slice(0, 10);
    const fromDay = from ?? new Date(Date.parse(`${toDay}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
    const start = Date.parse(`${fromDay}T00:00:00Z`);
    const end = Date.parse(`${toDay}T00:00:00Z`) + DAY_MS;
    if (end <= start) context.addIssue({ code: "custom", message: "period_invalid", path: ["to"] });
    else if ((end - start) / DAY_MS > MAX_REPORT_DAYS) context.addIssue({ code: "custom", message: "period_too_long", path: ["from"] });
    return { fromDay, toDay, start, end };
  });
export type UsagePeriod = z.output<typeof usagePeriodSchema>;

export interface Grouped extends UsageTotals {
  key: string;
  label: string;
}

export interface UsageReport {
  period: UsagePeriod;
  total: UsageTotals;
  byUser: Grouped[];
  byModel: Grouped[];
  /** Every day of the period, in order, including days without usage (for the chart). */
  byDay: Grouped[];
  rows: UsageRow[];
}

const zero = (): UsageTotals => ({ requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
function add(into: UsageTotals, row: UsageTotals) {
  into.requests += row.requests;
  into.inputTokens += row.inputTokens;
  into.outputTokens += row.outputTokens;
  into.costUsd += row.costUsd;
}

function group(rows: UsageRow[], keyOf: (row: UsageRow) => string, labelOf: (row: UsageRow) => string): Grouped[] {
  const groups = new Map<string, Grouped>();
  for (const row of rows) {
    const key = keyOf(row);
    let into = groups.get(key);
    if (!into) groups.set(key, (into = { key, label: labelOf(row), ...zero() }));
    add(into, row);
  }
  return [...groups.values()].sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.label.localeCompare(b.label));
}

/** Who used what, and what it cost, over `period`; models named as the picker names them in `locale`, with their ids. */
export async function usageReport(period: UsagePeriod, locale: Locale = "en"): Promise<UsageReport> {
  const rows = await usageRows({ from: period.start, to: period.end });
  const total = zero();
  for (const row of rows) add(total, row);
  const days = new Map<string, Grouped>();
  for (let at = period.start; at < period.end; at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10);
    days.set(day, { key: day, label: day, ...zero() });
  }
  for (const row of rows) {
    const day = days.get(row.day);
    if (day) add(day, row);
  }
  return {
    period,
    total,
    byUser: group(rows, (row) => row.userId ?? "", (row) => row.userEmail ?? ""),
    byModel: group(rows, (row) => row.model, (row) => `${modelNameIn(row.model, locale)} · ${row.model}`),
    byDay: [...days.values()],
    rows,
  };
}

/** Who a row of the CSV is about when the account has since been deleted. */
const DELETED_ACCOUNT = "(deleted account)";

/** A CSV field: quoted when it holds a separator, a quote or a line break; a leading =, +, - or @ is defused for spreadsheets. */
function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The report's rows as CSV (RFC 4180, CRLF line ends), one line per day,
 * person, model, payer and kind of request (`answer`, or `title`: a new
 * chat's title, asked for after its first answer). It starts with a
 * byte-order mark, without which Excel opens UTF-8 as a legacy code page
 * ("DÃ¡vid" for "Dávid").
 */
export function usageCsv(report: UsageReport): string {
  const header = ["day", "user_email", "user_name", "model", "paid_by", "kind", "requests", "input_tokens", "output_tokens", "cost_usd"];
  const lines = report.rows.map((row) =>
    [row.day, row.userEmail ?? DELETED_ACCOUNT, row.userName ?? "", row.model, row.paidBy, row.kind, row.requests, row.inputTokens, row.outputTokens, row.costUsd.toFixed(6)]
      .map(csvField)
      .join(","),
  );
  return "\uFEFF" + [header.join(","), ...lines].join("\r\n") + "\r\n";
}
