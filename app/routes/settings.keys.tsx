// Keys of one's own (docs/decisions/031): add a key for a provider, test it,
// remove it. Every form is a plain POST that works without JavaScript; a key
// never comes back to the browser, only its last four characters.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useHydrated } from "remix-utils/use-hydrated";
import { requireUser } from "~/auth/session.server";
import { FormAlert } from "~/components/ui/Field";
import { useSecretForm } from "~/components/ui/useSecretForm";
import { describe } from "~/protocol/catalogue";
import { AppError } from "~/protocol/errors";
import { addUserKey, keyFormSchema, type KeyTest, keysPage, removeUserKey, testUserKey } from "~/services/user-keys.server";
import { type FormFailure, formFailure, localeOf, readFormData } from "~/utils/http.server";
import { Trans } from "~/i18n/Trans";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(metaT(matches)("settings.keys"));

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return keysPage({ user });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  let intent = "";
  let provider = "";
  let baseUrl = "";
  try {
    const raw = Object.fromEntries(await readFormData(request));
    const parsed = keyFormSchema.safeParse(raw);
    if (!parsed.success) {
      const code = parsed.error.issues[0]?.message;
      throw new AppError(code === "provider_unknown" || code === "api_key_invalid" || code === "base_url_invalid" || code === "unknown_intent" ? code : "invalid_input");
    }
    const input = parsed.data;
    ({ intent, provider } = input);
    switch (input.intent) {
      case "add":
        baseUrl = input.baseUrl;
        await addUserKey({ user, provider: input.provider, apiKey: input.apiKey, baseUrl: input.baseUrl });
        return redirect(`/settings/keys?saved=${encodeURIComponent(input.provider)}`);
      case "test": {
        const result = await testUserKey({ user, provider: input.provider });
        const text = result.ok ? null : describe(result.problem, localeOf(request));
        return { tested: { ...result, text } };
      }
      case "remove":
        await removeUserKey({ user, provider: input.provider });
        return redirect(`/settings/keys?removed=${encodeURIComponent(input.provider)}`);
    }
  } catch (error) {
    // What was typed comes back so nothing is lost, except the key itself: it never travels back to the browser.
    const failed = formFailure(error, request, { intent });
    return data({ ...failed.data, provider, baseUrl }, failed.init ?? undefined);
  }
}

/** What the action hands the page: a test's outcome, or a refusal (with what was typed, the key excepted). */
type KeysActionData = { tested: TestOutcome } | (FormFailure & { provider: string; baseUrl: string });
type TestOutcome = KeyTest & { text: string | null };
type UserKeyView = Awaited<ReturnType<typeof keysPage>>["keys"][number];

/**
 * One saved key, with its Test and Remove. With the script running, a test is
 * asked in the row (a fetcher), so each key keeps its own outcome while
 * others are tested; without it, a test is a page of its own that shows its
 * outcome in its row.
 */
