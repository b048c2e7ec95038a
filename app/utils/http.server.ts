// Where typed errors meet HTTP: an AppError becomes its status and the
// catalogue's words (in the request's language), an answer owned by another
// machine becomes a fly-replay. Routes call these; nothing else maps errors.
import { data } from "@remix-run/node";
import { describe, type Locale, localeFromAcceptLanguage } from "../protocol/catalogue";
import { AppError, type ErrorCode, type FormFailure } from "../protocol/errors";

export type { FormFailure };
import { AnswerOnAnotherMachine, replayOn } from "../streaming/streams.server";
import { chosenLocaleOf } from "./preferences.server";

/** The language chosen in Settings (its cookie) first, then the browser's Accept-Language. */
export function localeOf(request: Request): Locale {
  return chosenLocaleOf(request) ?? localeFromAcceptLanguage(request.headers.get("Accept-Language"));
}

/** A plain-text error response for a code (resource routes, loaders). */
export function codeResponse(code: ErrorCode, request: Request, init: { params?: AppError["params"]; headers?: Record<string, string> } = {}): Response {
  const error = new AppError(code, { params: init.params });
  return new Response(describe(error.problem, localeOf(request)), {
    status: error.status,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...init.headers },
  });
}

/** Turns a typed failure into the Response to throw; anything else is rethrown as it is. */
export function asResponse(error: unknown, request: Request): Response {
  if (error instanceof AppError) return codeResponse(error.code, request, { params: error.params });
  if (error instanceof AnswerOnAnotherMachine) return replayOn(error.instanceId);
  throw error;
}

/** Runs a loader step; a typed failure is thrown as its Response (Remix renders the error page). */
export async function orRespond<T>(request: Request, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asResponse(error, request);
  }
}

/** An action's failure as data the form can show (status from the code); other errors are thrown. */
export function formFailure(error: unknown, request: Request, extra: Pick<FormFailure, "text" | "intent" | "files" | "model" | "messageId"> = {}) {
  if (error instanceof AnswerOnAnotherMachine) throw replayOn(error.instanceId);
  if (!(error instanceof AppError)) throw error;
  // No access at all is the 404 page, exactly as for a chat that does not exist.
  if (error.code === "not_found") throw asResponse(error, request);
  const failure: FormFailure = {
    formError: describe(error.problem, localeOf(request)),
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
    ...extra,
  };
  return data(failure, { status: error.status, headers: retryAfter(error) });
}

/** A rate or usage limit says when to come back (Retry-After), for scripts as much as for people. */
export function retryAfter(error: AppError): Record<string, string> {
  const seconds = error.status === 429 ? error.params?.seconds : undefined;
  return seconds ? { "Retry-After": String(seconds) } : {};
}

/** The request body as form data; a body that is not a readable form is `bad_body` (400), never a 500. */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch (cause) {
    throw new AppError("bad_body", { cause });
  }
}

/**
 * This site's address as the browser reached it (the scheme a proxy such as
 * Fly's terminated, when it says so): for links people copy elsewhere.
 */
export function publicOrigin(request: Request): string {
  const url = new URL(request.url);
  const proto = request.headers.get("X-Forwarded-Proto");
  return proto === "https" || proto === "http" ? `${proto}://${url.host}` : url.origin;
}
