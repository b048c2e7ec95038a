// The fast send: with JavaScript, Enter shows the message and an empty answer
// at once, posts the send with ids chosen here to POST /chats/:chatId/messages
// (served at the HTTP edge, docs/decisions/084), and the answer opens its
// stream in parallel (the stream route waits for the answer to start). The
// page reloads its data only when the answer has ended. Without JavaScript the
// composer is a plain form and none of this runs.
import { useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { describe, type Locale } from "../../protocol/catalogue";
import { type FilePart, type MessagePart, textParts } from "../../protocol/parts";
import type { FormFailure } from "../../protocol/errors";
import { createId } from "../../utils/id";
import { asTyped } from "../../utils/typed-text";
import { useTranslation } from "../../i18n/i18n";
import { forgetSentText, useDraftStorageKey } from "./drafts";
import { markChatGone } from "./gone-chats";
import { revalidateWhenReachable } from "./not-reached";
import { closeEarlyStream, openStreamEarly, writtenAgain } from "./useAnswerStream";
import type { MessageView } from "./MessageItem";

type SendResult = { ok: true; answerId: string } | { logIn: string } | FormFailure;

interface Pending {
  /** The chat it was sent in: another chat's page never shows it. */
  chatId: string;
  text: string;
  user: MessageView;
  answer: MessageView;
}

/** Runs `work` in a task of its own right after this one (a message to itself: not slowed down in a background tab as a timer is). */
function afterThisTask(work: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    work();
  };
  channel.port2.postMessage(null);
}

