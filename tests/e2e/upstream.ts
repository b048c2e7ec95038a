// Scripting the fake upstreams from e2e tests. Every script carries a `match`
// marker that only the test's own prompt contains, so parallel tests sharing
// one fake never take each other's scripts.
import type { FakeScript, RecordedRequest } from "../fakes/script";
import { E2E } from "./env";

type Upstream = "openai" | "anthropic";

function base(upstream: Upstream): string {
  return upstream === "openai" ? E2E.fakeOpenAIURL : E2E.fakeAnthropicURL;
}

export function uniqueMarker(prefix = "m"): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export async function queueScripts(upstream: Upstream, marker: string, ...scripts: FakeScript[]): Promise<void> {
  const response = await fetch(`${base(upstream)}/__script`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(scripts.map((script) => ({ ...script, match: marker }))),
  });
  if (!response.ok) throw new Error(`could not script the fake ${upstream}: ${response.status}`);
}

/** The streaming generation requests whose messages mention `marker` (the non-streaming title request is left out). */
export async function requestsWith(upstream: Upstream, marker: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${base(upstream)}/__requests`);
  const all = (await response.json()) as RecordedRequest[];
  return all.filter((request) => request.body?.stream === true && JSON.stringify(request.body?.messages ?? []).includes(marker));
}

/** `count` tokens of text; their concatenation is the answer. */
export function numberedTokens(count: number, word = "word"): string[] {
  return Array.from({ length: count }, (_, i) => `${word}${i + 1} `);
}
