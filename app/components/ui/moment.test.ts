import { describe, expect, test } from "vitest";
import { formatMoment } from "./moment";

describe("moments in lists and notices", () => {
  const at = Date.UTC(2026, 11, 5, 11, 43, 20);
  test("as served: the date and time in UTC, in the page's language", () => {
    expect(formatMoment(at, "en", { timeZone: "UTC" })).toBe("5 Dec 2026, 11:43 UTC");
    expect(formatMoment(at, "ru", { timeZone: "UTC" })).toBe("5 дек. 2026 г., 11:43 UTC");
    expect(formatMoment(at, "en", { timeZone: "UTC", dateOnly: true })).toBe("5 Dec 2026 UTC");
    expect(formatMoment(at, "ru", { timeZone: "UTC", dateOnly: true })).toBe("5 дек. 2026 г. UTC");
  });

  test("in the browser: the reader's own time, without a zone named", () => {
    const local = formatMoment(at, "en");
    expect(local).not.toContain("UTC");
    expect(local).toMatch(/^\d{1,2} Dec 2026, \d{2}:\d{2}$/);
  });
});
