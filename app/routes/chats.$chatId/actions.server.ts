// The chat page's actions, one per form intent. Each is validated with zod at
// the edge; errors come back as { formError, text } so the form can show them
// and hand back what the user typed.
import { data, redirect } from "@remix-run/node";
import { z } from "zod";
import type { Chat } from "../../../drizzle/schema";
import { env } from "~/env.server";
import { resolveModel } from "~/llm/catalog.server";
import { deleteChat, renameChat, updateChat } from "~/models/chat.server";
import { ChatBusyError, createAnswer, createExchange, getMessage, getPathPage, reopenAnswer } from "~/models/message.server";
import { deleteBranch, forkChat, isOnPath, switchToBranch } from "~/models/tree.server";
import { startGeneration } from "~/streaming/generation.server";
import { instanceId, replayToOwner, streamRegistry } from "~/streaming/streams.server";
import { maybeGenerateTitle } from "~/streaming/title.server";
import { isId } from "~/utils/id";

const messageId = z.string().refine(isId, "That message id is malformed.");

export function contentField() {
  const max = env().MAX_MESSAGE_CHARS;
  return z
    .string({ required_error: "Write a message first." })
    .transform((s) => s.replace(/\r\n/g, "\n"))
    .refine((s) => s.trim().length > 0, "Write a message first.")
    .refine((s) => s.length <= max, `Messages are limited to ${max.toLocaleString("en")} characters. Shorten it or split it in two.`);
}

export function intentSchema() {
  return z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("send"), content: contentField(), model: z.string().max(200).optional(), parentId: messageId.optional() }),
    z.object({ intent: z.literal("stop"), messageId }),
    z.object({ intent: z.literal("regenerate"), messageId, model: z.string().max(200).optional() }),
    z.object({ intent: z.literal("continue"), messageId }),
    z.object({ intent: z.literal("edit"), messageId, content: contentField() }),
    z.object({ intent: z.literal("switch"), messageId }),
    z.object({ intent: z.literal("fork"), messageId }),
    z.object({ intent: z.literal("delete-branch"), messageId }),
    z.object({ intent: z.literal("rename"), title: z.string().trim().min(1, "A title cannot be empty.").max(120, "Keep titles under 120 characters.") }),
    z.object({ intent: z.literal("delete") }),
    z.object({ intent: z.literal("system-prompt"), systemPrompt: z.string().max(8000, "Keep the system prompt under 8,000 characters.") }),
    z.object({ intent: z.literal("archive"), value: z.enum(["true", "false"]) }),
    z.object({ intent: z.literal("pin"), value: z.enum(["true", "false"]) }),
  ]);
}

export type ChatActionResult = { formError: string; text?: string; intent?: string };

function refuse(status: number, formError: string, extra: Partial<ChatActionResult> = {}) {
  return data<ChatActionResult>({ formError, ...extra }, { status });
}

async function pickModel(requested: string | undefined, chat: Chat): Promise<string | null> {
  const id = requested || chat.model;
  return (await resolveModel(id)) ? id : null;
}

