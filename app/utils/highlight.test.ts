import { describe, expect, test } from "vitest";
import { readableSnippet } from "./highlight";

describe("a snippet's words", () => {
  test("lose emphasis marks next to a cut snippet's “…” and typographic quotes, in any language", () => {
    expect(readableSnippet("…_“Какая глубина у Байкала?”_ — спросил он")).toBe("…“Какая глубина у Байкала?” — спросил он");
    expect(readableSnippet("Он ответил *«около 1642 метров»*…")).toBe("Он ответил «около 1642 метров»…");
    expect(readableSnippet("…*bold* and _„quoted“_")).toBe("…bold and „quoted“");
  });

  test("keep what is not emphasis: a product, snake_case, a lone star", () => {
    expect(readableSnippet("2 * 3 is six; call read_file_now; rate: 5 *")).toBe("2 * 3 is six; call read_file_now; rate: 5 *");
  });
});
