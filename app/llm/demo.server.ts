// The built-in offline model: no key, no network. It answers *about the
// prompt* with the same markdown a real model writes (a list, a fenced code
// block, a formula), streamed at a realistic pace so a fresh install shows
// everything Parley does.
import { DEMO_MODEL_NAMES, formatBytes } from "../protocol/catalogue";
import { CONTINUE_INSTRUCTION } from "./context";
import { type ContextMessage, contextText, documentText, type LlmEvent, type LlmProvider, type ModelInfo, type StreamRequest } from "./types";

export const DEMO_PROVIDER_ID = "demo";
export const DEMO_MODEL_ID = "demo:parley-demo";

const STOP_WORDS = new Set(
  [
    "a an the and or but if then so to of in on at by for with about from into over is are was were be been am do does did have has had i you he she it we they me my your our their this that these those what which who how why when where can could would should will just not no yes please tell explain write",
    "и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только её ее мне было вот от меня ещё еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас опять вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без чего раз тоже себе под будет тогда кто этот того потому этого какой какая какие совсем ним здесь этом почти мой тем чтобы сейчас были куда зачем всех можно при об другой хоть после над больше тот через эти нас про всего них много эту моя хорошо свою этой перед лучше чуть том такой более между расскажи объясни напиши пожалуйста почему зачем",
  ]
    .join(" ")
    .split(" "),
);

