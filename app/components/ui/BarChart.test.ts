import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { describe, expect, test } from "vitest";
import { createI18n } from "~/i18n/i18n";
import { RESOURCES } from "~/i18n/resources.server";
import { BarChart } from "./BarChart";

describe("the usage chart", () => {
  test("keeps every day's label inside the picture, the first and the last too", () => {
    for (const days of [7, 30, 31, 90]) {
      const bars = Array.from({ length: days }, (_, i) => ({ key: String(i), label: `${(i % 28) + 1} Nov 2026`, tick: `${(i % 28) + 1} нояб.`, value: i + 1 }));
      const html = renderToStaticMarkup(createElement(I18nextProvider, { i18n: createI18n("en", RESOURCES.en) }, createElement(BarChart, { bars, label: "Answers", format: String })));
      const centres = [...html.matchAll(/<text x="([\d.]+)" y="172"[^>]*text-anchor="middle"/g)].map((m) => Number(m[1]));
      expect(centres.length, `${days} days have labels`).toBeGreaterThan(3);
      expect(html).toContain(">1 нояб.</text>");
      // The longest label ("28 нояб.", eight characters) at 10 px is about 42 px wide: half of it on either side of its centre.
      for (const centre of centres) {
        expect(centre, `${days} days: a label starts inside the left edge`).toBeGreaterThanOrEqual(21);
        expect(centre, `${days} days: a label ends inside the right edge`).toBeLessThanOrEqual(720 - 21);
      }
    }
  });
});
