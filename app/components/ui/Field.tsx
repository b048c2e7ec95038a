import { type InputHTMLAttributes, type RefObject, useEffect, useId } from "react";
import { AppearanceChooser } from "../settings/AppearanceChooser";

/**
 * A labelled input with its error beneath. `id` also names the error
 * (`<id>-error`; without one, `<name>-error`): give one where two forms of a
 * page have fields of the same name.
 */
export function Field({
  label,
  error,
  name,
  wrapperClassName,
  autoFocus,
  ...input
}: { label: string; error?: string; name: string; wrapperClassName?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const errorId = `${input.id ?? name}-error`;
  const generatedId = useId();
  const id = input.id ?? generatedId;
  // The error is the field's description, outside its label: inside, it would be read out twice (as the name and as the description).
  // A field in error asks for the focus: without JavaScript the browser gives it to the first one of a refused form.
  return (
    <div className={wrapperClassName}>
      <label htmlFor={id} className="mb-1 block text-sm text-zinc-300">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        autoFocus={autoFocus || Boolean(error)}
        className="w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 text-zinc-100 outline-none focus:border-sky-500 focus:ring-2 focus:ring-sky-500/60 aria-[invalid]:border-red-500"
        {...input}
      />
      {error ? (
        <p id={errorId} className="mt-1 text-sm text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FormAlert({ children, id }: { children: React.ReactNode; id?: string }) {
  return (
    <p role="alert" id={id} className="rounded-lg border border-red-500/40 bg-red-500/10 px-3 py-2 text-sm text-red-300">
      {children}
    </p>
  );
}

export function AuthShell({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main id="main" tabIndex={-1} className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <a href="/" className="mb-8 block text-center text-2xl font-semibold tracking-tight">
          Parley
        </a>
        <h1 className="mb-6 text-center text-lg text-zinc-300">{title}</h1>
        {children}
        <AppearanceChooser />
      </div>
    </main>
  );
}

/**
 * After a refused form, the focus goes where the person has something to fix: the first field in error, else
 * `fallback` (the password after a wrong one). A keyboard or screen-reader user lands on it, not on the page's top.
 */
export function useFocusOnRefusal(formRef: RefObject<HTMLFormElement | null>, refusal: unknown, fallback: string): void {
  useEffect(() => {
    if (!refusal) return;
    const form = formRef.current;
    const field = form?.querySelector<HTMLInputElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLInputElement>(`[name="${fallback}"]`);
    field?.focus();
    field?.select();
  }, [formRef, refusal, fallback]);
}
