import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { describe, expect, test } from "vitest";
import { createI18n } from "./i18n";
import { Trans } from "./Trans";
import type { Resource } from "./types";

function render(sentence: string, values: Record<string, string>): string {
  const i18n = createI18n("en", { sentence } as unknown as Resource);
  return renderToStaticMarkup(h(I18nextProvider, { i18n }, h(Trans, { i18nKey: "sentence" as never, values, components: { strong: h("strong") } })));
}

describe("Trans", () => {
  test("a value with < in it keeps its characters, inside markup and out", () => {
    expect(render("<strong>{{cost}}</strong> estimated", { cost: "< $0.01" })).toBe("<strong>&lt; $0.01</strong> estimated");
    expect(render("by {{name}}, <strong>{{email}}</strong>", { name: "Bob <3 & co", email: "<b>x</b>@example.com" })).toBe("by Bob &lt;3 &amp; co, <strong>&lt;b&gt;x&lt;/b&gt;@example.com</strong>");
  });

  test("a value a person wrote is isolated in the <bdi> its sentence puts it in, with its characters kept", () => {
    expect(render("“<bdi>{{title}}</bdi>” is archived", { title: "מה <3?" })).toBe("“<bdi>מה &lt;3?</bdi>” is archived");
    expect(render("<strong>{{n}}</strong> by <bdi>{{name}}</bdi>", { n: "3", name: "Ada" })).toBe("<strong>3</strong> by <bdi>Ada</bdi>");
  });

  test("the sentence's own markup still becomes its components, and plain values are as they were", () => {
    expect(render("{{from}} to {{to}}: <strong>{{n}}</strong> requests", { from: "1 Dec", to: "5 Dec", n: "12,000" })).toBe("1 Dec to 5 Dec: <strong>12,000</strong> requests");
  });
});
