import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, type ShouldRevalidateFunction, useLoaderData, useLocation } from "@remix-run/react";
import { useMemo } from "react";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { useGoneChats } from "~/components/chat/gone-chats";
import { KeyboardShortcuts } from "~/components/chat/KeyboardShortcuts";
import { neverArrived } from "~/components/chat/not-reached";
import { Sidebar } from "~/components/chat/Sidebar";
import { QuickSwitcher } from "~/components/search/QuickSwitcher";
import { listChats } from "~/models/chat.server";
import { findChatAccess } from "~/models/chat-access.server";
import { JUST_ARCHIVED } from "~/services/chat-input";
import { isId } from "~/utils/id";

const listQuery = z.object({
  more: z.coerce.number().int().min(1).max(50).catch(1),
  archived: z.enum(["1"]).optional().catch(undefined),
  [JUST_ARCHIVED]: z.string().refine(isId).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const query = listQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const archived = query.archived === "1";
  const { chats, hasMore } = await listChats({ userId: user.id, archived, pages: query.more });
  // A chat just archived (its owner's, and still archived) is named above the list, with Undo.
  const put = query[JUST_ARCHIVED] ? await findChatAccess({ chatId: query[JUST_ARCHIVED], userId: user.id }) : null;
  const justArchived = put?.level === "own" && put.chat.archived ? { id: put.chat.id, title: put.chat.title } : null;
  return { user, chats, hasMore, pages: query.more, archived, justArchived };
}

/**
 * A fast send (posted by script with browser-chosen ids) reloads the list
 * when its answer ends, not before; moving from one chat to another (a link,
 * no form) leaves the list as it is, so a chat kept in memory shows at once.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, formMethod, currentUrl, nextUrl, actionResult, defaultShouldRevalidate }) => {
  if (formData?.get("answerId")) return false;
  if (neverArrived(actionResult)) return false;
  const chatToChat = /^\/chats\/[^/]+$/.test(currentUrl.pathname) && /^\/chats\/[^/]+$/.test(nextUrl.pathname);
  if (!formMethod && chatToChat && currentUrl.pathname !== nextUrl.pathname && currentUrl.search === nextUrl.search) return false;
  return defaultShouldRevalidate;
};

export default function ChatsLayout() {
  const { user, chats: listed, hasMore, pages, archived, justArchived } = useLoaderData<typeof loader>();
  const gone = useGoneChats();
  const chats = useMemo(() => (gone.size ? listed.filter((chat) => !gone.has(chat.id)) : listed), [listed, gone]);
  const location = useLocation();
  // On a phone, /chats is the chat list and /chats?new=1 the empty composer; from md up both show side by side.
  const listOnMobile = location.pathname === "/chats" && !new URLSearchParams(location.search).has("new");
  return (
    // The whole area is the page's main landmark: on a phone, /chats is the chat list alone, and it is what the page
    // is about. The skip link goes past the list to the column of the chat (#main).
    <main className="flex h-full">
      <div className={`${listOnMobile ? "w-full" : "hidden"} shrink-0 border-r border-zinc-800 md:block md:w-72`}>
        <Sidebar chats={chats} hasMore={hasMore} pages={pages} archived={archived} justArchived={justArchived} user={user} listAlone={listOnMobile} />
      </div>
      <div id="main" tabIndex={-1} className={`${listOnMobile ? "hidden md:flex" : "flex"} min-w-0 flex-1 flex-col outline-none`}>
        <Outlet />
      </div>
      <QuickSwitcher chats={chats} />
      <KeyboardShortcuts />
    </main>
  );
}
