// The theme and language chooser beside the login and sign-up forms: a plain
// POST that sets the two preference cookies (and, for someone signed in, keeps
// the choice on their account too), then goes back where it came from.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getSessionUser, safeRedirect } from "~/auth/session.server";
import { appearanceSchema, saveAppearance } from "~/services/settings.server";
import { asResponse, codeResponse, readFormData } from "~/utils/http.server";
import { preferenceCookies, withCookies } from "~/utils/preferences.server";

export async function action({ request }: ActionFunctionArgs) {
  let form: Record<string, FormDataEntryValue>;
  try {
    form = Object.fromEntries(await readFormData(request));
  } catch (error) {
    throw asResponse(error, request);
  }
  const parsed = appearanceSchema.safeParse(form);
  if (!parsed.success) return codeResponse("invalid_input", request);
  const user = await getSessionUser(request);
  if (user) await saveAppearance({ userId: user.id, input: parsed.data });
  const cookies = preferenceCookies(request, { theme: parsed.data.theme, locale: parsed.data.locale === "auto" ? null : parsed.data.locale });
  return redirect(safeRedirect(typeof form.redirectTo === "string" ? form.redirectTo : null, "/"), { headers: withCookies(cookies) });
}

// Changing preferences is POST only; a stray GET goes home.
export async function loader() {
  return redirect("/");
}