export function keywordsOf(text: string, max = 4): string[] {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}_-]*/gu) ?? []) {
    if (word.length < 3 || STOP_WORDS.has(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
    .slice(0, max)
    .map(([word]) => word);
}

const TRAILING_WORDS = new Set("a an the and or but of in on at by for with to from into about".split(" "));

/**
 * A title as a person would write it: the question's first words (up to its
 * first sentence's end), not a list of keywords, which reads like a tag cloud.
 */
export function titleFromQuestion(text: string, maxWords = 6): string {
  const sentence = text.replace(/\s+/g, " ").trim().split(/(?<=[.?!:;])\s|\n/)[0] ?? "";
  const words = sentence.split(" ").filter(Boolean).slice(0, maxWords);
  // A title cut mid-phrase should not end on "of a".
  while (words.length > 1 && TRAILING_WORDS.has(words.at(-1)!.toLowerCase())) words.pop();
  const title = words.join(" ").replace(/[\s.,;:!?…-]+$/u, "");
  if (!title) return "Demo chat";
  return title[0]!.toUpperCase() + title.slice(1);
}

function identifierFrom(word: string): string {
  const cleaned = word.replace(/[^a-zA-Z0-9]/g, "");
  return /^[a-zA-Z]/.test(cleaned) ? cleaned : `topic${cleaned}`;
}

/** How many bytes a base64 text holds (its `=` padding stands for none). */
function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return (data.length * 3) / 4 - padding;
}

// What one image costs a real model as input: OpenAI's figure for a 1024×1024 picture in high detail.
const IMAGE_INPUT_TOKENS = 765;

/** The input a real model would count for these messages: about four characters a token, files included, plus each image. */
export function demoInputTokens(messages: readonly ContextMessage[]): number {
  let chars = 0;
  let images = 0;
  for (const message of messages) {
    for (const part of message.parts) {
      if (part.type === "text") chars += part.text.length;
      else if (part.type === "document") chars += documentText(part).length;
      else if (part.type === "image") images++;
    }
  }
  return Math.ceil(chars / 4) + images * IMAGE_INPUT_TOKENS;
}

/** The demo answers in the language of the question, as a real model does: Russian when most of its letters are Cyrillic. */
type DemoLanguage = "en" | "ru";
export function languageOf(text: string): DemoLanguage {
  const cyrillic = text.match(/\p{Script=Cyrillic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return cyrillic > latin ? "ru" : "en";
}

/** A Russian count's word: 1 слово, 2 слова, 5 слов. */
function ruPlural(n: number, [one, few, many]: [string, string, string]): string {
  const rule = new Intl.PluralRules("ru").select(n);
  return rule === "one" ? one : rule === "few" ? few : many;
}

/** What a document is, and how its text starts, for `describeAttachments`. */
interface DocumentWords {
  pdf: (readable: boolean) => string;
  text: string;
  starts: (start: string, lines: number) => string;
  empty: string;
}

/** The demo's words in each language; the answer is the same shape in both (`composeDemoAnswer`). */
const DEMO_WORDS: Record<
  DemoLanguage,
  {
    image: string;
    document: DocumentWords;
    noTopic: string;
    heading: (topic: string) => string;
    attached: (count: number) => string;
    wrote: (words: number, turn: number, firstLine: string) => string;
    breakdown: string;
    aspects: string[];
    noKeywords: string;
    sketch: string;
    codeWords: string;
    formula: (words: number) => string;
    addKey: string;
  }
> = {
  en: {
    image: "an image",
    document: {
      pdf: (readable) => (readable ? "a PDF I can read page by page" : "a PDF"),
      text: "a text file",
      starts: (start, lines) => ` whose text starts “${start}” (${lines} line${lines === 1 ? "" : "s"})`,
      empty: " with no text to read",
    },
    noTopic: "your question",
    heading: (topic) => `About ${topic}`,
    attached: (count) => `You attached ${count === 1 ? "one file" : `${count} files`}`,
    wrote: (words, turn, firstLine) =>
      `You wrote ${words} word${words === 1 ? "" : "s"}${turn > 1 ? ` (turn ${turn} of this chat)` : ""}: _“${firstLine}”_. I am Parley's **offline demo model**, so this answer is put together locally without any API key — but it streams and renders exactly like a real one.`,
    breakdown: "Here is how I would break it down:",
    aspects: ["the core idea", "how it is used", "what can go wrong", "where to read more"],
    noKeywords: "1. **Context** — say a little more and I will have more to work with",
    sketch: "A sketch in code:",
    codeWords: "words",
    formula: (words) => `And a formula for good measure — the number of unordered pairs among your ${words} words:`,
    addKey: "Add an API key for OpenAI, Anthropic or any OpenAI-compatible provider on [Settings → API keys](/settings/keys) to talk to a real model.",
  },
  ru: {
    image: "изображение",
    document: {
      pdf: (readable) => (readable ? "PDF, который я читаю постранично" : "PDF"),
      text: "текстовый файл",
      starts: (start, lines) => `, текст которого начинается «${start}» (${lines} ${ruPlural(lines, ["строка", "строки", "строк"])})`,
      empty: " без текста, который можно прочитать",
    },
    noTopic: "ваш вопрос",
    heading: (topic) => `Тема: ${topic}`,
    attached: (count) => `Вы приложили ${count === 1 ? "один файл" : `${count} ${ruPlural(count, ["файл", "файла", "файлов"])}`}`,
    wrote: (words, turn, firstLine) =>
      `Вы написали ${words} ${ruPlural(words, ["слово", "слова", "слов"])}${turn > 1 ? ` (вопрос ${turn} в этом чате)` : ""}: _«${firstLine}»_. Я — **офлайн-демомодель** Parley: этот ответ собран здесь же, без API-ключа, но приходит по частям и отображается точно так же, как ответ настоящей модели.`,
    breakdown: "Вот как я бы это разобрал:",
    aspects: ["главная идея", "как это применяют", "что может пойти не так", "где почитать ещё"],
    noKeywords: "1. **Контекст** — расскажите чуть подробнее, и мне будет с чем работать",
    sketch: "Набросок в коде:",
    codeWords: "слов",
    formula: (words) => `И формула для порядка — число неупорядоченных пар среди слов вашего сообщения (n = ${words}):`,
    addKey: "Добавьте API-ключ OpenAI, Anthropic или любого OpenAI-совместимого провайдера в разделе [Настройки → API-ключи](/settings/keys), чтобы говорить с настоящей моделью.",
  },
};

/** What the demo can say about the files of a turn (it reads them as any model would be sent them). */
function describeAttachments(message: ContextMessage, language: DemoLanguage): string[] {
  const words = DEMO_WORDS[language];
  const out: string[] = [];
  for (const part of message.parts) {
    if (part.type === "image") out.push(`${words.image} (${part.mediaType}, ${formatBytes(base64Bytes(part.data), language)})`);
    else if (part.type === "document") {
      const what = part.mediaType === "application/pdf" ? words.document.pdf(Boolean(part.data)) : words.document.text;
      const text = part.text ? words.document.starts(part.text.trim().split("\n")[0]!.slice(0, 60), part.text.split("\n").length) : words.document.empty;
      out.push(`**${part.name.replace(/[*_`[\]\\<>]/g, "\\$&")}**, ${what}${text}`);
    }
  }
  return out;
}

/**
 * What the demo says next: its answer, or after a Continue (the answer so far, then the instruction to go on) the
 * rest of the answer it was giving, as a real model would.
 */
export function demoAnswerText(messages: ContextMessage[]): string {
  const last = messages.at(-1);
  const cutOff = messages.at(-2);
  if (last?.role !== "user" || contextText(last) !== CONTINUE_INSTRUCTION || cutOff?.role !== "assistant") return composeDemoAnswer(messages);
  const whole = composeDemoAnswer(messages.slice(0, -2));
  const soFar = contextText(cutOff);
  return whole.startsWith(soFar) ? whole.slice(soFar.length) : whole;
}

/** The demo's full answer to a conversation (deterministic, so tests can reason about it). */
export function composeDemoAnswer(messages: ContextMessage[]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const prompt = lastUser ? contextText(lastUser).trim() : "";
  const firstLine = prompt.split("\n")[0]!.slice(0, 120);
  const words = prompt.split(/\s+/).filter(Boolean).length;
  const keywords = keywordsOf(prompt);
  const turn = messages.filter((m) => m.role === "user").length;
  const fn = identifierFrom(keywords[0] ?? "answer");
  const language = languageOf(prompt);
  const say = DEMO_WORDS[language];
  const attached = lastUser ? describeAttachments(lastUser, language) : [];
  const topic = keywords[0] ?? say.noTopic;
  const list = keywords.length ? keywords.map((k, i) => `${i + 1}. **${k}** — ${say.aspects[i]}`).join("\n") : say.noKeywords;
  return [
    `## ${say.heading(topic)}`,
    "",
    ...(attached.length ? [`${say.attached(attached.length)}: ${attached.join("; ")}.`, ""] : []),
    say.wrote(words, turn, firstLine),
    "",
    say.breakdown,
    "",
    list,
    "",
    say.sketch,
    "",
    "```ts",
    `function ${fn}(input: string): string {`,
    `  const words = input.split(/\\s+/).filter(Boolean);`,
    `  return \`${topic}: \${words.length} ${say.codeWords}\`;`,
    "}",
    "```",
    "",
    say.formula(words),
    "",
    "$$",
    `\\binom{n}{2} = \\frac{n(n-1)}{2}, \\quad n = ${words} \\Rightarrow ${(words * (words - 1)) / 2}`,
    "$$",
    "",
    say.addKey,
  ].join("\n");
}

/** Splits text into model-like tokens: words with their leading whitespace, long words in pieces. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const piece of text.match(/\s*\S+|\s+/g) ?? []) {
    for (let i = 0; i < piece.length; i += 6) tokens.push(piece.slice(i, i + 6));
  }
  return tokens;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export const DEMO_MODEL: ModelInfo = {
  id: DEMO_MODEL_ID,
  providerId: DEMO_PROVIDER_ID,
  upstreamId: "parley-demo",
  label: DEMO_MODEL_NAMES.en,
  // It reads what it is given (it lists the files it received), so it takes images and PDFs too.
  vision: true,
  pdf: true,
  tools: false,
  reasoning: false,
  contextWindow: 32_000,
  inputPricePerMTok: 0,
  outputPricePerMTok: 0,
};

export function createDemoProvider({ tokensPerSecond }: { tokensPerSecond: number }): LlmProvider {
  return {
    id: DEMO_PROVIDER_ID,
    label: "Demo",
    async listModels() {
      return [DEMO_MODEL];
    },
    async *stream({ messages, signal }: StreamRequest): AsyncIterable<LlmEvent> {
      const tokens = tokenize(demoAnswerText(messages));
      const interval = 1000 / tokensPerSecond;
      const started = performance.now();
      let sent = 0;
      for (const token of tokens) {
        // Pace against the clock, not per-token sleeps, so timer drift does not slow long answers.
        const due = started + sent * interval - performance.now();
        if (due > 1) await sleep(due, signal);
        if (signal.aborted) return;
        yield { type: "text", text: token };
        sent++;
      }
      yield { type: "usage", inputTokens: demoInputTokens(messages), outputTokens: sent };
      yield { type: "finish", reason: "stop" };
    },
    async complete({ messages }) {
      const text = titleFromQuestion(messages.map(contextText).join(" "));
      return { text, usage: { inputTokens: demoInputTokens(messages), outputTokens: tokenize(text).length } };
    },
  };
}
