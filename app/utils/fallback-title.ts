/** A chat's title from its first message when no model gave one: its first 48 characters or so, cut at a word. */
export function fallbackTitle(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= 48 ? line : `${line.slice(0, 47).replace(/\s+\S*$/, "")}…`;
}