function KeyRow({ userKey: key, shownOutcome, onTested, testNow, canTest }: { userKey: UserKeyView; shownOutcome: TestOutcome | undefined; onTested: () => void; testNow: boolean; canTest: boolean }) {
  const { t } = useTranslation();
  const test = useFetcher<typeof action>();
  // A key just saved is tested at once, once per arrival (the page says "Saved", and the row what the test found).
  const location = useLocation();
  const testedOnArrival = useRef<string | null>(null);
  const { submit } = test;
  useEffect(() => {
    if (!testNow || !canTest || testedOnArrival.current === location.key) return;
    testedOnArrival.current = location.key;
    submit({ intent: "test", provider: key.provider }, { method: "post", action: "/settings/keys" });
  }, [testNow, canTest, location.key, key.provider, submit]);
  const data = test.data as KeysActionData | undefined;
  const testing = test.state !== "idle";
  const outcome = data && "tested" in data ? data.tested : shownOutcome;
  const refused = data && "formError" in data ? data.formError : null;
  return (
    <li data-testid="user-key" data-provider={key.provider} className="rounded-lg border border-zinc-800 bg-zinc-900 p-3">
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-medium">{key.label}</span>
        <span className="font-mono text-sm text-zinc-400" data-testid="key-ending">
          {key.hasKey ? (key.lastFour ? `••••${key.lastFour}` : t("keys.tooShort")) : t("keys.noKey")}
        </span>
        {key.baseUrl ? <span className="truncate text-xs text-zinc-500">{key.baseUrl}</span> : null}
        <span className="flex-1" />
        {/* The page's own address, without what the last load said ("saved", "removed"). */}
        {/* A key that cannot be used now (keys of one's own or its provider turned off, its address no longer allowed) has nothing to test: the page says why. */}
        {canTest ? (
          <test.Form method="post" action="/settings/keys" onSubmit={onTested}>
            <input type="hidden" name="intent" value="test" />
            <input type="hidden" name="provider" value={key.provider} />
            <button type="submit" aria-label={t("keys.testLabel", { provider: key.label })} disabled={testing} className="rounded-md bg-zinc-800 px-3 py-1 text-sm hover:bg-zinc-700 disabled:opacity-50">
              {testing ? t("keys.testing") : t("keys.test")}
            </button>
          </test.Form>
        ) : null}
        <Form method="post" action="/settings/keys">
          <input type="hidden" name="intent" value="remove" />
          <input type="hidden" name="provider" value={key.provider} />
          <button type="submit" aria-label={t("keys.removeLabel", { provider: key.label })} className="rounded-md px-3 py-1 text-sm text-red-400 hover:bg-red-500/10">
            {t("keys.remove")}
          </button>
        </Form>
      </div>
      {!key.readable ? <p className="mt-2 text-sm text-amber-300">{t("keys.unreadable")}</p> : null}
      {key.turnedOff ? (
        <p data-testid="key-unused" className="mt-2 text-sm text-amber-300">{t("keys.turnedOff", { provider: key.label })}</p>
      ) : key.addressRefused ? (
        <p data-testid="key-unused" className="mt-2 text-sm text-amber-300">{t("keys.addressRefused")}</p>
      ) : null}
      {refused ? (
        <p role="alert" data-testid="key-test-result" className="mt-2 text-sm text-red-300">
          {refused}
        </p>
      ) : outcome ? (
        <p role="status" data-testid="key-test-result" className={`mt-2 text-sm ${outcome.ok ? "text-emerald-300" : "text-red-300"}`}>
          {outcome.ok ? (outcome.models === 0 ? t("keys.worksNoModels") : t("keys.works", { count: outcome.models })) : outcome.text}
        </p>
      ) : null}
    </li>
  );
}

