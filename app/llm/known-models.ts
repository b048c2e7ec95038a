// What upstream model listings don't say: context window, capabilities and
// list price (USD per million tokens) of well-known models. Prices are the
// providers' public list prices at the time of writing; a model missing here
// still works, with conservative defaults. Ids are matched after dropping an
// OpenRouter-style vendor prefix ("openai/gpt-4o") and a date suffix, by the
// longest key that is the id or a dash-separated prefix of it.
import type { ModelInfo } from "./types";

export interface KnownModel {
  label: string;
  contextWindow: number;
  vision: boolean;
  /** Reads PDFs natively (Anthropic document blocks). */
  pdf?: boolean;
  tools: boolean;
  reasoning: boolean;
  inputPricePerMTok?: number;
  outputPricePerMTok?: number;
  /**
   * Anthropic models that want `thinking: { type: "adaptive" }` instead of a
   * fixed budget (the SDK warns that "enabled" is deprecated for them).
   */
  adaptiveThinking?: boolean;
  /** OpenAI reasoning models reject `max_tokens` and want `max_completion_tokens`. */
  maxCompletionTokensParam?: boolean;
}

const gpt = (label: string, contextWindow: number, input: number, output: number): KnownModel => ({
  label, contextWindow, vision: true, tools: true, reasoning: false, inputPricePerMTok: input, outputPricePerMTok: output,
});
const openaiReasoning = (label: string, vision: boolean, input: number, output: number, contextWindow = 200_000): KnownModel => ({
  label, contextWindow, vision, tools: true, reasoning: true, inputPricePerMTok: input, outputPricePerMTok: output,
  maxCompletionTokensParam: true,
});
const claude = (label: string, input: number | undefined, output: number | undefined, reasoning: boolean, vision = true): KnownModel => ({
  label, contextWindow: 200_000, vision, pdf: vision, tools: true, reasoning, inputPricePerMTok: input, outputPricePerMTok: output,
});

export const KNOWN_MODELS: Record<string, KnownModel> = {
  "gpt-4o": gpt("GPT-4o", 128_000, 2.5, 10),
  "gpt-4o-mini": gpt("GPT-4o mini", 128_000, 0.15, 0.6),
  "gpt-4.1": gpt("GPT-4.1", 1_047_576, 2, 8),
  "gpt-4.1-mini": gpt("GPT-4.1 mini", 1_047_576, 0.4, 1.6),
  "gpt-4.1-nano": gpt("GPT-4.1 nano", 1_047_576, 0.1, 0.4),
  "gpt-5": openaiReasoning("GPT-5", true, 1.25, 10, 400_000),
  "gpt-5-mini": openaiReasoning("GPT-5 mini", true, 0.25, 2, 400_000),
  "gpt-5-nano": openaiReasoning("GPT-5 nano", true, 0.05, 0.4, 400_000),
  o1: openaiReasoning("o1", true, 15, 60),
  o3: openaiReasoning("o3", true, 2, 8),
  "o3-pro": openaiReasoning("o3-pro", true, 20, 80),
  "o3-mini": openaiReasoning("o3-mini", false, 1.1, 4.4),
  "o4-mini": openaiReasoning("o4-mini", true, 1.1, 4.4),
  "deepseek-chat": { label: "DeepSeek Chat", contextWindow: 128_000, vision: false, tools: true, reasoning: false, inputPricePerMTok: 0.28, outputPricePerMTok: 0.42 },
  "deepseek-reasoner": { label: "DeepSeek Reasoner", contextWindow: 128_000, vision: false, tools: false, reasoning: true, inputPricePerMTok: 0.28, outputPricePerMTok: 0.42 },
  "deepseek-r1": { label: "DeepSeek R1", contextWindow: 128_000, vision: false, tools: false, reasoning: true },
  // Generic Claude fallback for ids newer than this table.
  claude: claude("Claude", undefined, undefined, false),
  "claude-3-haiku": { ...claude("Claude Haiku 3", 0.25, 1.25, false), pdf: false },
  "claude-3-opus": { ...claude("Claude Opus 3", 15, 75, false), pdf: false },
  "claude-3-5-haiku": claude("Claude Haiku 3.5", 0.8, 4, false, false),
  "claude-3-5-sonnet": claude("Claude Sonnet 3.5", 3, 15, false),
  "claude-3-7-sonnet": claude("Claude Sonnet 3.7", 3, 15, true),
  "claude-sonnet-4": claude("Claude Sonnet 4", 3, 15, true),
  "claude-sonnet-4-5": claude("Claude Sonnet 4.5", 3, 15, true),
  "claude-opus-4": claude("Claude Opus 4", 15, 75, true),
  "claude-opus-4-1": claude("Claude Opus 4.1", 15, 75, true),
  "claude-opus-4-5": claude("Claude Opus 4.5", 5, 25, true),
  "claude-opus-4-6": { ...claude("Claude Opus 4.6", undefined, undefined, true), adaptiveThinking: true },
  "claude-mythos-preview": { ...claude("Claude Mythos Preview", undefined, undefined, true), adaptiveThinking: true },
  "claude-haiku-4-5": claude("Claude Haiku 4.5", 1, 5, true),
};

