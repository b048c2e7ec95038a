// Import (docs/decisions/067): Parley's own export (JSON or ZIP), ChatGPT's
// and Claude's conversations.json (alone or in their export's .zip). The
// upload is written to a temporary file as it streams in (checked against
// MAX_IMPORT_BYTES while it arrives), recognised by its content, and read
// into one common shape; each conversation is then written in one batch, so
// a bad one fails alone and leaves nothing behind. A conversation already
// imported by this person (same source, same id there) is skipped.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { env } from "../env.server";
import { resolveModel } from "../llm/catalog.server";
import { alreadyImported, blobIdBySha, type ImportedChatRows, insertImportedChat } from "../models/porting.server";
import { describe, type ImportReason, type Locale } from "../protocol/catalogue";
import { AppError, type ErrorParams } from "../protocol/errors";
import { type MessagePart, plainText } from "../protocol/parts";
import { filePart, imagePart, reasoningPart, textPart, toolCallPart, toolResultPart } from "../protocol/parts-schema";
import type { MessageStats } from "../protocol/stream-events";
import { cleanChatTitle, TITLE_MAX } from "../utils/chat-title";
import { createId } from "../utils/id";
import { logger } from "../utils/logger.server";
import { readForm } from "../utils/multipart.server";
import { looksLikeZip, openZip, type ZipReader, ZipError } from "../utils/zip.server";
import { newChatModelFor } from "./conversation.server";
import { safeFileName } from "./file-kind";
import { extractPdfText, uploadAllowance } from "./attachments.server";
import { asMarkdownText, PARLEY_EXPORT_VERSION } from "./export.server";
import { consume, refund } from "./limits.server";
import { effectiveLimits } from "./usage-limits.server";
import { vectorIndexer } from "./vector-index.server";

export const IMPORT_SOURCES = ["parley", "chatgpt", "claude"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

/** Messages one conversation may hold: beyond this it is refused rather than written as one enormous batch. */
const MAX_MESSAGES_PER_CONVERSATION = 20_000;
const CHUNK_BYTES = 1024 * 1024;
const FALLBACK_TITLE = "Imported chat";

// ---------------------------------------------------------------- the common shape

interface IncomingFile {
  kind: "file" | "image";
  sha256: string;
  name: string;
  mediaType: string;
  size: number;
  alt?: string;
  width?: number;
  height?: number;
  /** A file whose text came in the conversation itself (what Claude extracted from an upload): its bytes, found by the searches too. */
  text?: string;
}

/** A part as read from a file: a file or image names its bytes by SHA-256; the importer finds them. */
type IncomingPart = Exclude<MessagePart, { type: "file" } | { type: "image" }> | { type: "incoming-file"; file: IncomingFile };

interface IncomingMessage {
  id: string;
  parentId: string | null;
  role: "user" | "assistant";
  parts: IncomingPart[];
  status: "complete" | "interrupted" | "error";
  model: string | null;
  stats: MessageStats | null;
  problem: ImportedChatRows["messages"][number]["problem"];
  createdAt: number;
  activeAt?: number;
}

export interface IncomingConversation {
  externalId: string;
  title: string;
  model: string | null;
  systemPrompt: string | null;
  pinned: boolean;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
  messages: IncomingMessage[];
  /** The message the conversation was showing; null: the newest. */
  activeLeafId: string | null;
}

/** A conversation read from the file, or the reason it could not be. */
/** Where in a conversation it could not be read: which message, which value. */
type ImportDetails = Pick<ErrorParams, "index" | "field">;
type Parsed = { ok: true; conversation: IncomingConversation } | { ok: false; title: string; reason: ImportReason; details?: ImportDetails };

/** A conversation of the file, read only when needed: one imported already is skipped without reading it. */
interface Pending {
  /** Its id in the source, when it has one that is a string. */
  externalId: string | null;
  read: () => Parsed;
}

export interface ParsedFile {
  source: ImportSource;
  conversations: Pending[];
}

const idOf = (raw: unknown, ...keys: string[]): string | null => {
  if (!raw || typeof raw !== "object") return null;
  for (const key of keys) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value === "string" && value) return value;
  }
  return null;
};

const invalid = (title: unknown, reason: ImportReason, details?: ImportDetails): Parsed => ({
  ok: false,
  title: (typeof title === "string" && cleanChatTitle(title, { max: TITLE_MAX })) || FALLBACK_TITLE,
  reason,
  ...(details ? { details } : {}),
});

/** An archive that cannot be read: what was wrong goes to the log, the person is told it is damaged. */
function damagedArchive(cause: ZipError): AppError {
  logger.warn("an imported archive could not be read", { detail: cause.message });
  return new AppError("import_malformed", { params: { reason: "archive" }, cause });
}

