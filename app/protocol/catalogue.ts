// The words for every error code, in English and Russian. The server renders
// them into pages and form errors; stream events carry the code and the
// English text, and the browser renders the code in the page's language.
import { type ErrorCode, type ErrorParams, overloaded, type Problem } from "./errors";

export const LOCALES = ["en", "ru"] as const;
export type Locale = (typeof LOCALES)[number];

type Text = (params: ErrorParams) => string;

const provider = (p: ErrorParams) => p.provider ?? "The model provider";
/** The same in Russian, at the start of a sentence or (`mid`) inside one. */
const providerRu = (p: ErrorParams, mid = false) => p.provider ?? (mid ? "провайдер моделей" : "Провайдер моделей");

/**
 * What a provider's label says when a person's own key is behind it, or a server of their own (an address they gave:
 * Ollama needs no key); labels are made in English ("OpenAI (your key)", "Ollama (your server)").
 */
const OWN_KEY: Record<Locale, string> = { en: " (your key)", ru: " (ваш ключ)" };
const OWN_SERVER: Record<Locale, string> = { en: " (your server)", ru: " (ваш адрес)" };

/**
 * Providers named by a word, not a brand: labels are made with the English word, said here in each language. A name
 * the operator chose for their own server (CUSTOM_OPENAI_NAME) is not one of these words and stays as it is.
 */
const PROVIDER_WORDS: Record<Locale, Partial<Record<string, string>>> = { en: {}, ru: { Demo: "Демо", Custom: "Свой сервер" } };

/** A provider's name in `locale`: brand names stay as they are, "Demo" and "Custom" are translated. */
export function providerNameIn(name: string, locale: Locale): string {
  return PROVIDER_WORDS[locale][name] ?? name;
}

/** A provider's label made in English ("Custom (your server)"), said in `locale` ("Свой сервер (ваш адрес)"). */
export function providerLabelIn(label: string, locale: Locale): string {
  for (const own of [OWN_KEY, OWN_SERVER]) {
    if (label.endsWith(own.en)) return `${providerNameIn(label.slice(0, -own.en.length), locale)}${own[locale]}`;
  }
  return providerNameIn(label, locale);
}

/** The label of a provider reached with a person's own key (in English, as every label is made). */
export function ownKeyLabel(label: string): string {
  return `${label}${OWN_KEY.en}`;
}

/** The label of a provider reached at an address a person gave (a server of their own), with or without a key. */
export function ownServerLabel(label: string): string {
  return `${label}${OWN_SERVER.en}`;
}
const httpNote = (p: ErrorParams) => (p.status ? ` (HTTP ${p.status})` : "");
/** A provider's own words as a sentence of their own: with a full stop unless they end in one. */
const withStop = (text: string) => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
/** One number formatter per language (`toLocaleString` with a locale builds a new one at every call). */
const numberFormats = new Map<Locale, Intl.NumberFormat>();
function localNumber(value: number, locale: Locale): string {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-US")));
  return format.format(value);
}
const max = (p: ErrorParams, locale: Locale) => localNumber(p.max ?? 0, locale);
/**
 * A limit with its noun: "1 file", "10 files"; in Russian the genitive after
 * "не больше / не длиннее": "21 символа", "32 000 символов".
 */
const upTo = (p: ErrorParams, locale: Locale, [one, other]: [string, string]) => `${max(p, locale)} ${new Intl.PluralRules(locale).select(p.max ?? 0) === "one" ? one : other}`;
/**
 * The buttons an ended answer's advice names: Continue only where the answer
 * offers it (`continuable` is false when nothing was written or the provider
 * refused), Regenerate always.
 */
const offered = (p: ErrorParams, both: string, regenerateOnly: string) => (p.continuable === false ? regenerateOnly : both);
const RU_BOTH = "«Продолжить» или «Ответить заново»";
const RU_REGENERATE = "«Ответить заново»";
/** A file's name in the quotation marks of the language. */
const file = (p: ErrorParams, locale: Locale = "en") => (locale === "ru" ? `«${p.name ?? "файл"}»` : `“${p.name ?? "file"}”`);

/** The offline demo model's name in each language (every other model is named as its provider names it). */
export const DEMO_MODEL_NAMES: Record<Locale, string> = { en: "Demo (offline)", ru: "Демо (офлайн)" };