export function useOptimisticSend({ chatId, stored, model, locale }: { chatId: string; stored: MessageView[]; model: string; locale: Locale }) {
  const revalidator = useRevalidator();
  const { t } = useTranslation();
  const draftKey = useDraftStorageKey(chatId);
  const [pending, setPending] = useState<Pending | null>(null);
  // `chatGone`: the chat itself was deleted (in another tab): the composer offers a new chat for the text.
  const [failure, setFailure] = useState<(FormFailure & { chatGone?: boolean }) | null>(null);
  // Read by callbacks that outlive a render: is a send on its way, did its answer end meanwhile?
  const inFlight = useRef(0);
  const settledWhileSending = useRef(false);
  // Answers of sends the server refused: their streams (opened with the send) end with nothing to show or reload.
  const refusedAnswers = useRef(new Set<string>());

  const arrived = pending !== null && stored.some((m) => m.id === pending.answer.id);
  // Once the page's data has the real messages, the optimistic ones have
  // served; leaving for another chat (a fork, a link) drops them too.
  const left = pending !== null && pending.chatId !== chatId;
  useEffect(() => {
    if (arrived || left) setPending(null);
  }, [arrived, left]);

  const deliver = useCallback(
    async (body: URLSearchParams, text: string, files: FilePart[], onRefused: () => void): Promise<boolean> => {
      const refused = (result: FormFailure & { chatGone?: boolean }) => {
        onRefused();
        // A file the server no longer has (an upload left unsent for a day is removed): the page knows its name.
        const gone = result.code === "attachment_not_found" && result.files ? files.filter((f) => !result.files!.some((kept) => kept.attachmentId === f.attachmentId)) : [];
        if (gone.length > 0) result = { ...result, formError: describe({ code: "attachment_not_found", params: { name: gone[0]!.name } }, locale) };
        // The files go back on the composer with the text, unless the server said which of them it kept.
        setFailure({ files, ...result, text });
        setPending(null);
        // An answer another tab or person started: the page's data does not show it yet, and with it comes its Stop.
        if (result.code === "answer_in_progress") revalidator.revalidate();
        return false;
      };
      let response: Response;
      try {
        response = await fetch(`/chats/${chatId}/messages`, { method: "POST", body, redirect: "manual", headers: { Accept: "application/json" } });
      } catch {
        return refused({ formError: describe("send_failed", locale), code: "send_failed" });
      }
      // A redirect is nothing this route answers: let the page itself find out where to go.
      if (response.type === "opaqueredirect") {
        window.location.reload();
        return false;
      }
      const result = (await response.json().catch(() => null)) as SendResult | null;
      if (response.status === 404) {
        // The message it followed is gone (its branch deleted elsewhere): say so, and show the chat as it is now.
        if (result && "formError" in result) {
          revalidator.revalidate();
          return refused(result);
        }
        // The chat is gone (deleted in another tab, say): the text stays, with why it cannot go.
        markChatGone(chatId);
        return refused({ formError: t("composer.chatGone"), code: "not_found", chatGone: true });
      }
      if (!result) return refused({ formError: describe("send_failed", locale), code: "send_failed" });
      if ("formError" in result) return refused(result);
      // The session ended meanwhile: log in and come back to the chat, where the draft is still saved.
      if ("logIn" in result) {
        window.location.assign(result.logIn);
        return false;
      }
      // Delivered: the draft it came from is no longer needed.
      forgetSentText(draftKey, text);
      return true;
    },
    [chatId, draftKey, locale, revalidator, t],
  );

  const send = useCallback(
    (form: HTMLFormElement, files: FilePart[] = []): boolean => {
      const formData = new FormData(form);
      // Picked files were uploaded already; the message carries their ids (attachmentId).
      formData.delete("files");
      const text = asTyped(String(formData.get("content") ?? ""));
      if (!text.trim() && files.length === 0) return false;
      const parts: MessagePart[] = [...files, ...textParts(text)];
      const userMessageId = createId();
      const answerId = createId();
      formData.set("userMessageId", userMessageId);
      formData.set("answerId", answerId);
      // The message it follows: the one the page shows last (the composer's parentId), shown above it at once.
      const parentId = String(formData.get("parentId") ?? "") || null;
      const chosenModel = String(formData.get("model") || model);
      const body = new URLSearchParams();
      for (const [name, value] of formData) if (typeof value === "string") body.append(name, value);
      inFlight.current += 1;
      let refused = false;
      const streamUrl = `/chats/${chatId}/messages/${answerId}/stream`;
      void deliver(body, text, files, () => {
        refused = true;
        refusedAnswers.current.add(answerId);
      })
        .catch(() => false)
        .then((delivered) => {
          // Not sent: its answer's stream, if no answer on the page took it, has nothing to wait for.
          if (!delivered) closeEarlyStream(streamUrl);
          inFlight.current -= 1;
          if (inFlight.current > 0) return;
          // An answer that ended while its send was on its way (a refused send
          // ends its stream at once) reloads the page's data only once the send
          // went through; otherwise the send's own outcome (an error shown, a
          // redirect to log in) decides what happens next.
          const settled = settledWhileSending.current;
          settledWhileSending.current = false;
          if (settled && delivered) revalidator.revalidate();
        });
      // The answer's stream leaves with the send. The browser connects it in a
      // task of its own, after this one: the page shows the message in the next
      // task, so rendering it does not hold the stream back (what the stream
      // brings meanwhile waits for its answer, app/components/chat/useAnswerStream.ts).
      openStreamEarly(streamUrl);
      afterThisTask(() => {
        if (refused) return;
        setFailure(null);
        setPending({
          chatId,
          text,
          user: {
            id: userMessageId,
            role: "user",
            parts,
            status: "complete",
            model: null,
            stats: null,
            problem: null,
            lastEventId: 0,
            parentId,
            siblingIds: [userMessageId],
            createdAt: Date.now(),
          },
          answer: {
            id: answerId,
            role: "assistant",
            parts: [],
            status: "streaming",
            model: chosenModel,
            stats: null,
            problem: null,
            lastEventId: 0,
            parentId: userMessageId,
            siblingIds: [answerId],
            createdAt: Date.now(),
          },
        });
      });
      return true;
    },
    [deliver, model, chatId, revalidator],
  );

  // Answers whose stream has ended (with the id of the event it ended with), while the page's data (reloading) may
  // still call them streaming: the chat is ready for the next message as soon as the answer is, not a round trip later.
  const [settled, setSettled] = useState<ReadonlyMap<string, number>>(() => new Map());
  const onAnswerSettled = useCallback(
    (messageId: string, endedAt: number) => {
      // A refused send's answer never was: reloading the page for it would only lose what the refusal shows
      // (a chat deleted in another tab would turn into its 404 page, the kept text with it).
      if (refusedAnswers.current.has(messageId)) return;
      setSettled((ids) => new Map(ids).set(messageId, endedAt));
      // "An answer is still being written" is no longer true: the refused text, still in the box, may go now.
      setFailure((shown) => (shown?.code === "answer_in_progress" ? null : shown));
      if (inFlight.current > 0) settledWhileSending.current = true;
      else revalidateWhenReachable(revalidator.revalidate);
    },
    [revalidator],
  );

  // Once the page's data has caught up, the note has served: the answer is no longer streaming there, or it is being
  // written again (Continue after a Stop, pressed before the data said the answer had stopped).
  if (settled.size > 0) {
    const behind = [...settled].filter(([id, endedAt]) => stored.some((m) => m.id === id && m.status === "streaming" && !writtenAgain(endedAt, m.lastEventId)));
    if (behind.length !== settled.size) setSettled(new Map(behind));
  }

  const messages = pending && !arrived && !left ? [...stored, pending.user, pending.answer] : stored;
  /** Is this answer being written, as far as this page knows? */
  const writing = useCallback((m: MessageView) => m.status === "streaming" && !settled.has(m.id), [settled]);
  return { messages, failure, send, onAnswerSettled, writing };
}
