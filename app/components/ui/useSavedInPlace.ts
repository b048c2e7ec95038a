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
  // The data as of the last render that showed the fetcher idle: a post's own data is told from it. (Not the data of
  // the first busy render seen: on a loaded machine React may show the post only once it is already answered and
  // the page's data is being read again, and a refusal then looked like the data before the post.)
  const idleData = useRef<unknown>(fetcher.data);
  const posted = useRef(false);
  const [refused, setRefused] = useState<string | null>(null);
  const saved = useRef(onSaved);
  saved.current = onSaved;
  useEffect(() => {
    if (fetcher.state !== "idle") {
      posted.current = true;
      return;
    }
    const before = idleData.current;
    idleData.current = fetcher.data;
    const answer = fetcher.data !== before ? fetcher.data : undefined;
    // Nothing was posted since the last idle render (or its end is not shown yet).
    if (!posted.current && answer === undefined) return;
    posted.current = false;
    if (answer && "formError" in answer) {
      setRefused(answer.formError);
      return;
    }
    setRefused(null);
    saved.current();
  }, [fetcher.state, fetcher.data]);
  return refused;
}
