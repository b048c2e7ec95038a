// The message box: a real <form method="post"> that works without JavaScript.
// With it: Enter sends, Shift+Enter adds a line, the box grows with its text,
// and an unsent draft survives reloads and expired sessions (localStorage).
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { ModelPicker, type PickerGroup } from "./ModelPicker";

export interface ComposerProps {
  action: string;
  draftKey: string;
  models: PickerGroup[];
  modelId: string;
  maxChars: number;
  busy: boolean;
  error?: string;
  /** Text handed back by the server after a refused send, so nothing typed is lost. */
  initialText?: string;
  /**
   * Sends the form without a navigation (the chat page's fast path); returns
   * false to fall back to a plain form post.
   */
  onSend?: (form: HTMLFormElement) => boolean;
}

/** Where an unsent draft is kept (it survives reloads and a trip to the login page). */
export function draftStorageKey(draftKey: string): string {
  return `parley:draft:${draftKey}`;
}

export function Composer({ action, draftKey, models, modelId, maxChars, busy, error, initialText, onSend }: ComposerProps) {
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const submitting = navigation.state === "submitting" && navigation.formData?.get("intent") === "send";
  const disabled = busy || submitting;
  const storageKey = draftStorageKey(draftKey);

  const grow = () => {
    const box = textRef.current;
    if (!box) return;
    box.style.height = "auto";
    box.style.height = `${Math.min(box.scrollHeight, 320)}px`;
  };

  useEffect(() => {
    const box = textRef.current;
    if (!box || initialText) return;
    const saved = localStorage.getItem(storageKey);
    if (saved && !box.value) {
      box.value = saved;
      grow();
    }
  }, [storageKey, initialText]);

  // Clear the box (and its draft) once a send went through.
  const wasSubmitting = useRef(false);
  useEffect(() => {
    if (submitting) wasSubmitting.current = true;
    else if (wasSubmitting.current && navigation.state === "idle") {
      wasSubmitting.current = false;
      if (!error && textRef.current) {
        textRef.current.value = "";
        localStorage.removeItem(storageKey);
        grow();
      }
    }
  }, [submitting, navigation.state, error, storageKey]);

  useEffect(() => {
    if (!busy) textRef.current?.focus({ preventScroll: true });
  }, [busy]);

  // A refused send hands its text back: put it in the box again.
  useEffect(() => {
    if (initialText && textRef.current && !textRef.current.value) {
      textRef.current.value = initialText;
      grow();
    }
  }, [initialText]);

  return (
    <Form
      ref={formRef}
      method="post"
      action={action}
      className="mx-auto w-full max-w-3xl px-4 pb-4"
      onSubmit={(event) => {
        if (!onSend || disabled) return;
        event.preventDefault();
        // The draft stays stored until the send is delivered (an expired session must not lose it).
        if (onSend(event.currentTarget) && textRef.current) {
          textRef.current.value = "";
          grow();
        }
      }}
    >
      <input type="hidden" name="intent" value="send" />
      {error ? (
        <p role="alert" className="mb-2 rounded-lg border border-red-500/40 bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {error}
        </p>
      ) : null}
      <div className="rounded-2xl border border-zinc-700 bg-zinc-900 focus-within:border-zinc-500">
        <label htmlFor="composer" className="sr-only">
          Message
        </label>
        <textarea
          id="composer"
          ref={textRef}
          name="content"
          rows={2}
          required
          maxLength={maxChars}
          disabled={disabled}
          defaultValue={initialText}
          placeholder={busy ? "Wait for the answer, or stop it…" : "Message Parley (Enter to send, Shift+Enter for a new line)"}
          className="block max-h-80 w-full resize-none bg-transparent px-4 py-3 text-zinc-100 outline-none placeholder:text-zinc-500 disabled:opacity-60"
          onInput={(event) => {
            grow();
            localStorage.setItem(storageKey, event.currentTarget.value);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              if (!disabled && event.currentTarget.value.trim()) formRef.current?.requestSubmit();
            }
          }}
        />
        <div className="flex items-center justify-between gap-2 border-t border-zinc-800 px-3 py-2">
          <div className="flex items-center gap-2 text-xs text-zinc-400">
            <span className="sr-only sm:not-sr-only">Model</span>
            <ModelPicker groups={models} value={modelId} />
          </div>
          <button
            type="submit"
            disabled={disabled}
            className="rounded-lg bg-sky-600 px-4 py-1.5 text-sm font-medium hover:bg-sky-500 disabled:cursor-not-allowed disabled:opacity-50"
          >
            {submitting ? "Sending…" : "Send"}
          </button>
        </div>
      </div>
    </Form>
  );
}
