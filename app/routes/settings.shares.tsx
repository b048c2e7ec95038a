// My shared links: every chat of one's own shared by link, when it was
// shared and last updated, the link, and a way to revoke it. Plain links and
// forms (works without JavaScript); the link can be copied with it.
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { ShareLink } from "~/components/chat/ShareLink";
import { FormAlert } from "~/components/ui/Field";
import { AppError } from "~/protocol/errors";
import { revokeShare, sharesPage } from "~/services/sharing.server";
import { formFailure, publicOrigin, readFormData } from "~/utils/http.server";
import { isId } from "~/utils/id";
import { useMoment } from "~/components/ui/moment";
import { useTranslation } from "~/i18n/i18n";
import { isolate } from "~/i18n/isolate";
import { metaT, pageTitle } from "~/i18n/meta";
import { Trans } from "~/i18n/Trans";

export const meta: MetaFunction = ({ matches }) => pageTitle(metaT(matches)("settings.shares"));

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { ...(await sharesPage({ user })), origin: publicOrigin(request) };
}

const revokeForm = z.object({ intent: z.literal("revoke"), shareId: z.string().refine(isId) });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  try {
    const parsed = revokeForm.safeParse(Object.fromEntries(await readFormData(request)));
    if (!parsed.success) throw new AppError(parsed.error.issues[0]?.path[0] === "intent" ? "unknown_intent" : "malformed_id");
    await revokeShare({ user, shareId: parsed.data.shareId });
    return redirect("/settings/shares?revoked=1");
  } catch (error) {
    return formFailure(error, request);
  }
}

export default function SharedLinks() {
  const when = useMoment();
  const { shares, origin } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  return (
    <main id="main" tabIndex={-1} className="outline-none">
      <h1 className="mb-2 text-2xl font-semibold">{t("settings.shares")}</h1>
      <p className="mb-6 text-sm text-zinc-400">
        {t("shares.intro")}
      </p>
      {params.get("revoked") ? (
        <p role="status" className="mb-4 rounded-lg border border-zinc-600 bg-zinc-800/60 px-3 py-2 text-sm text-zinc-300">
          {t("shares.revoked")}
        </p>
      ) : null}
      {failure && "formError" in failure ? (
        <div className="mb-4">
          <FormAlert>{failure.formError}</FormAlert>
        </div>
      ) : null}
      {shares.length === 0 ? <p className="text-sm text-zinc-500">{t("shares.none")}</p> : null}
      <ul className="space-y-3" data-testid="shares">
        {shares.map((share) => (
          <li key={share.id} data-testid="share" className="rounded-lg border border-zinc-800 bg-zinc-900 p-3">
            <div className="flex flex-wrap items-center gap-3">
              <Link to={`/chats/${share.chatId}`} dir="auto" className="min-w-0 flex-1 truncate font-medium hover:underline">
                {share.chatTitle}
              </Link>
              <Form method="post">
                <input type="hidden" name="intent" value="revoke" />
                <input type="hidden" name="shareId" value={share.id} />
                <button type="submit" aria-label={t("shares.revokeLabel", { title: isolate(share.chatTitle) })} className="rounded-md px-3 py-1 text-sm text-red-400 hover:bg-red-500/10">
                  {t("shares.revoke")}
                </button>
              </Form>
            </div>
            <p className="mt-1 text-xs text-zinc-500">
              {t("share.sharedAt", { date: when(share.createdAt) })}
              {share.updatedAt !== share.createdAt ? ` · ${t("share.updatedAt", { date: when(share.updatedAt) })}` : ""}
              {share.title !== share.chatTitle ? (
                <>
                  {" · "}
                  <Trans i18nKey="shares.sharedAs" values={{ title: share.title }} />
                </>
              ) : null}
            </p>
            <div className="mt-2">
              <ShareLink origin={origin} token={share.token} label={t("shares.linkTo", { title: isolate(share.chatTitle) })} />
            </div>
          </li>
        ))}
      </ul>
    </main>
  );
}
