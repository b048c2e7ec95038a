// Stable error codes: services throw an AppError with one, routes turn the
// code into an HTTP status (httpStatus below) and into words (catalogue.ts).
// Nothing decides anything by reading an error's wording (docs/decisions/015).
import type { FilePart } from "./parts-schema";

/** Every code, with the HTTP status it answers when it ends a request. */
export const ERROR_STATUS = {
  // Input
  invalid_input: 400,
  unknown_intent: 400,
  malformed_id: 400,
  message_empty: 400,
  message_too_long: 413,
  title_empty: 400,
  title_too_long: 400,
  system_prompt_too_long: 400,
  search_query_too_long: 400,
  search_date_invalid: 400,
  search_dates_reversed: 400,
  model_unavailable: 400,
  cannot_regenerate: 400,
  provider_unknown: 400,
  api_key_required: 400,
  api_key_invalid: 400,
  base_url_required: 400,
  base_url_invalid: 400,
  base_url_refused: 400,
  base_url_not_taken: 400,
  last_event_id_invalid: 400,
  last_event_id_ahead: 400,
  bad_body: 400,
  unsupported_media_type: 415,
  file_too_large: 413,
  too_many_files: 413,
  upload_quota_exceeded: 413,
  file_type_unsupported: 415,
  file_type_mismatch: 415,
  file_not_utf8: 415,
  file_pdf_encrypted: 415,
  file_pdf_damaged: 415,
  file_empty: 400,
  model_cannot_see_images: 400,
  message_too_big_for_model: 400,
  limit_count_invalid: 400,
  default_model_off: 400,
  limit_window_invalid: 400,
  limit_spend_invalid: 400,
  nothing_to_share: 400,
  method_not_allowed: 405,
  confirmation_mismatch: 400,
  confirmation_required: 400,
  password_invalid: 400,
  model_disabled: 400,
  date_invalid: 400,
  period_invalid: 400,
  period_too_long: 400,
  export_format_invalid: 400,
  import_file_required: 400,
  import_too_large: 413,
  import_unrecognized: 415,
  import_newer_version: 415,
  import_malformed: 400,
  import_conversation_invalid: 400,
  name_empty: 400,
  name_too_long: 400,
  email_invalid: 400,
  password_required: 400,
  password_too_short: 400,
  password_too_long: 400,
  passwords_differ: 400,
  current_password_wrong: 400,
  custom_instructions_too_long: 400,
  message_flagged: 400,
  // Access
  not_found: 404,
  message_not_found: 404,
  attachment_not_found: 404,
  chat_read_only: 403,
  rate_limited: 429,
  chats_limit_reached: 403,
  messages_limit_reached: 429,
  tokens_limit_reached: 429,
  spend_limit_reached: 429,
  user_keys_off: 403,
  base_url_not_allowed: 403,
  key_not_found: 404,
  user_not_found: 404,
  user_keys_not_allowed: 403,
  provider_turned_off: 403,
  registration_closed: 403,
  invite_required: 403,
  invite_invalid: 403,
  invite_expired: 403,
  invite_used_up: 403,
  invite_revoked: 403,
  account_disabled: 403,
  reset_link_invalid: 410,
  // State
  answer_in_progress: 409,
  answer_not_interrupted: 409,
  id_taken: 409,
  email_taken: 409,
  key_unreadable: 409,
  key_needs_base_url: 409,
  last_admin: 409,
  // How testing a key of one's own went (shown beside the key)
  key_rejected: 400,
  key_test_failed: 502,
  key_test_unreachable: 502,
  // How an answer ended (stream events and stored answers; never an HTTP status of their own)
  upstream_rate_limited: 502,
  upstream_server_error: 502,
  upstream_timeout: 504,
  upstream_connection_lost: 502,
  upstream_unreachable: 502,
  upstream_malformed: 502,
  upstream_rejected: 502,
  own_key_refused: 502,
  server_key_refused: 502,
  moderation_unavailable: 503,
  provider_unreachable: 503,
  answer_failed: 500,
  stopped: 200,
  answer_length_limit: 200,
  interrupted_by_restart: 200,
  interrupted_by_shutdown: 200,
  forked_while_streaming: 200,
  stream_lost: 200,
  // The page's send never got an answer from Parley (offline, or the server failed)
  send_failed: 503,
  // Another of the page's forms (Stop, Regenerate…) never got an answer from Parley
  action_not_reached: 503,
  // One of the page's forms lost its connection before Parley answered, while Parley itself is up
  action_cut_off: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Values a catalogue text may mention (a provider's name, an HTTP status, a limit…). */
export type ErrorParams = {
  /** false: the ended answer offers no Continue (nothing written, or refused), and its advice names Regenerate alone. */
  continuable?: boolean;
  provider?: string;
  status?: number;
  detail?: string;
  max?: number;
  /** How long something is (a message's characters), beside its `max`. */
  length?: number;
  model?: string;
  /** The message is one already sent (an edit, a regenerate): its files stay with it, so the advice is only another model. */
  sent?: boolean;
  /** The model meant is the offline demo: named in the message's own language. */
  demo?: boolean;
  requested?: number;
  /** About how many tokens something comes to. */
  tokens?: number;
  newest?: number;
  seconds?: number;
  /** A file's name (as stored: made safe). */
  name?: string;
  /** What a file's bytes turned out to be ("a ZIP archive", "text"). */
  type?: string;
  /** What was rate-limited: send, regenerate, upload, search, import (none: a login or sign-up). */
  action?: string;
  /** An email address looked for (an account that has none). */
  email?: string;
  /** Why a model's provider could not list it: its key was refused, or it answered with no model list. */
  listing?: "rejected" | "failed";
  /** A host an address was refused for. */
  host?: string;
  /** A usage limit's window, in seconds (answers per window). */
  windowSeconds?: number;
  /** An amount of money in USD (a spending limit). */
  usd?: number;
  /** What was wrong with an imported file or conversation: a key of the catalogue's import reasons. */
  reason?: string;
  /** Which message of an imported conversation (from 1). */
  index?: number;
  /** Where in an imported conversation its first problem is (messages.1.parts.0.type). */
  field?: string;
  /** The other files of the same form that were not taken either, each with its own reason (its `name` among its params). */
  alsoRefused?: Problem[];
};

/** A code plus what its text needs: stored with an answer and sent in stream events. */
export interface Problem {
  code: ErrorCode;
  params?: ErrorParams;
}

/** A server error that means busy, not broken: Anthropic's 529 "overloaded", anyone's 503 "unavailable". */
export function overloaded(params: ErrorParams | undefined): boolean {
  return params?.status === 529 || params?.status === 503;
}

/** Endings after which asking the same model to go on would be refused the same way: the provider turned down the request or its key. */
const REFUSED_ENDINGS: ReadonlySet<ErrorCode> = new Set(["upstream_rejected", "own_key_refused", "server_key_refused"]);

/** Whether Continue can help an answer that ended with `problem` (regenerating, with another model too, still can). */
export function continuable(problem: Problem | undefined): boolean {
  return !problem || !REFUSED_ENDINGS.has(problem.code);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_STATUS, value);
}

export function httpStatus(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

/** The error services throw. `field` names the form field at fault, when there is one. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams | undefined;
  readonly field: string | undefined;

  constructor(code: ErrorCode, options: { params?: ErrorParams; field?: string; cause?: unknown } = {}) {
    super(code, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.params = options.params;
    this.field = options.field;
  }

  get status(): number {
    return httpStatus(this.code);
  }

  get problem(): Problem {
    return this.params ? { code: this.code, params: this.params } : { code: this.code };
  }
}

/** An action's refusal as the form shows it: the words, the code, the field at fault, what was typed. */
export interface FormFailure {
  formError: string;
  code: ErrorCode;
  field?: string;
  /** What the user typed, handed back so nothing is lost. */
  text?: string;
  /** Files already uploaded with the refused form: they stay attached. */
  files?: FilePart[];
  /** The model the refused form chose: the picker keeps it (without JavaScript it would fall back to the chat's). */
  model?: string;
  intent?: string;
  /** The message a refused edit was of: its box stays open with the text and why. */
  messageId?: string;
}
