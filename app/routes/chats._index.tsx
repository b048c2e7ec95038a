import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { type ClientActionFunctionArgs, Link, type ShouldRevalidateFunction, useActionData, useLoaderData, useNavigate, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { requireUser } from "~/auth/session.server";
import { Composer } from "~/components/chat/Composer";
import { newChatSending, useDraftStorageKey } from "~/components/chat/drafts";
import { neverArrived, unlessUnreachable } from "~/components/chat/not-reached";
import { toPickerGroups } from "~/components/chat/ModelPicker";
import { Icon } from "~/components/ui/Icon";
import { env } from "~/env.server";
import { metaT, pageTitle } from "~/i18n/meta";
import { inLanguage, listModelGroups, namesOfModelsNotOffered } from "~/llm/catalog.server";
import { DEMO_MODEL_ID } from "~/llm/demo.server";
import { keptFiles, readMessageForm } from "~/services/attachments.server";
import { formFields, inputError, newChatSchema } from "~/services/chat-input";
import { newChatModelFor, startChat } from "~/services/conversation.server";
import { withinLimit } from "~/services/limits.server";
import { formFailure, localeOf } from "~/utils/http.server";
import type { FormFailure } from "~/protocol/errors";

/**
 * One route shows three pages: on a phone /chats is the chat list and
 * ?new=1 the empty composer; ?archived=1 is the archive. Each has its own title.
 */
export const meta: MetaFunction = ({ location, matches }) => {
  const t = metaT(matches);
  const params = new URLSearchParams(location.search);
  return pageTitle(params.has("new") ? t("titles.newChat") : params.get("archived") === "1" ? t("titles.archivedChats") : t("titles.chats"));
};

/** A refused send's Retry-After (429) reaches the page's response, without JavaScript too. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = localeOf(request);
  const groups = inLanguage(await listModelGroups({ viewer: user }), locale);
  const offered = groups.flatMap((g) => g.models.map((m) => m.id));
  // The model last chatted with, else the server's default.
  const modelId = await newChatModelFor(user);
  return {
    // What the page says under its heading: the demo where it is offered, and that nothing is when nothing is.
    offers: offered.length === 0 ? ("nothing" as const) : offered.includes(DEMO_MODEL_ID) ? ("demo" as const) : ("models" as const),
    models: toPickerGroups(groups),
    modelId,
    // The default named, should it be turned off.
    formerModels: namesOfModelsNotOffered([modelId], groups, locale),
    maxChars: env().MAX_MESSAGE_CHARS,
    maxFileBytes: env().MAX_FILE_BYTES,
    maxFiles: env().MAX_FILES_PER_MESSAGE,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  let raw: Record<string, unknown> = {};
  let uploadedIds: string[] = [];
  try {
    const form = await readMessageForm({ request, userId: user.id, ip: context.clientIp });
    raw = formFields(form.fields);
    uploadedIds = form.uploaded.map((a) => a.id);
    if (form.refusal) throw form.refusal;
    const maxChars = env().MAX_MESSAGE_CHARS;
    const parsed = newChatSchema(maxChars).safeParse(raw);
    if (!parsed.success) throw inputError(parsed.error, maxChars, raw);
    const { content, model, attachmentIds, chatId } = parsed.data;
    const { chat } = await withinLimit({ action: "send", user, ip: context.clientIp }, () =>
      startChat({ user, text: content, model, attachmentIds: [...attachmentIds, ...uploadedIds], chatId, locale: localeOf(request) }),
    );
    return redirect(`/chats/${chat.id}`);
  } catch (error) {
    return formFailure(error, request, {
      text: typeof raw.content === "string" ? raw.content : undefined,
      model: typeof raw.model === "string" ? raw.model : undefined,
      files: await keptFiles({ userId: user.id, ids: [...((raw.attachmentIds as string[] | undefined) ?? []), ...uploadedIds] }),
    });
  }
}

/**
 * With JavaScript: a first message that cannot reach the server (offline, a
 * restart) stays on this page with its text, files and model as they were,
 * and says it was not sent, as a chat's own send does; it does not leave for
 * the page that waits for the server.
 */
export async function clientAction({ serverAction }: ClientActionFunctionArgs) {
  return unlessUnreachable(() => serverAction<typeof action>(), "send_failed");
}

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) => (neverArrived(actionResult) ? false : defaultShouldRevalidate);

export default function NewChat() {
  const { offers, models, modelId, formerModels, maxChars, maxFileBytes, maxFiles } = useLoaderData<typeof loader>();
  const result = useActionData<typeof clientAction>() as FormFailure | undefined;
  const { t } = useTranslation();
  // A first message sent from here, and the page reloaded (or closed) before its chat was up: that chat is where it
  // is. If the send never reached the server, the chat's page finds no chat and brings the message back here.
  const storageKey = useDraftStorageKey("new");
  // While that chat is looked for, the message shown back in the box cannot be sent a second time.
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [lookingFor, setLookingFor] = useState<string | null>(null);
  useEffect(() => {
    const sending = newChatSending(storageKey);
    if (!sending) return;
    setLookingFor(sending.chatId);
    navigate(`/chats/${sending.chatId}`, { replace: true });
  }, [storageKey, navigate]);
  const looking = lookingFor !== null && navigation.state === "loading" && navigation.location.pathname === `/chats/${lookingFor}`;
  return (
    <>
      {/* On a phone the chat list is its own page: the way back to it. */}
      <header className="flex items-center gap-1 border-b border-zinc-800 px-2 py-2 md:hidden">
        <Link to="/chats" className="icon-button" aria-label={t("common.backToChats")} title={t("common.backToChats")}>
          <Icon name="back" />
        </Link>
        <span className="font-medium">{t("titles.newChat")}</span>
      </header>
      <div className="flex flex-1 flex-col items-center justify-center gap-2 p-6 text-center">
        <h1 className="text-2xl font-semibold">{t("newChat.heading")}</h1>
        <p className="text-sm text-zinc-500">{offers === "demo" ? t("newChat.hint") : offers === "models" ? t("newChat.pick") : t("newChat.noModels")}</p>
      </div>
      <Composer action="/chats?index" draftKey="new" newChat models={models} modelId={modelId} formerModels={formerModels} maxChars={maxChars} maxFileBytes={maxFileBytes} maxFiles={maxFiles} busy={false} held={looking} error={result?.formError} initialText={result?.text} initialFiles={result?.files} initialModel={result?.model} />
    </>
  );
}
