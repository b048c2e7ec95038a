// The zod schemas of message parts (validation on the server; the browser
// needs only the types and helpers in parts.ts, without zod).
import { z } from "zod";

export const textPart = z.object({ type: z.literal("text"), text: z.string() });
export const reasoningPart = z.object({ type: z.literal("reasoning"), text: z.string() });
/** An uploaded file; the bytes live in the attachments table. */
export const filePart = z.object({
  type: z.literal("file"),
  attachmentId: z.string().min(1).max(64),
  name: z.string().max(255),
  mediaType: z.string().max(255),
  size: z.number().int().nonnegative(),
});
export const toolCallStatus = z.enum(["running", "complete", "error"]);
/** A tool the model asked for. `arguments` is the JSON text the model wrote (it streams in pieces). */
export const toolCallPart = z.object({
  type: z.literal("tool-call"),
  toolCallId: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  arguments: z.string(),
  status: toolCallStatus,
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
});
/** What a tool returned for a call (or the error it failed with). */
export const toolResultPart = z.object({
  type: z.literal("tool-result"),
  toolCallId: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  result: z.unknown(),
  isError: z.boolean().default(false),
  durationMs: z.number().nonnegative().optional(),
});
/** A generated image; like a file, stored as an attachment. */
export const imagePart = z.object({
  type: z.literal("image"),
  attachmentId: z.string().min(1).max(64),
  mediaType: z.string().max(255),
  alt: z.string().max(2000).default(""),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});

export const messagePart = z.discriminatedUnion("type", [textPart, reasoningPart, filePart, toolCallPart, toolResultPart, imagePart]);
export const messageParts = z.array(messagePart);

export type MessagePart = z.infer<typeof messagePart>;
export type MessagePartType = MessagePart["type"];
export type TextPart = z.infer<typeof textPart>;
export type ReasoningPart = z.infer<typeof reasoningPart>;
export type FilePart = z.infer<typeof filePart>;
export type ToolCallPart = z.infer<typeof toolCallPart>;
export type ToolResultPart = z.infer<typeof toolResultPart>;
export type ImagePart = z.infer<typeof imagePart>;

/** Parts as stored: anything that fails validation is a bug, reported with the message id. */
export function parseParts(value: unknown, messageId = "?"): MessagePart[] {
  const parsed = messageParts.safeParse(value);
  if (!parsed.success) throw new Error(`message ${messageId} has malformed parts: ${parsed.error.issues[0]?.message ?? "unknown"}`);
  return parsed.data;
}

