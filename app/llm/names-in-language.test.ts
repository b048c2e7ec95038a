import { describe as suite, expect, test } from "vitest";
import { CATALOGUE, describe, ownKeyLabel, ownServerLabel, providerLabelIn, providerNameIn } from "../protocol/catalogue";
import type { ErrorCode } from "../protocol/errors";
import { ru } from "../i18n/ru";
import { inLanguage, modelNameIn } from "./catalog.server";
import { DEMO_MODEL_ID, DEMO_PROVIDER_ID } from "./demo.server";

suite("names said in the page's language", () => {
  test("the demo, a server of one's own and one's own keys are words; brand names stay", () => {
    const groups = [
      { providerId: DEMO_PROVIDER_ID, label: "Demo", models: [{ id: DEMO_MODEL_ID, label: "Demo (offline)" }] },
      { providerId: "custom", label: ownKeyLabel("Custom"), models: [] },
      { providerId: "groq", label: ownKeyLabel("Groq"), models: [] },
      { providerId: "ollama", label: ownServerLabel("Ollama"), models: [] },
      { providerId: "openai", label: "OpenAI", models: [] },
    ] as unknown as Parameters<typeof inLanguage>[0];
    expect(inLanguage(groups, "ru").map((g) => [g.label, g.models.map((m) => m.label)])).toEqual([
      ["Демо", ["Демо (офлайн)"]],
      ["Свой сервер (ваш ключ)", []],
      ["Groq (ваш ключ)", []],
      ["Ollama (ваш адрес)", []],
      ["OpenAI", []],
    ]);
    expect(inLanguage(groups, "en")).toBe(groups);
    expect(providerNameIn("Custom", "ru")).toBe("Свой сервер");
    expect(providerNameIn("Anthropic", "ru")).toBe("Anthropic");
    expect(modelNameIn(DEMO_MODEL_ID, "ru")).toBe("Демо (офлайн)");
  });

  test("an error about one's own key names it in the reader's language", () => {
    const problem = { code: "key_rejected" as const, params: { provider: ownKeyLabel("OpenAI"), status: 401 } };
    expect(describe(problem, "en")).toContain("OpenAI (your key)");
    expect(describe(problem, "ru")).toContain("OpenAI (ваш ключ)");
    expect(describe(problem, "ru")).not.toContain("your key");
  });

  test("an error names a server of one's own in the reader's language, and a name its operator chose as it is", () => {
    const own = { code: "provider_unreachable" as const, params: { provider: ownServerLabel("Custom") } };
    expect(describe(own, "en")).toContain("Could not reach Custom (your server)");
    expect(describe(own, "ru")).toContain("Свой сервер (ваш адрес)");
    expect(describe(own, "ru")).not.toMatch(/Custom|your server/);
    const named = { code: "provider_unreachable" as const, params: { provider: "Acme vLLM" } };
    expect(describe(named, "ru")).toContain("Acme vLLM");
    expect(providerLabelIn("Acme vLLM", "ru")).toBe("Acme vLLM");
    expect(providerLabelIn(ownKeyLabel("Demo"), "ru")).toBe("Демо (ваш ключ)");
  });

  test("Russian errors name a provider in Russian, in a place where its name needs no case ending", () => {
    const codes = Object.keys(CATALOGUE.ru) as ErrorCode[];
    const unnamed = codes.map((code) => describe({ code, params: { status: 500, seconds: 30, listing: "rejected" } }, "ru"));
    // Before, errors that named no provider fell back to English words in a Russian sentence.
    expect(unnamed.filter((text) => /model provider/i.test(text))).toEqual([]);
    // A provider's name is said as it is ("Свой сервер", not "Своего сервера"): only where Russian keeps the
    // nominative, at the start of a sentence or after a colon, never after a preposition ("с", "у") or a noun.
    const name = "Свой сервер (ваш адрес)";
    const named = codes.flatMap((code) => {
      const text = describe({ code, params: { provider: ownServerLabel("Custom"), status: 500, seconds: 30 } }, "ru");
      return text.includes(name) ? [[code, text] as const] : [];
    });
    expect(named.length).toBeGreaterThan(10);
    const misplaced = named.filter(([, text]) => text.split(name).slice(0, -1).some((before) => !/(^|[.:!?] )$/.test(before)));
    expect(misplaced).toEqual([]);
  });

  test("the interface's Russian strings put a provider's name where it needs no case ending too", () => {
    const strings = (value: unknown, key: string): [string, string][] =>
      typeof value === "string" ? [[key, value]] : value && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => strings(v, `${key}.${k}`)) : [];
    const withProvider = strings(ru, "ru").filter(([, text]) => text.includes("{{provider}}"));
    expect(withProvider.length).toBeGreaterThan(10);
    // At the start of a sentence, or after a colon or a dash.
    const misplaced = withProvider.filter(([, text]) => text.split("{{provider}}").slice(0, -1).some((before) => !/(^|[.:!?—] )$/.test(before)));
    expect(misplaced).toEqual([]);
  });
});

suite("a model named without the picker (usage report, exports)", () => {
  test("a dated snapshot has its model's name; a newer model of a known family keeps its own id", () => {
    expect(modelNameIn("anthropic:claude-haiku-4-5-20251001", "en")).toBe("Claude Haiku 4.5");
    expect(modelNameIn("openai:gpt-4o-2024-08-06", "en")).toBe("GPT-4o");
    expect(modelNameIn("openai:gpt-4o-mini", "en")).toBe("GPT-4o mini");
    expect(modelNameIn("anthropic:claude-haiku-4-5-preview", "en")).toBe("claude-haiku-4-5-preview");
    expect(modelNameIn("openai:gpt-4o-2024", "en")).toBe("gpt-4o-2024");
  });
});
