import { describe, expect, test } from "vitest";
import { answerSpeed } from "./generation.server";

describe("an answer's speed", () => {
  test("is tokens per second from the first token to the end, to a tenth", () => {
    expect(answerSpeed(100, 2)).toBe(50);
    expect(answerSpeed(47, 0.9)).toBe(52.2);
  });

  test("is not stated for tokens that came in one burst, or a single token", () => {
    expect(answerSpeed(300, 0.015)).toBeUndefined();
    expect(answerSpeed(300, 0.49)).toBeUndefined();
    expect(answerSpeed(1, 3)).toBeUndefined();
  });
});