export async function runChatAction({ chat, form }: { chat: Chat; form: FormData }) {
  const raw = Object.fromEntries(form);
  const parsed = intentSchema().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const text = typeof raw.content === "string" ? raw.content : undefined;
    const tooLong = issue.message.startsWith("Messages are limited");
    return refuse(tooLong ? 413 : 400, issue.path[0] === "intent" ? "Unknown action." : issue.message, { text, intent: String(raw.intent ?? "") });
  }
  const input = parsed.data;
  const here = `/chats/${chat.id}`;
  const registry = streamRegistry();

  switch (input.intent) {
    case "send":
    case "edit": {
      let parentId: string | null = chat.activeLeafId;
      let model: string | null;
      if (input.intent === "edit") {
        const original = await getMessage({ chatId: chat.id, messageId: input.messageId });
        if (!original || original.role !== "user") return refuse(404, "That message no longer exists.", { text: input.content });
        parentId = original.parentId;
        model = await pickModel(undefined, chat);
      } else {
        if (input.parentId) {
          const parent = await getMessage({ chatId: chat.id, messageId: input.parentId });
          if (!parent) return refuse(404, "The message you replied to no longer exists.", { text: input.content });
          parentId = parent.id;
        }
        model = await pickModel(input.model, chat);
      }
      if (!model) return refuse(400, "That model is not available. Pick another one.", { text: input.content, intent: input.intent });
      try {
        const ids = await createExchange({ chatId: chat.id, parentId, content: input.content, model, instanceId: instanceId() });
        await startGeneration({ chatId: chat.id, assistantMessageId: ids.assistantMessageId, parentId: ids.userMessageId, modelId: model, systemPrompt: chat.systemPrompt });
        void maybeGenerateTitle({ chat, firstMessage: input.content, answerId: ids.assistantMessageId });
      } catch (error) {
        if (error instanceof ChatBusyError) return refuse(409, error.message, { text: input.content, intent: input.intent });
        throw error;
      }
      return redirect(here);
    }
    case "stop": {
      const target = await getMessage({ chatId: chat.id, messageId: input.messageId });
      if (!target) return refuse(404, "That answer no longer exists.");
      // Only the machine writing the answer can stop it.
      const replay = replayToOwner(target);
      if (replay) throw replay;
      await registry.stop(target.id);
      return redirect(here);
    }
    case "regenerate": {
      const target = await getMessage({ chatId: chat.id, messageId: input.messageId });
      if (!target) return refuse(404, "That message no longer exists.");
      // Regenerating an answer makes a sibling; "answering" a user message left without one adds its first answer.
      const parentId = target.role === "assistant" ? target.parentId : target.id;
      if (!parentId) return refuse(400, "That message cannot be regenerated.");
      const model = await pickModel(input.model, chat);
      if (!model) return refuse(400, "That model is not available. Pick another one.");
      try {
        const { assistantMessageId } = await createAnswer({ chatId: chat.id, parentId, model, instanceId: instanceId() });
        await startGeneration({ chatId: chat.id, assistantMessageId, parentId, modelId: model, systemPrompt: chat.systemPrompt });
      } catch (error) {
        if (error instanceof ChatBusyError) return refuse(409, error.message);
        throw error;
      }
      return redirect(here);
    }
    case "continue": {
      const target = await getMessage({ chatId: chat.id, messageId: input.messageId });
      if (!target || target.role !== "assistant" || !target.parentId) return refuse(404, "That answer no longer exists.");
      if (target.status !== "interrupted" && target.status !== "error") return refuse(409, "That answer is not interrupted.");
      try {
        await reopenAnswer({ chatId: chat.id, messageId: target.id, instanceId: instanceId() });
      } catch (error) {
        if (error instanceof ChatBusyError) return refuse(409, error.message);
        throw error;
      }
      await updateChat({ chatId: chat.id, userId: chat.userId, patch: { activeLeafId: target.id } });
      await startGeneration({
        chatId: chat.id,
        assistantMessageId: target.id,
        parentId: target.parentId,
        modelId: target.model ?? chat.model,
        systemPrompt: chat.systemPrompt,
        continueFrom: { content: target.content, reasoning: target.reasoning, lastEventId: target.lastEventId },
      });
      return redirect(here);
    }
    case "switch": {
      const target = await getMessage({ chatId: chat.id, messageId: input.messageId });
      if (!target) return refuse(404, "That version no longer exists.");
      await switchToBranch({ chatId: chat.id, messageId: target.id });
      return redirect(here);
    }
    case "fork": {
      const target = await getMessage({ chatId: chat.id, messageId: input.messageId });
      if (!target) return refuse(404, "That message no longer exists.");
      const { messages: path } = await getPathPage({ chatId: chat.id, leafId: target.id, limit: 100_000 });
      const withLiveText = path.map((m) => {
        const live = registry.get(m.id);
        return live && !live.finished ? { ...m, content: live.content, reasoning: live.reasoning } : m;
      });
      const forkId = await forkChat({ chat, path: withLiveText });
      return redirect(`/chats/${forkId}`);
    }
    case "delete-branch": {
      const target = await getMessage({ chatId: chat.id, messageId: input.messageId });
      if (!target) return redirect(here);
      // Stop an answer still being written inside the branch before it disappears (one elsewhere keeps going).
      for (const stream of registry.activeStreams()) {
        if (stream.chatId === chat.id && (await isOnPath({ messageId: stream.messageId, ancestorId: target.id }))) await registry.stop(stream.messageId);
      }
      await deleteBranch({ chat, messageId: target.id });
      return redirect(here);
    }
    case "rename":
      await renameChat({ chatId: chat.id, userId: chat.userId, title: input.title });
      return redirect(here);
    case "system-prompt":
      await updateChat({ chatId: chat.id, userId: chat.userId, patch: { systemPrompt: input.systemPrompt.trim() || null } });
      return redirect(here);
    case "delete":
      for (const stream of registry.activeStreams()) if (stream.chatId === chat.id) await registry.stop(stream.messageId);
      await deleteChat({ chatId: chat.id, userId: chat.userId });
      return redirect("/chats");
    case "archive":
      await updateChat({ chatId: chat.id, userId: chat.userId, patch: { archived: input.value === "true" } });
      return redirect(input.value === "true" ? "/chats" : here);
    case "pin":
      await updateChat({ chatId: chat.id, userId: chat.userId, patch: { pinned: input.value === "true" } });
      return redirect(here);
  }
}
