// Pieces the settings pages share: a section with its heading, the "Saved"
// line, and a textarea that shows its field error like Field does.
import { type ReactNode, type TextareaHTMLAttributes, useId } from "react";

export function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <section className="mb-8 rounded-xl border border-zinc-800 p-4 sm:p-5">
      <h2 className="text-lg font-medium">{title}</h2>
      {description ? <p className="mt-1 text-sm text-zinc-400">{description}</p> : null}
      <div className="mt-4">{children}</div>
    </section>
  );
}

/** A change that went through, announced to screen readers too. */
export function Saved({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="mb-4 rounded-lg border border-emerald-500/40 bg-emerald-500/10 px-3 py-2 text-sm text-emerald-300">
      {children}
    </p>
  );
}

export function TextArea({
  label,
  error,
  name,
  hint,
  autoFocus,
  ...textarea
}: { label: string; error?: string; name: string; hint?: ReactNode } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const errorId = `${name}-error`;
  const hintId = `${name}-hint`;
  const generatedId = useId();
  const id = textarea.id ?? generatedId;
  // The hint and the error describe the box from outside its label (inside, they would be read out twice).
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm text-zinc-300">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        dir="auto"
        aria-invalid={error ? true : undefined}
        aria-describedby={[error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined}
        // In error, it asks for the focus (without JavaScript the browser gives it to a refused form's first such field).
        autoFocus={autoFocus || Boolean(error)}
        className="w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 text-zinc-100 outline-none focus:border-sky-500 focus:ring-2 focus:ring-sky-500/60 aria-[invalid]:border-red-500"
        {...textarea}
      />
      {hint ? (
        <div id={hintId} className="mt-1 text-xs text-zinc-500">
          {hint}
        </div>
      ) : null}
      {error ? (
        <p id={errorId} className="mt-1 text-sm text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export const primaryButton = "rounded-lg bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500 disabled:opacity-60";
export const quietButton = "rounded-md bg-zinc-800 px-3 py-1.5 text-sm hover:bg-zinc-700 disabled:opacity-60";
