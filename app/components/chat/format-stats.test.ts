import { describe, expect, test } from "vitest";
import { formatStats } from "./MessageItem";
import { pickerLabel } from "./ModelPicker";

describe("an answer's stats", () => {
  test("a first token within the millisecond reads < 1 ms, not 0 ms", () => {
    expect(formatStats({ timeToFirstTokenMs: 0 })).toEqual(["TTFT < 1 ms"]);
    expect(formatStats({ timeToFirstTokenMs: 212 })).toEqual(["TTFT 212 ms"]);
    // In Russian, in Russian words.
    expect(formatStats({ timeToFirstTokenMs: 6 }, "ru")).toEqual(["1-й токен 6 мс"]);
    // Money too is written with the language's decimal mark, and its sign where the language puts it.
    expect(formatStats({ costUsd: 0.00004 }, "ru")).toEqual(["0,00004\u00a0$"]);
    expect(formatStats({ costUsd: 0.25 }, "en")).toEqual(["$0.250"]);
  });

  test("token counts are grouped as the language writes numbers", () => {
    expect(formatStats({ inputTokens: 1234, outputTokens: 10096 }, "en")).toEqual(["1,234 in", "10,096 out"]);
    expect(formatStats({ inputTokens: 1234, outputTokens: 10096 }, "ru")).toEqual(["1\u00a0234 вх.", "10\u00a0096 вых."]);
  });
});

describe("a model's name in the picker", () => {
  test("says the provider once when the model's name starts with it", () => {
    expect(pickerLabel("Demo", "Demo (offline)")).toBe("Demo (offline)");
    expect(pickerLabel("OpenAI", "GPT-4o mini")).toBe("OpenAI · GPT-4o mini");
  });
});