/** A time in ms from seconds (ChatGPT), an ISO string (Claude) or ms (Parley); `fallback` when absent. */
function timeOf(value: unknown, fallback: number): number {
  if (typeof value === "number" && Number.isFinite(value)) return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  if (typeof value === "string") {
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return fallback;
}

// ---------------------------------------------------------------- Parley

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const parleyPart = z.discriminatedUnion("type", [
  textPart,
  reasoningPart,
  filePart.extend({ sha256: sha256Hex.optional() }),
  toolCallPart,
  toolResultPart,
  imagePart.extend({ sha256: sha256Hex.optional() }),
]);
const statsSchema = z
  .object({
    model: z.string().optional(),
    inputTokens: z.number().optional(),
    outputTokens: z.number().optional(),
    timeToFirstTokenMs: z.number().optional(),
    tokensPerSecond: z.number().optional(),
    durationMs: z.number().optional(),
    costUsd: z.number().optional(),
    finishReason: z.string().optional(),
    retries: z.number().optional(),
    leftOutMessages: z.number().int().nonnegative().optional(),
    unseenImages: z.number().int().nonnegative().optional(),
  })
  .passthrough();
const parleyMessage = z.object({
  id: z.string().min(1).max(200),
  parentId: z.string().min(1).max(200).nullable(),
  role: z.enum(["user", "assistant"]),
  parts: z.array(parleyPart),
  status: z.enum(["streaming", "complete", "interrupted", "error"]).default("complete"),
  model: z.string().max(300).nullable().default(null),
  stats: statsSchema.nullable().default(null),
  problem: z.object({ code: z.string(), params: z.record(z.unknown()).optional() }).nullable().default(null),
  createdAt: z.number(),
  activeAt: z.number().optional(),
});
const parleyChat = z.object({
  id: z.string().min(1).max(200),
  title: z.string().max(1000),
  model: z.string().max(300).nullable().default(null),
  systemPrompt: z.string().max(100_000).nullable().default(null),
  pinned: z.boolean().default(false),
  archived: z.boolean().default(false),
  createdAt: z.number(),
  updatedAt: z.number(),
  activeLeafId: z.string().nullable().default(null),
  messages: z.array(parleyMessage).max(MAX_MESSAGES_PER_CONVERSATION),
});

/** Where a conversation's first problem is (messages.1.parts.0.type), for the person to look. */
function issueField(error: z.ZodError): ImportDetails {
  const path = error.issues[0]?.path.join(".");
  return path ? { field: path } : {};
}

function fromParley(raw: unknown): Parsed {
  const title = (raw as { title?: unknown } | null)?.title;
  const parsed = parleyChat.safeParse(raw);
  if (!parsed.success) return invalid(title, "field", issueField(parsed.error));
  const chat = parsed.data;
  return {
    ok: true,
    conversation: {
      externalId: chat.id,
      title: chat.title,
      model: chat.model,
      systemPrompt: chat.systemPrompt,
      pinned: chat.pinned,
      archived: chat.archived,
      createdAt: chat.createdAt,
      updatedAt: chat.updatedAt,
      activeLeafId: chat.activeLeafId,
      messages: chat.messages.map((m) => ({
        id: m.id,
        parentId: m.parentId,
        role: m.role,
        parts: m.parts.map((part): IncomingPart => {
          if (part.type === "file") return { type: "incoming-file", file: { kind: "file", sha256: part.sha256 ?? "", name: part.name, mediaType: part.mediaType, size: part.size } };
          if (part.type === "image")
            return { type: "incoming-file", file: { kind: "image", sha256: part.sha256 ?? "", name: part.alt || "image", mediaType: part.mediaType, size: 0, alt: part.alt, width: part.width, height: part.height } };
          return part;
        }),
        // An answer that was still being written when exported is what it was then: cut short.
        status: m.status === "streaming" ? "interrupted" : m.status,
        model: m.model,
        stats: m.stats as MessageStats | null,
        problem: (m.status === "streaming" ? { code: "interrupted_by_shutdown" } : m.problem) as IncomingMessage["problem"],
        createdAt: m.createdAt,
        activeAt: m.activeAt,
      })),
    },
  };
}

// ---------------------------------------------------------------- ChatGPT

interface ChatGptNode {
  id?: unknown;
  parent?: unknown;
  message?: {
    id?: unknown;
    author?: { role?: unknown };
    content?: { content_type?: unknown; parts?: unknown[] };
    create_time?: unknown;
    recipient?: unknown;
    status?: unknown;
    metadata?: { model_slug?: unknown; is_visually_hidden_from_conversation?: unknown; attachments?: unknown };
  } | null;
}

/** The file name ChatGPT lists for an image part ("file-service://file-abc" is the attachment "file-abc"). */
function chatGptImageName(attachments: unknown, pointer: unknown): string | null {
  if (!Array.isArray(attachments) || typeof pointer !== "string") return null;
  const id = pointer.replace(/^[a-z-]+:\/\//, "");
  const found = attachments.find((a: unknown) => typeof a === "object" && a !== null && (a as { id?: unknown }).id === id) as { name?: unknown } | undefined;
  return typeof found?.name === "string" && found.name.trim() ? found.name.trim().slice(0, 200) : null;
}

/** A ChatGPT node's text when it is one people saw (a user's or the assistant's words); null for the rest. */
function chatGptText(node: ChatGptNode): string | null {
  const message = node.message;
  if (!message) return null;
  const role = message.author?.role;
  if (role !== "user" && role !== "assistant") return null;
  if (message.metadata?.is_visually_hidden_from_conversation === true) return null;
  if (message.recipient !== undefined && message.recipient !== "all") return null;
  const type = message.content?.content_type;
  if (type !== "text" && type !== "multimodal_text") return null;
  const pieces = (message.content?.parts ?? []).map((part) => {
    if (typeof part === "string") return part;
    if (part && typeof part === "object" && (part as { content_type?: unknown }).content_type === "image_asset_pointer") {
      // The export leaves the image out; its name, listed with the message's attachments, says which it was.
      const name = chatGptImageName(message.metadata?.attachments, (part as { asset_pointer?: unknown }).asset_pointer);
      return name ? `[image: ${name}]` : "[image]";
    }
    return "";
  });
  const text = pieces.filter(Boolean).join("\n\n");
  return text.trim() ? text : null;
}

function fromChatGpt(raw: unknown, now: number): Parsed {
  const conv = raw as { id?: unknown; conversation_id?: unknown; title?: unknown; create_time?: unknown; update_time?: unknown; mapping?: unknown; current_node?: unknown; default_model_slug?: unknown } | null;
  if (!conv || typeof conv !== "object") return invalid(undefined, "not_a_conversation");
  const externalId = typeof conv.conversation_id === "string" ? conv.conversation_id : typeof conv.id === "string" ? conv.id : null;
  if (!externalId) return invalid(conv.title, "no_id");
  if (!conv.mapping || typeof conv.mapping !== "object") return invalid(conv.title, "no_messages");
  const mapping = conv.mapping as Record<string, ChatGptNode>;
  const createdAt = timeOf(conv.create_time, now);
  // A hidden node (system, tool, empty root) gives way to its nearest shown ancestor: the tree stays connected.
  const shownAncestor = new Map<string, string | null>();
  const shown = (id: string | null | undefined, depth = 0): string | null => {
    if (!id || !mapping[id] || depth > MAX_MESSAGES_PER_CONVERSATION) return null;
    if (shownAncestor.has(id)) return shownAncestor.get(id)!;
    const node = mapping[id]!;
    const result = chatGptText(node) !== null ? id : shown(typeof node.parent === "string" ? node.parent : null, depth + 1);
    shownAncestor.set(id, result);
    return result;
  };
  const messages: IncomingMessage[] = [];
  for (const [id, node] of Object.entries(mapping)) {
    const text = chatGptText(node);
    if (text === null) continue;
    const role = node.message!.author!.role as "user" | "assistant";
    const slug = node.message!.metadata?.model_slug;
    messages.push({
      id,
      parentId: shown(typeof node.parent === "string" ? node.parent : null),
      role,
      parts: [{ type: "text", text }],
      status: node.message!.status === "in_progress" ? "interrupted" : "complete",
      model: role === "assistant" && typeof slug === "string" ? slug : null,
      stats: null,
      problem: null,
      createdAt: timeOf(node.message!.create_time, createdAt),
    });
  }
  if (messages.length > MAX_MESSAGES_PER_CONVERSATION) return invalid(conv.title, "too_many_messages");
  return {
    ok: true,
    conversation: {
      externalId,
      title: typeof conv.title === "string" && conv.title.trim() ? conv.title : FALLBACK_TITLE,
      model: typeof conv.default_model_slug === "string" ? `openai:${conv.default_model_slug}` : null,
      systemPrompt: null,
      pinned: false,
      archived: false,
      createdAt,
      updatedAt: timeOf(conv.update_time, createdAt),
      messages,
      activeLeafId: shown(typeof conv.current_node === "string" ? conv.current_node : null),
    },
  };
}

// ---------------------------------------------------------------- Claude

interface ClaudeMessage {
  uuid?: unknown;
  text?: unknown;
  content?: unknown;
  sender?: unknown;
  created_at?: unknown;
  parent_message_uuid?: unknown;
  attachments?: unknown;
  files?: unknown;
}

function fromClaude(raw: unknown, now: number): Parsed {
  const conv = raw as { uuid?: unknown; name?: unknown; created_at?: unknown; updated_at?: unknown; chat_messages?: unknown; current_leaf_message_uuid?: unknown; model?: unknown } | null;
  if (!conv || typeof conv !== "object") return invalid(undefined, "not_a_conversation");
  if (typeof conv.uuid !== "string" || !conv.uuid) return invalid(conv.name, "no_id");
  if (!Array.isArray(conv.chat_messages)) return invalid(conv.name, "no_messages");
  if (conv.chat_messages.length > MAX_MESSAGES_PER_CONVERSATION) return invalid(conv.name, "too_many_messages");
  const createdAt = timeOf(conv.created_at, now);
  const list = conv.chat_messages as ClaudeMessage[];
  const ids = new Set(list.map((m) => m?.uuid).filter((id): id is string => typeof id === "string"));
  const tree = list.some((m) => typeof m?.parent_message_uuid === "string");
  const model = typeof conv.model === "string" && conv.model ? conv.model : null;
  const messages: IncomingMessage[] = [];
  let previous: string | null = null;
  for (const [index, m] of list.entries()) {
    if (!m || typeof m !== "object") return invalid(conv.name, "message_unreadable", { index: index + 1 });
    if (m.sender !== "human" && m.sender !== "assistant") return invalid(conv.name, "unknown_sender", { index: index + 1 });
    const id = typeof m.uuid === "string" && m.uuid ? m.uuid : `${conv.uuid}:${index}`;
    const blocks = Array.isArray(m.content) ? (m.content as { type?: unknown; text?: unknown }[]) : [];
    const fromBlocks = blocks.filter((b) => b?.type === "text" && typeof b.text === "string").map((b) => b.text as string).join("\n\n");
    const text = fromBlocks || (typeof m.text === "string" ? m.text : "");
    const parts: IncomingPart[] = text ? [{ type: "text", text }] : [];
    // Claude's export keeps the text it read from each upload, not the file: it comes back as a text file of that name.
    for (const attachment of Array.isArray(m.attachments) ? (m.attachments as { file_name?: unknown; extracted_content?: unknown }[]) : []) {
      if (typeof attachment?.extracted_content !== "string" || !attachment.extracted_content) continue;
      const name = typeof attachment.file_name === "string" && attachment.file_name ? attachment.file_name : "attachment.txt";
      const text = attachment.extracted_content;
      const bytes = Buffer.from(text, "utf8");
      parts.push({ type: "incoming-file", file: { kind: "file", sha256: createHash("sha256").update(bytes).digest("hex"), name, mediaType: "text/plain", size: bytes.length, text } });
    }
    const parent: string | null = tree ? (typeof m.parent_message_uuid === "string" && ids.has(m.parent_message_uuid) && m.parent_message_uuid !== id ? m.parent_message_uuid : null) : previous;
    messages.push({
      id,
      parentId: parent,
      role: m.sender === "human" ? "user" : "assistant",
      parts,
      status: "complete",
      model: m.sender === "assistant" ? model : null,
      stats: null,
      problem: null,
      createdAt: timeOf(m.created_at, createdAt + index),
    });
    previous = id;
  }
  const leaf = typeof conv.current_leaf_message_uuid === "string" && ids.has(conv.current_leaf_message_uuid) ? conv.current_leaf_message_uuid : (messages.at(-1)?.id ?? null);
  return {
    ok: true,
    conversation: {
      externalId: conv.uuid,
      title: typeof conv.name === "string" && conv.name.trim() ? conv.name : FALLBACK_TITLE,
      model: model ? `anthropic:${model}` : null,
      systemPrompt: null,
      pinned: false,
      archived: false,
      createdAt,
      updatedAt: timeOf(conv.updated_at, createdAt),
      messages,
      activeLeafId: leaf,
    },
  };
}

// ---------------------------------------------------------------- recognising a file

/** What a parsed JSON document is, and its conversations read into the common shape. */
export function parseExport(document: unknown, now = Date.now()): ParsedFile {
  if (document && typeof document === "object" && !Array.isArray(document)) {
    const doc = document as { format?: unknown; version?: unknown; chats?: unknown };
    if (doc.format === "parley") {
      // An export of a later Parley is said to be one: the person can update this server, or export again from there.
      if (typeof doc.version === "number" && doc.version > PARLEY_EXPORT_VERSION) throw new AppError("import_newer_version", { params: { requested: doc.version } });
      if (doc.version !== PARLEY_EXPORT_VERSION || !Array.isArray(doc.chats)) throw new AppError("import_unrecognized");
      return { source: "parley", conversations: doc.chats.map((c: unknown) => ({ externalId: idOf(c, "id"), read: () => fromParley(c) })) };
    }
    throw new AppError("import_unrecognized");
  }
  if (!Array.isArray(document)) throw new AppError("import_unrecognized");
  if (document.length === 0) return { source: "parley", conversations: [] };
  const first = document.find((c) => c && typeof c === "object") as Record<string, unknown> | undefined;
  if (first && "mapping" in first) return { source: "chatgpt", conversations: document.map((c) => ({ externalId: idOf(c, "conversation_id", "id"), read: () => fromChatGpt(c, now) })) };
  if (first && "chat_messages" in first) return { source: "claude", conversations: document.map((c) => ({ externalId: idOf(c, "uuid"), read: () => fromClaude(c, now) })) };
  throw new AppError("import_unrecognized");
}

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new AppError("import_unrecognized", { cause });
  }
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") throw new AppError("import_unrecognized");
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new AppError("import_malformed", { params: { reason: "json" }, cause });
  }
}

