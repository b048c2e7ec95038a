import { cleanChatTitle } from "./chat-title";
import { cutText, typedLength } from "./typed-text";

/**
 * A chat's title from its first message when no model gave one: its first 48
 * characters or so, cut at a word, never inside a character (an emoji with its
 * skin tone stays whole). Empty when the message shows nothing to name it by.
 */
export function fallbackTitle(text: string): string {
  const line = cleanChatTitle(text.replace(/\s+/g, " "));
  return typedLength(line) <= 48 ? line : `${cutText(line, 47).replace(/\s+\S*$/, "")}…`;
}
