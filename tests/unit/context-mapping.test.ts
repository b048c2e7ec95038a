// What a model is sent for a stored conversation: stored parts become context
// parts (toContextParts), and each provider writes them in its own wire shape
// (OpenAI Chat Completions, Anthropic Messages). Reasoning is the model's own
// scratchpad: it is shown to the user but never sent back upstream.
import { describe, expect, test } from "vitest";
import { toAnthropicMessage, toAnthropicMessages } from "~/llm/anthropic.server";
import { assembleContext, toContextParts } from "~/llm/context";
import { toChatCompletionMessages } from "~/llm/openai.server";
import type { ContextMessage } from "~/llm/types";
import type { MessagePart } from "~/protocol/parts";

const PIXEL = "iVBORw0KGgo=";

/** An answer that thought, called a tool, read its result and answered. */
const toolAnswer: MessagePart[] = [
  { type: "reasoning", text: "SECRET-REASONING: the user wants weather." },
  { type: "text", text: "Checking. " },
  { type: "tool-call", toolCallId: "call_1", name: "weather", arguments: '{"city":"Oslo"}', status: "complete", startedAt: 1, endedAt: 2 },
  { type: "tool-result", toolCallId: "call_1", name: "weather", result: { celsius: 3 }, isError: false, durationMs: 1 },
  { type: "text", text: "It is 3 °C." },
];

describe("stored parts as context", () => {
  test("reasoning is dropped, text, tool calls and tool results are kept in order", () => {
    expect(toContextParts(toolAnswer)).toEqual([
      { type: "text", text: "Checking. " },
      { type: "tool-call", toolCallId: "call_1", name: "weather", arguments: '{"city":"Oslo"}' },
      { type: "tool-result", toolCallId: "call_1", name: "weather", result: { celsius: 3 }, isError: false },
      { type: "text", text: "It is 3 °C." },
    ]);
  });

  test("an answer that only reasoned is not sent at all, and no reasoning reaches any provider", () => {
    const { messages } = assembleContext({
      path: [
        { role: "user", parts: [{ type: "text", text: "Hi" }], status: "complete" },
        { role: "assistant", parts: [{ type: "reasoning", text: "SECRET-REASONING only" }], status: "interrupted" },
        { role: "user", parts: [{ type: "text", text: "Again" }], status: "complete" },
        { role: "assistant", parts: toolAnswer, status: "complete" },
        { role: "user", parts: [{ type: "text", text: "Thanks" }], status: "complete" },
      ],
      systemPrompt: null,
      contextWindow: 100_000,
    });
    expect(messages.map((m) => m.role)).toEqual(["user", "user", "assistant", "user"]);
    expect(JSON.stringify(messages.flatMap(toChatCompletionMessages))).not.toContain("SECRET-REASONING");
    expect(JSON.stringify(messages.map(toAnthropicMessage))).not.toContain("SECRET-REASONING");
  });
});

