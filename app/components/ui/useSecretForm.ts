// A form that holds secrets (an API key, passwords) and must not give them
// back, without ever throwing away what the person is typing.
//
// A router submission settles in two steps: the action's refusal shows first,
// the navigation completes a moment later (longer on a slow machine). A form
// remounted on that second step — `key={location.key}` — lost whatever the
// person had started to correct in between. Here the form stays mounted:
// - a refusal empties the secret fields the moment it shows, so the error and
//   the emptied field appear together and typing after it is kept;
// - a completed navigation that brought no action data (the action accepted a
//   form and redirected) empties the whole form.
// The first render changes nothing: a server-rendered page never holds a
// secret, and a person may have typed before the page came alive.
import { useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * `refusal` is this form's failure as the action returned it; `actionData`
 * whatever the action returned for any form of the page.
 */
export function useSecretForm({ refusal, actionData, secretFields }: { refusal: object | undefined; actionData: unknown; secretFields: readonly string[] }) {
  const form = useRef<HTMLFormElement>(null);
  const location = useLocation();
  const shown = useRef({ refusal, locationKey: location.key });
  const secrets = useRef(secretFields);
  secrets.current = secretFields;

  useEffect(() => {
    if (refusal === shown.current.refusal) return;
    shown.current.refusal = refusal;
    if (!refusal || !form.current) return;
    for (const name of secrets.current) {
      const field = form.current.elements.namedItem(name);
      if (field instanceof HTMLInputElement) field.value = "";
    }
  }, [refusal]);

  useEffect(() => {
    if (location.key === shown.current.locationKey) return;
    shown.current.locationKey = location.key;
    if (actionData === undefined) form.current?.reset();
  }, [location.key, actionData]);

  return form;
}
