import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { Composer } from "~/components/chat/Composer";
import { toPickerGroups } from "~/components/chat/ModelPicker";
import { env } from "~/env.server";
import { defaultModelId, listModelGroups, resolveModel } from "~/llm/catalog.server";
import { createChatWithExchange } from "~/models/message.server";
import { startGeneration } from "~/streaming/generation.server";
import { instanceId } from "~/streaming/streams.server";
import { maybeGenerateTitle } from "~/streaming/title.server";
import { contentField } from "./chats.$chatId/actions.server";

export const meta: MetaFunction = () => [{ title: "New chat · Parley" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const groups = await listModelGroups();
  return {
    models: toPickerGroups(groups),
    modelId: defaultModelId(),
    maxChars: env().MAX_MESSAGE_CHARS,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const raw = Object.fromEntries(await request.formData());
  const parsed = z.object({ intent: z.literal("send"), content: contentField(), model: z.string().max(200).optional() }).safeParse(raw);
  const text = typeof raw.content === "string" ? raw.content : undefined;
  if (!parsed.success) {
    const message = parsed.error.issues[0]!.message;
    return data({ formError: message, text }, { status: message.startsWith("Messages are limited") ? 413 : 400 });
  }
  const model = parsed.data.model || defaultModelId();
  if (!(await resolveModel(model))) return data({ formError: "That model is not available. Pick another one.", text }, { status: 400 });
  const { chat, ...ids } = await createChatWithExchange({ userId: user.id, content: parsed.data.content, model, instanceId: instanceId() });
  await startGeneration({ chatId: chat.id, assistantMessageId: ids.assistantMessageId, parentId: ids.userMessageId, modelId: model });
  void maybeGenerateTitle({ chat, firstMessage: parsed.data.content, answerId: ids.assistantMessageId });
  return redirect(`/chats/${chat.id}`);
}

export default function NewChat() {
  const { models, modelId, maxChars } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <div className="flex flex-1 flex-col items-center justify-center gap-2 p-6 text-center">
        <h1 className="text-2xl font-semibold">What shall we talk about?</h1>
        <p className="text-sm text-zinc-500">Pick a model below. The offline demo model works without any API key.</p>
      </div>
      <Composer action="/chats?index" draftKey="new" models={models} modelId={modelId} maxChars={maxChars} busy={false} error={result?.formError} initialText={result?.text} />
    </>
  );
}
