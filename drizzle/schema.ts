// Parley's database schema. Migrations in drizzle/migrations are generated from
// this file (`npm run db:generate`) and applied at server start.
import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Problem } from "../app/protocol/errors";
import type { MessagePart } from "../app/protocol/parts";
import { type MessageStats, messageStatuses } from "../app/protocol/stream-events";

export { messageStatuses, type MessageStats };
export type { MessageStatus } from "../app/protocol/stream-events";

const now = sql`(unixepoch('subsec') * 1000)`;

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "member"] }).notNull().default("member"),
  createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
});

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie token: a leaked database does not leak live sessions. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at", { mode: "number" }).notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const chats = sqliteTable(
  "chats",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** Model for the next answer (`provider:model`); each answer records its own. */
    model: text("model").notNull(),
    systemPrompt: text("system_prompt"),
    pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    /** The leaf of the branch the user is looking at; the page shows the path root → leaf. */
    activeLeafId: text("active_leaf_id"),
    /** True once the title was set by the user or generated; stops auto-titling. */
    titleSet: integer("title_set", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
    /** Last activity (a message sent or answered); the sidebar's sort key. */
    updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("chats_user_list_idx").on(t.userId, t.archived, t.pinned, t.updatedAt)],
);

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    /** The message this one answers or follows; null for the first message. Siblings share a parent. */
    parentId: text("parent_id").references((): AnySQLiteColumn => messages.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["user", "assistant"] }).notNull(),
    /** The ordered typed parts (app/protocol/parts.ts): the message itself. */
    parts: text("parts", { mode: "json" }).$type<MessagePart[]>().notNull().default(sql`'[]'`),
    /** Derived from `parts` (the text parts joined): for search, titles and previews. */
    content: text("content").notNull().default(""),
    status: text("status", { enum: messageStatuses }).notNull().default("complete"),
    model: text("model"),
    stats: text("stats", { mode: "json" }).$type<MessageStats>(),
    /** Why the answer failed or was cut short: an error code and its parameters. */
    problem: text("problem", { mode: "json" }).$type<Problem>(),
    /** SSE id of the last event included in `parts` (see app/streaming). */
    lastEventId: integer("last_event_id").notNull().default(0),
    /** Fly machine running this answer's stream, for fly-replay on resume. */
    instanceId: text("instance_id"),
    /** When this message was created or last switched to: among siblings, the newest is the branch to show. */
    activeAt: integer("active_at", { mode: "number" }).notNull().default(now),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
    updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [
    index("messages_chat_idx").on(t.chatId, t.createdAt),
    index("messages_parent_idx").on(t.parentId, t.activeAt),
    // "Is an answer streaming in this chat?" on every send, and the restart sweep:
    // a partial index holds only the few answers being written (queries must
    // spell the literal `status = 'streaming'` for SQLite to use it).
    index("messages_streaming_idx").on(t.chatId).where(sql`status = 'streaming'`),
  ],
);

/** Who may do what with a chat: owner (everything), editor (write), viewer (read). */
export const chatRoles = ["owner", "editor", "viewer"] as const;
export type ChatRole = (typeof chatRoles)[number];

export const chatMembers = sqliteTable(
  "chat_members",
  {
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: chatRoles }).notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId] }), index("chat_members_user_idx").on(t.userId)],
);

export type User = typeof users.$inferSelect;
export type Chat = typeof chats.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type ChatMember = typeof chatMembers.$inferSelect;

/**
 * Counters of the login and sign-up throttles (rate-limiter-flexible's
 * Drizzle store): kept in the database so a restart does not reset them.
 */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: integer("expire", { mode: "timestamp_ms" }),
});

/**
 * Stored file contents, one row per distinct content (SHA-256): two uploads
 * of the same bytes share a blob. The type is sniffed from the bytes.
 */
export const blobs = sqliteTable("blobs", {
  id: text("id").primaryKey(),
  /** The bytes' SHA-256 (hex); `pending:<id>` while an upload is still being written. */
  sha256: text("sha256").notNull().unique(),
  size: integer("size").notNull(),
  mediaType: text("media_type").notNull(),
  /** Text read from the file (a PDF's text layer), for models that cannot read the file itself. */
  extractedText: text("extracted_text"),
  createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
});

/** A blob's bytes in ordered pieces of about 1 MiB: written while the upload streams in, read back in pieces. */
export const blobChunks = sqliteTable(
  "blob_chunks",
  {
    blobId: text("blob_id")
      .notNull()
      .references(() => blobs.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    data: blob("data", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.blobId, t.seq] })],
);

/** One uploaded file as its uploader named it; messages refer to it by id (a `file` part). */
export const attachments = sqliteTable(
  "attachments",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    blobId: text("blob_id")
      .notNull()
      .references(() => blobs.id),
    /** The file's name, made safe (no folders, no control characters, at most 255 characters). */
    name: text("name").notNull(),
    mediaType: text("media_type").notNull(),
    size: integer("size").notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("attachments_user_idx").on(t.userId, t.createdAt), index("attachments_blob_idx").on(t.blobId)],
);

/** Which messages use which attachments: the access check and the clean-up follow these rows. */
export const messageAttachments = sqliteTable(
  "message_attachments",
  {
    messageId: text("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    attachmentId: text("attachment_id")
      .notNull()
      .references(() => attachments.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.attachmentId] }), index("message_attachments_attachment_idx").on(t.attachmentId)],
);

export type Blob = typeof blobs.$inferSelect;
export type Attachment = typeof attachments.$inferSelect;

// ---------------------------------------------------------------- keys of one's own

/**
 * A person's own key for a provider preset (app/llm/catalog.server.ts), sealed
 * with AES-256-GCM under ENCRYPTION_KEY (docs/decisions/031). One per person
 * and provider. Only the last four characters are ever shown again.
 */
export const userApiKeys = sqliteTable(
  "user_api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** A preset id: openai, anthropic, openrouter, …, custom. */
    provider: text("provider").notNull(),
    /** `v1.<key id>.<iv>.<ciphertext>.<tag>`; null for a server that needs no key (a local Ollama). */
    sealedKey: text("sealed_key"),
    /** The end of the key, to tell keys apart; empty for keys too short to show any of. */
    lastFour: text("last_four").notNull().default(""),
    /** The person's own server (custom OpenAI-compatible, Ollama, LM Studio), when allowed. */
    baseUrl: text("base_url"),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
    updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [uniqueIndex("user_api_keys_user_provider_idx").on(t.userId, t.provider)],
);

/** Whose key paid for an answer: the server's, or the key of the person who asked (their own). */
export const answerPayers = sqliteTable(
  "answer_payers",
  {
    messageId: text("message_id")
      .primaryKey()
      .references(() => messages.id, { onDelete: "cascade" }),
    paidBy: text("paid_by", { enum: ["server", "user"] }).notNull(),
    /** The owner of the key that paid, when it was a person's own. */
    keyOwnerId: text("key_owner_id").references(() => users.id, { onDelete: "set null" }),
    provider: text("provider").notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("answer_payers_key_owner_idx").on(t.keyOwnerId)],
);

export type UserApiKey = typeof userApiKeys.$inferSelect;
export type AnswerPayer = typeof answerPayers.$inferSelect;

// ---------------------------------------------------------------- search

// The full-text index of chat titles and messages (FTS5 tables `chat_search`
// and `message_search`, their key tables `chat_search_rows` and
// `message_search_rows`, and the triggers that keep them current) is defined
// in the migration named `search_index` only: drizzle-kit does not model
// virtual tables or triggers (docs/decisions/075). app/models/search.server.ts
// reads it with SQL.
