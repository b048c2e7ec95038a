// The chat list's own state travels in the address (`archived`, and `more`:
// how many pages are shown), so that a link along the list or back to it
// finds it as it was left. A fragment naming a row brings that row into view,
// by the browser's own means, JavaScript or not.

/** The list's part of `params` (nothing of the page's own), with `changes` applied: "" or "?…". */
export function listSearch(params: URLSearchParams, changes: Record<string, string | null> = {}): string {
  const next = new URLSearchParams([...params].filter(([key]) => key === "archived" || key === "more"));
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  const search = next.toString();
  return search ? `?${search}` : "";
}

/** The id of a chat's row in the list. */
export function listRowId(chatId: string): string {
  return `in-list-${chatId}`;
}
