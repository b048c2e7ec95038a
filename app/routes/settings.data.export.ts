// GET /settings/data/export?format=md|json|zip — every chat the signed-in
// person owns, as one download streamed chat by chat (a large account is
// never built in memory).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { downloadResponse, exportAccount, exportFormatOf } from "~/services/export.server";
import { localeOf, orRespond } from "~/utils/http.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const format = await orRespond(request, async () => exportFormatOf(new URL(request.url).searchParams.get("format") ?? "zip"));
  return downloadResponse(await exportAccount({ userId: user.id, format, locale: localeOf(request) }));
}