/** Where a file's bytes come from: the archive it came in (by SHA-256), or nowhere (a bare JSON file). */
interface FileSource {
  /** "unreadable": the archive has it, damaged or larger than any file Parley takes. */
  bytesOf(sha256: string): Promise<Uint8Array | "unreadable" | undefined>;
}

const NO_FILES: FileSource = { bytesOf: async () => undefined };

// ---------------------------------------------------------------- writing

export interface ImportFailure {
  title: string;
  reason: string;
}

/** A file of an imported chat whose bytes were not stored: not in the import, over the storage allowance, or not the bytes exported. */
export interface FileLeftOut {
  title: string;
  name: string;
  reason: "missing" | "unreadable" | "quota" | "changed";
}

export interface ImportReport {
  source: ImportSource | null;
  imported: number;
  skipped: number;
  failed: ImportFailure[];
  /** Files of the imported chats left out (each message names its file in words). */
  filesLeftOut: FileLeftOut[];
  /** The chats made, newest import first (the page links to them). */
  chats: { id: string; title: string }[];
}

/** Parents before children; messages whose parent is missing start a tree of their own; a cycle is broken. */
function parentsFirst(list: IncomingMessage[]): IncomingMessage[] {
  const ids = new Set(list.map((m) => m.id));
  const children = new Map<string | null, IncomingMessage[]>();
  for (const m of list) {
    const parent = m.parentId && ids.has(m.parentId) && m.parentId !== m.id ? m.parentId : null;
    m.parentId = parent;
    children.set(parent, [...(children.get(parent) ?? []), m]);
  }
  const out: IncomingMessage[] = [];
  const placed = new Set<string>();
  const visit = (roots: IncomingMessage[]) => {
    const stack = [...roots].sort((a, b) => b.createdAt - a.createdAt);
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (placed.has(next.id)) continue;
      placed.add(next.id);
      out.push(next);
      stack.push(...[...(children.get(next.id) ?? [])].sort((a, b) => b.createdAt - a.createdAt));
    }
  };
  visit(children.get(null) ?? []);
  // Messages only reachable through a cycle: the oldest of each becomes a root.
  for (const m of [...list].sort((a, b) => a.createdAt - b.createdAt)) {
    if (placed.has(m.id)) continue;
    m.parentId = null;
    visit([m]);
  }
  return out;
}

