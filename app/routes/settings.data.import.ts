// POST /settings/data/import — the import form sent by the page's script
// (which shows the upload's progress): the same import as the page's own
// form, answered as JSON — the report, or the refusal's code and words.
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { describe } from "~/protocol/catalogue";
import { AppError } from "~/protocol/errors";
import { importUpload } from "~/services/import.server";
import { localeOf, retryAfter } from "~/utils/http.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const locale = localeOf(request);
  try {
    return Response.json({ report: await importUpload({ request, user, ip: context.clientIp, locale }) });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return Response.json({ error: { code: error.code, message: describe(error.problem, locale) } }, { status: error.status, headers: retryAfter(error) });
  }
}

export function loader() {
  throw new Response("Not found", { status: 404 });
}
