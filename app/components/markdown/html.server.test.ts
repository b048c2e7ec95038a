import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import { describe, expect, test } from "vitest";
import { components, CopyLabelsContext, rehypePluginsWith, remarkPlugins, urlTransform } from "./components";
import { markdownAnswer } from "../../../bench/lib/markdown-corpus";
import { copyLabelsFor, markdownToHtml as toHtml, renderTextParts } from "./html.server";
import { needsMathStyles } from "./math-styles";
import { BlockSplitter } from "./split";

const markdownToHtml = (text: string) => toHtml(text, copyLabelsFor("en"));

describe("answers rendered to HTML on the server", () => {
  test("a page needs KaTeX's stylesheet only when an answer on it holds math", () => {
    const rendered = (text: string) => renderTextParts([{ type: "text", text }], { status: "complete", locale: "en" });
    const plain = rendered("It costs $5, no more.\n\nIn code, `$x$` stays code.\n\n```ts\nconst cost = \"$1 and $2\";\n```");
    const math = rendered("The sum is $\\frac{n(n-1)}{2}$.");
    expect(needsMathStyles([plain, undefined])).toBe(false);
    expect(needsMathStyles([plain, math])).toBe(true);
    expect(needsMathStyles([renderTextParts([{ type: "reasoning", text: "$x$" }], { status: "complete", locale: "en" })])).toBe(false);
    expect(needsMathStyles([])).toBe(false);
  });

  test("HTML inside a message is shown as text, never as markup", () => {
    const html = markdownToHtml('Hello <script>alert(1)</script> <img src="https://evil.example/x.png" onerror="alert(2)"> <b>bold</b>\n\n<div onclick="x()">block</div>');
    expect(html).not.toMatch(/<script|<img|<b>|<div onclick/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;b&gt;bold&lt;/b&gt;");
  });

  test("only http(s), mailto, in-page and same-site links keep their address", () => {
    const html = markdownToHtml(
      "[a](https://example.com/a) [b](mailto:x@example.com) [c](#part) [d](/chats) [e](javascript:alert(1)) [f](data:text/html,<p>x</p>) [g](vbscript:x) [h](JaVaScRiPt:alert(1))",
    );
    expect(html).toContain('href="https://example.com/a"');
    expect(html).toContain('href="mailto:x@example.com"');
    expect(html).toContain('href="#part"');
    expect(html).toContain('href="/chats"');
    expect(html).not.toMatch(/javascript:|data:|vbscript:/i);
    expect(html).toContain('rel="noopener noreferrer nofollow ugc"');
  });

  test("an image is a link the user may open, never loaded by the page", () => {
    const html = markdownToHtml("![a cat](https://tracker.example/pixel.png)");
    expect(html).not.toContain("<img");
    expect(html).toContain('<a href="https://tracker.example/pixel.png"');
    expect(html).toContain("[image: a cat]");
  });

  test("code is highlighted with a Copy button, math is typeset, tables are tables", () => {
    const html = markdownToHtml("```ts\nconst x: number = 1;\n```\n\n$$\n\\frac{a}{b}\n$$\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(html).toContain('<code class="hljs language-ts">');
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toContain('<button type="button" class="copy-button copy-code" data-copy-code="" aria-label="Copy code"><span class="copy-idle">Copy</span><span class="copy-done">Copied</span></button>');
    expect(html).toContain('class="katex-display"');
    expect(html).toContain("<annotation encoding=\"application/x-tex\">\\frac{a}{b}</annotation>");
    // Focusable: a wide one scrolls in its own box, by keyboard too.
    expect(html).toContain('<table tabindex="0" data-scroll-box="">');
    // Focused, a code block is named by what it is, not by its whole text.
    expect(html).toContain('<pre dir="ltr" tabindex="0" data-scroll-box="" role="group" aria-label="Code, ts">');
    expect(markdownToHtml("```\nplain\n```")).toContain('<pre dir="ltr" tabindex="0" data-scroll-box="" role="group" aria-label="Code">');
  });

  test("a code block's Copy button speaks the page's language, and each language's HTML is kept apart", () => {
    const parts = [{ type: "text" as const, text: "```sh\nls\n```" }];
    const english = renderTextParts(parts, { status: "complete", locale: "en" })[0]!.html;
    const russian = renderTextParts(parts, { status: "complete", locale: "ru" })[0]!.html;
    expect(russian).toContain('aria-label="Копировать код"><span class="copy-idle">Копировать</span><span class="copy-done">Скопировано</span>');
    expect(english).toContain('aria-label="Copy code"><span class="copy-idle">Copy</span><span class="copy-done">Copied</span>');
    expect(russian).toContain('role="group" aria-label="Код, sh"');
    expect(english).toContain('role="group" aria-label="Code, sh"');
    expect(renderTextParts(parts, { status: "complete", locale: "en" })[0]!.html).toBe(english);
  });

  test("text parts get their HTML and the length it covers; other parts get none", () => {
    const rendered = renderTextParts(
      [
        { type: "reasoning", text: "thinking" },
        { type: "text", text: "**done**" },
      ],
      { status: "complete", locale: "en" },
    );
    expect(rendered).toEqual([null, { html: '<p dir="auto"><strong>done</strong></p>', chars: 8 }]);
    // The same text again comes from the cache, the same HTML.
    expect(renderTextParts([{ type: "text", text: "**done**" }], { status: "complete", locale: "en" })[0]).toEqual(rendered[1]);
  });

  test("an answer cut short ends as it was shown while written: its unclosed markup closed; a finished one is as written", () => {
    const parts = [
      { type: "text" as const, text: "First **bold" },
      { type: "text" as const, text: "Some **bold and [a link](https://exa" },
    ];
    for (const status of ["interrupted", "error"] as const) {
      const [first, last] = renderTextParts(parts, { status, locale: "en" });
      // Only the last text is where the answer stopped.
      expect(first!.html).toBe('<p dir="auto">First **bold</p>');
      expect(last!.html).toBe('<p dir="auto">Some <strong>bold and a link</strong></p>');
      expect(last!.chars).toBe(parts[1]!.text.length);
    }
    expect(renderTextParts(parts, { status: "complete", locale: "en" })[1]!.html).toContain('<p dir="auto">Some **bold and [a link](');
  });

  test("an answer rendered block by block, as the page does while it streams, is the same markup as rendered whole", () => {
    const { text } = markdownAnswer(3000, 5);
    const { finished, last } = new BlockSplitter().update(text);
    expect(finished.length).toBeGreaterThan(10);
    expect([...finished, last].map(markdownToHtml).join("\n")).toBe(markdownToHtml(text));
  });

  test("before the page has loaded the math renderer, a formula shows as its source without a Copy button; code keeps its", () => {
    // What the browser's live renderer draws of an answer being written until KaTeX arrives (no rehype plugins yet).
    const html = renderToStaticMarkup(
      createElement(
        CopyLabelsContext.Provider,
        { value: copyLabelsFor("en") },
        createElement(ReactMarkdown, { remarkPlugins, rehypePlugins: rehypePluginsWith([]), components, urlTransform }, "```ts\nconst x = 1;\n```\n\n$$\n\\frac{a}{b}\n$$"),
      ),
    );
    expect(html.match(/data-copy-code/g)).toHaveLength(1);
    expect(html).toContain('<pre dir="ltr"><code class="language-math math-display">\\frac{a}{b}</code></pre>');
  });

  test("prices are text, and LaTeX's \\( \\) and \\[ \\] are formulas; code keeps its dollars and backslashes", () => {
    const text = (html: string) => html.replace(/<[^>]+>/g, "");
    const prices = markdownToHtml("It costs $5 and $10, or $5-$10 in bulk.");
    expect(prices).not.toContain("katex");
    expect(text(prices)).toBe("It costs $5 and $10, or $5-$10 in bulk.");
    // Formulas between single dollars still are.
    expect(markdownToHtml("Take $x^2$ and $2x$, then $$y$$.").match(/class="katex"/g)).toHaveLength(3);

    const latex = markdownToHtml("Inline \\(a^2 + b^2\\) and displayed:\n\n\\[\n\\int_0^1 x\\,dx\n\\]\n\nand \\[c\\] within a line.");
    expect(latex.match(/class="katex"/g)).toHaveLength(3);
    expect(latex.match(/class="katex-display"/g)).toHaveLength(1);
    expect(latex).not.toContain("\\(");
    expect(text(latex)).not.toContain("(a^2");

    const code = markdownToHtml("Write `\\(x\\)` or:\n\n```tex\n\\[ y \\]\n```\n\nand \\(z\\).");
    expect(code).toContain('<code dir="ltr">\\(x\\)</code>');
    expect(text(code)).toContain("\\[ y \\]");
    expect(code.match(/class="katex"/g)).toHaveLength(1);
  });

  test("each block takes the direction of its own words; a list item's or a quote's paragraphs take theirs", () => {
    const html = markdownToHtml(
      [
        "## כותרת",
        "",
        "مرحبا! هذا نص عربي مع كلمة English في الوسط، ورقم 123.",
        "",
        "1. אחד",
        "2. Two",
        "",
        "- loose item",
        "",
        "  its second paragraph",
        "",
        "> ציטוט ארוך",
        ">",
        "> עוד שורה",
        "",
        "| שם | גודל |",
        "|---|---|",
        "| אלף | 1 |",
      ].join("\n"),
    );
    expect(html).toContain('<h2 dir="auto">כותרת</h2>');
    expect(html).toContain('<p dir="auto">مرحبا! هذا نص عربي مع كلمة English في الوسط، ورقم 123.</p>');
    expect(html).toContain('<li dir="auto">אחד</li>');
    expect(html).toContain('<li dir="auto">Two</li>');
    expect(html).toContain('<li dir="auto">\n<p>loose item</p>\n<p>its second paragraph</p>\n</li>');
    expect(html).toContain('<blockquote dir="auto">\n<p>ציטוט ארוך</p>\n<p>עוד שורה</p>\n</blockquote>');
    expect(html).toContain('<th dir="auto">שם</th>');
    expect(html).toContain('<td dir="auto">אלף</td>');
  });

  test("code and formulas are left to right, and leave the direction to the words around them", () => {
    const html = markdownToHtml("`npm install` ثم $E = mc^2$ نهاية\n\n```sh\nls -la\n```");
    expect(html).toMatch(/^<p dir="auto"><code dir="ltr">npm install<\/code> ثم <span class="katex" dir="ltr">/);
    expect(html).toContain('<pre dir="ltr" tabindex="0"');
  });

  test("the live renderer's blocks of a text with LaTeX delimiters render as the whole", () => {
    const answer = "First \\(x\\).\n\n\\[\ny = 2\n\\]\n\nIt costs $5 and $10.";
    // As the live renderer does: the answer split as written, each block's delimiters read on their own.
    const { finished, last } = new BlockSplitter().update(answer);
    expect([...finished, last].map(markdownToHtml).join("\n")).toBe(markdownToHtml(answer));
  });
});