/** The rows one conversation becomes, with new ids; files found in the archive are stored, others named in text. */
async function rowsOf({
  conversation,
  userId,
  source,
  files,
  chatModel,
  allowance,
  leftOut,
}: {
  conversation: IncomingConversation;
  userId: string;
  source: ImportSource;
  files: FileSource;
  chatModel: string;
  /** Bytes of files this person may still store (MAX_UPLOAD_BYTES_PER_USER). */
  allowance: { left: number };
  /** Filled with the files whose bytes were not stored (their messages name them). */
  leftOut: Omit<FileLeftOut, "title">[];
}): Promise<ImportedChatRows> {
  const ordered = parentsFirst(conversation.messages);
  const newId = new Map(ordered.map((m) => [m.id, createId()]));
  const leafExternal = conversation.activeLeafId && newId.has(conversation.activeLeafId) ? conversation.activeLeafId : (ordered.at(-1)?.id ?? null);
  // Among siblings the newest active is the branch shown: the path to the leaf is made the newest.
  const onPath = new Set<string>();
  const byId = new Map(ordered.map((m) => [m.id, m]));
  for (let at = leafExternal ? byId.get(leafExternal) : undefined; at && !onPath.has(at.id); at = at.parentId ? byId.get(at.parentId) : undefined) onPath.add(at.id);
  const pathTime = Math.max(conversation.updatedAt, ...ordered.map((m) => m.activeAt ?? m.createdAt)) + 1;

  const rows: ImportedChatRows = {
    userId,
    source,
    externalId: conversation.externalId,
    chat: {
      id: createId(),
      title: cleanChatTitle(conversation.title, { max: TITLE_MAX }) || FALLBACK_TITLE,
      model: chatModel,
      systemPrompt: conversation.systemPrompt,
      pinned: conversation.pinned,
      archived: conversation.archived,
      activeLeafId: leafExternal ? newId.get(leafExternal)! : null,
      titleSet: true,
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
    },
    messages: [],
    newBlobs: [],
    attachments: [],
    links: [],
  };
  const blobOfSha = new Map<string, string>();
  for (const m of ordered) {
    const id = newId.get(m.id)!;
    let parts: MessagePart[] = [];
    const notes = new Set<MessagePart>();
    for (const part of m.parts) {
      if (part.type !== "incoming-file") {
        parts.push(part);
        continue;
      }
      const file = part.file;
      const stored = file.sha256 ? await attachFile({ file, files, rows, blobOfSha, allowance }) : "missing";
      if (typeof stored === "string" && file.text !== undefined) {
        // Its text came with the conversation: a file that does not fit stays in the message as text, nothing lost.
        const fence = file.text.includes("```") ? "````" : "```";
        parts.push({ type: "text", text: `\n\n${file.name}:\n${fence}\n${file.text}\n${fence}` });
        continue;
      }
      if (typeof stored === "string") {
        leftOut.push({ name: file.name, reason: stored });
        // The bytes did not come with the conversation, or do not fit: the message still says which file it had.
        const why = {
          quota: "the file did not fit in your storage",
          changed: "the file in the import was not the one exported: its bytes do not match",
          missing: "the file was not in the import",
          unreadable: "the file in the import could not be read: it is damaged, or larger than any file this server takes",
        }[stored];
        // The note is Markdown: the name stays words, whatever it holds.
        const note: MessagePart = { type: "text", text: `📎 ${asMarkdownText(file.name)} (${asMarkdownText(file.mediaType)}; ${why})` };
        notes.add(note);
        parts.push(note);
        continue;
      }
      rows.links.push({ messageId: id, attachmentId: stored.id });
      parts.push(
        file.kind === "image"
          ? { type: "image", attachmentId: stored.id, mediaType: stored.mediaType, alt: file.alt ?? "", ...(file.width ? { width: file.width } : {}), ...(file.height ? { height: file.height } : {}) }
          : { type: "file", attachmentId: stored.id, name: stored.name, mediaType: stored.mediaType, size: stored.size },
      );
    }
    parts = withNotesApart(parts, notes);
    rows.messages.push({
      id,
      parentId: m.parentId ? newId.get(m.parentId)! : null,
      role: m.role,
      parts,
      content: plainText(parts),
      status: m.status,
      model: m.model,
      stats: m.stats,
      problem: m.problem,
      createdAt: m.createdAt,
      activeAt: onPath.has(m.id) ? pathTime : (m.activeAt ?? m.createdAt),
    });
  }
  return rows;
}

