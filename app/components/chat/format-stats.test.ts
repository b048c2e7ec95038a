import { describe, expect, test } from "vitest";
import { formatStats } from "./MessageItem";
import { pickerLabel } from "./ModelPicker";

describe("an answer's stats", () => {
  test("a first token within the millisecond reads < 1 ms, not 0 ms", () => {
    expect(formatStats({ timeToFirstTokenMs: 0 })).toEqual(["TTFT < 1 ms"]);
    expect(formatStats({ timeToFirstTokenMs: 212 })).toEqual(["TTFT 212 ms"]);
  });
});

describe("a model's name in the picker", () => {
  test("says the provider once when the model's name starts with it", () => {
    expect(pickerLabel("Demo", "Demo (offline)")).toBe("Demo (offline)");
    expect(pickerLabel("OpenAI", "GPT-4o mini")).toBe("OpenAI · GPT-4o mini");
  });
});
