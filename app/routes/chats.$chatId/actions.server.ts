// The chat page's actions: parse the form (chat-input.ts), check access at
// the level the intent needs, call the conversation service, answer. A form
// posted by the page's script with browser-chosen ids gets data back (it
// already shows the message and follows the answer's stream); a plain form
// gets a redirect (works without JavaScript).
import { redirect } from "@remix-run/node";
import { requireChatAccess, requireLevel } from "~/models/chat-access.server";
import { env } from "~/env.server";
import { keptFiles, readMessageForm } from "~/services/attachments.server";
import { chatIntentSchema, formFields, INTENT_LEVEL, inputError, JUST_ARCHIVED } from "~/services/chat-input";
import * as conversation from "~/services/conversation.server";
import { withinLimit } from "~/services/limits.server";
import * as sharing from "~/services/sharing.server";
import { formFailure, localeOf } from "~/utils/http.server";
import { z } from "zod";
import { AppError } from "~/protocol/errors";

/**
 * Where a settings form asks to come back to (the chat list's menu is used
 * from any page): only a page of the chat list or a chat, never elsewhere.
 */
const returnToSchema = z
  .string()
  .regex(/^\/chats(\/[0-9a-z]{20})?(\?[a-z0-9=&]*)?$/)
  .optional()
  .catch(undefined);

export type { FormFailure as ChatActionResult } from "~/utils/http.server";

function sayingArchived(page: string, chatId: string): string {
  const url = new URL(page, "http://parley.invalid");
  url.searchParams.set(JUST_ARCHIVED, chatId);
  return `${url.pathname}${url.search}`;
}

/**
 * `fastSend`: the page's script posting a send with the ids it chose
 * (POST /chats/:chatId/messages); nothing else is accepted there.
 */
export async function runChatAction({ request, user, chatId, ip, fastSend = false }: { request: Request; user: { id: string }; chatId: string | undefined; ip?: string; fastSend?: boolean }) {
  let raw: Record<string, unknown> = {};
  let uploadedIds: string[] = [];
  try {
    // Files are stored as they arrive: a stranger is turned away before the body is read.
    const reader = await requireChatAccess({ chatId, user, level: "read" });
    const form = await readMessageForm({ request, userId: user.id, ip });
    raw = formFields(form.fields);
    uploadedIds = form.uploaded.map((a) => a.id);
    if (form.refusal) throw form.refusal;
    const maxChars = env().MAX_MESSAGE_CHARS;
    const parsed = chatIntentSchema(maxChars).safeParse(raw);
    if (!parsed.success) throw inputError(parsed.error, maxChars, raw);
    const input = parsed.data;
    if (fastSend && (input.intent !== "send" || !input.answerId)) throw new AppError("unknown_intent");
    // Files take a while to arrive: the chat and the caller's role are read again after them (the chat may be gone).
    // A form without files arrived at once, and the first reading stands.
    const access = form.uploaded.length ? await requireChatAccess({ chatId, user, level: INTENT_LEVEL[input.intent] }) : requireLevel(reader, INTENT_LEVEL[input.intent]);
    const here = `/chats/${access.chat.id}`;
    const returnTo = returnToSchema.parse(raw.returnTo);
    // A chat that is gone (or archived) cannot be the page to come back to.
    const elsewhere = returnTo && !returnTo.startsWith(here) ? returnTo : undefined;
    switch (input.intent) {
      // Sends, edits, regenerations and continues are rate-limited before anything is sent upstream.
      case "send": {
        const ids = await withinLimit({ action: "send", user, ip }, () =>
          conversation.sendMessage({ ...input, access, user, text: input.content, attachmentIds: [...input.attachmentIds, ...uploadedIds] }),
        );
        return input.answerId ? { ok: true as const, answerId: ids.assistantMessageId } : redirect(here);
      }
      case "edit": {
        const ids = await withinLimit({ action: "send", user, ip }, () => conversation.editMessage({ ...input, access, user, text: input.content }));
        return input.answerId ? { ok: true as const, answerId: ids.assistantMessageId } : redirect(here);
      }
      case "regenerate": {
        const { assistantMessageId } = await withinLimit({ action: "regenerate", user, ip }, () => conversation.regenerate({ ...input, access, user }));
        return input.answerId ? { ok: true as const, answerId: assistantMessageId } : redirect(here);
      }
      case "continue":
        await withinLimit({ action: "regenerate", user, ip }, () => conversation.continueAnswer({ access, user, messageId: input.messageId }));
        return redirect(here);
      case "stop":
        await conversation.stopAnswer({ access, messageId: input.messageId });
        return redirect(here);
      case "switch": {
        // The version switched to stays in view, on an earlier page if the branch below it is long.
        const { before } = await conversation.switchBranch({ access, messageId: input.messageId });
        return redirect(before ? `${here}?before=${before}` : here);
      }
      case "fork":
        return redirect(`/chats/${await conversation.fork({ access, user, messageId: input.messageId, locale: localeOf(request) })}`);
      case "delete-branch":
        await conversation.deleteBranch({ access, messageId: input.messageId });
        return redirect(here);
      case "rename":
        await conversation.renameChat({ access, title: input.title });
        return redirect(returnTo ?? here);
      case "system-prompt":
        await conversation.setSystemPrompt({ access, systemPrompt: input.systemPrompt });
        return redirect(here);
      case "delete":
        await conversation.removeChat({ access });
        return redirect(elsewhere ?? "/chats");
      case "archive":
        await conversation.setArchived({ access, archived: input.value === "true" });
        // The page it goes to names the chat just archived: the list says so, with Undo.
        return redirect(input.value === "true" ? sayingArchived(elsewhere ?? "/chats", access.chat.id) : (returnTo ?? here));
      case "pin":
        await conversation.setPinned({ access, pinned: input.value === "true" });
        return redirect(returnTo ?? here);
      // Back to the chat with its Share panel open, showing the link (without JavaScript too).
      case "share":
        await sharing.shareChat({ access, user });
        return redirect(`${here}?share`);
      case "unshare":
        await sharing.unshareChat({ access });
        return redirect(`${here}?share`);
    }
  } catch (error) {
    return formFailure(error, request, {
      // A refused message, or the header's title or system prompt (drawn back in its popup without JavaScript).
      text: [raw.content, raw.intent === "system-prompt" ? raw.systemPrompt : raw.intent === "rename" ? raw.title : undefined].find((typed) => typeof typed === "string") as string | undefined,
      model: typeof raw.model === "string" ? raw.model : undefined,
      intent: typeof raw.intent === "string" ? raw.intent : undefined,
      messageId: raw.intent === "edit" && typeof raw.messageId === "string" ? raw.messageId : undefined,
      files: await keptFiles({ userId: user.id, ids: [...((raw.attachmentIds as string[] | undefined) ?? []), ...uploadedIds] }),
    });
  }
}