/**
 * A file whose bytes came in the archive: they must hash to the SHA-256 the
 * export names (a file can never be claimed by its hash alone). Bytes stored
 * already are shared; new ones are written with the conversation.
 */
async function attachFile({ file, files, rows, blobOfSha, allowance }: { file: IncomingFile; files: FileSource; rows: ImportedChatRows; blobOfSha: Map<string, string>; allowance: { left: number } }) {
  const bytes = file.text !== undefined ? new Uint8Array(Buffer.from(file.text, "utf8")) : await files.bytesOf(file.sha256);
  // Imported files count against the same quota as uploads: one that does not fit is named in text instead.
  if (bytes === "unreadable") return bytes;
  if (!bytes || bytes.length === 0) return "missing" as const;
  if (createHash("sha256").update(bytes).digest("hex") !== file.sha256) return "changed" as const;
  if (bytes.length > allowance.left) return "quota" as const;
  let blobId = blobOfSha.get(file.sha256) ?? (await blobIdBySha({ sha256: file.sha256 }));
  if (!blobId) {
    blobId = createId();
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) chunks.push(bytes.subarray(at, at + CHUNK_BYTES));
    rows.newBlobs.push({ id: blobId, sha256: file.sha256, size: bytes.length, mediaType: file.mediaType, chunks, ...(file.text !== undefined ? { extractedText: file.text } : {}) });
  }
  blobOfSha.set(file.sha256, blobId);
  const attachment = { id: createId(), blobId, name: safeFileName(file.name), mediaType: file.mediaType, size: bytes.length };
  rows.attachments.push(attachment);
  allowance.left -= bytes.length;
  return attachment;
}

