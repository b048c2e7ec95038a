// Assistant answers as GitHub-flavoured markdown with highlighted code and
// KaTeX math (docs/decisions/025). A finished answer arrives as HTML the
// server rendered (html.server.ts) and is shown as it is: no markdown code
// runs in the browser for it. An answer being written is rendered in the
// browser, block by block (blocks.tsx), by a module the page loads only then.
import { Component, lazy, Suspense, type ReactNode } from "react";
import { useHydrated } from "remix-utils/use-hydrated";

/** What the page needs to show a text part without parsing it: its HTML, and how much of the text that HTML covers. */
export interface RenderedText {
  html: string;
  /** Length of the text the HTML was made from (an answer still being written grows past it). */
  chars: number;
}

const loadLiveBlocks = () => import("./blocks");
const LiveBlocks = lazy(() => loadLiveBlocks().then((module) => ({ default: module.LiveBlocks })));

/** Starts loading the live renderer before an answer needs it. */
export function prefetchLiveRenderer(): void {
  const later = () => document.addEventListener("input", prefetchLiveRenderer, { once: true, capture: true });
  // Offline it cannot load, and the browser would keep that failure for the rest of the page's life: the next
  // keystroke online tries (an answer's own render loads it in any case).
  if (!navigator.onLine) return later();
  loadLiveBlocks().catch(later);
}

// Typing a message is the moment: its answer will need the live renderer.
// (Not at page load: a page showing finished answers never needs it.)
if (typeof document !== "undefined") document.addEventListener("input", prefetchLiveRenderer, { once: true, capture: true });

/**
 * `rendered`: the server's HTML of the text (or of its beginning). `live`:
 * render in the browser, block by block (an answer this page is following,
 * also once it has ended, so the finished answer is not laid out again).
 * `streaming`: the text is still growing (its last block may be cut short).
 * `cut`: the text stopped growing half-way (a stopped or failed answer): its
 * last block's unclosed markup is closed, as it was while written and as the
 * server's HTML of it has it.
 */
export function Markdown({ text, rendered, live = false, streaming = false, cut = false }: { text: string; rendered?: RenderedText | null; live?: boolean; streaming?: boolean; cut?: boolean }) {
  // The server and the hydrating page show the server's HTML; the live renderer takes over after.
  const hydrated = useHydrated();
  if (!live && rendered) return <div className="prose-chat" dangerouslySetInnerHTML={{ __html: rendered.html }} />;
  const unparsed = <Unparsed text={text} rendered={rendered} />;
  return (
    <div className="prose-chat">
      {hydrated ? (
        <UnlessLiveRendererFails fallback={unparsed}>
          <Suspense fallback={unparsed}>
            <LiveBlocks text={text} streaming={streaming} cut={cut} rendered={rendered} />
          </Suspense>
        </UnlessLiveRendererFails>
      ) : (
        unparsed
      )}
    </div>
  );
}

/**
 * A live renderer that could not be loaded (the connection dropped as it was fetched, or a new version of Parley
 * replaced the file since the page loaded) leaves the answer as the server's HTML and plain text, never the page
 * for an error: the words still arrive, and the finished answer comes as HTML with the page's next data.
 */
class UnlessLiveRendererFails extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/**
 * Until the live renderer has loaded (it is not part of the page's first
 * load): the HTML the server rendered of the text so far, and what came
 * after it as plain text.
 */
function Unparsed({ text, rendered }: { text: string; rendered?: RenderedText | null }): ReactNode {
  const { html, after } = rendered ? continueRendered(rendered, text) : { html: null, after: text };
  return (
    <>
      {html !== null ? <div className="contents" dangerouslySetInnerHTML={{ __html: html }} /> : null}
      {after ? (
        <p dir="auto" className="whitespace-pre-wrap">
          {after}
        </p>
      ) : null}
    </>
  );
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/**
 * The server's HTML of the text so far, with what came after it: words that go
 * on in the paragraph the HTML ends with are written into it (shown as a
 * paragraph of their own, they split a sentence in two until the live renderer
 * takes over); what starts a new block after a blank line is `after`.
 */
export function continueRendered(rendered: RenderedText, text: string): { html: string; after: string } {
  if (text.length <= rendered.chars) return { html: rendered.html, after: "" };
  // The rendered text's trailing spaces are not in its HTML: they belong between it and what follows.
  const rest = /\s*$/.exec(text.slice(0, rendered.chars))![0] + text.slice(rendered.chars);
  const blank = rest.search(/\n[ \t]*\n/);
  const inline = blank === -1 ? rest : rest.slice(0, blank);
  const paragraphEnd = /<\/p>\s*$/.exec(rendered.html);
  if (!paragraphEnd || !inline.trim()) return { html: rendered.html, after: rest.trim() };
  const words = inline.replace(/[&<>"]/g, (c) => ESCAPES[c]!);
  return { html: rendered.html.slice(0, paragraphEnd.index) + words + rendered.html.slice(paragraphEnd.index), after: blank === -1 ? "" : rest.slice(blank).trim() };
}
