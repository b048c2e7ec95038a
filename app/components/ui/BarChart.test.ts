import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { describe, expect, test } from "vitest";
import { createI18n } from "~/i18n/i18n";
import { RESOURCES } from "~/i18n/resources.server";
import { BarChart } from "./BarChart";

describe("the usage chart", () => {
  test("writes its words as text beside the drawing, each day's label inside the chart's width", () => {
    for (const days of [7, 30, 31, 90]) {
      const bars = Array.from({ length: days }, (_, i) => ({ key: String(i), label: `${(i % 28) + 1} Nov 2026`, tick: `${(i % 28) + 1} нояб.`, value: i + 1 }));
      const html = renderToStaticMarkup(createElement(I18nextProvider, { i18n: createI18n("en", RESOURCES.en) }, createElement(BarChart, { bars, label: "Answers", format: String })));
      // Nothing is written inside the drawing, which is scaled to the page's width (a phone's: the words would be a few pixels).
      expect(html).not.toContain("<text");
      expect(html).toContain(`max ${days}`);
      const ticks = [...html.matchAll(/<span style="([^"]*)" class="([^"]*)">([^<]*)<\/span>/g)].map(([, style, className, text]) => ({ style, className, text }));
      expect(ticks.length, `${days} days have labels`).toBeGreaterThan(3);
      expect(ticks[0]!.text).toBe("1 нояб.");
      for (const { style, className } of ticks) {
        const centre = /left:(\d+(?:\.\d+)?)%/.exec(style!);
        // Centred under its bar far enough from the edges for half of the longest label; else held by the edge.
        if (centre) {
          expect(className).toContain("-translate-x-1/2");
          expect(Number(centre[1])).toBeGreaterThanOrEqual(8);
          expect(Number(centre[1])).toBeLessThanOrEqual(92);
        } else expect(style).toMatch(/^(left|right):0$/);
      }
      // On a phone every other label gives way.
      expect(ticks.filter((t) => t.className!.includes("max-sm:hidden")).length).toBe(Math.floor(ticks.length / 2));
    }
  });
});
