// A form posted by a fetcher that saves in place (a popup's Rename, say):
// what the server said of the latest post. A refusal is the data that post
// got; a post that was taken ends in a redirect, which leaves the fetcher's
// data as it was (an earlier refusal, perhaps), so "taken" is a post that
// ended without new data.
import type { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { FormFailure } from "~/protocol/errors";

/** The latest post's refusal (null once one is taken); `onSaved` runs when one is taken. */
export function useSavedInPlace(fetcher: ReturnType<typeof useFetcher<FormFailure>>, onSaved: () => void): string | null {
  const sentWith = useRef<{ data: unknown } | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const saved = useRef(onSaved);
  saved.current = onSaved;
  useEffect(() => {
    if (fetcher.state !== "idle") {
      sentWith.current ??= { data: fetcher.data };
      return;
    }
    const sent = sentWith.current;
    if (!sent) return;
    sentWith.current = null;
    const answer = fetcher.data !== sent.data ? fetcher.data : undefined;
    if (answer && "formError" in answer) {
      setRefused(answer.formError);
      return;
    }
    setRefused(null);
    saved.current();
  }, [fetcher.state, fetcher.data]);
  return refused;
}