describe("OpenAI Chat Completions", () => {
  test("plain text stays a string", () => {
    expect(toChatCompletionMessages({ role: "user", parts: [{ type: "text", text: "Hello" }, { type: "text", text: " there" }] })).toEqual([{ role: "user", content: "Hello there" }]);
    expect(toChatCompletionMessages({ role: "assistant", parts: [{ type: "text", text: "Hi!" }] })).toEqual([{ role: "assistant", content: "Hi!" }]);
  });

  test("an image makes a content array with a data URL after the text", () => {
    expect(toChatCompletionMessages({ role: "user", parts: [{ type: "text", text: "What is this?" }, { type: "image", mediaType: "image/png", data: PIXEL }] })).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PIXEL}` } },
        ],
      },
    ]);
  });

  test("named images keep their place in the message, each after its name", () => {
    const parts: ContextMessage["parts"] = [
      { type: "image", mediaType: "image/png", data: PIXEL, name: "before.png" },
      { type: "text", text: "Which one is brighter?" },
      { type: "image", mediaType: "image/jpeg", data: PIXEL, name: "after.jpg" },
    ];
    expect(toChatCompletionMessages({ role: "user", parts })).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Attached image “before.png”:" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PIXEL}` } },
          { type: "text", text: "Which one is brighter?\n\nAttached image “after.jpg”:" },
          { type: "image_url", image_url: { url: `data:image/jpeg;base64,${PIXEL}` } },
        ],
      },
    ]);
    expect(toAnthropicMessage({ role: "user", parts })).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Attached image “before.png”:" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: PIXEL } },
        { type: "text", text: "Which one is brighter?" },
        { type: "text", text: "Attached image “after.jpg”:" },
        { type: "image", source: { type: "base64", media_type: "image/jpeg", data: PIXEL } },
      ],
    });
  });

  test("a tool call rides on the assistant turn and its result follows as a tool message", () => {
    const sent = toChatCompletionMessages({ role: "assistant", parts: toContextParts(toolAnswer.slice(0, 4)) });
    expect(sent).toEqual([
      { role: "assistant", content: "Checking. ", tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: '{"celsius":3}' },
    ]);
  });

  test("a call with no arguments yet sends an empty object, and a failed tool's result is still sent", () => {
    const sent = toChatCompletionMessages({
      role: "assistant",
      parts: [
        { type: "tool-call", toolCallId: "c2", name: "search", arguments: "" },
        { type: "tool-result", toolCallId: "c2", name: "search", result: "timed out", isError: true },
      ],
    });
    expect(sent).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "c2", type: "function", function: { name: "search", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c2", content: '"timed out"' },
    ]);
  });

  test("every tool message answers a call made in an earlier assistant turn", () => {
    const sent = [toolAnswer].flatMap((parts) => toChatCompletionMessages({ role: "assistant", parts: toContextParts(parts) }));
    // Text written after the result comes after it, as its own assistant turn.
    expect(sent.map((m) => m.role)).toEqual(["assistant", "tool", "assistant"]);
    expect(sent.at(-1)).toEqual({ role: "assistant", content: "It is 3 °C." });
    const called = new Set<string>();
    for (const message of sent) {
      if (message.role === "assistant") for (const call of message.tool_calls ?? []) called.add(call.id);
      if (message.role === "tool") expect(called.has(message.tool_call_id)).toBe(true);
    }
  });
});

describe("Anthropic Messages", () => {
  test("plain text stays a string", () => {
    expect(toAnthropicMessage({ role: "user", parts: [{ type: "text", text: "Hello" }, { type: "text", text: " there" }] })).toEqual({ role: "user", content: "Hello there" });
  });

  test("an image is a base64 image block beside the text", () => {
    expect(toAnthropicMessage({ role: "user", parts: [{ type: "text", text: "What is this?" }, { type: "image", mediaType: "image/png", data: PIXEL }] })).toEqual({
      role: "user",
      content: [
        { type: "text", text: "What is this?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: PIXEL } },
      ],
    });
  });

  test("a tool call is a tool_use block whose input is the parsed arguments; broken arguments become {}", () => {
    const message: ContextMessage = {
      role: "assistant",
      parts: [
        { type: "text", text: "Checking." },
        { type: "tool-call", toolCallId: "call_1", name: "weather", arguments: '{"city":"Oslo"}' },
        { type: "tool-call", toolCallId: "call_2", name: "weather", arguments: '{"city":' },
      ],
    };
    expect(toAnthropicMessage(message)).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "call_1", name: "weather", input: { city: "Oslo" } },
        { type: "tool_use", id: "call_2", name: "weather", input: {} },
      ],
    });
  });

  test("a tool result is a tool_result block with its JSON and error flag", () => {
    expect(toAnthropicMessage({ role: "user", parts: [{ type: "tool-result", toolCallId: "call_1", name: "weather", result: { celsius: 3 }, isError: false }] })).toEqual({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "call_1", content: '{"celsius":3}', is_error: false }],
    });
    expect(toAnthropicMessage({ role: "user", parts: [{ type: "tool-result", toolCallId: "c2", name: "search", result: undefined, isError: true }] })).toEqual({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "c2", content: "null", is_error: true }],
    });
  });

  // A stored answer holds its tool calls and their results together, but the
  // Messages API accepts tool_result blocks only in a user turn (it answers
  // 400 otherwise), so an answer with tool activity must be split.
  test("an answer that used a tool never puts a tool_result block in an assistant turn", () => {
    const sent = toAnthropicMessages({ role: "assistant", parts: toContextParts(toolAnswer) });
    for (const turn of sent) {
      const blocks = typeof turn.content === "string" ? [] : turn.content;
      expect(turn.role === "assistant" && blocks.some((b) => b.type === "tool_result")).toBe(false);
    }
    expect(sent).toEqual([
      { role: "assistant", content: [{ type: "text", text: "Checking. " }, { type: "tool_use", id: "call_1", name: "weather", input: { city: "Oslo" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: '{"celsius":3}', is_error: false }] },
      { role: "assistant", content: "It is 3 °C." },
    ]);
  });
});
