// Runs one answer: context assembly → provider stream (with retries before the
// first token) → stream registry events → stats. Started by the send,
// regenerate and continue actions; it outlives every HTTP request.
import type { MessageStats } from "../../drizzle/schema";
import { resolveModel } from "../llm/catalog.server";
import { assembleContext, type PathTurn } from "../llm/context";
import { env } from "../env.server";
import { streamWithRetry } from "../llm/retry.server";
import { UpstreamError } from "../llm/types";
import { logger } from "../utils/logger.server";
import { getPathTurns } from "../models/message.server";
import type { LiveStream, StreamOutcome, StreamWriter } from "./registry.server";
import { streamRegistry } from "./streams.server";

const MAX_CONTEXT_MESSAGES = 400;
export const CONTINUE_INSTRUCTION =
  "Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything and without any preamble.";

export interface GenerationTarget {
  chatId: string;
  assistantMessageId: string;
  /** The user message being answered. */
  parentId: string;
  modelId: string;
  systemPrompt?: string | null;
  /** Continue: the text already written, which the model extends. */
  continueFrom?: { content: string; reasoning: string; lastEventId: number };
}

export async function startGeneration(target: GenerationTarget): Promise<LiveStream> {
  const turns: PathTurn[] = await getPathTurns({ chatId: target.chatId, leafId: target.parentId, limit: MAX_CONTEXT_MESSAGES });
  if (target.continueFrom?.content) {
    // Not every API continues a trailing assistant turn (Anthropic prefill does, Chat Completions does not),
    // so ask for the continuation in words; the new text is appended to the stored part.
    turns.push({ role: "assistant", content: target.continueFrom.content.trimEnd() });
    turns.push({ role: "user", content: CONTINUE_INSTRUCTION });
  }
  return streamRegistry().start({
    messageId: target.assistantMessageId,
    chatId: target.chatId,
    startEventId: target.continueFrom?.lastEventId ?? 0,
    content: target.continueFrom?.content ?? "",
    reasoning: target.continueFrom?.reasoning ?? "",
    run: (writer) => runModel({ target, turns, writer }),
  });
}

async function runModel({
  target,
  turns,
  writer,
}: {
  target: GenerationTarget;
  turns: PathTurn[];
  writer: StreamWriter;
}): Promise<StreamOutcome> {
  const resolved = await resolveModel(target.modelId);
  if (!resolved) {
    return { status: "error", error: `The model “${target.modelId}” is not available. Pick another model and regenerate.` };
  }
  const { provider, model } = resolved;
  const context = assembleContext({ path: turns, systemPrompt: target.systemPrompt, contextWindow: model.contextWindow });
  const startedAt = performance.now();
  let firstTokenAt: number | undefined;
  const stats: MessageStats = { model: model.id };
  let outputTokens = 0;
  let estimatedOutput = 0;
  try {
    // Retries happen only before the first token (then the error reaches the user with the partial answer kept).
    const events = streamWithRetry(
      ({ signal }) =>
        provider.stream({ model: model.upstreamId, messages: context.messages, system: context.system, signal, reasoning: model.reasoning }),
      {
        signal: writer.signal,
        maxAttempts: env().UPSTREAM_MAX_ATTEMPTS,
        idleTimeoutMs: env().UPSTREAM_IDLE_TIMEOUT_MS,
        providerId: provider.id,
        onRetry: ({ attempt, delayMs, error }) => {
          stats.retries = attempt;
          logger.warn("retrying upstream", { provider: provider.id, attempt, delayMs, kind: error.kind, status: error.status });
        },
      },
    );
    for await (const event of events) {
      if (writer.signal.aborted) break;
      switch (event.type) {
        case "text":
        case "reasoning":
          firstTokenAt ??= performance.now();
          estimatedOutput++;
          if (event.type === "text") writer.text(event.text);
          else writer.reasoning(event.text);
          break;
        case "usage":
          stats.inputTokens = event.inputTokens;
          outputTokens = event.outputTokens;
          break;
        case "finish":
          stats.finishReason = event.reason;
          break;
      }
    }
  } catch (error) {
    finishStats();
    if (writer.signal.aborted) return stopped();
    const message =
      error instanceof UpstreamError
        ? describeUpstreamError(error, provider.label)
        : `${provider.label} failed: ${error instanceof Error ? error.message : String(error)}`;
    writer.stats(stats);
    return { status: "error", error: message, stats };
  }
  finishStats();
  if (writer.signal.aborted) return stopped();
  writer.stats(stats);
  return { status: "complete", stats };

  function stopped(): StreamOutcome {
    stats.finishReason = "stopped";
    writer.stats(stats);
    return { status: "interrupted", stats, error: "Stopped." };
  }

  function finishStats() {
    const endedAt = performance.now();
    stats.durationMs = Math.round(endedAt - startedAt);
    if (firstTokenAt !== undefined) stats.timeToFirstTokenMs = Math.round(firstTokenAt - startedAt);
    stats.outputTokens = outputTokens || estimatedOutput;
    const generationSeconds = firstTokenAt !== undefined ? (endedAt - firstTokenAt) / 1000 : 0;
    if (generationSeconds > 0 && stats.outputTokens > 1) {
      stats.tokensPerSecond = Math.round((stats.outputTokens / generationSeconds) * 10) / 10;
    }
    if (model.inputPricePerMTok !== undefined && model.outputPricePerMTok !== undefined) {
      stats.costUsd =
        ((stats.inputTokens ?? 0) * model.inputPricePerMTok + stats.outputTokens * model.outputPricePerMTok) / 1_000_000;
    }
  }
}

export function describeUpstreamError(error: UpstreamError, providerLabel: string): string {
  switch (error.kind) {
    case "rate_limited":
      return `${providerLabel} is rate-limiting requests (HTTP 429). Wait a moment, then continue or regenerate.`;
    case "server":
      return `${providerLabel} had a server error${error.status ? ` (HTTP ${error.status})` : ""}. Continue or regenerate to try again.`;
    case "timeout":
      return `${providerLabel} stopped responding. Continue or regenerate to try again.`;
    case "connection":
      return `The connection to ${providerLabel} was lost${error.beforeFirstToken ? "" : " in the middle of the answer"}. Continue or regenerate to try again.`;
    case "malformed":
      return `${providerLabel} sent a response Parley could not read. Regenerate to try again.`;
    case "client":
      return `${providerLabel} rejected the request${error.status ? ` (HTTP ${error.status})` : ""}: ${error.message}`;
  }
}
