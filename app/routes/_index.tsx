import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { getSessionUser } from "~/auth/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionUser(request)) throw redirect("/chats");
  return null;
}

export default function Landing() {
  return (
    <main id="main" tabIndex={-1} className="flex min-h-full flex-col items-center justify-center gap-6 p-6 text-center">
      <h1 className="text-4xl font-semibold tracking-tight">Parley</h1>
      <p className="max-w-md text-zinc-400">
        Chat with every major model from one self-hosted app. Answers stream, survive a reload, and branch like a tree.
      </p>
      <div className="flex gap-3">
        <Link to="/signup" className="rounded-lg bg-sky-600 px-5 py-2 font-medium hover:bg-sky-500">
          Sign up
        </Link>
        <Link to="/login" className="rounded-lg bg-zinc-800 px-5 py-2 hover:bg-zinc-700">
          Log in
        </Link>
      </div>
    </main>
  );
}
