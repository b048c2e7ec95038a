// axe (WCAG 2.2 A and AA rules and its best practices) run inside a page.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "@playwright/test";
import type { AxeResults, ElementContext } from "axe-core";

// axe itself (the engine @axe-core/playwright drives), put into each page once
// and run there: AxeBuilder injects it again for every run and opens a second
// page to finish each, which costs seconds a page on a busy machine.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/**
 * Serious and critical violations in the page (or the part `include` selects), and any about landmarks (a screen
 * reader's way around a page: two regions of one name are one too many), one readable line each.
 */
export async function violations(page: Page, where: string, include?: string): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    ([include, tags]) => {
      const axe = (window as unknown as { axe: { run(context: ElementContext, options: object): Promise<AxeResults> } }).axe;
      return axe.run(include ? { include: [include] } : document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    },
    [include, TAGS] as const,
  );
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || v.id.startsWith("landmark-"))
    .flatMap((v) => v.nodes.map((node) => `${where}: ${v.id} (${v.impact}) at ${node.target.join(" ")} — ${v.help}${node.failureSummary ? `\n    ${node.failureSummary.replace(/\n/g, "\n    ")}` : ""}`));
}

/** Text contrast, and on a phone the size of what is tapped: the rules a screen size, a theme or a language changes. */
export async function contrastAndTargets(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, {
      runOnly: { type: "rule", values: ["color-contrast", "target-size"] },
      resultTypes: ["violations"],
    }),
  );
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((node) => `${where}: ${v.id} at ${node.target.join(" ")} — ${node.failureSummary ?? v.help}`));
}