/**
 * A conversation's chat model: its own when this person can use it, else the one their new chat would start with
 * (its answers keep their labels).
 */
async function chatModelFor(model: string | null, user: { id: string }, cache: Map<string, string>): Promise<string> {
  // Read once per import: the chats it writes must not change it as it goes.
  const fallback = async () => {
    if (!cache.has("")) cache.set("", await newChatModelFor(user));
    return cache.get("")!;
  };
  if (!model) return fallback();
  const known = cache.get(model);
  if (known) return known;
  const resolved = (await resolveModel(model, { viewer: user })) ? model : await fallback();
  cache.set(model, resolved);
  return resolved;
}

/** Writes the conversations of a parsed file for `user`; each conversation is one transaction. */
/**
 * A message's text parts read as one text: a note standing for a file the
 * import did not bring is a paragraph of its own, not glued to the words
 * beside it ("…was not in the import)Here are my files").
 */
function withNotesApart(parts: MessagePart[], notes: ReadonlySet<MessagePart>): MessagePart[] {
  const out: MessagePart[] = [];
  // Whether the last part out ends with a note.
  let afterNote = false;
  for (const part of parts) {
    const last = out[out.length - 1];
    const isNote = notes.has(part);
    if (part.type === "text" && last?.type === "text" && (isNote || afterNote)) {
      out[out.length - 1] = { type: "text", text: `${last.text}\n\n${part.text}` };
    } else {
      out.push(part);
    }
    afterNote = isNote;
  }
  return out;
}