/** A size in bytes as people read it ("20 MB", "1.5 GB"): binary units, as the limits are set. */
export function formatBytes(bytes: number, locale: Locale = "en"): string {
  const units = locale === "ru" ? ["Б", "КБ", "МБ", "ГБ"] : ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = unit === 0 || value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${localNumber(rounded, locale)} ${units[unit]}`;
}

/** The Russian form for a count: 1 чат, 2 чата, 5 чатов (11–14 take the last). */
function ruPlural(n: number, forms: [string, string, string]): string {
  const tens = n % 100;
  const ones = n % 10;
  return forms[tens >= 11 && tens <= 14 ? 2 : ones === 1 ? 0 : ones >= 2 && ones <= 4 ? 1 : 2];
}

/** A wait in the largest whole unit that reads well ("40 seconds", "3 minutes", "5 hours", "12 days"), rounded up. */
export function waitText(seconds: number, locale: Locale): string {
  const [amount, unit] =
    seconds < 60 ? [seconds, 0] : seconds <= 90 * 60 ? [Math.ceil(seconds / 60), 1] : seconds <= 48 * 3600 ? [Math.ceil(seconds / 3600), 2] : [Math.ceil(seconds / 86_400), 3];
  if (locale === "ru") {
    const forms: [string, string, string][] = [
      ["секунду", "секунды", "секунд"],
      ["минуту", "минуты", "минут"],
      ["час", "часа", "часов"],
      ["день", "дня", "дней"],
    ];
    return `${amount} ${ruPlural(amount, forms[unit]!)}`;
  }
  const names = ["second", "minute", "hour", "day"];
  return `${amount} ${names[unit]}${amount === 1 ? "" : "s"}`;
}

/** What a rate limit held back, as the start of its sentence. */
const TOO_MANY: Record<Locale, Record<string, string>> = {
  en: {
    send: "You are sending messages too fast.",
    regenerate: "Too many regenerations.",
    upload: "Too many uploads.",
    search: "Too many searches.",
    import: "Too many imports.",
    attempts: "Too many attempts.",
  },
  ru: {
    send: "Вы отправляете сообщения слишком часто.",
    regenerate: "Слишком много повторных генераций.",
    upload: "Слишком много загрузок.",
    search: "Слишком много поисковых запросов.",
    import: "Слишком много импортов.",
    attempts: "Слишком много попыток.",
  },
};
const tooMany = (p: ErrorParams, locale: Locale) => TOO_MANY[locale][p.action ?? "attempts"] ?? TOO_MANY[locale].attempts!;

/** Why an import, or one of its conversations, could not be read: `reason` of import_malformed and import_conversation_invalid. */
const IMPORT_REASONS = {
  en: {
    json: () => "its JSON is incomplete or invalid",
    archive: () => "the archive cannot be read",
    not_a_conversation: () => "it is not a conversation",
    no_id: () => "it has no id",
    no_messages: () => "it has no messages",
    too_many_messages: () => "it has too many messages",
    message_unreadable: (p: ErrorParams) => `message ${p.index ?? "?"} is not a message`,
    unknown_sender: (p: ErrorParams) => `message ${p.index ?? "?"} has an unknown sender`,
    field: (p: ErrorParams) => `a value is missing or wrong${p.field ? ` (${p.field})` : ""}`,
    not_stored: () => "it could not be stored",
  },
  ru: {
    json: () => "его JSON неполон или испорчен",
    archive: () => "архив не читается",
    not_a_conversation: () => "это не разговор",
    no_id: () => "у него нет идентификатора",
    no_messages: () => "в нём нет сообщений",
    too_many_messages: () => "в нём слишком много сообщений",
    message_unreadable: (p: ErrorParams) => `сообщение ${p.index ?? "?"} не читается`,
    unknown_sender: (p: ErrorParams) => `у сообщения ${p.index ?? "?"} неизвестный отправитель`,
    field: (p: ErrorParams) => `значение отсутствует или неверно${p.field ? ` (${p.field})` : ""}`,
    not_stored: () => "его не удалось сохранить",
  },
} satisfies Record<Locale, Record<string, (p: ErrorParams) => string>>;

export type ImportReason = keyof (typeof IMPORT_REASONS)["en"];

function importReason(p: ErrorParams, locale: Locale): string {
  const words = (IMPORT_REASONS[locale] as Record<string, ((p: ErrorParams) => string) | undefined>)[p.reason ?? ""];
  return words ? words(p) : (p.reason ?? "");
}

/**
 * Office formats people attach most, by the type their bytes turn out to be:
 * named in words with what to do instead, never as a MIME type no one reads.
 */
const OFFICE_KINDS = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { ext: "docx", kind: "document" },
  "application/msword": { ext: "doc", kind: "document" },
  "application/vnd.oasis.opendocument.text": { ext: "odt", kind: "document" },
  "application/rtf": { ext: "rtf", kind: "document" },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { ext: "xlsx", kind: "sheet" },
  "application/vnd.ms-excel": { ext: "xls", kind: "sheet" },
  "application/vnd.oasis.opendocument.spreadsheet": { ext: "ods", kind: "sheet" },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": { ext: "pptx", kind: "slides" },
  "application/vnd.ms-powerpoint": { ext: "ppt", kind: "slides" },
  "application/vnd.oasis.opendocument.presentation": { ext: "odp", kind: "slides" },
} as const satisfies Record<string, { ext: string; kind: "document" | "sheet" | "slides" }>;

type OfficeExt = (typeof OFFICE_KINDS)[keyof typeof OFFICE_KINDS]["ext"];

const OFFICE_WORDS: Record<Locale, { names: Record<OfficeExt, string>; advice: Record<"document" | "sheet" | "slides", string>; sentence: (file: string, kind: string, advice: string) => string }> = {
  en: {
    names: {
      docx: "Word documents (.docx)",
      doc: "Word 97–2003 documents (.doc)",
      odt: "OpenDocument text documents (.odt)",
      rtf: "RTF documents (.rtf)",
      xlsx: "Excel workbooks (.xlsx)",
      xls: "Excel 97–2003 workbooks (.xls)",
      ods: "OpenDocument spreadsheets (.ods)",
      pptx: "PowerPoint presentations (.pptx)",
      ppt: "PowerPoint 97–2003 presentations (.ppt)",
      odp: "OpenDocument presentations (.odp)",
    },
    advice: {
      document: "save it as PDF and attach that.",
      sheet: "save it as CSV (a sheet at a time) or PDF and attach that.",
      slides: "save it as PDF and attach that.",
    },
    sentence: (file, kind, advice) => `${file}: ${kind} cannot be read here. To attach it, ${advice}`,
  },
  ru: {
    names: {
      docx: "документы Word (.docx)",
      doc: "документы Word 97–2003 (.doc)",
      odt: "текстовые документы OpenDocument (.odt)",
      rtf: "документы RTF (.rtf)",
      xlsx: "книги Excel (.xlsx)",
      xls: "книги Excel 97–2003 (.xls)",
      ods: "таблицы OpenDocument (.ods)",
      pptx: "презентации PowerPoint (.pptx)",
      ppt: "презентации PowerPoint 97–2003 (.ppt)",
      odp: "презентации OpenDocument (.odp)",
    },
    advice: {
      document: "сохраните его в PDF и приложите этот файл.",
      sheet: "сохраните его в CSV (по листу) или в PDF и приложите этот файл.",
      slides: "сохраните его в PDF и приложите этот файл.",
    },
    sentence: (file, kind, advice) => `Файл ${file}: ${kind} здесь не читаются. Чтобы приложить его, ${advice}`,
  },
};

/** A refused office file in words, or undefined for a type that is not one. */
function officeFileText(p: ErrorParams, locale: Locale): string | undefined {
  const office = (OFFICE_KINDS as Record<string, { ext: OfficeExt; kind: "document" | "sheet" | "slides" } | undefined>)[p.type ?? ""];
  if (!office) return undefined;
  const words = OFFICE_WORDS[locale];
  return words.sentence(file(p, locale), words.names[office.ext], words.advice[office.kind]);
}

export const CATALOGUE: Record<Locale, Record<ErrorCode, Text>> = {
  en: {
    invalid_input: () => "Check the form and try again.",
    unknown_intent: () => "Unknown action.",
    malformed_id: () => "That id is malformed.",
    message_empty: () => "Write a message first.",
    message_too_long: (p) =>
      p.length === undefined
        ? `Messages are limited to ${upTo(p, "en", ["character", "characters"])}. Shorten it or split it in two.`
        : `This message is ${localNumber(p.length, "en")} character${p.length === 1 ? "" : "s"} long, ${localNumber(p.length - (p.max ?? 0), "en")} over the limit of ${max(p, "en")}. Shorten it or split it in two.`,
    title_empty: () => "A title cannot be empty.",
    title_too_long: () => "Keep titles to 120 characters or fewer.",
    system_prompt_too_long: (p) => `Keep the system prompt to ${upTo(p, "en", ["character", "characters"])} or fewer.`,
    search_query_too_long: (p) => `Searches are limited to ${upTo(p, "en", ["character", "characters"])}. Search for a few words you remember.`,
    search_date_invalid: (p) => `“${p.field === "to" ? "Written until" : "Written from"}” is not a date: pick one in its calendar (in the address, a date is written YYYY-MM-DD).`,
    search_dates_reversed: () => "“Written from” is after “Written until”, so no message can be in between. Swap the dates, or clear one of them.",
    model_unavailable: (p) =>
      p.listing === "rejected"
        ? `That model is not available right now: ${provider(p)} did not accept the key${httpNote(p)} when asked for its models. Check the key, or pick another model.`
        : p.listing === "failed"
          ? `That model is not available right now: ${provider(p)} did not answer with its models${httpNote(p)}. Check that its address is the server's API (it usually ends in /v1), or pick another model.`
          : p.model
            ? `The model “${p.model}” is not available. Pick another one.`
            : "That model is not available. Pick another one.",
    provider_unreachable: (p) => `Could not reach ${provider(p)}, so its models cannot be used right now: check that its server is running and that its address is right, or pick another model.`,
    cannot_regenerate: () => "That message cannot be regenerated.",
    last_event_id_invalid: () => "Last-Event-ID must be a non-negative whole number.",
    last_event_id_ahead: (p) => `Last-Event-ID ${p.requested ?? 0} is ahead of this stream (its newest event is ${p.newest ?? 0}).`,
    bad_body: () => "The request body could not be read. Send the form again.",
    unsupported_media_type: () => "Send this form as application/x-www-form-urlencoded or multipart/form-data.",
    file_too_large: (p) => `${file(p)} is larger than ${formatBytes(p.max ?? 0)}, the most one file may be. Attach a smaller file.`,
    too_many_files: (p) => `A message can carry at most ${upTo(p, "en", ["file", "files"])}. Remove some and send again.`,
    upload_quota_exceeded: (p) => `${file(p)} does not fit: your files may take ${formatBytes(p.max ?? 0)} in all. Delete chats with files you no longer need.`,
    file_not_utf8: (p) =>
      `${file(p)} is text ${p.type === "UTF-16" ? "in UTF-16" : "in an older encoding"}, not UTF-8. Save it as UTF-8 (editors offer it under Save As, as the encoding) and attach it again.`,
    file_type_unsupported: (p) =>
      officeFileText(p, "en") ?? `${file(p)}${p.type ? ` (${p.type})` : ""} is not a kind of file Parley can read. Attach images (PNG, JPEG, WebP, GIF), PDFs, or text and code files.`,
    file_type_mismatch: (p) => `${file(p)} is not what its name says: by its content it is ${p.type ?? "another kind of file"}. Rename it or attach the real file.`,
    file_empty: (p) => `${file(p)} is empty.`,
    file_pdf_encrypted: (p) => `${file(p)} is protected by a password, so Parley cannot read it. Remove the password (print it to a new PDF, or save it without one) and attach it again.`,
    file_pdf_damaged: (p) => `${file(p)} is damaged and cannot be read as a PDF. Save it again from the program that made it and attach the new file.`,
    date_invalid: () => "Give the date as YYYY-MM-DD, for example 2026-01-31.",
    period_invalid: () => "The period ends before it starts: choose a “to” date on or after the “from” date.",
    period_too_long: () => "A report covers at most 366 days: choose a shorter period.",
    model_cannot_see_images: (p) => `${p.model ? `“${p.model}”` : "This model"} cannot see images. ${p.sent ? "Pick a model that can." : "Pick a model that can, or remove the images."}`,
    default_model_off: (p) => `The default model “${p.model ?? "?"}” would be turned off by this form. Leave it (or its provider) on, or pick another default.`,
    limit_count_invalid: () => "A limit is a whole number, like 20 (0 for no limit), or blank to follow the default.",
    limit_window_invalid: () => "Write the window in hours or days, from 1h to 7d: for example 3h or 1d.",
    limit_spend_invalid: () => "Write the spend in dollars and cents, like 5 or 12.50 (0 for no limit), or leave it blank.",
    message_too_big_for_model: (p) =>
      `This message and its files come to about ${localNumber(p.tokens ?? 0, "en")} tokens; ${p.model ? `“${p.model}”` : "this model"} reads at most ${localNumber(p.max ?? 0, "en")}. Remove a file or send a part of it, or pick a model that reads more.`,
    method_not_allowed: () => "This address does not accept that method.",
    confirmation_mismatch: () => "To confirm, type the account's email address exactly as shown.",
    confirmation_required: () => "Tick the box to confirm. Nothing was deleted.",
    password_invalid: () => "Choose a password of 8 to 1024 characters.",
    model_disabled: (p) => `${p.demo ? `“${DEMO_MODEL_NAMES.en}”` : p.model ? `“${p.model}”` : "That model"} has been turned off by the administrator. Pick another model.`,
    user_not_found: (p) => (p.email ? `No account has the email ${p.email}. Check it on the Users page.` : "That account no longer exists."),
    user_keys_not_allowed: () => "The administrator does not let people use keys of their own on this server.",
    provider_turned_off: (p) => `The administrator turned off ${p.provider ?? "this provider"} on this server, so a key of your own for it would not be used.`,
    registration_closed: () => "Registration is closed on this server. Ask an admin to let you in.",
    invite_required: () => "This server accepts new accounts by invitation only. Ask an admin for an invite link.",
    invite_invalid: () => "This invite link is not valid. Check that you copied all of it, or ask an admin for a new one.",
    invite_expired: () => "This invite link has expired. Ask an admin for a new one.",
    invite_used_up: () => "This invite link has been used as many times as it allows. Ask an admin for a new one.",
    invite_revoked: () => "This invite link was withdrawn by an admin. Ask for a new one.",
    account_disabled: () => "This account is disabled. Ask an admin to enable it again.",
    reset_link_invalid: () => "This password-reset link cannot be used: it was used already, has expired, or a newer one replaced it. Ask an admin for a new link.",
    last_admin: () => "This is the last admin: the server needs one. Make someone else an admin first.",
    export_format_invalid: () => "Choose an export format: md (Markdown), json (Parley JSON) or zip (everything, with the files).",
    import_file_required: () => "Choose a file to import: a Parley export, or conversations.json (or the .zip) from ChatGPT or Claude.",
    import_too_large: (p) => `This file is larger than ${formatBytes(p.max ?? 0)}, the most one import may be. Split the export or ask the administrator to raise MAX_IMPORT_BYTES.`,
    import_unrecognized: () => "Parley does not recognise this file. Import a Parley export (.json or .zip), or conversations.json (or the whole .zip) from a ChatGPT or Claude export.",
    import_newer_version: (p) => `This export was made by a newer Parley (format version ${p.requested ?? "?"}) than this server reads. Update this server, or export from the same version.`,
    import_malformed: (p) => `This file is damaged or cut short${p.reason ? ` (${importReason(p, "en")})` : ""}. Download the export again and import the new file.`,
    import_conversation_invalid: (p) => `This conversation could not be read${p.reason ? `: ${importReason(p, "en")}.` : "."}`,
    name_empty: () => "Tell us what to call you.",
    name_too_long: () => "Keep your name to 80 characters or fewer.",
    email_invalid: () => "Enter a valid email address, like ada@example.com.",
    email_taken: () => "Another account already uses this email address.",
    password_required: () => "Enter your current password.",
    password_too_short: () => "Use at least 8 characters.",
    password_too_long: () => "Use at most 1024 characters.",
    passwords_differ: () => "The two new passwords are not the same. Type it again in both boxes.",
    current_password_wrong: () => "That is not your current password.",
    custom_instructions_too_long: (p) => `Keep custom instructions to ${upTo(p, "en", ["character", "characters"])} or fewer.`,
    not_found: () => "Not found.",
    message_not_found: () => "That message no longer exists.",
    attachment_not_found: (p) =>
      p.name ? `${file(p)} is no longer on the server (an upload not sent within a day is removed). Attach it again, then send.` : "That file no longer exists.",
    chat_read_only: () => "You can read this chat but not change it.",
    rate_limited: (p) => `${tooMany(p, "en")} ${p.seconds ? `Try again in ${waitText(p.seconds, "en")}.` : "Wait a moment, then try again."}`,
    message_flagged: (p) => `This message was not sent: the server's content check flagged it${p.detail ? ` (${p.detail})` : ""}. Rephrase it and try again.`,
    moderation_unavailable: () => "The server could not check this message, so it was not sent. Try again in a moment.",
    chats_limit_reached: (p) => `This server lets you keep ${p.max ?? 0} chat${p.max === 1 ? "" : "s"}, and you have reached that. Delete chats you no longer need to start a new one.`,
    messages_limit_reached: (p) => `You have asked for ${p.max ?? 0} answer${p.max === 1 ? "" : "s"} in the last ${waitText(p.windowSeconds ?? 0, "en")}, the most this server allows. You can ask again in ${waitText(p.seconds ?? 60, "en")}.`,
    tokens_limit_reached: (p) => `You have used your ${localNumber(p.max ?? 0, "en")} tokens for this month. The allowance renews in ${waitText(p.seconds ?? 60, "en")}.`,
    spend_limit_reached: (p) => `You have used this month's $${(p.usd ?? 0).toFixed(2)} of answers. The allowance renews in ${waitText(p.seconds ?? 60, "en")}.`,
    user_keys_off: () => "Keys of your own are turned off on this server: it has no ENCRYPTION_KEY to keep them safe.",
    base_url_not_allowed: () => "This server does not let you choose a base URL.",
    key_not_found: () => "You have no key for that provider.",
    provider_unknown: () => "Pick a provider from the list.",
    api_key_required: () => "Paste the key first.",
    api_key_invalid: () => "That does not look like a key: paste it without spaces or line breaks (at most 500 characters).",
    base_url_required: (p) => `${p.provider ?? "This provider"} needs the address of your server, like http://ollama.example.com:11434/v1.`,
    base_url_invalid: () => "Enter an http:// or https:// address without a user name, a password, a ? or a #.",
    base_url_refused: (p) => `Parley will not connect to ${p.host ?? "that address"}: it is a private, local or cloud-metadata address.`,
    base_url_not_taken: (p) => `${provider(p)} is reached at its own address, so a base URL is not used for its key: leave Base URL empty. For another server that speaks the OpenAI API (a proxy, a gateway), choose Custom.`,
    key_unreadable: () => "This key can no longer be read (the server's encryption key changed). Remove it and add it again.",
    key_rejected: (p) => `${provider(p)} did not accept this key${httpNote(p)}.`,
    key_test_failed: (p) => `Could not check the key: ${provider(p)} did not answer as expected${httpNote(p)}.`,
    key_test_unreachable: (p) => `Could not reach ${provider(p)}: check that its server is running and that the address is right.`,
    key_needs_base_url: (p) => `${provider(p)} has no address on this server any more: remove this key and add it again with your server's address.`,
    answer_in_progress: () => "An answer is still being written in this chat. Wait for it or stop it first.",
    nothing_to_share: () => "There is nothing to share yet: send a message first.",
    answer_not_interrupted: () => "That answer has been continued already (in another tab or window).",
    id_taken: () => "That id is already in use. Reload the page and send again.",
    upstream_rate_limited: (p) =>
      p.seconds
        ? `${provider(p)} is rate-limiting requests (HTTP 429) and asks to wait ${waitText(p.seconds, "en")}. ${offered(p, "Continue or regenerate", "Regenerate")} after that.`
        : `${provider(p)} is rate-limiting requests (HTTP 429). Wait a moment, then ${offered(p, "continue or regenerate", "regenerate")}.`,
    upstream_server_error: (p) =>
      overloaded(p)
        ? `${provider(p)} is overloaded right now${httpNote(p)}. Wait a moment, then ${offered(p, "continue or regenerate", "regenerate")}.`
        : `${provider(p)} had a server error${httpNote(p)}. ${offered(p, "Continue or regenerate", "Regenerate")} to try again.`,
    upstream_timeout: (p) => `${provider(p)} stopped responding. ${offered(p, "Continue or regenerate", "Regenerate")} to try again.`,
    upstream_connection_lost: (p) => `The connection to ${provider(p)} was lost. ${offered(p, "Continue or regenerate", "Regenerate")} to try again.`,
    upstream_unreachable: (p) => `Could not reach ${provider(p)}: its server may be down, or its address wrong. ${offered(p, "Continue or regenerate", "Regenerate")} to try again.`,
    upstream_malformed: (p) => `${provider(p)} sent a response Parley could not read. ${offered(p, "Continue or regenerate", "Regenerate")} to try again.`,
    upstream_rejected: (p) => `${provider(p)} rejected the request${httpNote(p)}${p.detail ? `: ${p.detail}` : "."}`,
    own_key_refused: (p) => `${provider(p)} did not accept the key${httpNote(p)}${p.detail ? `: ${withStop(p.detail)}` : "."} Check it on Settings → API keys, then regenerate.`,
    server_key_refused: (p) => `${provider(p)} did not accept this server's key${httpNote(p)}${p.detail ? `: ${withStop(p.detail)}` : "."} Whoever runs the server needs to check it; meanwhile, pick another model.`,
    answer_failed: (p) => p.detail ?? "The answer failed unexpectedly. Try regenerating it.",
    stopped: () => "Stopped.",
    answer_length_limit: (p) => offered(p, "The answer reached the longest the model writes at once and was cut off. Continue to have it go on.", "The model used up its length for this answer before writing it. Regenerate it."),
    interrupted_by_restart: () => "The server restarted while this answer was being written.",
    interrupted_by_shutdown: () => "The server shut down while this answer was being written.",
    forked_while_streaming: () => "Forked while this answer was being written.",
    stream_lost: () => "Lost the connection to this answer. Reload the page to see where it stands.",
    send_failed: () => "The message could not reach Parley, so it was not sent. Your text is kept: check your connection and send again.",
    action_not_reached: () => "That could not reach Parley, so nothing was done. Check your connection and try again.",
    action_cut_off: () => "The connection dropped before Parley answered, so this may or may not have been done: the page now shows where things stand. Try again if it was not.",
  },
  ru: {
    invalid_input: () => "Проверьте форму и попробуйте ещё раз.",
    unknown_intent: () => "Неизвестное действие.",
    malformed_id: () => "Неверный идентификатор.",
    message_empty: () => "Сначала напишите сообщение.",
    message_too_long: (p) =>
      p.length === undefined
        ? `Сообщение может быть не длиннее ${upTo(p, "ru", ["символа", "символов"])}. Сократите его или разделите на два.`
        : `В сообщении ${localNumber(p.length, "ru")} ${ruPlural(p.length, ["символ", "символа", "символов"])} — на ${localNumber(p.length - (p.max ?? 0), "ru")} больше предела в ${max(p, "ru")}. Сократите его или разделите на два.`,
    title_empty: () => "Название не может быть пустым.",
    title_too_long: () => "Название может быть не длиннее 120 символов.",
    system_prompt_too_long: (p) => `Системный промпт может быть не длиннее ${upTo(p, "ru", ["символа", "символов"])}.`,
    search_query_too_long: (p) => `Поисковый запрос не длиннее ${upTo(p, "ru", ["символа", "символов"])}. Поищите несколько слов, которые помните.`,
    search_date_invalid: (p) => `«${p.field === "to" ? "Написано по" : "Написано с"}» — не дата: выберите её в календаре (в адресе дата пишется как ГГГГ-ММ-ДД).`,
    search_dates_reversed: () => "«Написано с» позже, чем «Написано по», и между ними нет ни одного сообщения. Поменяйте даты местами или очистите одну из них.",
    model_unavailable: (p) =>
      p.listing === "rejected"
        ? `Эта модель сейчас недоступна: ${providerRu(p, true)} не принял ключ${httpNote(p)}, когда у него запросили список моделей. Проверьте ключ или выберите другую модель.`
        : p.listing === "failed"
          ? `Эта модель сейчас недоступна: ${providerRu(p, true)} не выдал список моделей${httpNote(p)}. Проверьте, что адрес ведёт к API сервера (обычно он оканчивается на /v1), или выберите другую модель.`
          : p.model
            ? `Модель «${p.model}» недоступна. Выберите другую.`
            : "Эта модель недоступна. Выберите другую.",
    provider_unreachable: (p) => `${providerRu(p)} не отвечает, поэтому его модели сейчас недоступны: проверьте, что его сервер запущен и адрес указан верно, или выберите другую модель.`,
    cannot_regenerate: () => "Это сообщение нельзя сгенерировать заново.",
    last_event_id_invalid: () => "Last-Event-ID должен быть целым неотрицательным числом.",
    last_event_id_ahead: (p) => `Last-Event-ID ${p.requested ?? 0} опережает поток (последнее событие — ${p.newest ?? 0}).`,
    bad_body: () => "Не удалось прочитать тело запроса. Отправьте форму ещё раз.",
    unsupported_media_type: () => "Отправляйте форму как application/x-www-form-urlencoded или multipart/form-data.",
    file_too_large: (p) => `Файл ${file(p, "ru")} больше ${formatBytes(p.max ?? 0, "ru")} — это предел для одного файла. Приложите файл поменьше.`,
    too_many_files: (p) => `К сообщению можно приложить не больше ${upTo(p, "ru", ["файла", "файлов"])}. Уберите лишние и отправьте снова.`,
    upload_quota_exceeded: (p) => `Файл ${file(p, "ru")} не помещается: все ваши файлы вместе могут занимать ${formatBytes(p.max ?? 0, "ru")}. Удалите чаты с ненужными файлами.`,
    file_not_utf8: (p) =>
      `Файл ${file(p, "ru")} — текст ${p.type === "UTF-16" ? "в UTF-16" : "в старой кодировке"}, не в UTF-8. Сохраните его в UTF-8 (редакторы предлагают это в «Сохранить как», в выборе кодировки) и приложите снова.`,
    file_type_unsupported: (p) =>
      officeFileText(p, "ru") ?? `Файл ${file(p, "ru")}${p.type ? ` (${p.type})` : ""} Parley прочитать не может. Прикладывайте изображения (PNG, JPEG, WebP, GIF), PDF или текстовые файлы и код.`,
    file_type_mismatch: (p) => `Файл ${file(p, "ru")} не то, что обещает имя: по содержимому это ${p.type ?? "файл другого вида"}. Переименуйте его или приложите настоящий файл.`,
    file_empty: (p) => `Файл ${file(p, "ru")} пуст.`,
    file_pdf_encrypted: (p) => `Файл ${file(p, "ru")} защищён паролем, и Parley не может его прочитать. Снимите пароль (распечатайте в новый PDF или сохраните без пароля) и приложите снова.`,
    file_pdf_damaged: (p) => `Файл ${file(p, "ru")} повреждён и не читается как PDF. Сохраните его заново в программе, где он сделан, и приложите новый файл.`,
    date_invalid: () => "Укажите дату в виде ГГГГ-ММ-ДД, например 2026-01-31.",
    period_invalid: () => "Период заканчивается раньше, чем начинается: дата «по» должна быть не раньше даты «с».",
    period_too_long: () => "Отчёт охватывает не больше 366 дней: выберите период короче.",
    model_cannot_see_images: (p) => `${p.model ? `Модель «${p.model}»` : "Эта модель"} не видит изображений. ${p.sent ? "Выберите модель, которая видит." : "Выберите модель, которая видит, или уберите изображения."}`,
    default_model_off: (p) => `Модель по умолчанию «${p.model ?? "?"}» эта форма отключила бы. Оставьте её (или её провайдера) включённой или выберите другую модель по умолчанию.`,
    limit_count_invalid: () => "Лимит — целое число, например 20 (0 — без лимита), или пустое поле, чтобы действовал общий.",
    limit_window_invalid: () => "Укажите окно в часах или днях, от 1ч до 7д: например 3ч или 1д.",
    limit_spend_invalid: () => "Укажите расходы в долларах и центах, например 5 или 12.50 (0 — без лимита), или оставьте поле пустым.",
    message_too_big_for_model: (p) =>
      `Это сообщение с файлами — около ${localNumber(p.tokens ?? 0, "ru")} токенов, а ${p.model ? `модель «${p.model}»` : "эта модель"} читает не больше ${localNumber(p.max ?? 0, "ru")}. Уберите файл или отправьте его часть, или выберите модель, которая читает больше.`,
    method_not_allowed: () => "Этот адрес не принимает такой метод.",
    confirmation_mismatch: () => "Для подтверждения введите адрес электронной почты аккаунта точно как показано.",
    confirmation_required: () => "Отметьте флажок, чтобы подтвердить. Ничего не удалено.",
    password_invalid: () => "Выберите пароль длиной от 8 до 1024 символов.",
    model_disabled: (p) => `${p.demo ? `Модель «${DEMO_MODEL_NAMES.ru}»` : p.model ? `Модель «${p.model}»` : "Эта модель"} отключена администратором. Выберите другую модель.`,
    user_not_found: (p) => (p.email ? `Аккаунта с адресом ${p.email} нет. Проверьте его на странице «Пользователи».` : "Этого аккаунта больше нет."),
    user_keys_not_allowed: () => "Администратор не разрешает пользоваться собственными ключами на этом сервере.",
    provider_turned_off: (p) => `${p.provider ?? "Этот провайдер"} отключён администратором на этом сервере, поэтому собственный ключ для него не использовался бы.`,
    registration_closed: () => "Регистрация на этом сервере закрыта. Попросите администратора пустить вас.",
    invite_required: () => "На этом сервере регистрация только по приглашениям. Попросите у администратора ссылку-приглашение.",
    invite_invalid: () => "Эта ссылка-приглашение недействительна. Проверьте, что скопировали её целиком, или попросите новую у администратора.",
    invite_expired: () => "Срок действия этой ссылки-приглашения истёк. Попросите новую у администратора.",
    invite_used_up: () => "Эту ссылку-приглашение уже использовали столько раз, сколько она позволяет. Попросите новую у администратора.",
    invite_revoked: () => "Администратор отозвал эту ссылку-приглашение. Попросите новую.",
    account_disabled: () => "Этот аккаунт отключён. Попросите администратора снова его включить.",
    reset_link_invalid: () => "Эту ссылку для сброса пароля нельзя использовать: ею уже воспользовались, срок её истёк или её заменила более новая. Попросите у администратора новую ссылку.",
    last_admin: () => "Это последний администратор, а серверу он нужен. Сначала сделайте администратором кого-то другого.",
    export_format_invalid: () => "Выберите формат экспорта: md (Markdown), json (JSON Parley) или zip (всё вместе с файлами).",
    import_file_required: () => "Выберите файл для импорта: экспорт Parley или conversations.json (или весь .zip) из ChatGPT или Claude.",
    import_too_large: (p) => `Этот файл больше ${formatBytes(p.max ?? 0, "ru")} — это предел для одного импорта. Разделите экспорт или попросите администратора увеличить MAX_IMPORT_BYTES.`,
    import_unrecognized: () => "Parley не узнаёт этот файл. Импортируйте экспорт Parley (.json или .zip) или conversations.json (или весь .zip) из экспорта ChatGPT или Claude.",
    import_newer_version: (p) => `Этот экспорт сделан более новой версией Parley (формат версии ${p.requested ?? "?"}), чем читает этот сервер. Обновите сервер или экспортируйте из той же версии.`,
    import_malformed: (p) => `Файл повреждён или обрезан${p.reason ? ` (${importReason(p, "ru")})` : ""}. Скачайте экспорт заново и импортируйте новый файл.`,
    import_conversation_invalid: (p) => `Этот разговор не удалось прочитать${p.reason ? `: ${importReason(p, "ru")}.` : "."}`,
    name_empty: () => "Скажите, как к вам обращаться.",
    name_too_long: () => "Имя может быть не длиннее 80 символов.",
    email_invalid: () => "Введите правильный адрес почты, например ada@example.com.",
    email_taken: () => "Этот адрес почты уже занят другой учётной записью.",
    password_required: () => "Введите текущий пароль.",
    password_too_short: () => "Пароль должен быть не короче 8 символов.",
    password_too_long: () => "Пароль должен быть не длиннее 1024 символов.",
    passwords_differ: () => "Новые пароли не совпадают. Введите его ещё раз в оба поля.",
    current_password_wrong: () => "Это не ваш текущий пароль.",
    custom_instructions_too_long: (p) => `Собственные инструкции могут быть не длиннее ${upTo(p, "ru", ["символа", "символов"])}.`,
    not_found: () => "Не найдено.",
    message_not_found: () => "Этого сообщения больше нет.",
    attachment_not_found: (p) =>
      p.name ? `${file(p, "ru")} больше нет на сервере (загрузка, не отправленная за сутки, удаляется). Прикрепите его снова и отправьте.` : "Этого файла больше нет.",
    chat_read_only: () => "Этот чат можно читать, но не изменять.",
    rate_limited: (p) => `${tooMany(p, "ru")} ${p.seconds ? `Попробуйте снова через ${waitText(p.seconds, "ru")}.` : "Подождите немного и попробуйте снова."}`,
    message_flagged: (p) => `Сообщение не отправлено: проверка содержимого на сервере отметила его${p.detail ? ` (${p.detail})` : ""}. Переформулируйте и попробуйте снова.`,
    moderation_unavailable: () => "Сервер не смог проверить это сообщение, поэтому оно не отправлено. Попробуйте чуть позже.",
    chats_limit_reached: (p) => `Этот сервер разрешает вам хранить ${p.max ?? 0} ${ruPlural(p.max ?? 0, ["чат", "чата", "чатов"])}, и этот предел достигнут. Удалите ненужные чаты, чтобы начать новый.`,
    messages_limit_reached: (p) => `Вы запросили ${p.max ?? 0} ${ruPlural(p.max ?? 0, ["ответ", "ответа", "ответов"])} за последние ${waitText(p.windowSeconds ?? 0, "ru")} — это предел на этом сервере. Снова можно будет через ${waitText(p.seconds ?? 60, "ru")}.`,
    tokens_limit_reached: (p) => `Вы израсходовали свои ${localNumber(p.max ?? 0, "ru")} токенов на этот месяц. Лимит обновится через ${waitText(p.seconds ?? 60, "ru")}.`,
    spend_limit_reached: (p) => `Вы израсходовали лимит этого месяца на ответы ($${(p.usd ?? 0).toFixed(2)}). Он обновится через ${waitText(p.seconds ?? 60, "ru")}.`,
    user_keys_off: () => "Собственные ключи на этом сервере выключены: у него нет ENCRYPTION_KEY, чтобы их хранить.",
    base_url_not_allowed: () => "Этот сервер не разрешает указывать свой базовый URL.",
    key_not_found: () => "У вас нет ключа для этого провайдера.",
    provider_unknown: () => "Выберите провайдера из списка.",
    api_key_required: () => "Сначала вставьте ключ.",
    api_key_invalid: () => "Это не похоже на ключ: вставьте его без пробелов и переносов строк (не длиннее 500 символов).",
    base_url_required: (p) => `${providerRu(p)}: нужен адрес вашего сервера, например http://ollama.example.com:11434/v1.`,
    base_url_invalid: () => "Введите адрес http:// или https:// без имени пользователя, пароля, ? и #.",
    base_url_refused: (p) => `Parley не будет подключаться к ${p.host ?? "этому адресу"}: это частный, локальный или служебный облачный адрес.`,
    base_url_not_taken: (p) => `${providerRu(p)} работает по собственному адресу, и базовый URL для его ключа не используется: оставьте поле «Базовый URL» пустым. Для другого сервера с API OpenAI (прокси, шлюза) выберите «Свой сервер».`,
    key_unreadable: () => "Этот ключ больше нельзя прочитать (ключ шифрования сервера сменился). Удалите его и добавьте снова.",
    key_rejected: (p) => `${providerRu(p)} не принял этот ключ${httpNote(p)}.`,
    key_test_failed: (p) => `Не удалось проверить ключ: ${providerRu(p, true)} ответил не так, как ожидалось${httpNote(p)}.`,
    key_test_unreachable: (p) => `${providerRu(p)} не отвечает: проверьте, что его сервер запущен и адрес указан верно.`,
    key_needs_base_url: (p) => `${providerRu(p)}: на этом сервере для него больше нет адреса. Удалите этот ключ и добавьте его снова с адресом вашего сервера.`,
    answer_in_progress: () => "В этом чате ещё пишется ответ. Дождитесь его или остановите.",
    nothing_to_share: () => "Делиться пока нечем: сначала отправьте сообщение.",
    answer_not_interrupted: () => "Этот ответ уже продолжен (в другой вкладке или окне).",
    id_taken: () => "Этот идентификатор уже занят. Обновите страницу и отправьте снова.",
    upstream_rate_limited: (p) =>
      p.seconds
        ? `${providerRu(p)} ограничивает частоту запросов (HTTP 429) и просит подождать ${waitText(p.seconds, "ru")}. После этого нажмите ${offered(p, RU_BOTH, RU_REGENERATE)}.`
        : `${providerRu(p)} ограничивает частоту запросов (HTTP 429). Подождите и нажмите ${offered(p, RU_BOTH, RU_REGENERATE)}.`,
    upstream_server_error: (p) =>
      overloaded(p)
        ? `${providerRu(p)} сейчас перегружен${httpNote(p)}. Подождите и нажмите ${offered(p, RU_BOTH, RU_REGENERATE)}.`
        : `${providerRu(p)}: ошибка сервера${httpNote(p)}. Нажмите ${offered(p, RU_BOTH, RU_REGENERATE)}.`,
    upstream_timeout: (p) => `${providerRu(p)} перестал отвечать. Нажмите ${offered(p, RU_BOTH, RU_REGENERATE)}.`,
    upstream_connection_lost: (p) => `${providerRu(p)}: соединение прервалось. Нажмите ${offered(p, RU_BOTH, RU_REGENERATE)}.`,
    upstream_unreachable: (p) => `${providerRu(p)} не отвечает: его сервер, возможно, не работает или адрес указан неверно. Нажмите ${offered(p, RU_BOTH, RU_REGENERATE)}.`,
    upstream_malformed: (p) => `${providerRu(p)} прислал ответ, который Parley не может прочитать. Нажмите ${offered(p, RU_BOTH, RU_REGENERATE)}.`,
    upstream_rejected: (p) => `${providerRu(p)} отклонил запрос${httpNote(p)}${p.detail ? `: ${p.detail}` : "."}`,
    own_key_refused: (p) => `${providerRu(p)} не принял ключ${httpNote(p)}${p.detail ? `: ${withStop(p.detail)}` : "."} Проверьте его в разделе «Настройки → API-ключи», затем нажмите «Ответить заново».`,
    server_key_refused: (p) => `${providerRu(p)} не принял ключ сервера${httpNote(p)}${p.detail ? `: ${withStop(p.detail)}` : "."} Его должен проверить тот, кто управляет сервером; а пока выберите другую модель.`,
    answer_failed: (p) => p.detail ?? "Ответ неожиданно оборвался. Попробуйте сгенерировать его заново.",
    stopped: () => "Остановлено.",
    answer_length_limit: (p) => offered(p, "Ответ дошёл до предельной длины, которую модель пишет за раз, и оборвался. Нажмите «Продолжить», чтобы она его дописала.", "Модель исчерпала предельную длину ответа, не успев его написать. Сгенерируйте его заново."),
    interrupted_by_restart: () => "Сервер перезапустился, пока писался этот ответ.",
    interrupted_by_shutdown: () => "Сервер остановился, пока писался этот ответ.",
    forked_while_streaming: () => "Ответвлено, пока писался этот ответ.",
    stream_lost: () => "Связь с этим ответом потеряна. Обновите страницу, чтобы увидеть, где он сейчас.",
    send_failed: () => "Сообщение не дошло до Parley и не отправлено. Текст сохранён: проверьте подключение и отправьте ещё раз.",
    action_not_reached: () => "Запрос не дошёл до Parley, и ничего не сделано. Проверьте подключение и попробуйте ещё раз.",
    action_cut_off: () => "Связь оборвалась раньше, чем Parley ответил, поэтому это могло и не выполниться: страница теперь показывает, как обстоят дела. Если не выполнилось, попробуйте ещё раз.",
  },
};

