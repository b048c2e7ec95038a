import { describe, expect, test } from "vitest";
import { composeDemoAnswer, createDemoProvider, DEMO_MODEL, demoInputTokens, keywordsOf, titleFromQuestion, tokenize } from "./demo.server";
import { CONTINUE_INSTRUCTION } from "./context";
import { type ContextMessage, documentText, type LlmEvent } from "./types";

const question = [{ role: "user" as const, parts: [{ type: "text" as const, text: "Explain how Kubernetes schedules pods across nodes, and why Kubernetes evicts pods" }] }];

async function collect(stream: AsyncIterable<LlmEvent>, onEvent: (event: LlmEvent, index: number) => void = () => {}) {
  const events: LlmEvent[] = [];
  for await (const event of stream) {
    onEvent(event, events.length);
    events.push(event);
  }
  return events;
}

describe("the demo answer", () => {
  test("talks about the prompt's keywords, most frequent first", () => {
    expect(keywordsOf(question[0].parts[0].text)).toEqual(["kubernetes", "pods", "schedules", "across"]);
    const answer = composeDemoAnswer(question);
    expect(answer.startsWith("## About kubernetes")).toBe(true);
    for (const keyword of ["kubernetes", "pods", "schedules", "across"]) expect(answer).toContain(`**${keyword}**`);
    expect(answer).toContain("You wrote 12 words");
  });

  test("answers a question asked in Russian in Russian, as a real model would; a few Latin words do not change that", () => {
    const asked = (text: string, parts: ContextMessage["parts"] = []) => composeDemoAnswer([{ role: "user", parts: [...parts, { type: "text" as const, text }] }]);
    const answer = asked("Расскажи, почему небо голубое, а закат красный? Небо днём и закат вечером");
    expect(answer.startsWith("## Тема: закат")).toBe(true);
    expect(answer).toContain("Вы написали 12 слов: _«Расскажи, почему небо голубое, а закат красный? Небо днём и закат вечером»_.");
    expect(answer).toContain("**небо** — как это применяют");
    expect(answer).not.toMatch(/You wrote|About|Here is/);
    expect(asked("Объясни Kubernetes и pods простыми словами")).toContain("Вы написали 6 слов");
    expect(asked("Один вопрос")).toContain("Вы написали 2 слова");
    expect(asked("Explain Kubernetes — по-русски")).toContain("You wrote 4 words");
    // Files are described in Russian too, their sizes as Russian writes them.
    const withFile = asked("Что в файле?", [{ type: "document", name: "notes.txt", mediaType: "text/plain", text: "Первая строка\nВторая" }]);
    expect(withFile).toContain("Вы приложили один файл: **notes.txt**, текстовый файл, текст которого начинается «Первая строка» (2 строки).");
  });

  test("contains a TypeScript code block and a display formula", () => {
    const answer = composeDemoAnswer(question);
    expect(answer).toMatch(/```ts\nfunction kubernetes\(input: string\): string \{\n[\s\S]*?\n```/);
    expect(answer).toMatch(/\$\$\n\\binom\{n\}\{2\}[^\n]*n = 12 \\Rightarrow 66\n\$\$/);
  });

  test("answers the newest user turn and counts the turns", () => {
    const answer = composeDemoAnswer([
      { role: "user", parts: [{ type: "text" as const, text: "first question about gardening" }] },
      { role: "assistant", parts: [{ type: "text" as const, text: "..." }] },
      { role: "user", parts: [{ type: "text" as const, text: "now about sourdough bread" }] },
    ]);
    expect(answer).toContain("sourdough");
    expect(answer).not.toContain("gardening");
    expect(answer).toContain("turn 2 of this chat");
  });

  test("an image is described with its exact size", () => {
    for (const size of [98, 99, 100]) {
      const data = Buffer.alloc(size, 7).toString("base64");
      const answer = composeDemoAnswer([{ role: "user", parts: [{ type: "text", text: "What is this?" }, { type: "image", mediaType: "image/png", data }] }]);
      expect(answer).toContain(`an image (image/png, ${size} B)`);
    }
  });

  test("a prompt with no usable words still gets a valid answer", () => {
    const answer = composeDemoAnswer([{ role: "user", parts: [{ type: "text" as const, text: "?? 42" }] }]);
    expect(answer).toContain("## About your question");
    expect(answer).toContain("```ts\nfunction answer(");
  });

  test("tokens put back together give the text exactly", () => {
    const answer = composeDemoAnswer(question);
    const tokens = tokenize(answer);
    expect(tokens.join("")).toBe(answer);
    expect(tokens.every((t) => t.length > 0 && t.length <= 6)).toBe(true);
  });
});

