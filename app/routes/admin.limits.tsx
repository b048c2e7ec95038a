// Usage limits in the admin area: the server's defaults (set in the
// environment) and people set apart from them, with what they have used.
// One plain form sets a person's limits by email; blank follows the default.
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireAdmin } from "~/auth/admin.server";
import { buttonClass, inputClass, Notice, primaryButtonClass, When, WideTable } from "~/components/ui/admin";
import { Field, FormAlert } from "~/components/ui/Field";
import { defaultsFormSchema, limitsAdminPage, limitsFormSchema, saveDefaults, saveLimitsFor } from "~/services/admin-limits.server";
import { type FieldFailure, invalidForm, refusedForm, withTyped } from "~/utils/form-errors.server";
import { readFormData } from "~/utils/http.server";
import { Trans } from "~/i18n/Trans";
import { useTranslation } from "~/i18n/i18n";
import { metaT, pageTitle } from "~/i18n/meta";
import { formatNumber, formatUsd, useLocale } from "~/i18n/i18n";
import type { Locale } from "~/protocol/catalogue";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches);
  return pageTitle(`${t("admin.limits")} · ${t("admin.admin")}`);
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return limitsAdminPage();
}

/** A refused limits form: what was wrong with each field, and what was typed (without JavaScript the page is drawn afresh). */
type LimitsFailure = FieldFailure & { typed: Record<string, string> };

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  let intent = "person";
  let fields: Record<string, unknown> = {};
  const typed = () => Object.fromEntries(["email", ...LIMIT_FIELDS].map((name) => [name, typeof fields[name] === "string" ? (fields[name] as string).slice(0, 300) : ""]));
  try {
    fields = { chats: "", messages: "", window: "", tokensPerMonth: "", spendPerMonthUsd: "", ...Object.fromEntries(await readFormData(request)) };
    if (fields.intent === "defaults") {
      intent = "defaults";
      const parsed = defaultsFormSchema.safeParse(fields);
      // Every field the form cannot take, each with what it takes.
      if (!parsed.success) return withTyped(invalidForm(parsed.error, request, intent), typed());
      await saveDefaults({ admin, values: parsed.data });
      return redirect("/admin/limits?defaults=1");
    }
    const parsed = limitsFormSchema.safeParse(fields);
    if (!parsed.success) return withTyped(invalidForm(parsed.error, request, intent), typed());
    await saveLimitsFor({ admin, ...parsed.data });
    return redirect(`/admin/limits?${new URLSearchParams({ saved: parsed.data.email })}`);
  } catch (error) {
    return withTyped(refusedForm(error, request, intent), typed());
  }
}

/** A window as the form takes it, in the page's language ("3h", "1d"; "3ч", "1д"). */
const windowValue = (seconds: number, locale: Locale) => {
  const [hour, day] = locale === "ru" ? ["ч", "д"] : ["h", "d"];
  return seconds % 86_400 === 0 ? `${seconds / 86_400}${day}` : `${Math.round(seconds / 3600)}${hour}`;
};

/** Limits as the page shows them, in its language. */
function useLimitWords() {
  const { t } = useTranslation();
  const locale = useLocale();
  const windowText = (seconds: number) =>
    seconds % 86_400 === 0 ? t("adminLimits.days", { n: seconds / 86_400 }) : t("adminLimits.hours", { n: Math.round(seconds / 3600) });
  return {
    count: (n: number) => (n === 0 ? t("adminLimits.noLimit") : formatNumber(n, locale)),
    usd: (n: number) => (n === 0 ? t("adminLimits.noLimit") : formatUsd(n, locale)),
    answers: (n: number, seconds: number) => (n === 0 ? t("adminLimits.noLimit") : t("adminLimits.perWindow", { n, window: windowText(seconds) })),
  };
}

