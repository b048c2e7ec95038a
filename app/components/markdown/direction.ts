// Each block of an answer is laid out in the direction of its own words
// (docs/decisions/172): a paragraph, heading, list item, quote or table cell
// gets dir="auto", so one in Arabic or Hebrew reads right to left (its
// punctuation at its end, its list number and quote bar on its right) while
// the English one beside it stays as it was. The browser takes an element's
// direction from its first letter with a direction of its own, skipping
// elements that have a `dir` of their own. So:
// - a paragraph or heading directly in a list item or a quote takes the
//   item's or the quote's direction: with a `dir` of its own it would hide its
//   words from them, and the item's number and the quote's bar would stay on
//   the left;
// - code and formulas are left to right (`dir="ltr"`), and do not decide the
//   direction of the words around them ("`npm install` ثم…" is Arabic).
// It runs after math and highlighting, which make the formulas' markup.

/** The part of a hast node this step reads and writes. */
interface HastNode {
  type: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

const OWN_DIRECTION = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "th", "td"]);
/** Blocks whose paragraphs and headings take their direction. */
const CONTAINERS = new Set(["li", "blockquote"]);
const WORDS_OF_CONTAINER = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6"]);

function isFormula(node: HastNode): boolean {
  const className = node.properties?.className;
  return node.tagName === "span" && Array.isArray(className) && (className.includes("katex") || className.includes("katex-display"));
}

function direct(node: HastNode, parent: HastNode | undefined): void {
  if (node.type === "element" && node.tagName) {
    if (node.tagName === "pre" || node.tagName === "code" || isFormula(node)) {
      node.properties = { ...node.properties, dir: "ltr" };
      return;
    }
    const followsContainer = WORDS_OF_CONTAINER.has(node.tagName) && parent?.tagName !== undefined && CONTAINERS.has(parent.tagName);
    if (OWN_DIRECTION.has(node.tagName) && !followsContainer) node.properties = { ...node.properties, dir: "auto" };
  }
  for (const child of node.children ?? []) direct(child, node);
}

/** The rehype step that gives each block of an answer its direction. */
export function rehypeDirection() {
  return (tree: HastNode) => direct(tree, undefined);
}