export default function KeysSettings() {
  const { enabled, allowed, baseUrlsAllowed, providers, keys } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as KeysActionData | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : "";
  const tested = result && "tested" in result ? result.tested : undefined;
  const failure = result && "formError" in result ? result : undefined;
  // A refused key is never handed back; a saved one does not linger in the page.
  const addForm = useSecretForm({ refusal: failure?.intent === "add" ? failure : undefined, actionData: result, secretFields: ["apiKey"] });
  const labelOf = (id: string | null) => providers.find((p) => p.id === id)?.label ?? keys.find((k) => k.provider === id)?.label ?? id;
  // "Saved" and "Removed" say what the last page load did: a key tested since (in its row) makes them old news.
  const [noticeGone, setNoticeGone] = useState(false);
  const saved = noticeGone ? null : params.get("saved");
  const removed = noticeGone ? null : params.get("removed");
  useEffect(() => setNoticeGone(false), [params]);
  const takesBaseUrl = providers.filter((p) => p.takesBaseUrl);
  // Those this server has an address for: a person's own address is optional there.
  const baseUrlOptional = takesBaseUrl.filter((p) => !p.needsBaseUrl);
  // With JavaScript the address is asked for only where it is used; without, its label names where that is.
  const hydrated = useHydrated();
  const [chosen, setChosen] = useState(failure?.provider || providers[0]?.id);
  const asksBaseUrl = !hydrated || takesBaseUrl.some((p) => p.id === chosen);
  const { t } = useTranslation();
  return (
    <main id="main" tabIndex={-1} className="w-full max-w-2xl outline-none">
      <h1 className="mb-2 text-2xl font-semibold">{t("keys.title")}</h1>
      {!enabled ? (
        <div data-testid="keys-off" className="space-y-2 text-zinc-300">
          <p>{t("keys.off")}</p>
          <p className="text-sm text-zinc-400">
            <Trans i18nKey="keys.offHint" components={{ code: <code /> }} />
          </p>
        </div>
      ) : (
        <>
          <p className="mb-6 text-sm text-zinc-400">
            {t("keys.intro")}
          </p>
          {saved ? <p role="status" className="mb-4 rounded-lg border border-emerald-500/40 bg-emerald-500/10 px-3 py-2 text-sm text-emerald-300">{t("keys.savedKey", { provider: labelOf(saved) })}</p> : null}
          {removed ? <p role="status" className="mb-4 rounded-lg border border-zinc-600 bg-zinc-800/60 px-3 py-2 text-sm text-zinc-300">{t("keys.removedKey", { provider: labelOf(removed) })}</p> : null}
          {failure && failure.intent !== "add" ? <div className="mb-4"><FormAlert>{failure.formError}</FormAlert></div> : null}

          <h2 className="mb-2 text-lg font-medium">{t("keys.saved")}</h2>
          {keys.length === 0 ? <p className="mb-6 text-sm text-zinc-500">{t("keys.none")}</p> : null}
          <ul className="mb-8 space-y-2" data-testid="user-keys">
            {keys.map((key) => (
              // A key saved in place of another is a row of its own: nothing said of the old key stays beside it.
              <KeyRow key={`${key.provider}:${key.updatedAt}`} userKey={key} shownOutcome={tested?.provider === key.provider ? tested : undefined} onTested={() => setNoticeGone(true)} testNow={params.get("saved") === key.provider} canTest={allowed && !key.turnedOff && !key.addressRefused} />
            ))}
          </ul>

          {!allowed ? (
            <p data-testid="keys-not-allowed" className="rounded-lg border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm text-amber-200">
              {t("keys.notAllowed")}
            </p>
          ) : (
            <>
            <h2 className="mb-2 text-lg font-medium">{t("keys.add")}</h2>
            <Form
              ref={addForm}
              method="post"
              action="/settings/keys"
              className="space-y-4 rounded-lg border border-zinc-800 p-4"
              autoComplete="off"
              // A saved key empties the form, the provider back to the first: the address follows it (read once the reset is done).
              onReset={(event) => {
                const select = event.currentTarget.elements.namedItem("provider");
                queueMicrotask(() => select instanceof HTMLSelectElement && setChosen(select.value));
              }}
            >
              <input type="hidden" name="intent" value="add" />
              {/* The field at fault is described by it (read with the field, not only when it appears). */}
              {failure && failure.intent === "add" ? <FormAlert id="add-key-error">{failure.formError}</FormAlert> : null}
              <label className="block">
                <span className="mb-1 block text-sm text-zinc-300">{t("keys.provider")}</span>
                <select name="provider" defaultValue={failure?.provider || providers[0]?.id} onChange={(event) => setChosen(event.target.value)} className="w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2">
                  {providers.map((provider) => (
                    <option key={provider.id} value={provider.id}>
                      {provider.label}
                      {keys.some((k) => k.provider === provider.id) ? ` ${t("keys.replaces")}` : ""}
                    </option>
                  ))}
                </select>
              </label>
              <label className="block">
                <span className="mb-1 block text-sm text-zinc-300">{t("keys.apiKey")}</span>
                <input
                  name="apiKey"
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={1000}
                  aria-invalid={failure?.field === "apiKey" ? true : undefined}
                  aria-describedby={failure?.intent === "add" && failure.field === "apiKey" ? "add-key-error" : undefined}
                  className="w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 font-mono aria-[invalid]:border-red-500"
                />
              </label>
              {baseUrlsAllowed && takesBaseUrl.length > 0 ? (
                // Hidden and left out of the form (disabled) for a provider that does not use it, keeping what was typed.
                <label className="block" hidden={!asksBaseUrl}>
                  <span className="mb-1 block text-sm text-zinc-300">{t("keys.baseUrl", { providers: takesBaseUrl.map((p) => p.label).join(", ") })}</span>
                  <input
                    name="baseUrl"
                    type="url"
                    disabled={!asksBaseUrl}
                    defaultValue={failure?.baseUrl}
                    placeholder="https://llm.example.com/v1"
                    maxLength={2000}
                    aria-invalid={failure?.field === "baseUrl" ? true : undefined}
                    aria-describedby={failure?.intent === "add" && failure.field === "baseUrl" ? "add-key-error" : undefined}
                    className="w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 aria-[invalid]:border-red-500"
                  />
                  {baseUrlOptional.length > 0 ? <span className="mt-1 block text-xs text-zinc-500">{t("keys.baseUrlOptional", { providers: baseUrlOptional.map((p) => p.label).join(", ") })}</span> : null}
                  <span className="mt-1 block text-xs text-zinc-500">{t("keys.baseUrlHint")}</span>
                </label>
              ) : null}
              <button type="submit" disabled={busyIntent === "add"} className="rounded-lg bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500 disabled:opacity-60">
                {busyIntent === "add" ? t("common.saving") : t("keys.save")}
              </button>
            </Form>
            </>
          )}
        </>
      )}
    </main>
  );
}
