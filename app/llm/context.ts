// Context assembly: the system prompt, then the conversation along the active
// path as provider-neutral parts, trimmed from the oldest turns to fit the
// model's context window.
import type { MessagePart } from "../protocol/parts";
import type { ContextMessage, ContextPart } from "./types";

/** An attachment's content as loaded for a model (context-files.server.ts). */
export type ContextFile =
  | { kind: "image"; mediaType: string; /** base64; absent when the model cannot see images */ data?: string }
  | { kind: "text"; text: string }
  | { kind: "pdf"; text: string | null; /** base64, for models that read PDFs */ data?: string };

export const DEFAULT_SYSTEM_PROMPT =
  "You are Parley, a helpful assistant. Answer clearly and concisely. Use Markdown: fenced code blocks with a language, and LaTeX math between $…$ or $$…$$.";

/**
 * Continue: the words that follow the answer so far, since not every API continues a trailing assistant turn
 * (Anthropic prefill does, Chat Completions does not).
 */
export const CONTINUE_INSTRUCTION =
  "Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything and without any preamble.";

/** A deliberately conservative estimate (≈4 characters a token, plus framing) so trimming errs on the safe side. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5) + 4;
}

export interface PathTurn {
  role: "user" | "assistant";
  parts: MessagePart[];
  status?: string;
}

/**
 * What the model sees of stored parts. Reasoning is the model's own scratch
 * work and is not sent back. A file goes as what `files` loaded for it: an
 * image, a document (text, or a PDF); an image the model cannot see, or a
 * file no longer stored, is named in words. A generated image is described
 * by its alt text.
 */
export function toContextParts(parts: readonly MessagePart[], files: ReadonlyMap<string, ContextFile> = new Map()): ContextPart[] {
  const out: ContextPart[] = [];
  for (const part of parts) {
    switch (part.type) {
      case "text":
        if (part.text.trim() !== "") out.push({ type: "text", text: part.text });
        break;
      case "reasoning":
        break;
      case "file": {
        const file = files.get(part.attachmentId);
        if (!file) out.push(note(`[Attached file “${part.name}”: no longer available]`));
        else if (file.kind === "image") {
          out.push(file.data ? { type: "image", mediaType: file.mediaType, data: file.data, name: part.name } : note(`[Image “${part.name}”: not shown, this model cannot see images]`));
        } else if (file.kind === "text") out.push({ type: "document", name: part.name, mediaType: part.mediaType, text: file.text });
        else out.push({ type: "document", name: part.name, mediaType: part.mediaType, text: file.text, ...(file.data ? { data: file.data } : {}) });
        break;
      }
      case "image":
        out.push(note(`[Generated image${part.alt ? `: ${part.alt}` : ""}]`));
        break;
      case "tool-call":
        out.push({ type: "tool-call", toolCallId: part.toolCallId, name: part.name, arguments: part.arguments });
        break;
      case "tool-result":
        out.push({ type: "tool-result", toolCallId: part.toolCallId, name: part.name, result: part.result, isError: part.isError });
        break;
    }
  }
  return out;
}

/** Words standing in for something the model does not get, set apart from the text that follows (APIs that take one string join the parts). */
function note(text: string): ContextPart {
  return { type: "text", text: `${text}\n\n` };
}

/** Images of `parts` the model gets only by name. */
function unseenImagesIn(parts: readonly MessagePart[], files: ReadonlyMap<string, ContextFile> = new Map()): number {
  return parts.filter((part) => {
    const file = part.type === "file" ? files.get(part.attachmentId) : undefined;
    return file?.kind === "image" && !file.data;
  }).length;
}

function partTokens(part: ContextPart): number {
  switch (part.type) {
    case "text":
      return estimateTokens(part.text);
    case "image":
      // Providers bill an image by its size; ~1,000 tokens is a typical tile count.
      return 1_000;
    case "document":
      // A PDF read as pages costs its text plus an image per page; ~1,000 tokens covers a page or two.
      return estimateTokens(part.text ?? "") + (part.data ? 1_000 : 0);
    case "tool-call":
      return estimateTokens(part.name + part.arguments);
    case "tool-result":
      return estimateTokens(part.name + JSON.stringify(part.result ?? null));
  }
}

export function assembleContext({
  path,
  files,
  systemPrompt,
  serverPrompt,
  contextWindow,
  reserveForAnswer = 4096,
}: {
  /** Oldest first, ending with the user turn being answered (or the answer being continued). */
  path: PathTurn[];
  /** The attachments' contents, by id (files not in it are named in words). */
  files?: ReadonlyMap<string, ContextFile>;
  systemPrompt?: string | null;
  /** The server's own instructions (an admin's), put before the chat's or the default one. */
  serverPrompt?: string | null;
  contextWindow: number;
  reserveForAnswer?: number;
}): {
  system: string;
  messages: ContextMessage[];
  /** Messages at the start of the conversation left out: they did not fit. */
  trimmed: number;
  /** Images in what is sent that the model cannot see (named in words instead). */
  unseenImages: number;
  /** What is sent, estimated as trimming counts it: the usage an answer records when its provider never reports any. */
  inputTokens: number;
} {
  const system = [serverPrompt?.trim(), systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT].filter(Boolean).join("\n\n");
  // Empty answers (failed before a token) carry nothing and some APIs reject empty turns.
  const turns = path
    .map((t) => ({ role: t.role, parts: toContextParts(t.parts, files), unseenImages: unseenImagesIn(t.parts, files) }))
    .filter((t) => t.parts.length > 0);
  let budget = contextWindow - reserveForAnswer - estimateTokens(system);
  const kept: typeof turns = [];
  for (let i = turns.length - 1; i >= 0; i--) {
    const cost = turnTokens(turns[i]!);
    // The newest turn is always sent, even if it alone exceeds the budget: the
    // upstream's own error is clearer than silently sending nothing.
    if (kept.length > 0 && cost > budget) break;
    budget -= cost;
    kept.unshift(turns[i]!);
  }
  // Most APIs want the conversation to start with a user turn.
  while (kept.length > 1 && kept[0]!.role !== "user") kept.shift();
  const inputTokens = kept.reduce((sum, turn) => sum + turnTokens(turn), estimateTokens(system));
  return {
    system,
    messages: kept.map(({ role, parts }) => ({ role, parts })),
    trimmed: turns.length - kept.length,
    unseenImages: kept.reduce((sum, turn) => sum + turn.unseenImages, 0),
    inputTokens,
  };
}

function turnTokens(turn: ContextMessage): number {
  return turn.parts.reduce((sum, part) => sum + partTokens(part), 0);
}
