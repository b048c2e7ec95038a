// What the benchmark's scripted tokens look like. Each token is
// `t<index>:<stamp> ` where the fake upstream replaces the stamp placeholder
// with the time it wrote the token (bench/fake-upstream.ts).
export const TOKEN_STAMP = "@@STAMP@@";

export const BENCH_MODEL = "gpt-4o-mini";
/** Parley's id for it: provider prefix + upstream id. */
export const PARLEY_MODEL = `openai:${BENCH_MODEL}`;

export function stampedTokens(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `t${index}:${TOKEN_STAMP} `);
}

export interface ParsedToken {
  index: number;
  /** When the fake wrote it (ms, wall clock). */
  sentAt: number;
}

const TOKEN = /^t(\d+):(\d+(?:\.\d+)?) $/;

export function parseToken(text: string): ParsedToken | null {
  const match = TOKEN.exec(text);
  return match ? { index: Number(match[1]), sentAt: Number(match[2]) } : null;
}

/** A fake upstream script (tests/fakes/script.ts) for `count` tokens, `gapMs` apart. */
export function pacedScript(count: number, gapMs: number, firstTokenDelayMs = 0) {
  return { tokens: stampedTokens(count), tokenDelayMs: gapMs, firstTokenDelayMs };
}

/**
 * Reads Chat Completions SSE text as it arrives: feed it chunks, get the
 * content deltas of the complete events so far (the bare relays' parser).
 */
export function completionDeltaReader(): (chunk: Uint8Array) => string[] {
  const decoder = new TextDecoder();
  let buffer = "";
  return (chunk) => {
    buffer += decoder.decode(chunk, { stream: true });
    const texts: string[] = [];
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
      const text = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
      if (text) texts.push(text);
    }
    return texts;
  };
}