/** Not chat models: the OpenAI listing mixes these in with the chat ones. */
const NOT_CHAT = /(embedding|whisper|tts|dall-e|moderation|davinci|babbage|transcribe|realtime|audio|image|search|computer-use|sora)/i;

export function isChatModel(upstreamId: string): boolean {
  return !NOT_CHAT.test(upstreamId);
}

const normalize = (id: string) => id.toLowerCase().replace(/^[^/]+\//, "").replace(/[.:]/g, "-");
const NORMALIZED = Object.entries(KNOWN_MODELS)
  .map(([key, model]) => ({ key: normalize(key), model }))
  .sort((a, b) => b.key.length - a.key.length);

/** A dated snapshot of a model ("-20251001", "-2024-08-06"): the same model, pinned. */
const SNAPSHOT_DATE = /^-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;

function findKnown(upstreamId: string): { model: KnownModel; exact: boolean; snapshot: boolean } | undefined {
  const id = normalize(upstreamId);
  const entry = NORMALIZED.find(({ key }) => id === key || id.startsWith(`${key}-`));
  return entry && { model: entry.model, exact: entry.key === id, snapshot: SNAPSHOT_DATE.test(id.slice(entry.key.length)) };
}

export function lookupKnownModel(upstreamId: string): KnownModel | undefined {
  return findKnown(upstreamId)?.model;
}

/**
 * A model's known name ("GPT-4o mini") when the id is exactly one this table knows, or a dated snapshot of one
 * (claude-haiku-4-5-20251001), for naming a model where its id is said beside it or none is listed (a report, an
 * export; the picker keeps a snapshot's own id, to tell it from the model's current one): a newer id must not take
 * an older model's name.
 */
export function knownLabel(upstreamId: string): string | undefined {
  const known = findKnown(upstreamId);
  return known?.exact || known?.snapshot ? known.model.label : undefined;
}

/** Defaults for unknown OpenAI-compatible models: a modest window, no extras claimed. */
const UNKNOWN: Omit<KnownModel, "label"> = { contextWindow: 128_000, vision: false, tools: false, reasoning: false };

export function toModelInfo({
  providerId,
  upstreamId,
  label,
  overrides = {},
}: {
  providerId: string;
  upstreamId: string;
  /** The upstream's own display name, when it has one. */
  label?: string;
  /** Facts the upstream listing reported (they beat the table). */
  overrides?: Partial<Pick<ModelInfo, "contextWindow" | "vision" | "pdf" | "reasoning">>;
}): ModelInfo {
  const found = findKnown(upstreamId);
  const base = found?.model ?? UNKNOWN;
  return {
    id: `${providerId}:${upstreamId}`,
    providerId,
    upstreamId,
    // A dated or variant id keeps its own name so the picker can tell them apart.
    label: label ?? (found?.exact ? found.model.label : upstreamId),
    vision: overrides.vision ?? base.vision,
    pdf: overrides.pdf ?? base.pdf ?? false,
    tools: base.tools,
    reasoning: overrides.reasoning ?? base.reasoning,
    contextWindow: overrides.contextWindow ?? base.contextWindow,
    inputPricePerMTok: base.inputPricePerMTok,
    outputPricePerMTok: base.outputPricePerMTok,
  };
}
