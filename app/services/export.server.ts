// Export (docs/decisions/066): a chat or a whole account as Markdown (the
// branch on screen, to read), as Parley JSON (the whole tree, to import back)
// or as a ZIP holding both and the files. Everything is produced as a stream
// of bytes, one chat at a time, so a large account never sits in memory.
import type { Message } from "../../drizzle/schema";
import { z } from "zod";
import { readBlob } from "../models/attachment.server";
import { type ChatForExport, chatsForExport, type ExportAttachment, ownedChatIds } from "../models/porting.server";
import { formatBytes, type Locale } from "../protocol/catalogue";
import { modelNameIn } from "../llm/catalog.server";
import { AppError } from "../protocol/errors";
import type { MessagePart } from "../protocol/parts";
import { plainText, reasoningText } from "../protocol/parts";
import { type ZipEntry, zipStream } from "../utils/zip.server";

export const EXPORT_FORMATS = ["md", "json", "zip"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The version of Parley's export format; the importer reads this one. */
export const PARLEY_EXPORT_VERSION = 1;

export interface ExportedChat {
  id: string;
  title: string;
  model: string;
  systemPrompt: string | null;
  pinned: boolean;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
  activeLeafId: string | null;
  messages: ExportedMessage[];
}

export interface ExportedMessage {
  id: string;
  parentId: string | null;
  role: Message["role"];
  /** Parts as stored; a file or image part also names its bytes (`sha256`), stored as attachments/<sha256> in a ZIP. */
  parts: (MessagePart & { sha256?: string })[];
  status: Message["status"];
  model: string | null;
  stats: Message["stats"];
  problem: Message["problem"];
  createdAt: number;
  activeAt: number;
}

export function exportedChat({ chat, messages, attachments }: ChatForExport): ExportedChat {
  return {
    id: chat.id,
    title: chat.title,
    model: chat.model,
    systemPrompt: chat.systemPrompt,
    pinned: chat.pinned,
    archived: chat.archived,
    createdAt: chat.createdAt,
    updatedAt: chat.updatedAt,
    activeLeafId: chat.activeLeafId,
    messages: messages.map((m) => ({
      id: m.id,
      parentId: m.parentId,
      role: m.role,
      parts: m.parts.map((part) => {
        if (part.type !== "file" && part.type !== "image") return part;
        const sha256 = attachments.get(part.attachmentId)?.sha256;
        return sha256 ? { ...part, sha256 } : part;
      }),
      status: m.status,
      model: m.model,
      stats: m.stats,
      problem: m.problem,
      createdAt: m.createdAt,
      activeAt: m.activeAt,
    })),
  };
}

/** The path root → active leaf, as the chat shows it. */
function activePath({ chat, messages }: Pick<ChatForExport, "chat" | "messages">): Message[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const path: Message[] = [];
  const seen = new Set<string>();
  for (let at = chat.activeLeafId ? byId.get(chat.activeLeafId) : undefined; at && !seen.has(at.id); at = at.parentId ? byId.get(at.parentId) : undefined) {
    seen.add(at.id);
    path.push(at);
  }
  return path.reverse();
}

/**
 * Words that are not Markdown (a title, a file's name) written into it as
 * they read: markup and HTML in them stay characters (`<img …>` is not an
 * image in a viewer that renders HTML, `*draft*` keeps its stars).
 */
export function asMarkdownText(text: string): string {
  return text.replace(MARKUP, "\\$&").replace(/\s+/g, " ");
}

const MARKUP = /[\\`*_[\]<>~&]/g;

/** Text shown as it reads, its lines kept (a chat's system prompt, a model's reasoning): the same escapes, and a # that would start a heading. */
export function asMarkdownLines(text: string): string {
  return text.replace(MARKUP, "\\$&").replace(/^(\s*)#/gm, "$1\\#");
}

/** A file of a message, and where the archive holds it (`inArchive`: a Markdown file alone has no files beside it). */
function fileLine(part: { name?: string; mediaType: string; attachmentId: string }, attachments: Map<string, ExportAttachment>, locale: Locale, inArchive: boolean): string {
  const file = attachments.get(part.attachmentId);
  const name = part.name ?? file?.name ?? "image";
  const size = file ? `, ${formatBytes(file.size, locale)}` : "";
  const where = file && inArchive ? ` — ${zipFilePath(file)}` : "";
  return `- ${asMarkdownText(name)} (${part.mediaType}${size})${where}`;
}

/** The Markdown export's own words, in the language of the person exporting. */
const MARKDOWN_WORDS = {
  en: { model: "Model", created: "Created", systemPrompt: "System prompt", you: "You", assistant: "Assistant", reasoning: "Reasoning", attachments: "Attachments", failed: "failed", cutShort: "cut short" },
  ru: { model: "Модель", created: "Создан", systemPrompt: "Системный промпт", you: "Вы", assistant: "Ассистент", reasoning: "Рассуждения", attachments: "Файлы", failed: "ошибка", cutShort: "оборван" },
} satisfies Record<Locale, Record<string, string>>;

/**
 * A message's own headings, two levels down (`## Plan` becomes `#### Plan`,
 * at most six), so they sit under the speaker's heading instead of reading as
 * a turn of their own. Code blocks are left as they are.
 */
export function underSpeaker(text: string): string {
  let fence: string | null = null;
  return text
    .split("\n")
    .map((line) => {
      const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence !== null) {
        if (opening && opening[1]![0] === fence[0] && opening[1]!.length >= fence.length && line.trim() === opening[1]) fence = null;
        return line;
      }
      if (opening) {
        fence = opening[1]!;
        return line;
      }
      return line.replace(/^( {0,3})(#{1,6})(?=\s|$)/, (_all, indent: string, hashes: string) => `${indent}${"#".repeat(Math.min(6, hashes.length + 2))}`);
    })
    .join("\n");
}

/** A chat's branch on screen as Markdown: the title, who said what, which model answered, the files. */
export function chatMarkdown(source: ChatForExport, locale: Locale = "en", { inArchive = false }: { inArchive?: boolean } = {}): string {
  const { chat, attachments } = source;
  const words = MARKDOWN_WORDS[locale];
  const created = `${new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(chat.createdAt)} UTC`;
  // Every word here but the messages' own is text, whatever it holds (an import brings names and ids from anywhere).
  const lines = [`# ${asMarkdownText(chat.title)}`, "", `${words.model}: ${asMarkdownText(modelNameIn(chat.model, locale))} · \`${chat.model.replaceAll("`", "'")}\` · ${words.created} ${created}`];
  if (chat.systemPrompt) lines.push("", `> ${words.systemPrompt}:`, ...asMarkdownLines(chat.systemPrompt).split("\n").map((l) => `> ${l}`));
  for (const message of activePath(source)) {
    lines.push("", message.role === "user" ? `## ${words.you}` : `## ${words.assistant}${message.model ? ` · ${asMarkdownText(modelNameIn(message.model, locale))}` : ""}`, "");
    const reasoning = reasoningText(message.parts);
    // Shown as plain text on the page, so written as text: its own HTML would end the <details> or run in a viewer.
    if (reasoning) lines.push(`<details><summary>${words.reasoning}</summary>`, "", asMarkdownLines(reasoning), "", "</details>", "");
    const text = plainText(message.parts);
    if (text) lines.push(underSpeaker(text));
    const files = message.parts.filter((p) => p.type === "file" || p.type === "image");
    if (files.length > 0) lines.push("", `${words.attachments}:`, ...files.map((p) => fileLine(p as Parameters<typeof fileLine>[0], attachments, locale, inArchive)));
    if (message.status === "interrupted" || message.status === "error") lines.push("", `*(${message.status === "error" ? words.failed : words.cutShort})*`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * A name safe in a download and in an archive: letters, digits, dashes.
 * Accents leave Latin letters (café → cafe); a letter of another alphabet
 * keeps its marks (й stays й, not и).
 */
export function slugOf(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/([a-z])[\u0300-\u036f]+/gi, "$1")
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return slug || "chat";
}

const encoder = new TextEncoder();

/** Chats read this many at a time: few queries, and memory bounded by a slice, not by the account. */
const CHATS_PER_READ = 25;

async function* eachChat(chatIds: string[]): AsyncGenerator<ChatForExport> {
  for (let at = 0; at < chatIds.length; at += CHATS_PER_READ) {
    yield* await chatsForExport({ chatIds: chatIds.slice(at, at + CHATS_PER_READ) });
  }
}

/** Parley JSON for these chats, written chat by chat. */
async function* parleyJson(chatIds: string[]): AsyncGenerator<Uint8Array> {
  yield encoder.encode(`{"format":"parley","version":${PARLEY_EXPORT_VERSION},"exportedAt":${JSON.stringify(new Date().toISOString())},"chats":[`);
  let first = true;
  for await (const chat of eachChat(chatIds)) {
    yield encoder.encode(`${first ? "\n" : ",\n"}${JSON.stringify(exportedChat(chat))}`);
    first = false;
  }
  yield encoder.encode("\n]}\n");
}

async function* markdownOfAll(chatIds: string[], locale: Locale): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const chat of eachChat(chatIds)) {
    yield encoder.encode(`${first ? "" : "\n---\n\n"}${chatMarkdown(chat, locale)}`);
    first = false;
  }
}

/**
 * Where a file is in the archive: under its content's hash, with its own
 * name, so that it opens with the right program.
 */
export function zipFilePath(file: { sha256: string; name: string }): string {
  const name = [...file.name]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || '\\/:*?"<>|'.includes(c) ? "_" : c))
    .join("").replace(/^\.+/, "_").slice(0, 120).trim() || "file";
  return `attachments/${file.sha256}/${name}`;
}

/** The archive: conversations.json, a Markdown file per chat, then each file under attachments/<sha256>/<its name>. */
async function* archiveEntries(chatIds: string[], locale: Locale): AsyncGenerator<ZipEntry> {
  yield { name: "conversations.json", data: parleyJson(chatIds), compress: true };
  const files = new Map<string, string>();
  const names = new Set<string>();
  for await (const chat of eachChat(chatIds)) {
    let name = `markdown/${slugOf(chat.chat.title)}.md`;
    for (let n = 2; names.has(name); n++) name = `markdown/${slugOf(chat.chat.title)}-${n}.md`;
    names.add(name);
    yield { name, data: chatMarkdown(chat, locale, { inArchive: true }), compress: true, modified: new Date(chat.chat.updatedAt) };
    // Once per path: the same bytes uploaded under two names are there under both (the Markdown names each).
    for (const [attachmentId, file] of chat.attachments) {
      const path = zipFilePath(file);
      if (!files.has(path)) files.set(path, attachmentId);
    }
  }
  for (const [path, attachmentId] of files) {
    // Images and PDFs are compressed already; text files gain from deflate.
    yield { name: path, data: readBlob({ attachmentId }), compress: false };
  }
}

export interface ExportDownload {
  body: AsyncIterable<Uint8Array>;
  contentType: string;
  filename: string;
}

/** One chat (the caller checked read access) in a format. */
export function exportChat({ chatId, title, format, locale = "en" }: { chatId: string; title: string; format: ExportFormat; locale?: Locale }): ExportDownload {
  const base = slugOf(title);
  switch (format) {
    case "md":
      return { body: markdownOfAll([chatId], locale), contentType: "text/markdown; charset=utf-8", filename: `${base}.md` };
    case "json":
      return { body: parleyJson([chatId]), contentType: "application/json; charset=utf-8", filename: `${base}.json` };
    case "zip":
      return { body: zipStream(archiveEntries([chatId], locale)), contentType: "application/zip", filename: `${base}.zip` };
  }
}

/** Every chat a person owns. */
export async function exportAccount({ userId, format, locale = "en" }: { userId: string; format: ExportFormat; locale?: Locale }): Promise<ExportDownload> {
  const chatIds = await ownedChatIds({ userId });
  switch (format) {
    case "md":
      return { body: markdownOfAll(chatIds, locale), contentType: "text/markdown; charset=utf-8", filename: "parley-export.md" };
    case "json":
      return { body: parleyJson(chatIds), contentType: "application/json; charset=utf-8", filename: "parley-export.json" };
    case "zip":
      return { body: zipStream(archiveEntries(chatIds, locale)), contentType: "application/zip", filename: "parley-export.zip" };
  }
}

/** A stream of bytes as a Response body, pulled as the client reads (backpressure). */
export function bodyOf(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
}

const exportFormat = z.enum(EXPORT_FORMATS, { message: "export_format_invalid" });

/** A `format` query parameter, checked: anything else is `export_format_invalid` (400). */
export function exportFormatOf(value: string): ExportFormat {
  const parsed = exportFormat.safeParse(value);
  if (!parsed.success) throw new AppError("export_format_invalid");
  return parsed.data;
}

/** `Content-Disposition` with the name in UTF-8 (RFC 6266) and a plain-ASCII fallback. */
function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** A download as a streamed Response: never shown as a page, never stored by a cache. */
export function downloadResponse(download: ExportDownload): Response {
  return new Response(bodyOf(download.body), {
    headers: {
      "Content-Type": download.contentType,
      "Content-Disposition": attachmentDisposition(download.filename),
      // Opened on its own, a download is a sandboxed document where nothing runs.
      "Content-Security-Policy": "default-src 'none'; sandbox; frame-ancestors 'none'",
      "Cache-Control": "private, no-store",
    },
  });
}
