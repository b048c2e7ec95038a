import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { useTranslation } from "~/i18n/i18n";
import { getSessionUser } from "~/auth/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionUser(request)) throw redirect("/chats");
  return null;
}

export default function Landing() {
  const { t } = useTranslation();
  return (
    <main id="main" tabIndex={-1} className="flex min-h-full flex-col items-center justify-center gap-6 p-6 text-center">
      <h1 className="text-4xl font-semibold tracking-tight">Parley</h1>
      <p className="max-w-md text-zinc-400">
        {t("landing.pitch")}
      </p>
      <div className="flex gap-3">
        <Link to="/signup" className="rounded-lg bg-sky-600 px-5 py-2 font-medium hover:bg-sky-500">
          {t("landing.signUp")}
        </Link>
        <Link to="/login" className="rounded-lg bg-zinc-800 px-5 py-2 hover:bg-zinc-700">
          {t("landing.logIn")}
        </Link>
      </div>
    </main>
  );
}