export async function importParsed({ parsed, user, files = NO_FILES, locale = "en" }: { parsed: ParsedFile; user: { id: string }; files?: FileSource; locale?: Locale }): Promise<ImportReport> {
  const report: ImportReport = { source: parsed.source, imported: 0, skipped: 0, failed: [], filesLeftOut: [], chats: [] };
  const ids = parsed.conversations.flatMap((c) => (c.externalId ? [c.externalId] : []));
  const done = await alreadyImported({ userId: user.id, source: parsed.source, externalIds: ids });
  const models = new Map<string, string>();
  const seen = new Set<string>();
  const { left } = await uploadAllowance({ userId: user.id });
  const allowance = { left };
  // Each imported conversation is a chat, and counts against the chats limit like any other.
  const { chats: maxChats } = await effectiveLimits({ userId: user.id });
  for (const pending of parsed.conversations) {
    if (pending.externalId && (done.has(pending.externalId) || seen.has(pending.externalId))) {
      report.skipped++;
      continue;
    }
    const entry = pending.read();
    if (!entry.ok) {
      report.failed.push({ title: entry.title, reason: describe({ code: "import_conversation_invalid", params: { ...entry.details, reason: entry.reason } }, locale) });
      continue;
    }
    const conversation = entry.conversation;
    if (done.has(conversation.externalId) || seen.has(conversation.externalId)) {
      report.skipped++;
      continue;
    }
    seen.add(conversation.externalId);
    try {
      const chatModel = await chatModelFor(conversation.model, user, models);
      let written = false;
      for (let attempt = 0; attempt < 2; attempt++) {
        const before = allowance.left;
        const leftOut: Omit<FileLeftOut, "title">[] = [];
        const rows = await rowsOf({ conversation, userId: user.id, source: parsed.source, files, chatModel, allowance, leftOut });
        try {
          written = await insertImportedChat(rows, { maxChats });
          if (written) {
            report.chats.push({ id: rows.chat.id, title: rows.chat.title });
            for (const file of leftOut) report.filesLeftOut.push({ title: rows.chat.title, ...file });
            // A PDF new to this server has its text read as an upload's is (for search, and models that take text), after the import answers.
            for (const blob of rows.newBlobs.filter((b) => b.mediaType === "application/pdf")) {
              const attachment = rows.attachments.find((a) => a.blobId === blob.id);
              if (attachment) void extractPdfText(attachment);
            }
          }
          else allowance.left = before;
          break;
        } catch (error) {
          // The same file's bytes were stored by another upload meanwhile: read them again as shared.
          allowance.left = before;
          if (attempt === 0 && /UNIQUE constraint failed: blobs/.test(String(error))) continue;
          throw error;
        }
      }
      if (written) report.imported++;
      else report.skipped++;
    } catch (error) {
      const reason = error instanceof AppError ? describe(error.problem, locale) : describe({ code: "import_conversation_invalid", params: { reason: "not_stored" } }, locale);
      if (!(error instanceof AppError)) {
        logger.warn("an imported conversation could not be stored", { error: String(error) });
      }
      report.failed.push({ title: cleanChatTitle(conversation.title, { max: TITLE_MAX }) || FALLBACK_TITLE, reason });
    }
  }
  report.chats.reverse();
  // The imported messages can be found by meaning too, once embedded.
  if (report.imported > 0) vectorIndexer().nudge();
  return report;
}

