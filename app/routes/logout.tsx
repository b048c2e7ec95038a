import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { destroySession } from "~/auth/session.server";

export async function action({ request }: ActionFunctionArgs) {
  return redirect("/login", { headers: { "Set-Cookie": await destroySession(request) } });
}

// Logging out changes state, so it is POST only; a stray GET goes home.
export async function loader() {
  return redirect("/");
}
