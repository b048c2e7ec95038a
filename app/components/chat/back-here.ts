// A form posted with JavaScript whose action sends the browser back to the
// page it is on (a rename, a pin, a system prompt) is taken as done there,
// rather than followed as a redirect. The router then reads the page's data
// after the action. A redirect is dropped when another load of the page
// began while the action was on its way (the reload after an answer ends,
// or after coming back online), and that load may have read the data from
// before the action, which nothing would read again: a saved title stayed
// the old one on the page until its next reload.

/** What a route's client action gives instead of a redirect back to the page it is on. */
type BackHere = { ok: true; backHere: true };

/** `post`'s answer; a redirect to this very page (where the form posted) as `{ ok, backHere }`. */
export async function backHere<T>(request: Request, post: () => Promise<T>): Promise<T | BackHere> {
  try {
    return await post();
  } catch (thrown) {
    if (thrown instanceof Response && isRedirectHere(request, thrown)) return { ok: true, backHere: true };
    throw thrown;
  }
}

function isRedirectHere(request: Request, response: Response): boolean {
  if (response.status < 300 || response.status >= 400 || response.headers.has("X-Remix-Reload-Document")) return false;
  const here = window.location.pathname + window.location.search;
  const posted = new URL(request.url);
  // The form posted to the page's own address: without the redirect, the page stays at the same one.
  return response.headers.get("Location") === here && posted.pathname + posted.search === here;
}
