// Assistant answers as GitHub-flavoured markdown with highlighted code and
// KaTeX math — the same component on the server (No-JS sees it) and in the
// browser. No rehype-raw: HTML inside a message is shown as text, never run.
import { memo, useState, type ComponentProps, type ReactNode } from "react";
import ReactMarkdown, { type Components, defaultUrlTransform } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { useHydrated } from "remix-utils/use-hydrated";

const remarkPlugins = [remarkGfm, remarkMath];
const rehypePlugins = [[rehypeKatex, { throwOnError: false, strict: "ignore" }], [rehypeHighlight, { detect: false, ignoreMissing: true }]] as ComponentProps<
  typeof ReactMarkdown
>["rehypePlugins"];

function textOf(node: ReactNode): string {
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (node && typeof node === "object" && "props" in node) return textOf((node.props as { children?: ReactNode }).children);
  return "";
}

// react-markdown passes its hast `node` to custom components: keep it off the DOM (it rendered as node="[object Object]").
function CodeBlock({ children, node: _node, ...props }: ComponentProps<"pre"> & { node?: unknown }) {
  const hydrated = useHydrated();
  const [copied, setCopied] = useState(false);
  return (
    <div className="group relative">
      <pre {...props}>{children}</pre>
      {hydrated ? (
        <button
          type="button"
          className="absolute right-2 top-2 rounded-md bg-zinc-800 px-2 py-1 text-xs text-zinc-300 opacity-0 transition group-hover:opacity-100 focus:opacity-100"
          onClick={() => {
            void navigator.clipboard.writeText(textOf(children).replace(/\n$/, "")).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            });
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      ) : null}
    </div>
  );
}

const components: Components = {
  pre: CodeBlock,
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc">
      {children}
    </a>
  ),
  // Model output must not make the browser fetch remote images on its own
  // (tracking pixels, exfiltration via URL): show a link the user can choose to open.
  img: ({ src, alt }) => (
    <a href={typeof src === "string" ? src : undefined} target="_blank" rel="noopener noreferrer nofollow ugc" className="text-sky-400">
      [image{alt ? `: ${alt}` : ""}]
    </a>
  ),
};

function urlTransform(url: string): string {
  // Only http(s), mailto and in-page links survive; javascript:, data: and friends become empty.
  const safe = defaultUrlTransform(url);
  return /^(https?:|mailto:|#|\/)/i.test(safe) || safe === "" ? safe : "";
}

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="prose-chat">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} urlTransform={urlTransform}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
