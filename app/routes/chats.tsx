import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { Sidebar } from "~/components/chat/Sidebar";
import { listChats } from "~/models/chat.server";

const listQuery = z.object({
  more: z.coerce.number().int().min(1).max(50).catch(1),
  archived: z.enum(["1"]).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const query = listQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const archived = query.archived === "1";
  const { chats, hasMore } = await listChats({ userId: user.id, archived, pages: query.more });
  return { user, chats, hasMore, pages: query.more, archived };
}

export default function ChatsLayout() {
  const { user, chats, hasMore, pages, archived } = useLoaderData<typeof loader>();
  return (
    <div className="flex h-full">
      <aside className="hidden w-72 shrink-0 border-r border-zinc-800 md:block">
        <Sidebar chats={chats} hasMore={hasMore} pages={pages} archived={archived} user={user} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <Outlet />
      </div>
    </div>
  );
}
