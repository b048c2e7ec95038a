// Context assembly: the system prompt, then the conversation along the active
// path, trimmed from the oldest turns to fit the model's context window.
import type { ContextMessage } from "./types";

export const DEFAULT_SYSTEM_PROMPT =
  "You are Parley, a helpful assistant. Answer clearly and concisely. Use Markdown: fenced code blocks with a language, and LaTeX math between $…$ or $$…$$.";

/** A deliberately conservative estimate (≈4 characters a token, plus framing) so trimming errs on the safe side. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5) + 4;
}

export interface PathTurn {
  role: "user" | "assistant";
  content: string;
  status?: string;
}

export function assembleContext({
  path,
  systemPrompt,
  contextWindow,
  reserveForAnswer = 4096,
}: {
  /** Oldest first, ending with the user turn being answered (or the answer being continued). */
  path: PathTurn[];
  systemPrompt?: string | null;
  contextWindow: number;
  reserveForAnswer?: number;
}): { system: string; messages: ContextMessage[]; trimmed: number } {
  const system = systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT;
  // Empty answers (failed before a token) carry nothing and some APIs reject empty turns.
  const turns = path.filter((t) => t.content.trim() !== "").map((t) => ({ role: t.role, content: t.content }));
  let budget = contextWindow - reserveForAnswer - estimateTokens(system);
  const kept: ContextMessage[] = [];
  for (let i = turns.length - 1; i >= 0; i--) {
    const cost = estimateTokens(turns[i]!.content);
    // The newest turn is always sent, even if it alone exceeds the budget: the
    // upstream's own error is clearer than silently sending nothing.
    if (kept.length > 0 && cost > budget) break;
    budget -= cost;
    kept.unshift(turns[i]!);
  }
  // Most APIs want the conversation to start with a user turn.
  while (kept.length > 1 && kept[0]!.role !== "user") kept.shift();
  return { system, messages: kept, trimmed: turns.length - kept.length };
}
