// GET /s/:token — a shared conversation, read-only, to anyone holding the
// link (docs/decisions/070): the snapshot its owner took, rendered on the
// server (answers as the HTML the chat page uses), nothing about the owner.
// POST continues it as a chat of the reader's own; signed out, the reader
// logs in first and comes back here.
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { getSessionUser } from "~/auth/session.server";
import { MessageFiles, MessageImages } from "~/components/chat/Attachments";
import { CopyMessageButton } from "~/components/chat/MessageItem";
import { MessageParts } from "~/components/chat/MessageParts";
import { copyCodeOnClick } from "~/components/markdown/copy";
import { renderTextParts } from "~/components/markdown/html.server";
import { needsMathStyles } from "~/components/markdown/math-styles";
import { findChatAccess } from "~/models/chat-access.server";
import { describe } from "~/protocol/catalogue";
import { AppError } from "~/protocol/errors";
import { plainText, reasoningText } from "~/protocol/parts";
import { continueShare, readShare, shareByToken } from "~/services/sharing.server";
import { formFailure, localeOf, orRespond, readFormData } from "~/utils/http.server";
import { FormAlert } from "~/components/ui/Field";
import { Trans } from "~/i18n/Trans";
import { useMoment } from "~/components/ui/moment";
import { useTranslation } from "~/i18n/i18n";
import { isolate } from "~/i18n/isolate";
import { metaT } from "~/i18n/meta";

/** Search engines leave shared pages alone: the link is for the people it was given to. */
const NOINDEX = { "X-Robots-Tag": "noindex" };

export const headers: HeadersFunction = () => NOINDEX;

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: data ? `${isolate(data.title)} · ${metaT(matches)("shared.titleSuffix")} · Parley` : "Parley" },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { share, messages } = await orRespond(request, () => readShare({ token: params.token }));
  const user = await getSessionUser(request);
  // The owner reading their own link gets a way back to the chat; nobody else learns where it came from.
  const access = user ? await findChatAccess({ chatId: share.chatId, userId: user.id }) : null;
  const locale = localeOf(request);
  const shown = messages.map((m) => ({
    position: m.position,
    role: m.role,
    parts: m.parts,
    problem: m.status === "error" || m.status === "interrupted" ? describe(m.problem ?? (m.status === "error" ? "answer_failed" : "stopped"), locale) : null,
    rendered: m.role === "assistant" ? renderTextParts(m.parts, { status: m.status, locale }) : undefined,
  }));
  return {
    token: share.token,
    title: share.title,
    sharedAt: share.updatedAt,
    signedIn: user !== null,
    ownChatId: access?.level === "own" ? share.chatId : null,
    messages: shown,
    needsMathStyles: needsMathStyles(shown.map((m) => m.rendered)),
  };
}

const continueForm = z.object({ intent: z.literal("continue") });

export async function action({ request, params }: ActionFunctionArgs) {
  // A revoked or unknown link is a 404 for everyone, signed in or not.
  const share = await orRespond(request, () => shareByToken({ token: params.token }));
  const here = `/s/${share.token}`;
  const user = await getSessionUser(request);
  if (!user) throw redirect(`/login?${new URLSearchParams({ redirectTo: here })}`);
  try {
    if (!continueForm.safeParse(Object.fromEntries(await readFormData(request))).success) throw new AppError("unknown_intent");
    const chatId = await continueShare({ token: share.token, user, locale: localeOf(request) });
    return redirect(`/chats/${chatId}`);
  } catch (error) {
    // A refusal (the chat limit, the usage limits) is said beside the button, in the page's language.
    return formFailure(error, request);
  }
}

