// The live renderer: an answer being written, shown block by block. Finished
// blocks are rendered once and kept (memo on their text); only the last
// block is rendered again as text arrives, after closing its unterminated
// syntax (heal.ts). Loaded by the page only when an answer streams
// (Markdown.tsx), and it loads highlighting and KaTeX (rich.ts) only when
// the answer contains code or math.
import { memo, startTransition, useEffect, useState } from "react";
import ReactMarkdown from "react-markdown";
import type { PluggableList } from "unified";
import { components, remarkPlugins, urlTransform } from "./components";
import { healPartialMarkdown } from "./heal";
import { BlockSplitter } from "./split";

const NO_PLUGINS: PluggableList = [];
let richPlugins: PluggableList | null = null;
let richLoading: Promise<PluggableList> | null = null;

/** Fenced code (highlighted when it names its language) and math are what the rich plugins render; prose does not need them. */
const NEEDS_RICH = /```|~~~|\$/;

function loadRich(): Promise<PluggableList> {
  richLoading ??= import("./rich").then((module) => (richPlugins = module.richPlugins));
  return richLoading;
}

/** The rich plugins once loaded; asks for them the first time the text needs them. */
function useRichPlugins(text: string): PluggableList {
  const needed = NEEDS_RICH.test(text);
  const [plugins, setPlugins] = useState<PluggableList>(richPlugins ?? NO_PLUGINS);
  useEffect(() => {
    if (!needed || plugins !== NO_PLUGINS) return;
    let current = true;
    // Rendering every block again with highlighting is not urgent: let React do it in slices.
    void loadRich().then((loaded) => current && startTransition(() => setPlugins(loaded)));
    return () => {
      current = false;
    };
  }, [needed, plugins]);
  return plugins;
}

const Block = memo(function Block({ text, rehypePlugins }: { text: string; rehypePlugins: PluggableList }) {
  return (
    <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} urlTransform={urlTransform}>
      {text}
    </ReactMarkdown>
  );
});

export function LiveBlocks({ text, streaming }: { text: string; streaming: boolean }) {
  const [splitter] = useState(() => new BlockSplitter());
  const { finished, last } = splitter.update(text);
  const rehypePlugins = useRichPlugins(text);
  return (
    <>
      {finished.map((block, index) => (
        <Block key={index} text={block} rehypePlugins={rehypePlugins} />
      ))}
      {last ? <Block key={finished.length} text={streaming ? healPartialMarkdown(last) : last} rehypePlugins={rehypePlugins} /> : null}
    </>
  );
}