// ---------------------------------------------------------------- the uploaded file

/** Reads a saved upload (JSON or ZIP) and imports what it holds. */
export async function importFile({ filePath, user, locale = "en" }: { filePath: string; user: { id: string }; locale?: Locale }): Promise<ImportReport> {
  const head = new Uint8Array(4);
  const handle = await open(filePath, "r");
  try {
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (!looksLikeZip(head)) return importParsed({ parsed: parseExport(parseJson(await readFile(filePath))), user, locale });

  let zip: ZipReader;
  try {
    zip = await openZip(filePath);
  } catch (cause) {
    if (cause instanceof ZipError) throw damagedArchive(cause);
    throw cause;
  }
  try {
    const max = env().MAX_IMPORT_BYTES;
    // conversations.json at the top, or in the archive's one folder (a re-zipped export).
    const candidates = zip.entries.filter((e) => e.name === "conversations.json" || e.name.endsWith("/conversations.json")).sort((a, b) => a.name.length - b.name.length);
    const main = candidates[0];
    if (!main) throw new AppError("import_unrecognized");
    const prefix = main.name.slice(0, -"conversations.json".length);
    // A file is attachments/<sha256>/<its name> (attachments/<sha256> in exports before file names).
    const byHash = new Map<string, (typeof zip.entries)[number]>();
    for (const entry of zip.entries) {
      const match = entry.name.startsWith(`${prefix}attachments/`) ? /^([0-9a-f]{64})(?:\/[^/]+)?$/.exec(entry.name.slice(`${prefix}attachments/`.length)) : null;
      if (match && !byHash.has(match[1]!)) byHash.set(match[1]!, entry);
    }
    let document: unknown;
    try {
      document = parseJson(await zip.read(main, max * 4));
    } catch (cause) {
      if (cause instanceof ZipError) throw damagedArchive(cause);
      throw cause;
    }
    const files: FileSource = {
      async bytesOf(sha256) {
        const entry = byHash.get(sha256);
        if (!entry) return undefined;
        try {
          return await zip.read(entry, env().MAX_FILE_BYTES * 4);
        } catch (error) {
          // A damaged file, or one larger than any Parley takes: the message names it in text instead.
          if (error instanceof ZipError) return "unreadable";
          throw error;
        }
      },
    };
    return await importParsed({ parsed: parseExport(document), user, files, locale });
  } finally {
    await zip.close();
  }
}

/**
 * An import form (field `file`): the file is written to a temporary folder as
 * it arrives and checked against MAX_IMPORT_BYTES on the way; counted against
 * the `import` rate limit; imported; and the temporary copy removed.
 */
export async function importUpload({ request, user, ip, locale = "en" }: { request: Request; user: { id: string }; ip?: string; locale?: Locale }): Promise<ImportReport> {
  const max = env().MAX_IMPORT_BYTES;
  // A body declared far larger than the limit is refused before a byte is read.
  if (Number(request.headers.get("Content-Length") ?? 0) > max + 1024 * 1024) throw new AppError("import_too_large", { params: { max }, field: "file" });
  const subject = { action: "import" as const, user, ip };
  await consume(subject);
  const folder = await mkdtemp(path.join(tmpdir(), "parley-import-"));
  try {
    const filePath = path.join(folder, "upload");
    let received = false;
    let empty: string | undefined;
    let tooLarge = false;
    await readForm(request, {
      limits: { maxFieldBytes: 1024, maxFiles: 1 },
      onFile: async (file) => {
        if (file.field !== "file" || received) return;
        received = true;
        const out = createWriteStream(filePath, { mode: 0o600 });
        let size = 0;
        try {
          for await (const chunk of file.stream) {
            size += chunk.length;
            if (size > max) {
              tooLarge = true;
              continue;
            }
            if (!out.write(chunk)) await new Promise((resolve) => out.once("drain", resolve));
          }
        } finally {
          await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        }
        // A file chosen but empty is said so; no file chosen at all is import_file_required.
        if (size === 0) empty = safeFileName(file.filename);
      },
    });
    if (tooLarge) throw new AppError("import_too_large", { params: { max }, field: "file" });
    if (!received) throw new AppError("import_file_required", { field: "file" });
    if (empty !== undefined) throw new AppError("file_empty", { params: { name: empty }, field: "file" });
    return await importFile({ filePath, user, locale });
  } catch (error) {
    // A file refused before anything was imported was no import.
    if (error instanceof AppError && error.code !== "rate_limited") await refund(subject);
    throw error;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
