import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";

export const meta: MetaFunction = () => [{ title: "Settings · Parley" }];

/** Settings: one plain link per page. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

export default function Settings() {
  return (
    <main className="mx-auto w-full max-w-2xl p-6">
      <p className="mb-6 text-sm">
        <Link to="/chats" className="text-sky-400 hover:underline">
          ← Back to chats
        </Link>
      </p>
      <h1 className="mb-6 text-2xl font-semibold">Settings</h1>
      <ul className="space-y-3">
        <li>
          <Link to="/settings/keys" className="block rounded-lg border border-zinc-800 p-4 hover:border-zinc-600">
            <span className="font-medium">API keys</span>
            <span className="block text-sm text-zinc-400">Use your own provider keys for your messages.</span>
          </Link>
        </li>
        <li>
          <Link to="/settings/data" className="block rounded-lg border border-zinc-800 p-4 hover:border-zinc-600">
            <span className="font-medium">Your data</span>
            <span className="block text-sm text-zinc-400">Export your chats, or import chats from Parley, ChatGPT or Claude.</span>
          </Link>
        </li>
      </ul>
    </main>
  );
}
