import { describe, expect, test } from "vitest";
import { formatUsd } from "./i18n";

describe("an amount in dollars", () => {
  test("is written as each language writes money, to the cent", () => {
    expect(formatUsd(1234.5, "en")).toBe("$1,234.50");
    expect(formatUsd(1234.5, "ru").replace(/\s/g, " ")).toBe("1 234,50 $");
    expect(formatUsd(0, "en")).toBe("$0.00");
  });

  test("a little above nothing never reads as free", () => {
    expect(formatUsd(0.0001, "en")).toBe("< $0.01");
    expect(formatUsd(0.0001, "ru").replace(/\s/g, " ")).toBe("< 0,01 $");
  });
});