/** After the first refused file's reason, the others a form carried that have no reason naming them, so that none is dropped without a word. */
const ALSO_REFUSED: Record<Locale, (names: string) => string> = {
  en: (names) => `These were not attached either: ${names}.`,
  ru: (names) => `Не приложены и эти файлы: ${names}.`,
};

/** After a message over the file limit: the files it left out. */
const LEFT_OUT: Record<Locale, (names: string) => string> = {
  en: (names) => `Not attached: ${names}.`,
  ru: (names) => `Не приложены: ${names}.`,
};

/** Reasons that name their file: another refused file with one of these is told with its own reason. */
const NAMES_ITS_FILE: ReadonlySet<ErrorCode> = new Set([
  "file_too_large",
  "file_type_unsupported",
  "file_type_mismatch",
  "file_not_utf8",
  "file_empty",
  "file_pdf_encrypted",
  "file_pdf_damaged",
]);

export function describe(problem: Problem | ErrorCode, locale: Locale = "en"): string {
  const { code, params } = typeof problem === "string" ? { code: problem, params: undefined } : problem;
  const text = CATALOGUE[locale][code](params?.provider ? { ...params, provider: providerLabelIn(params.provider, locale) } : (params ?? {}));
  // Each other file with its own reason; those whose reason would not name them (a limit), by name.
  const told: string[] = [];
  const named: string[] = [];
  for (const other of params?.alsoRefused ?? []) {
    if (NAMES_ITS_FILE.has(other.code) && other.params?.name) told.push(describe({ code: other.code, params: { ...other.params, alsoRefused: undefined } }, locale));
    else named.push(file({ name: other.params?.name ?? "" }, locale));
  }
  const notTaken = code === "too_many_files" ? LEFT_OUT : ALSO_REFUSED;
  return [text, ...told, ...(named.length ? [notTaken[locale](named.join(", "))] : [])].join(" ");
}

/** The first supported language in an Accept-Language header (English when none fits). */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return "en";
  const ranked = header
    .split(",")
    .map((item) => {
      const [tag = "", ...rest] = item.trim().split(";");
      const q = rest.find((r) => r.trim().startsWith("q="));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split("-")[0];
    if ((LOCALES as readonly string[]).includes(base ?? "")) return base as Locale;
  }
  return "en";
}