describe("the demo provider", () => {
  test("streams tokens that add up to the composed answer, then usage and finish", async () => {
    const provider = createDemoProvider({ tokensPerSecond: 100_000 });
    const events = await collect(provider.stream({ model: "parley-demo", messages: question, signal: new AbortController().signal }));
    const text = events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
    expect(text).toBe(composeDemoAnswer(question));
    const textCount = events.filter((e) => e.type === "text").length;
    expect(events.slice(-2)).toEqual([
      { type: "usage", inputTokens: Math.ceil(question[0].parts[0].text.length / 4), outputTokens: textCount },
      { type: "finish", reason: "stop" },
    ]);
    expect(events.slice(0, -2).every((e) => e.type === "text")).toBe(true);
  });

  test("after a Continue it writes the rest of the answer it was cut off in, never the instruction", async () => {
    const provider = createDemoProvider({ tokensPerSecond: 100_000 });
    const whole = composeDemoAnswer(question);
    const soFar = whole.slice(0, 57).trimEnd();
    const messages = [...question, { role: "assistant" as const, parts: [{ type: "text" as const, text: soFar }] }, { role: "user" as const, parts: [{ type: "text" as const, text: CONTINUE_INSTRUCTION }] }];
    const events = await collect(provider.stream({ model: "parley-demo", messages, signal: new AbortController().signal }));
    const rest = events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
    expect(soFar + rest).toBe(whole);
    expect(rest).not.toContain("cut off");
  });

  test("names files as they are called: markdown characters in a name are escaped, not dropped", () => {
    const answer = composeDemoAnswer([
      { role: "user", parts: [{ type: "document", name: "many_3 *draft*.txt", mediaType: "text/plain", text: "hello" }, { type: "text", text: "what is this?" }] },
    ]);
    expect(answer).toContain("**many\\_3 \\*draft\\*.txt**");
  });

  test("counts the files it reads as input, as a real model would: a document's text and each image", async () => {
    const provider = createDemoProvider({ tokensPerSecond: 100_000 });
    const usageOf = async (messages: ContextMessage[]) => {
      const events = await collect(provider.stream({ model: "parley-demo", messages, signal: new AbortController().signal }));
      return events.find((e) => e.type === "usage");
    };
    const text = "what is in these files?";
    const report = { type: "document" as const, name: "report.txt", mediaType: "text/plain", text: "x".repeat(4000) };
    const withFiles: ContextMessage[] = [
      { role: "user", parts: [{ type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" }, report, { type: "text", text }] },
    ];
    const alone = (await usageOf([{ role: "user", parts: [{ type: "text", text }] }]))!;
    const both = (await usageOf(withFiles))!;
    expect(alone).toMatchObject({ inputTokens: Math.ceil(text.length / 4) });
    // The document's 4,000 characters (with its name and fence) are over 1,000 tokens; the image is 765 more.
    expect(both).toMatchObject({ inputTokens: Math.ceil((text.length + documentText(report).length) / 4) + 765 });
    expect(both.type === "usage" && both.inputTokens).toBeGreaterThan(1000 + 765);
  });

  test("stops quietly, without usage or finish, when the signal aborts mid-answer", async () => {
    const provider = createDemoProvider({ tokensPerSecond: 200 });
    const controller = new AbortController();
    const started = performance.now();
    const events = await collect(provider.stream({ model: "parley-demo", messages: question, signal: controller.signal }), (_, index) => {
      if (index === 4) controller.abort(new Error("stopped by user"));
    });
    expect(events).toHaveLength(5);
    expect(events.every((e) => e.type === "text")).toBe(true);
    // The pending pause ends at the abort instead of running out the answer.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("yields nothing when the signal is already aborted", async () => {
    const provider = createDemoProvider({ tokensPerSecond: 40 });
    const controller = new AbortController();
    controller.abort();
    expect(await collect(provider.stream({ model: "parley-demo", messages: question, signal: controller.signal }))).toEqual([]);
  });

  test("paces tokens at the configured rate", async () => {
    const provider = createDemoProvider({ tokensPerSecond: 100 });
    const controller = new AbortController();
    const started = performance.now();
    await collect(provider.stream({ model: "parley-demo", messages: question, signal: controller.signal }), (_, index) => {
      if (index === 10) controller.abort();
    });
    // 11 tokens at 100/s: the 11th is due 100 ms after the first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  test("lists its one model and titles a chat with the question's first words, saying what that used as its answers do", async () => {
    const provider = createDemoProvider({ tokensPerSecond: 40 });
    expect(await provider.listModels()).toEqual([DEMO_MODEL]);
    const title = await provider.complete!({ model: "parley-demo", messages: question, signal: new AbortController().signal });
    expect(title.text).toBe("Explain how Kubernetes schedules pods across");
    expect(title.usage).toEqual({ inputTokens: demoInputTokens(question), outputTokens: tokenize(title.text).length });
  });

  test("a title reads like a phrase: first sentence, a few words, no trailing punctuation", () => {
    expect(titleFromQuestion("what is a monad? I keep hearing it")).toBe("What is a monad");
    expect(titleFromQuestion("Write a TypeScript example of a binary tree with insert and delete")).toBe("Write a TypeScript example");
    expect(titleFromQuestion("   ")).toBe("Demo chat");
  });
});
