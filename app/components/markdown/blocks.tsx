// The live renderer: an answer being written, shown block by block. Finished
// blocks are rendered once and kept (memo on their text); only the last
// block is rendered again as text arrives, after closing its unterminated
// syntax (heal.ts). Loaded by the page only when an answer streams
// (Markdown.tsx), and it loads KaTeX and highlighting (rich.ts) only when
// the answer contains math or fenced code.
import { Fragment, memo, startTransition, useEffect, useMemo, useState } from "react";
import ReactMarkdown from "react-markdown";
import type { PluggableList } from "unified";
import { useTranslation } from "~/i18n/i18n";
import { components, copyLabelsOf, CopyLabelsContext, rehypePluginsWith, remarkPlugins, urlTransform } from "./components";
import { healPartialMarkdown } from "./heal";
import { normalizeMathDelimiters } from "./math-delimiters";
import { linkMathStyles } from "./math-styles";
import { BlockSplitter } from "./split";
import type { RenderedText } from "./Markdown";

/** Before math or highlighting has loaded: each block's direction alone. */
const FIRST_PLUGINS: PluggableList = rehypePluginsWith([]);

/** Math and highlighting, each loaded the first time an answer being written needs it (rich.ts). */
const loaders = {
  math: {
    // Dollars, or LaTeX's own \( and \[ (math-delimiters.ts).
    needed: /\$|\\[([]/,
    load: () => {
      // The page may have shown no math so far: its stylesheet comes with the plugin.
      linkMathStyles();
      return import("./rich-math").then((module) => module.mathPlugin);
    },
  },
  highlight: { needed: /```|~~~/, load: () => import("./rich-highlight").then((module) => module.highlightPlugin) },
} as const;
type RichKind = keyof typeof loaders;
const loaded: Partial<Record<RichKind, PluggableList[number]>> = {};
const loading: Partial<Record<RichKind, Promise<unknown>>> = {};

function loadedPlugins(): PluggableList {
  // Math first, as on the server (rich.ts).
  return rehypePluginsWith((["math", "highlight"] as const).flatMap((kind) => (loaded[kind] ? [loaded[kind]] : [])));
}

/** Waits before asking again for a plugin that failed to load (the connection dropped): 2, 4, 8, 16, 32 s. */
const RETRY_MS = [2_000, 4_000, 8_000, 16_000, 32_000];

/** The rich plugins this text needs, once loaded, and whether some are still missing; asks for the missing ones. */
function useRichPlugins(text: string): { plugins: PluggableList; missing: boolean } {
  const missing = (Object.keys(loaders) as RichKind[]).filter((kind) => !loaded[kind] && loaders[kind].needed.test(text)).join(",");
  const [plugins, setPlugins] = useState<PluggableList>(() => {
    const now = loadedPlugins();
    return now.length > FIRST_PLUGINS.length ? now : FIRST_PLUGINS;
  });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!missing) return;
    let current = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    for (const kind of missing.split(",") as RichKind[]) {
      const load = (loading[kind] ??= loaders[kind].load().then((plugin) => (loaded[kind] = plugin)));
      load.then(
        // Rendering every block again with them is not urgent: let React do it in slices.
        () => current && startTransition(() => setPlugins(loadedPlugins())),
        () => {
          // A failed load is forgotten, so this answer (or the next) asks again: the text shows plain meanwhile.
          if (loading[kind] === load) delete loading[kind];
          if (current && attempt < RETRY_MS.length) retry ??= setTimeout(() => setAttempt(attempt + 1), RETRY_MS[attempt]);
        },
      );
    }
    return () => {
      current = false;
      clearTimeout(retry);
    };
  }, [missing, attempt]);
  return { plugins, missing: missing !== "" };
}

const Block = memo(function Block({ text, rehypePlugins }: { text: string; rehypePlugins: PluggableList }) {
  return (
    // Each block's LaTeX delimiters once (a finished block is memoized), not the whole answer's at every token.
    <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} urlTransform={urlTransform}>
      {normalizeMathDelimiters(text)}
    </ReactMarkdown>
  );
});

export function LiveBlocks({ text, streaming, cut = false, rendered }: { text: string; streaming: boolean; cut?: boolean; rendered?: RenderedText | null }) {
  const [splitter] = useState(() => new BlockSplitter());
  const { finished, last } = splitter.update(text);
  const { plugins: rehypePlugins, missing } = useRichPlugins(text);
  const { t } = useTranslation();
  const labels = useMemo(() => copyLabelsOf(t), [t]);
  // An answer done whose highlighting or math has not loaded here (the connection dropped, and a browser that keeps
  // a failed import failed): the server's HTML of the whole text is the same markup, with them.
  if (!streaming && missing && rendered && rendered.chars === text.length) return <div className="contents" dangerouslySetInnerHTML={{ __html: rendered.html }} />;
  // A line break between blocks, as the server's whole-answer HTML has: the two renderings are the same markup.
  // One list, the block being written last: when it is finished it keeps its place (and its key) in the list, so
  // React keeps its elements. Drawn apart from the list, it was made again as a finished block: its elements new,
  // off screen they had no size yet, and a tall one (a long code block) pulled a reader scrolled up down to the end.
  // Its unclosed markup closed while it is written, and for good once it was cut short there.
  const blocks = last ? [...finished, streaming || cut ? healPartialMarkdown(last) : last] : finished;
  return (
    <CopyLabelsContext.Provider value={labels}>
      {blocks.map((block, index) => (
        <Fragment key={index}>
          {index > 0 ? "\n" : null}
          <Block text={block} rehypePlugins={rehypePlugins} />
        </Fragment>
      ))}
    </CopyLabelsContext.Provider>
  );
}
