// Providers and models in the admin area: one plain form of checkboxes (what
// is ticked is on), the default model for new chats, and whether people may
// bring keys and base URLs of their own.
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { useEffect, useRef, useState } from "react";
import {
  Form,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { useHydrated } from "remix-utils/use-hydrated";
import { requireAdmin } from "~/auth/admin.server";
import { hasEveryWord, searchWords } from "~/components/ui/words";
import { inputClass, Notice, primaryButtonClass } from "~/components/ui/admin";
import { FormAlert } from "~/components/ui/Field";
import { AppError } from "~/protocol/errors";
import {
  modelsAdminPage,
  type ModelsForm,
  modelsFormFields,
  modelsFormSchema,
  saveModelsPage,
} from "~/services/admin-models.server";
import {
  type FormFailure,
  formFailure,
  localeOf,
  readFormData,
} from "~/utils/http.server";
import type { TFunction } from "i18next";
import type { ListingFailure } from "~/llm/types";
import { useLocale, useTranslation } from "~/i18n/i18n";
import { Trans } from "~/i18n/Trans";
import { metaT, pageTitle } from "~/i18n/meta";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("admin.models")} · ${t("admin.admin")}`);
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return modelsAdminPage(localeOf(request));
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  let form: ModelsForm | undefined;
  try {
    const parsed = modelsFormSchema.safeParse(
      modelsFormFields(await readFormData(request))
    );
    if (!parsed.success) throw new AppError("invalid_input");
    form = parsed.data;
    await saveModelsPage({ admin, form });
    return redirect("/admin/models?saved=1");
  } catch (error) {
    const failed = formFailure(error, request);
    // The refused form comes back as it was sent: without JavaScript the page is drawn anew, and would lose every edit.
    return data({ ...failed.data, ...(form ? { form } : {}) }, failed.init ?? undefined);
  }
}

export default function AdminModels() {
  const { providers, defaultModel, userKeysPossible, userKeysKeyMade, userKeys, userBaseUrls, meaningSearch } =
    useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as (FormFailure & { form?: ModelsForm }) | undefined;
  // A refused save's boxes and choice as they were sent (with JavaScript the form was never redrawn, and keeps them anyway).
  const sent = failure?.form;
  const sentOn = sent ? new Set([...sent.providers, ...sent.models]) : null;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation();
  // With JavaScript, a filter over a long list (OpenRouter lists hundreds of models). Models it hides stay in the form:
  // their boxes are sent with the save as they are.
  const hydrated = useHydrated();
  const [filter, setFilter] = useState("");
  const words = searchWords(filter);
  const shownModels = (provider: (typeof providers)[number]) =>
    words.length === 0 || hasEveryWord(provider.label, words) ? provider.models : provider.models.filter((m) => hasEveryWord(`${provider.label} ${m.label} ${m.id}`, words));
  const shown = new Map(providers.map((p) => [p.id, new Set(shownModels(p).map((m) => m.id))]));
  const shownCount = [...shown.values()].reduce((sum, ids) => sum + ids.size, 0);
  const totalCount = providers.reduce((sum, p) => sum + p.models.length, 0);
  // A refused save (its button is at the end of a long page) brings the reason and the field at fault into view.
  const refusalRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!failure) return;
    refusalRef.current?.scrollIntoView({ block: "start" });
    const field = failure.field ? document.querySelector<HTMLElement>(`form [name="${failure.field}"]`) : null;
    field?.focus({ preventScroll: true });
  }, [failure]);
  const choices = providers
    .filter((p) => p.configured && p.enabled)
    .flatMap((p) =>
      p.models
        .filter((m) => m.enabled)
        .map((m) => ({ ...m, provider: p.label }))
    );
  // A default its provider does not list right now (an outage, a key gone) stays chosen: a save of anything else keeps it.
  const defaultUnlisted = defaultModel !== "" && !choices.some((m) => m.id === defaultModel);
  return (
    <section aria-labelledby="models-heading" className="max-w-3xl">
      <h2 id="models-heading" className="mb-4 text-lg font-medium">
        {t("adminModels.title")}
      </h2>
      {params.get("saved") && !failure ? (
        <Notice>
          {t("adminModels.saved")}
        </Notice>
      ) : null}
      {failure ? (
        <div ref={refusalRef} className="mb-4 scroll-mt-4">
          <FormAlert id="models-refusal">{failure.formError}</FormAlert>
        </div>
      ) : null}
      <Form method="post" className="space-y-6">
        <label className="block">
          <span className="mb-1 block text-sm text-zinc-300">
            {t("adminModels.defaultModel")}
          </span>
          <select
            name="defaultModel"
            defaultValue={sent ? sent.defaultModel : defaultModel}
            aria-invalid={failure?.field === "defaultModel" ? true : undefined}
            aria-describedby={failure?.field === "defaultModel" ? "models-refusal default-model-hint" : "default-model-hint"}
            className={`${inputClass} w-full`}
          >
            <option value="">{t("adminModels.builtIn")}</option>
            {defaultUnlisted ? <option value={defaultModel}>{t("adminModels.defaultUnlisted", { model: defaultModel })}</option> : null}
            {choices.map((model) => (
              <option key={model.id} value={model.id}>
                {model.provider} · {model.label}
              </option>
            ))}
          </select>
          <span id="default-model-hint" className="mt-1 block text-sm text-zinc-400">
            {t("adminModels.defaultModelHint")}
          </span>
          {defaultUnlisted ? (
            <span className="mt-1 block text-sm text-amber-300" data-testid="default-unlisted">
              {t("adminModels.defaultUnlistedHint", { model: defaultModel })}
            </span>
          ) : null}
        </label>

        <fieldset className="space-y-2 rounded-lg border border-zinc-800 p-4">
          <legend className="px-1 text-sm text-zinc-300">
            {t("adminModels.ownKeys")}
          </legend>
          {!userKeysPossible ? (
            <p className="text-sm text-amber-300">
              {t("adminModels.notPossible")}
            </p>
          ) : null}
          {userKeysKeyMade ? (
            <p className="text-sm text-zinc-400" data-testid="key-made-note">
              <Trans i18nKey="adminModels.keyMade" components={{ code: <code /> }} />
            </p>
          ) : null}
          <label className="flex items-center gap-2">
            <input type="checkbox" name="userKeys" defaultChecked={sent ? sent.userKeys : userKeys} />
            <span>{t("adminModels.userKeys")}</span>
          </label>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              name="userBaseUrls"
              defaultChecked={sent ? sent.userBaseUrls : userBaseUrls}
            />
            <span>
              {t("adminModels.userBaseUrls")}
            </span>
          </label>
        </fieldset>

        {hydrated ? (
          <div>
            <label className="block">
              <span className="mb-1 block text-sm text-zinc-300">{t("adminModels.filter")}</span>
              <input
                type="search"
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
                // Enter in the filter is not a save.
                onKeyDown={(event) => event.key === "Enter" && event.preventDefault()}
                placeholder={t("adminModels.filterPlaceholder")}
                aria-describedby="models-filter-count"
                className={`${inputClass} w-full`}
              />
            </label>
            <p id="models-filter-count" className="mt-1 text-sm text-zinc-400" aria-live="polite" data-testid="models-filter-count">
              {words.length === 0 ? "" : shownCount === 0 ? t("picker.noMatch") : t("adminModels.filterCount", { shown: shownCount, total: totalCount })}
            </p>
          </div>
        ) : null}
        <div className="space-y-4">
          {providers.map((provider) => (
            <fieldset
              key={provider.id}
              // Hidden, not removed: its boxes are still sent with the save.
              hidden={words.length > 0 && shown.get(provider.id)!.size === 0 && !hasEveryWord(provider.label, words)}
              className="rounded-lg border border-zinc-800 p-4"
              data-testid="admin-provider"
              data-provider={provider.id}
            >
              <legend className="px-1">
                <label className="flex items-center gap-2 font-medium">
                  <input
                    type="checkbox"
                    name="provider"
                    value={provider.id}
                    defaultChecked={sentOn ? sentOn.has(provider.id) : provider.enabled}
                    aria-label={t("adminModels.providerOn", { provider: provider.label })}
                  />
                  {provider.label}
                </label>
              </legend>
              {!provider.configured ? (
                <p className="text-sm text-zinc-500">
                  {provider.keyless ? t("adminModels.noServerAddress", { setting: provider.setting }) : t("adminModels.noServerKey", { setting: provider.setting })}
                </p>
              ) : null}
              {provider.listingFailure ? (
                <p className="mb-2 text-sm text-amber-300" data-testid="listing-failure">
                  {listingFailureText(provider.listingFailure, provider.label, t)}
                  {provider.models.length > 0 ? ` ${t("adminModels.listingFallback")}` : ""}
                </p>
              ) : null}
              {provider.models.length > 0 ? (
                <ul className="grid gap-1 sm:grid-cols-2">
                  {provider.models.map((model) => (
                    <li key={model.id} hidden={!shown.get(provider.id)!.has(model.id)}>
                      <label className="flex items-center gap-2 text-sm">
                        <input
                          type="checkbox"
                          name="model"
                          value={model.id}
                          defaultChecked={sentOn ? sentOn.has(model.id) : model.enabled}
                          aria-label={t("adminModels.modelOn", { model: model.label, id: model.id })}
                        />
                        <span>{model.label}</span>
                        <span className="truncate text-xs text-zinc-500">
                          {model.id}
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
              ) : provider.configured ? (
                <p className="text-sm text-zinc-500">
                  {t("adminModels.noModels")}
                </p>
              ) : null}
            </fieldset>
          ))}
        </div>
        <button
          type="submit"
          disabled={navigation.state === "submitting"}
          className={primaryButtonClass}
        >
          {t("common.save")}
        </button>
      </Form>
      <MeaningSearchStatus status={meaningSearch} />
    </section>
  );
}

/** How far search by meaning has indexed the messages (set up in the environment: EMBEDDINGS_MODEL). */
function MeaningSearchStatus({ status }: { status: ReturnType<typeof useLoaderData<typeof loader>>["meaningSearch"] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const number = (n: number) => n.toLocaleString(locale);
  return (
    <section aria-labelledby="meaning-heading" className="mt-8" data-testid="meaning-search">
      <h3 id="meaning-heading" className="mb-2 font-medium">
        {t("adminModels.meaningTitle")}
      </h3>
      {status.on ? (
        <>
          <p className="text-sm text-zinc-300">{t("adminModels.meaningOn", { model: status.model })}</p>
          <label className="mt-2 block text-sm text-zinc-400">
            {t("adminModels.meaningProgress", { indexed: number(status.indexed), total: number(status.total) })}
            <progress className="mt-1 block w-full" max={Math.max(status.total, 1)} value={status.indexed} />
          </label>
          {status.skipped > 0 ? <p className="mt-2 text-sm text-zinc-400">{t("adminModels.meaningSkipped", { count: status.skipped })}</p> : null}
          {status.lastError ? (
            <p className="mt-2 text-sm text-amber-300" data-testid="meaning-error">
              {t("adminModels.meaningError", { message: status.lastError.message })}
            </p>
          ) : null}
        </>
      ) : (
        <p className="text-sm text-zinc-400">{t(`adminModels.meaningOff_${status.why}`)}</p>
      )}
    </section>
  );
}

/** What the last listing of a provider's models ran into, in the admin's words. */
function listingFailureText(failure: ListingFailure, provider: string, t: TFunction): string {
  if (failure.reason === "rejected") return t("adminModels.listingRejected", { provider, status: failure.status });
  if (failure.reason === "unreachable") return t("adminModels.listingUnreachable", { provider });
  return failure.status ? t("adminModels.listingFailedStatus", { provider, status: failure.status }) : t("adminModels.listingFailed", { provider });
}
