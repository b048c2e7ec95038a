// Renders a message's parts in order, by type. Reasoning is shown apart (above
// the answer) by the message itself, so it is skipped here. `plain` renders
// text as typed (a user's message) instead of as markdown; `rendered` is the
// server's HTML of the text parts, by index, and `live`/`streaming` say how
// the answer is followed (see Markdown).
import { useTranslation } from "~/i18n/i18n";
import { useLocale } from "../../i18n/i18n";
import { Icon } from "../ui/Icon";
import { formatBytes } from "../../protocol/catalogue";
import type { MessagePart, ToolCallPart, ToolResultPart } from "../../protocol/parts";
import { Markdown, type RenderedText } from "../markdown/Markdown";

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Arguments still streaming (or not JSON at all): show them as they are.
    return text;
  }
}

function ToolCall({ part, result }: { part: ToolCallPart; result?: ToolResultPart }) {
  const { t } = useTranslation();
  const state = part.status === "running" ? t("tool.running") : part.status === "error" ? t("tool.failed") : t("tool.done");
  return (
    <details className="my-2 rounded-lg border border-zinc-800 bg-zinc-900/60 px-3 py-2 text-sm" data-testid="tool-call" data-status={part.status}>
      <summary className="cursor-pointer select-none text-zinc-300">
        <span className="font-mono">{part.name}</span> <span className="text-xs text-zinc-500">{state}</span>
        {result?.durationMs !== undefined ? <span className="text-xs text-zinc-500"> · {t("tool.duration", { ms: result.durationMs })}</span> : null}
      </summary>
      <p className="mt-2 text-xs uppercase tracking-wide text-zinc-500">{t("tool.arguments")}</p>
      <pre className="mt-1 overflow-x-auto whitespace-pre-wrap text-xs text-zinc-300">{prettyJson(part.arguments)}</pre>
      {result ? (
        <>
          <p className="mt-2 text-xs uppercase tracking-wide text-zinc-500">{result.isError ? t("tool.error") : t("tool.result")}</p>
          <pre className={`mt-1 overflow-x-auto whitespace-pre-wrap text-xs ${result.isError ? "text-red-300" : "text-zinc-300"}`}>
            {typeof result.result === "string" ? result.result : JSON.stringify(result.result, null, 2)}
          </pre>
        </>
      ) : null}
    </details>
  );
}

export function MessageParts({
  parts,
  plain = false,
  rendered,
  live = false,
  streaming = false,
  cut = false,
}: {
  parts: readonly MessagePart[];
  plain?: boolean;
  rendered?: readonly (RenderedText | null)[];
  live?: boolean;
  streaming?: boolean;
  /** The answer was cut short (stopped, failed): its last text ends as it was shown while written. */
  cut?: boolean;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const results = new Map<string, ToolResultPart>();
  for (const part of parts) if (part.type === "tool-result") results.set(part.toolCallId, part);
  const lastText = cut ? parts.findLastIndex((part) => part.type === "text") : -1;
  return (
    <>
      {parts.map((part, index) => {
        switch (part.type) {
          case "text":
            return plain ? (
              <span key={index}>{part.text}</span>
            ) : (
              <Markdown key={index} text={part.text} rendered={rendered?.[index]} live={live} streaming={streaming && index === parts.length - 1} cut={index === lastText} />
            );
          case "reasoning":
            return null;
          case "file":
            // A user's files are shown around the bubble (Attachments.tsx).
            return plain ? null : (
              <span key={index} className="my-1 mr-2 inline-flex items-center gap-1 rounded-md border border-zinc-700 bg-zinc-900 px-2 py-1 text-xs text-zinc-300" data-testid="file-part">
                <Icon name="paperclip" className="h-3.5 w-3.5" /> {part.name} <span className="text-zinc-500">({formatBytes(part.size, locale)})</span>
              </span>
            );
          case "image":
            return (
              <figure key={index} className="my-2 text-xs text-zinc-400" data-testid="image-part">
                <figcaption>{part.alt || t("message.generatedImage")}</figcaption>
              </figure>
            );
          case "tool-call":
            return <ToolCall key={index} part={part} result={results.get(part.toolCallId)} />;
          case "tool-result":
            // Shown inside its call; a result whose call is missing still shows.
            return parts.some((p) => p.type === "tool-call" && p.toolCallId === part.toolCallId) ? null : (
              <pre key={index} className="my-2 overflow-x-auto whitespace-pre-wrap rounded-lg border border-zinc-800 p-2 text-xs text-zinc-300">
                {JSON.stringify(part.result, null, 2)}
              </pre>
            );
        }
      })}
    </>
  );
}