export default function SharedConversation() {
  const moment = useMoment();
  const { token, title, sharedAt, signedIn, ownChatId, messages } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  const navigation = useNavigation();
  const base = `/s/${token}`;
  const { t } = useTranslation();
  const continuing = navigation.state !== "idle" && navigation.formAction === base;
  const loginTarget = `?${new URLSearchParams({ redirectTo: base })}`;
  return (
    <div className="h-full overflow-y-auto">
      <header className="border-b border-zinc-800 px-4 py-3">
        <div className="mx-auto flex w-full max-w-3xl flex-wrap items-center gap-3">
          <span className="text-sm font-semibold text-zinc-400">Parley</span>
          <span className="flex-1" />
          {ownChatId ? (
            <Link to={`/chats/${ownChatId}`} className="text-sm text-sky-400 hover:underline">
              {t("shared.openYourChat")}
            </Link>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1} className="outline-none mx-auto w-full max-w-3xl px-4 py-6">
        <h1 dir="auto" className="text-2xl font-semibold" data-testid="shared-title">
          {title}
        </h1>
        <p className="mt-1 text-sm text-zinc-500" data-testid="shared-notice">
          <Trans i18nKey="shared.notice" values={{ date: moment(sharedAt, { dateOnly: true }) }} components={{ time: <time dateTime={new Date(sharedAt).toISOString()} /> }} />
        </p>
        <div className="mt-6 space-y-6" data-testid="shared-messages">
          {messages.map((message) =>
            message.role === "user" ? (
              <article key={message.position} className="flex flex-col items-end" data-testid="user-message">
                <MessageImages parts={message.parts} base={base} />
                {plainText(message.parts) ? (
                  <div dir="auto" className="max-w-[85%] whitespace-pre-wrap rounded-2xl bg-zinc-800 px-4 py-2.5 text-zinc-100 [unicode-bidi:plaintext]">
                    <MessageParts parts={message.parts} plain />
                  </div>
                ) : null}
                <MessageFiles parts={message.parts} base={base} />
                <div className="mt-1">
                  <CopyMessageButton text={plainText(message.parts)} />
                </div>
              </article>
            ) : (
              <article key={message.position} data-testid="assistant-message">
                <div className="mb-1 text-xs font-medium text-zinc-300">{t("message.assistant")}</div>
                {reasoningText(message.parts) ? (
                  <details className="mb-2 rounded-lg border border-zinc-800 bg-zinc-900/60 px-3 py-2 text-sm text-zinc-400">
                    <summary className="cursor-pointer select-none text-xs uppercase tracking-wide">{t("message.reasoning")}</summary>
                    <div dir="auto" className="mt-2 whitespace-pre-wrap [unicode-bidi:plaintext]">
                      {reasoningText(message.parts)}
                    </div>
                  </details>
                ) : null}
                {/* One click handler serves every code block's Copy button (copy.ts). */}
                <div data-testid="answer-content" onClick={copyCodeOnClick}>
                  <MessageParts parts={message.parts} rendered={message.rendered} />
                </div>
                {message.problem ? (
                  <p role="status" className="mt-2 rounded-md bg-amber-500/10 px-3 py-2 text-sm text-amber-300">
                    {message.problem}
                  </p>
                ) : null}
                <div className="mt-1">
                  <CopyMessageButton text={plainText(message.parts)} />
                </div>
              </article>
            ),
          )}
        </div>
        <section className="mt-10 rounded-xl border border-zinc-800 bg-zinc-900/60 p-4 text-center" data-testid="continue">
          {signedIn ? (
            <Form method="post" action={base}>
              {refused ? (
                <div className="mb-3 text-left">
                  <FormAlert>{refused.formError}</FormAlert>
                </div>
              ) : null}
              <input type="hidden" name="intent" value="continue" />
              <button type="submit" disabled={continuing} className="rounded-lg bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500 disabled:opacity-60">
                {continuing ? t("shared.copying") : t("shared.continue")}
              </button>
              <p className="mt-2 text-sm text-zinc-500">{t("shared.continueHint")}</p>
            </Form>
          ) : (
            <>
              <Link to={`/login${loginTarget}`} className="inline-block rounded-lg bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500">
                {t("shared.logInToContinue")}
              </Link>
              <p className="mt-2 text-sm text-zinc-500">
                <Trans i18nKey="shared.noAccount" components={{ signup: <Link to={`/signup${loginTarget}`} className="text-sky-400 underline" /> }} />
              </p>
            </>
          )}
        </section>
      </main>
    </div>
  );
}
