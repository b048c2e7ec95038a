// The forms of the chat pages, validated with zod: one schema per intent, and
// the access level each needs. Issue messages are error codes, so the route
// turns a failure into the catalogue's words and the right status.
import { z } from "zod";
import type { AccessLevel } from "../models/chat-access.server";
import { AppError, type ErrorCode, isErrorCode } from "../protocol/errors";
import { cleanChatTitle, TITLE_MAX } from "../utils/chat-title";
import { isId } from "../utils/id";
import { asTyped, typedLength } from "../utils/typed-text";

const code = (c: ErrorCode) => c;

/** The query that names a chat just archived: the chat list says so, with Undo. */
export const JUST_ARCHIVED = "justarchived";

/** The longest system prompt of a chat of its own, in characters. */
export const SYSTEM_PROMPT_MAX = 8000;
const messageId = z.string({ required_error: code("malformed_id") }).refine(isId, code("malformed_id"));
const optionalId = messageId.optional();
const model = z.string().max(200, code("model_unavailable")).optional();
// A title of invisible characters alone is as blank as one of spaces; its length is counted as typed (code points).
const title = z
  .string({ required_error: code("title_empty") })
  .transform((typed) => cleanChatTitle(typed))
  .pipe(z.string().min(1, code("title_empty")).refine((clean) => typedLength(clean) <= TITLE_MAX, code("title_too_long")));

/** A message's words. Empty is allowed here: a message of files alone is fine (the service refuses one with neither). */
export function messageText(maxChars: number) {
  return z
    .string({ required_error: code("message_empty") })
    .transform(asTyped)
    .refine((s) => typedLength(s) <= maxChars, code("message_too_long"));
}

/** Uploads the message uses (`attachmentId`, repeated): ids of the sender's own files. */
const attachmentIds = z.array(messageId).max(100, code("too_many_files")).default([]);

const schemas = new Map<number, ReturnType<typeof buildChatIntentSchema>>();

/** The schema for a message limit, built once (building it costs more than parsing a form with it). */
export function chatIntentSchema(maxChars: number) {
  let schema = schemas.get(maxChars);
  if (!schema) schemas.set(maxChars, (schema = buildChatIntentSchema(maxChars)));
  return schema;
}

function buildChatIntentSchema(maxChars: number) {
  const content = messageText(maxChars);
  return z.discriminatedUnion("intent", [
    // userMessageId/answerId: chosen by the browser so it can open the answer's stream while the send is on its way.
    z.object({ intent: z.literal("send"), content, attachmentIds, model, parentId: optionalId, userMessageId: optionalId, answerId: optionalId }),
    z.object({ intent: z.literal("stop"), messageId }),
    z.object({ intent: z.literal("regenerate"), messageId, model, answerId: optionalId }),
    z.object({ intent: z.literal("continue"), messageId }),
    z.object({ intent: z.literal("edit"), messageId, content, userMessageId: optionalId, answerId: optionalId }),
    z.object({ intent: z.literal("switch"), messageId }),
    z.object({ intent: z.literal("fork"), messageId }),
    z.object({ intent: z.literal("delete-branch"), messageId }),
    z.object({ intent: z.literal("rename"), title }),
    z.object({ intent: z.literal("delete") }),
    z.object({ intent: z.literal("system-prompt"), systemPrompt: z.string().transform(asTyped).refine((s) => typedLength(s) <= SYSTEM_PROMPT_MAX, code("system_prompt_too_long")) }),
    z.object({ intent: z.literal("archive"), value: z.enum(["true", "false"]) }),
    z.object({ intent: z.literal("pin"), value: z.enum(["true", "false"]) }),
    // Share the branch shown (or bring the share up to it); revoke the share.
    z.object({ intent: z.literal("share") }),
    z.object({ intent: z.literal("unshare") }),
  ]);
}

export type ChatIntent = z.infer<ReturnType<typeof chatIntentSchema>>;
export type ChatIntentName = ChatIntent["intent"];

/** What each intent needs: reading is enough to fork a copy of one's own; the chat's settings are its owner's. */
export const INTENT_LEVEL: Record<ChatIntentName, AccessLevel> = {
  send: "write",
  stop: "write",
  regenerate: "write",
  continue: "write",
  edit: "write",
  switch: "write",
  fork: "read",
  "delete-branch": "write",
  rename: "write",
  "system-prompt": "write",
  delete: "own",
  archive: "own",
  pin: "own",
  share: "own",
  unshare: "own",
};

export function newChatSchema(maxChars: number) {
  // chatId: chosen by the browser, so a page reloaded before the chat opened can still find it.
  return z.object({ intent: z.literal("send"), content: messageText(maxChars), attachmentIds, model, chatId: optionalId });
}

/**
 * A form's fields as the schemas read them: single values as strings, the
 * repeated `attachmentId` as the array `attachmentIds`.
 */
export function formFields(form: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form) if (typeof value === "string" && name !== "attachmentId") fields[name] = value;
  fields.attachmentIds = form.getAll("attachmentId").filter((v): v is string => typeof v === "string" && v !== "");
  return fields;
}

/** The first problem of a failed parse as an AppError (its code, and the field at fault). */
export function inputError(error: z.ZodError, maxChars: number, raw?: Record<string, unknown>): AppError {
  const issue = error.issues[0];
  const field = issue?.path[0] === undefined ? undefined : String(issue.path[0]);
  if (field === "intent") return new AppError("unknown_intent", { field });
  const found = issue && isErrorCode(issue.message) ? issue.message : "invalid_input";
  const max = found === "message_too_long" ? maxChars : found === "system_prompt_too_long" ? SYSTEM_PROMPT_MAX : undefined;
  // A message over the limit says how long it is: how much to cut.
  const value = field === undefined ? undefined : raw?.[field];
  const length = found === "message_too_long" && typeof value === "string" ? typedLength(value) : undefined;
  return new AppError(found, { field, ...(max === undefined ? {} : { params: { max, ...(length === undefined ? {} : { length }) } }) });
}
