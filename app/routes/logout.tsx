import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { destroySession } from "~/auth/session.server";

export async function action({ request }: ActionFunctionArgs) {
  // `out` has the login page say so, and tell this browser's other tabs (components/session/logged-out-elsewhere.tsx).
  return redirect("/login?out=1", { headers: { "Set-Cookie": await destroySession(request) } });
}

// Logging out changes state, so it is POST only; a stray GET goes home.
export async function loader() {
  return redirect("/");
}
