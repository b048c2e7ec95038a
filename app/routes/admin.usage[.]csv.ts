// GET /admin/usage.csv?from=YYYY-MM-DD&to=YYYY-MM-DD — the usage report's rows
// as a CSV download (admins only, like every admin page).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { noAdminForms, requireAdmin } from "~/auth/admin.server";
import { isErrorCode } from "~/protocol/errors";
import { usageCsv, usagePeriodSchema, usageReport } from "~/services/usage.server";
import { codeResponse } from "~/utils/http.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const url = new URL(request.url);
  const parsed = usagePeriodSchema.safeParse({ from: url.searchParams.get("from") || undefined, to: url.searchParams.get("to") || undefined });
  if (!parsed.success) {
    const code = parsed.error.issues[0]?.message;
    return codeResponse(isErrorCode(code) ? code : "invalid_input", request);
  }
  const report = await usageReport(parsed.data);
  return new Response(usageCsv(report), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="parley-usage-${parsed.data.fromDay}-to-${parsed.data.toDay}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}

/** This page takes no forms (see noAdminForms). */
export const action = noAdminForms;
