// A message is an ordered list of typed parts. parts-schema.ts is the one
// definition of that shape (zod); this module gives its types and the helpers
// the server and the browser share (docs/decisions/013).
export type {
  FilePart,
  ImagePart,
  MessagePart,
  MessagePartType,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from "./parts-schema";
import type { MessagePart } from "./parts-schema";

/** The answer's text (text parts joined): what search, titles and copy use. */
export function plainText(parts: readonly MessagePart[]): string {
  let out = "";
  for (const part of parts) if (part.type === "text") out += part.text;
  return out;
}

/** The reasoning text (reasoning parts joined). */
export function reasoningText(parts: readonly MessagePart[]): string {
  let out = "";
  for (const part of parts) if (part.type === "reasoning") out += part.text;
  return out;
}

/** One user message typed into the composer. */
export function textParts(text: string): MessagePart[] {
  return text ? [{ type: "text", text }] : [];
}

/**
 * Appends streamed text of one kind: it extends the last part when that part
 * has the same kind, or opens a new part. Returns the index of the part written.
 * Mutates `parts` (the registry's hot path appends thousands of times).
 */
export function appendText(parts: MessagePart[], type: "text" | "reasoning", text: string): number {
  const last = parts[parts.length - 1];
  if (last && last.type === type) {
    last.text += text;
    return parts.length - 1;
  }
  parts.push({ type, text });
  return parts.length - 1;
}

/** The attachments a message uses (its files and generated images), each once. */
export function attachmentIdsOf(parts: readonly MessagePart[]): string[] {
  const ids = new Set<string>();
  for (const part of parts) if (part.type === "file" || part.type === "image") ids.add(part.attachmentId);
  return [...ids];
}