export default function AdminLimits() {
  const { defaults, saved, environment, people } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as LimitsFailure | undefined;
  const defaultsFailure = failure?.intent === "defaults" ? failure : undefined;
  const personFailure = failure?.intent === "person" ? failure : undefined;
  // A field's words as typed, when the form was refused.
  const typedOr = (refused: LimitsFailure | undefined, values: Record<LimitField, number | string | null>) =>
    refused ? (Object.fromEntries(LIMIT_FIELDS.map((name) => [name, refused.typed[name] ?? ""])) as Record<LimitField, string>) : values;
  const [params] = useSearchParams();
  const editing = people.find((p) => p.email === params.get("email"));
  const own = editing?.standing.limits;
  const { t } = useTranslation();
  const locale = useLocale();
  const { count, usd, answers } = useLimitWords();
  return (
    <section aria-labelledby="limits-heading" className="max-w-4xl space-y-8">
      <div>
        <h2 id="limits-heading" className="mb-2 text-lg font-medium">
          {t("adminLimits.title")}
        </h2>
        {params.get("saved") && !failure ? <Notice>{t("adminLimits.savedPerson", { email: params.get("saved") })}</Notice> : null}
        {params.get("defaults") && !failure ? <Notice>{t("adminLimits.savedDefaults")}</Notice> : null}
        <p className="mb-3 text-sm text-zinc-400">
          <Trans i18nKey="adminLimits.intro" components={{ code: <code /> }} />
        </p>
        <Form method="post" className="space-y-3 rounded-lg border border-zinc-800 p-4" key={JSON.stringify(saved)}>
          <input type="hidden" name="intent" value="defaults" />
          {defaultsFailure && Object.keys(defaultsFailure.fieldErrors).length === 0 ? <FormAlert>{defaultsFailure.formError}</FormAlert> : null}
          <LimitFields
            form="defaults"
            values={typedOr(defaultsFailure, {
              chats: saved?.chats ?? null,
              messages: saved?.messages ?? null,
              window: saved?.messages != null && saved.windowSeconds ? windowValue(saved.windowSeconds, locale) : "",
              tokensPerMonth: saved?.tokensPerMonth ?? null,
              spendPerMonthUsd: saved?.spendPerMonthUsd ?? null,
            })}
            placeholders={{
              chats: String(environment.chats),
              messages: String(environment.messages),
              window: windowValue(environment.windowSeconds, locale),
              tokensPerMonth: String(environment.tokensPerMonth),
              spendPerMonthUsd: String(environment.spendPerMonthUsd),
            }}
            errors={defaultsFailure?.fieldErrors}
          />
          <p className="text-sm text-zinc-400">
            {t("adminLimits.inForce", {
              chats: count(defaults.chats),
              answers: answers(defaults.messages, defaults.windowSeconds),
              tokens: count(defaults.tokensPerMonth),
              spend: usd(defaults.spendPerMonthUsd),
            })}
          </p>
          <button type="submit" className={primaryButtonClass}>
            {t("adminLimits.saveDefaults")}
          </button>
        </Form>
      </div>

      <div>
        <h3 className="mb-2 font-medium">{t("adminLimits.people")}</h3>
        {people.length === 0 ? (
          <p className="text-sm text-zinc-500">{t("adminLimits.nobody")}</p>
        ) : (
          <WideTable label={t("adminLimits.people")}>
            <table className="w-full min-w-[40rem] text-sm">
              <thead className="text-left text-zinc-400">
                <tr>
                  <th scope="col" className="py-1.5 font-normal">{t("adminLimits.person")}</th>
                  <th scope="col" className="font-normal">{t("search.chats")}</th>
                  <th scope="col" className="font-normal">{t("adminLimits.answersInWindow")}</th>
                  <th scope="col" className="font-normal">{t("adminLimits.tokensThisMonth")}</th>
                  <th scope="col" className="font-normal">{t("adminLimits.spendThisMonth")}</th>
                  <th scope="col" className="font-normal"><span className="sr-only">{t("adminLimits.change")}</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-800">
                {people.map(({ userId, email, standing: { limits, used, messagesResetAt } }) => (
                  <tr key={userId}>
                    <td className="py-1.5">{email}</td>
                    <td>{used.chats} / {count(limits.chats)}</td>
                    <td>
                      {used.messages} / {answers(limits.messages, limits.windowSeconds)}
                      {limits.messages > 0 && used.messages >= limits.messages && messagesResetAt ? (
                        <span className="block text-xs text-amber-300">
                          <Trans i18nKey="adminLimits.eases" components={{ when: <When at={messagesResetAt} /> }} />
                        </span>
                      ) : null}
                    </td>
                    <td>{formatNumber(used.tokens, locale)} / {count(limits.tokensPerMonth)}</td>
                    <td>
                      {formatUsd(used.spendUsd, locale)} / {usd(limits.spendPerMonthUsd)}
                    </td>
                    <td>
                      <Link to={`/admin/limits?${new URLSearchParams({ email })}#set-limits`} className="text-sky-400 hover:underline">
                        {t("adminLimits.change")}<span className="sr-only"> {t("adminLimits.changeOf", { email })}</span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </WideTable>
        )}
      </div>

      <Form method="post" id="set-limits" className="space-y-3 rounded-lg border border-zinc-800 p-4" key={editing?.email ?? "new"}>
        <h3 className="font-medium">{t("adminLimits.setPerson")}</h3>
        <p className="text-sm text-zinc-400">{t("adminLimits.setPersonHint")}</p>
        {personFailure && Object.keys(personFailure.fieldErrors).length === 0 ? <FormAlert>{personFailure.formError}</FormAlert> : null}
        <Field
          label={t("auth.email")}
          name="email"
          id="person-email"
          type="email"
          required
          defaultValue={personFailure ? personFailure.typed.email : (editing?.email ?? "")}
          error={personFailure?.fieldErrors.email}
          className={`${inputClass} w-full`}
        />
        <LimitFields
          form="person"
          values={typedOr(personFailure, {
            chats: own?.overridden.chats ? own.chats : null,
            messages: own?.overridden.messages ? own.messages : null,
            window: own?.overridden.messages ? windowValue(own.windowSeconds, locale) : "",
            tokensPerMonth: own?.overridden.tokensPerMonth ? own.tokensPerMonth : null,
            spendPerMonthUsd: own?.overridden.spendPerMonthUsd ? own.spendPerMonthUsd : null,
          })}
          errors={personFailure?.fieldErrors}
        />
        <div className="flex gap-2">
          <button type="submit" className={primaryButtonClass}>
            {t("adminLimits.save")}
          </button>
          {editing ? (
            <Link to="/admin/limits" className={buttonClass}>
              {t("common.cancel")}
            </Link>
          ) : null}
        </div>
      </Form>
    </section>
  );
}

const LIMIT_FIELDS = ["chats", "messages", "window", "tokensPerMonth", "spendPerMonthUsd"] as const;
type LimitField = (typeof LIMIT_FIELDS)[number];

/** The five limit fields of both forms; blank means "the default". A refused field says why beneath it, as its description. */
function LimitFields({
  form,
  values,
  placeholders,
  errors = {},
}: {
  form: string;
  values: Record<LimitField, number | string | null>;
  placeholders?: Record<LimitField, string>;
  errors?: Record<string, string>;
}) {
  const { t } = useTranslation();
  const field = (name: LimitField, label: string, className = "block") => (
    <Field
      label={label}
      name={name}
      id={`${form}-${name}`}
      error={errors[name]}
      wrapperClassName={className}
      inputMode={name === "window" ? "text" : name === "spendPerMonthUsd" ? "decimal" : "numeric"}
      defaultValue={values[name] === null ? "" : String(values[name])}
      placeholder={placeholders?.[name]}
      className={`${inputClass} w-full`}
    />
  );
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {field("chats", t("adminLimits.chatsKept"))}
      <div className="flex gap-2">
        {field("messages", t("adminLimits.answers"), "block flex-1")}
        {field("window", t("adminLimits.per"), "block w-28")}
      </div>
      {field("tokensPerMonth", t("adminLimits.tokensPerMonth"))}
      {field("spendPerMonthUsd", t("adminLimits.spendPerMonth"))}
    </div>
  );
}
