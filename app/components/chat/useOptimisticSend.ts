// The fast send: with JavaScript, Enter shows the message and an empty answer
// at once, posts the send with ids chosen here, and the answer opens its
// stream in parallel (the stream route waits for the answer to start). The
// page reloads its data only when the answer has ended. Without JavaScript the
// composer is a plain form and none of this runs.
import { useFetcher, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { type FilePart, type MessagePart, textParts } from "../../protocol/parts";
import type { FormFailure } from "../../protocol/errors";
import { createId } from "../../utils/id";
import { draftStorageKey } from "./Composer";
import { openStreamEarly } from "./useAnswerStream";
import type { MessageView } from "./MessageItem";

type SendResult = { ok: true; answerId: string } | FormFailure;

interface Pending {
  /** The chat it was sent in: another chat's page never shows it. */
  chatId: string;
  text: string;
  user: MessageView;
  answer: MessageView;
}

export function useOptimisticSend({ chatId, action, stored, model }: { chatId: string; action: string; stored: MessageView[]; model: string }) {
  const fetcher = useFetcher<SendResult>({ key: `send:${chatId}` });
  const revalidator = useRevalidator();
  const [pending, setPending] = useState<Pending | null>(null);
  const [failure, setFailure] = useState<FormFailure | null>(null);

  // The send was refused: take the optimistic messages back and hand the text back.
  useEffect(() => {
    if (fetcher.state !== "idle" || !pending || !fetcher.data || !("formError" in fetcher.data)) return;
    setFailure({ ...fetcher.data, text: pending.text });
    setPending(null);
  }, [fetcher.state, fetcher.data, pending]);

  // Delivered: the draft it came from is no longer needed.
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data && "ok" in fetcher.data) localStorage.removeItem(draftStorageKey(chatId));
  }, [fetcher.state, fetcher.data, chatId]);

  const arrived = pending !== null && stored.some((m) => m.id === pending.answer.id);
  // Once the page's data has the real messages, the optimistic ones have
  // served; leaving for another chat (a fork, a link) drops them too.
  const left = pending !== null && pending.chatId !== chatId;
  useEffect(() => {
    if (arrived || left) setPending(null);
  }, [arrived, left]);

  const send = useCallback(
    (form: HTMLFormElement, files: FilePart[] = []): boolean => {
      const formData = new FormData(form);
      // Picked files were uploaded already; the message carries their ids (attachmentId).
      formData.delete("files");
      const text = String(formData.get("content") ?? "").replace(/\r\n/g, "\n");
      if (!text.trim() && files.length === 0) return false;
      const parts: MessagePart[] = [...files, ...textParts(text)];
      const userMessageId = createId();
      const answerId = createId();
      formData.set("userMessageId", userMessageId);
      formData.set("answerId", answerId);
      const parentId = stored.at(-1)?.id ?? null;
      const chosenModel = String(formData.get("model") || model);
      fetcher.submit(formData, { method: "post", action });
      // The answer's stream leaves with the send, before React renders anything.
      openStreamEarly(`/chats/${chatId}/messages/${answerId}/stream`);
      setFailure(null);
      setPending({
        chatId,
        text,
        user: { id: userMessageId, role: "user", parts, status: "complete", model: null, stats: null, problem: null, lastEventId: 0, parentId, siblingIds: [userMessageId] },
        answer: { id: answerId, role: "assistant", parts: [], status: "streaming", model: chosenModel, stats: null, problem: null, lastEventId: 0, parentId: userMessageId, siblingIds: [answerId] },
      });
      return true;
    },
    [fetcher, action, stored, model, chatId],
  );

  // An answer that ends while its send is still on its way (a refused or
  // redirected send ends its stream at once) reloads the page's data only once
  // the send is known to have gone through; otherwise the send's own outcome
  // (an error shown, a redirect to log in) decides what happens next.
  const sending = fetcher.state !== "idle";
  const settledWhileSending = useRef(false);
  const onAnswerSettled = useCallback(() => {
    if (sending) settledWhileSending.current = true;
    else revalidator.revalidate();
  }, [sending, revalidator]);
  useEffect(() => {
    if (sending || !settledWhileSending.current) return;
    settledWhileSending.current = false;
    if (fetcher.data && "ok" in fetcher.data) revalidator.revalidate();
  }, [sending, fetcher.data, revalidator]);

  const messages = pending && !arrived && !left ? [...stored, pending.user, pending.answer] : stored;
  return { messages, failure, send, onAnswerSettled, sending };
}
