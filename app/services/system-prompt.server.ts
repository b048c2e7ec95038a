// The server's system prompt: an admin edits it, every version is kept with
// who saved it and when, two versions can be compared, and an old one can be
// restored (as a new version). Every answer records the version it used.
import { z } from "zod";
import {
  addSystemPromptVersion,
  currentSystemPromptVersion,
  type SystemPromptVersion,
  systemPromptVersion,
} from "../models/system-prompt.server";
import { AppError } from "../protocol/errors";
import { typedLength } from "../utils/typed-text";

export const MAX_SERVER_PROMPT_CHARS = 20_000;

export const serverPromptSchema = z.object({
  text: z
    .string()
    .transform((text) => text.replace(/\r\n?/g, "\n").trim())
    .refine((text) => typedLength(text) <= MAX_SERVER_PROMPT_CHARS, "system_prompt_too_long"),
});

/** Saves a new version; the same text as the one in force saves nothing. */
export async function saveServerPrompt({ text, by }: { text: string; by: { id: string } }): Promise<{ saved: boolean; version: number | null }> {
  const current = await currentSystemPromptVersion();
  if ((current?.text ?? "") === text) return { saved: false, version: current?.version ?? null };
  const row = await addSystemPromptVersion({ text, createdBy: by.id });
  return { saved: true, version: row.version };
}

/**
 * Puts an old version's text back in force, as a new version that says where
 * it came from; null when that text is in force already (nothing is added,
 * as for saving the same text again).
 */
export async function restoreServerPrompt({ version, by }: { version: number; by: { id: string } }): Promise<SystemPromptVersion | null> {
  const old = await systemPromptVersion({ version });
  if (!old) throw new AppError("not_found");
  const current = await currentSystemPromptVersion();
  if (current && current.text === old.text) return null;
  return addSystemPromptVersion({ text: old.text, createdBy: by.id, restoredFrom: old.version });
}

export type DiffLine = { kind: "same" | "added" | "removed"; text: string };

/**
 * A line-by-line comparison of two texts (longest common subsequence): what
 * `after` removed from `before` and what it added, in reading order.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // Prompts are short (at most MAX_SERVER_PROMPT_CHARS): the quadratic table is small.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: "same", text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ kind: "removed", text: a[i++]! });
    else out.push({ kind: "added", text: b[j++]! });
  }
  while (i < a.length) out.push({ kind: "removed", text: a[i++]! });
  while (j < b.length) out.push({ kind: "added", text: b[j++]! });
  return out;
}
