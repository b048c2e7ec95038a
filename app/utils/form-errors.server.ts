// A settings form's refusal as the page shows it: the words for every field at
// fault (a form can have several), one line for the whole form, and the form
// it came from. Field words come from the error catalogue, in the request's
// language.
import { data } from "@remix-run/node";
import type { ZodError } from "zod";
import { describe } from "../protocol/catalogue";
import { AppError, type ErrorCode, type ErrorParams, isErrorCode } from "../protocol/errors";
import { asResponse, localeOf, retryAfter } from "./http.server";

export interface FieldFailure {
  formError: string;
  code: ErrorCode;
  /** Words by field name. */
  fieldErrors: Record<string, string>;
  /** Which of the page's forms was refused. */
  intent: string;
}

/** Each invalid field's first issue, in words, with a 400; `params` fill in limits the words mention. */
export function invalidForm(error: ZodError, request: Request, intent: string, params: Partial<Record<ErrorCode, ErrorParams>> = {}) {
  const locale = localeOf(request);
  const fieldErrors: Record<string, string> = {};
  let first: ErrorCode = "invalid_input";
  for (const [index, issue] of error.issues.entries()) {
    const code = isErrorCode(issue.message) ? issue.message : "invalid_input";
    if (index === 0) first = code;
    const field = String(issue.path[0] ?? "");
    if (field && !(field in fieldErrors)) fieldErrors[field] = describe({ code, params: params[code] }, locale);
  }
  const failure: FieldFailure = { formError: describe("invalid_input", locale), code: first, fieldErrors, intent };
  return data(failure, { status: 400 });
}

/** A service's refusal: beside its field when it names one, else for the whole form. No access at all is the 404 page; anything untyped is thrown. */
export function refusedForm(error: unknown, request: Request, intent: string) {
  if (!(error instanceof AppError)) throw error;
  if (error.code === "not_found") throw asResponse(error, request);
  const text = describe(error.problem, localeOf(request));
  const failure: FieldFailure = error.field
    ? { formError: describe("invalid_input", localeOf(request)), code: error.code, fieldErrors: { [error.field]: text }, intent }
    : { formError: text, code: error.code, fieldErrors: {}, intent };
  return data(failure, { status: error.status, headers: retryAfter(error) });
}

/** What was typed goes back with a refusal, so nothing is lost (without JavaScript the page is drawn afresh). */
export function withTyped<T extends Record<string, string>>(failed: ReturnType<typeof data<FieldFailure>>, typed: T) {
  return data({ ...failed.data, typed }, failed.init ?? undefined);
}
