import { describe, expect, test } from "vitest";
import { continueRendered } from "./Markdown";

// Until the live renderer loads, an answer being written shows the server's HTML of the text so far and what has
// come since: the words that go on in the last paragraph are in it, not a paragraph of their own.
describe("the server's HTML of an answer, continued by what came after it", () => {
  test("words that go on in the last paragraph are written into it, with the space between kept", () => {
    expect(continueRendered({ html: "<p>w1 w2 w21,</p>", chars: 11 }, "w1 w2 w21, w22 w23")).toEqual({ html: "<p>w1 w2 w21, w22 w23</p>", after: "" });
    expect(continueRendered({ html: "<p>Half a wo</p>", chars: 9 }, "Half a word <b>")).toEqual({ html: "<p>Half a word &lt;b&gt;</p>", after: "" });
  });

  test("what starts after a blank line is a new block", () => {
    expect(continueRendered({ html: "<p>One.</p>", chars: 4 }, "One.\n\nTwo")).toEqual({ html: "<p>One.</p>", after: "Two" });
    expect(continueRendered({ html: "<p>One.</p>", chars: 6 }, "One.\n\nTwo")).toEqual({ html: "<p>One.</p>", after: "Two" });
    expect(continueRendered({ html: "<p>One</p>", chars: 3 }, "One more.\n\nTwo")).toEqual({ html: "<p>One more.</p>", after: "Two" });
  });

  test("HTML that does not end in a paragraph (a list, code) is left as it is", () => {
    expect(continueRendered({ html: "<ul>\n<li>a</li>\n</ul>", chars: 3 }, "- a and b")).toEqual({ html: "<ul>\n<li>a</li>\n</ul>", after: "and b" });
    expect(continueRendered({ html: "<p>All of it</p>", chars: 9 }, "All of it")).toEqual({ html: "<p>All of it</p>", after: "" });
  });
});
