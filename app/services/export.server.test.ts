import { describe, expect, test } from "vitest";
import { asMarkdownText, chatMarkdown, slugOf, underSpeaker, zipFilePath } from "./export.server";

describe("an exported chat's file name", () => {
  test("keeps the letters of any alphabet whole, and folds accents off Latin letters", () => {
    expect(slugOf("Байкал — глубины")).toBe("байкал-глубины");
    expect(slugOf("Ёлка и йогурт")).toBe("ёлка-и-йогурт");
    expect(slugOf("Café crème, naïve")).toBe("cafe-creme-naive");
    expect(slugOf("ﬁle №5")).toBe("file-no5");
    expect(slugOf("***")).toBe("chat");
  });
});

describe("the Markdown export's heading", () => {
  const source = {
    chat: { id: "c", title: "Байкал", model: "demo:parley-demo", systemPrompt: "", createdAt: Date.UTC(2026, 11, 5, 3, 15, 40), activeLeafId: null },
    messages: [],
    attachments: new Map(),
  } as unknown as Parameters<typeof chatMarkdown>[0];

  test("says when the chat was made as a person reads a date, in the exporter's language", () => {
    expect(chatMarkdown(source, "en")).toContain("Model: Demo (offline) · `demo:parley-demo` · Created December 5, 2026 at 3:15 AM UTC");
    expect(chatMarkdown(source, "ru")).toContain("Модель: Демо (офлайн) · `demo:parley-demo` · Создан 5 декабря 2026 г. в 03:15 UTC");
  });
});

describe("the Markdown export's turns", () => {
  test("an answer's own headings sit under its speaker's, code left as it is; the model is named", () => {
    const text = ["## About hummocks", "Ice piles up.", "", "```md", "## not a heading here", "```", "### Where", "###### deep", "#hashtag stays"].join("\n");
    expect(underSpeaker(text).split("\n")).toEqual(["#### About hummocks", "Ice piles up.", "", "```md", "## not a heading here", "```", "##### Where", "###### deep", "#hashtag stays"]);
    const source = {
      chat: { id: "c", title: "Ice", model: "demo:parley-demo", systemPrompt: "", createdAt: Date.UTC(2026, 11, 5), activeLeafId: "a" },
      messages: [
        { id: "u", role: "user", parentId: null, parts: [{ type: "text", text: "Tell me" }], status: "complete", model: null },
        { id: "a", role: "assistant", parentId: "u", parts: [{ type: "text", text: "## About hummocks\nIce." }], status: "complete", model: "demo:parley-demo" },
      ],
      attachments: new Map(),
    } as unknown as Parameters<typeof chatMarkdown>[0];
    const markdown = chatMarkdown(source, "en");
    expect(markdown).toContain("## You\n\nTell me\n\n## Assistant · Demo (offline)\n\n#### About hummocks\nIce.");
  });
});

describe("a file's place in the archive", () => {
  test("is its hash, then its own name, made safe as one path segment", () => {
    const sha256 = "a".repeat(64);
    expect(zipFilePath({ sha256, name: "report.pdf" })).toBe(`attachments/${sha256}/report.pdf`);
    expect(zipFilePath({ sha256, name: "../../etc/passwd" })).toBe(`attachments/${sha256}/__.._etc_passwd`);
    expect(zipFilePath({ sha256, name: 'a\\b:c*?"<>|.txt' })).toBe(`attachments/${sha256}/a_b_c______.txt`);
    expect(zipFilePath({ sha256, name: "" })).toBe(`attachments/${sha256}/file`);
  });
});

describe("a title and file names in the Markdown export", () => {
  test("stay the characters they are: no HTML, emphasis or links made of them", () => {
    expect(asMarkdownText("<img src=x onerror=alert(1)>.txt")).toBe("\\<img src=x onerror=alert(1)\\>.txt");
    expect(asMarkdownText("*draft* [v2](x) `a_b` ~~old~~ & co")).toBe("\\*draft\\* \\[v2\\](x) \\`a\\_b\\` \\~\\~old\\~\\~ \\& co");
    expect(asMarkdownText("C# notes, line\nbreak")).toBe("C# notes, line break");
    const source = {
      chat: { id: "c", title: "<b>Bold</b> plans", model: "demo:parley-demo", systemPrompt: "", createdAt: Date.UTC(2026, 11, 5), activeLeafId: "u" },
      messages: [{ id: "u", role: "user", parentId: null, parts: [{ type: "file", attachmentId: "f", name: "<script>x</script>.txt", mediaType: "text/plain", size: 3 }], status: "complete", model: null }],
      attachments: new Map(),
    } as unknown as Parameters<typeof chatMarkdown>[0];
    const markdown = chatMarkdown(source, "en");
    expect(markdown).toMatch(/^# \\<b\\>Bold\\<\/b\\> plans\n/);
    expect(markdown).toContain("- \\<script\\>x\\</script\\>.txt (text/plain)");
    expect(markdown).not.toMatch(/(^|[^\\])<(b|script)>/);
  });

  test("a system prompt, a model's name and its reasoning are text too, their lines kept; the answer itself stays Markdown", () => {
    const html = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    const source = {
      chat: { id: "c", title: "Plans", model: `custom:x${html}`, systemPrompt: `Be brief.\n# Not a heading ${html}`, createdAt: Date.UTC(2026, 11, 5), activeLeafId: "a" },
      messages: [
        { id: "u", role: "user", parentId: null, parts: [{ type: "text", text: "Go" }], status: "complete", model: null },
        { id: "a", role: "assistant", parentId: "u", parts: [{ type: "reasoning", text: `First *this*\n</details>${html}` }, { type: "text", text: "**Done.**" }], status: "complete", model: `gpt-4o${html}` },
      ],
      attachments: new Map(),
    } as unknown as Parameters<typeof chatMarkdown>[0];
    const markdown = chatMarkdown(source, "en");
    expect(markdown).toContain("> Be brief.\n> \\# Not a heading \\<script\\>alert(1)\\</script\\>\\<img src=x onerror=alert(2)\\>");
    expect(markdown).toContain("## Assistant · gpt-4o\\<script\\>");
    expect(markdown).toContain("<details><summary>Reasoning</summary>\n\nFirst \\*this\\*\n\\</details\\>\\<script\\>");
    expect(markdown).toContain("**Done.**");
    // No tag of the chat's own words is left whole outside a code span (the model's id, shown as it is): only the
    // export's <details> and <summary>.
    expect(markdown.replace(/`[^`\n]*`/g, "").match(/(^|[^\\])<\/?[a-z]+/g)!.map((tag) => tag.replace(/^[^<]/, ""))).toEqual(["<details", "<summary", "</summary", "</details"]);
  });
});
