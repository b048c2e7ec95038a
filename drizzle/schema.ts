// Parley's database schema. Migrations in drizzle/migrations are generated from
// this file (`npm run db:generate`) and applied at server start.
import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
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
  /** Colour theme: light, dark, or whatever the device prefers (also kept in a cookie so the first paint is right). */
  theme: text("theme", { enum: ["system", "light", "dark"] }).notNull().default("system"),
  /** Language of the interface's words; null follows the browser's Accept-Language. */
  locale: text("locale", { enum: ["en", "ru"] }),
  /** The system prompt of every answer in a chat that has none of its own. */
  customInstructions: text("custom_instructions"),
  createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  /** Set while an admin has disabled the account: its sessions are refused and it cannot log in. */
  disabledAt: integer("disabled_at", { mode: "number" }),
  /** The last request the person made (written at most every few minutes). */
  lastActiveAt: integer("last_active_at", { mode: "number" }),
  /** The admin who last changed the role, the disabled state or the password of this account, and when. */
  changedBy: text("changed_by"),
  changedAt: integer("changed_at", { mode: "number" }),
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
    /** When the session was last used, to within a few minutes (written at most that often). */
    lastSeenAt: integer("last_seen_at", { mode: "number" }),
    /** The User-Agent header at sign-in, cut to 512 characters: shown as "Chrome on Linux" in the sessions list. */
    userAgent: text("user_agent"),
    /** The address the session signed in from. */
    ip: text("ip"),
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
    /** The person whose message the answer answers (usage is counted against them). */
    askedBy: text("asked_by").references(() => users.id, { onDelete: "set null" }),
    /** The version of the server's system prompt the answer was generated with (null: there was none). */
    systemPromptVersion: integer("system_prompt_version"),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("answer_payers_key_owner_idx").on(t.keyOwnerId), index("answer_payers_asked_by_idx").on(t.askedBy, t.createdAt)],
);

/**
 * The server's system prompt, every version kept: the newest is in force. A
 * roll-back is a new version with an old text (`restoredFrom`), so the history
 * only grows. An empty text means no server prompt.
 */
export const systemPromptVersions = sqliteTable("system_prompt_versions", {
  version: integer("version").primaryKey({ autoIncrement: true }),
  text: text("text").notNull(),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  restoredFrom: integer("restored_from"),
  createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
});

/**
 * One person's usage limits where an admin set them apart from the server's
 * defaults: null follows the default, 0 means no limit for this person.
 */
export const userLimits = sqliteTable("user_limits", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  chats: integer("chats"),
  /** Answers asked for in a rolling window of `windowSeconds`. */
  messages: integer("messages"),
  windowSeconds: integer("window_seconds"),
  tokensPerMonth: integer("tokens_per_month"),
  spendPerMonthUsd: real("spend_per_month_usd"),
  updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
});

/**
 * One row per answer a person asked for (a send, edit, regenerate or
 * continue), written by the same statement that checks their answers-per-window
 * limit, so answers asked for at the same moment cannot pass it together
 * (docs/decisions/094). It refers to nothing but its person: deleting a chat
 * does not give its answers back.
 */
export const answerRequests = sqliteTable(
  "answer_requests",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("answer_requests_user_idx").on(t.userId, t.createdAt)],
);

/**
 * A message the moderation model flagged (MODERATION_MODEL): refused before
 * anything was stored or sent, kept for the admin area's list.
 */
export const moderationFlags = sqliteTable(
  "moderation_flags",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    /** The chat it was meant for (by id only: the chat may be gone); null for a new chat. */
    chatId: text("chat_id"),
    /** The text sent, cut to 2,000 characters. */
    text: text("text").notNull(),
    /** The categories the model flagged, e.g. ["violence"]. */
    categories: text("categories", { mode: "json" }).$type<string[]>().notNull(),
    model: text("model").notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("moderation_flags_created_idx").on(t.createdAt)],
);

/** What a request to a model was for: an answer (or its continuation), or a new chat's title. */
export const usageKinds = ["answer", "title"] as const;

/**
 * One row per finished request to a model (an answer, a continuation of one,
 * or the title asked for after a new chat's first answer): what usage and
 * cost reports add up. It outlives the chat (deleting a chat does not erase
 * what it cost), so it refers to its message by id only: a title's is the
 * answer whose end asked for it.
 */
export const usageRecords = sqliteTable(
  "usage_records",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id").notNull(),
    /** Who asked; null once that account is deleted. */
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    model: text("model").notNull(),
    provider: text("provider").notNull(),
    paidBy: text("paid_by", { enum: ["server", "user"] }).notNull(),
    /** What the request was for: an answer, or a chat's title. */
    kind: text("kind", { enum: usageKinds }).notNull().default("answer"),
    status: text("status", { enum: messageStatuses }).notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    /** USD, estimated from the catalog's prices; 0 when the model has none. */
    costUsd: real("cost_usd").notNull().default(0),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("usage_records_created_idx").on(t.createdAt), index("usage_records_user_idx").on(t.userId, t.createdAt)],
);

export type UserApiKey = typeof userApiKeys.$inferSelect;
export type AnswerPayer = typeof answerPayers.$inferSelect;

// ---------------------------------------------------------------- admin area

/**
 * Server-wide settings an admin changes in the admin area, one JSON value per
 * key (registration mode, model policy). A key with no row falls back to the
 * environment's default.
 */
export const appSettings = sqliteTable("app_settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  changedBy: text("changed_by"),
  changedAt: integer("changed_at", { mode: "number" }).notNull().default(now),
});

/** A one-time link an admin hands to a person to set a new password. Only the token's SHA-256 is stored. */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    /** SHA-256 (base64url) of the token in the link. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdBy: text("created_by"),
    expiresAt: integer("expires_at", { mode: "number" }).notNull(),
    usedAt: integer("used_at", { mode: "number" }),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

/** An invitation to sign up while registration is invite-only: expires, has a number of uses, can be revoked. */
export const invites = sqliteTable("invites", {
  id: text("id").primaryKey(),
  /** SHA-256 (base64url) of the token in the link: the link itself is shown once, when it is made. */
  tokenHash: text("token_hash").notNull().unique(),
  /** What the admin wrote to remember who it is for. */
  note: text("note").notNull().default(""),
  maxUses: integer("max_uses").notNull(),
  uses: integer("uses").notNull().default(0),
  expiresAt: integer("expires_at", { mode: "number" }).notNull(),
  revokedAt: integer("revoked_at", { mode: "number" }),
  createdBy: text("created_by"),
  createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
});

export type Invite = typeof invites.$inferSelect;

export type UsageRecord = typeof usageRecords.$inferSelect;
export type UserLimits = typeof userLimits.$inferSelect;
export type SystemPromptVersion = typeof systemPromptVersions.$inferSelect;

// ---------------------------------------------------------------- export and import

/**
 * Conversations a person imported from another app (or from a Parley export):
 * one row per person, source and the conversation's id there, so importing
 * the same file again adds nothing. Deleting the chat frees the key, and a
 * later import brings the conversation back.
 */
export const chatImports = sqliteTable(
  "chat_imports",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Where the conversation came from: parley, chatgpt, claude. */
    source: text("source").notNull(),
    /** The conversation's id in its source. */
    externalId: text("external_id").notNull(),
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.userId, t.source, t.externalId] }), index("chat_imports_chat_idx").on(t.chatId)],
);

export type ChatImport = typeof chatImports.$inferSelect;

// ---------------------------------------------------------------- shared links

/**
 * A chat's branch published at an unguessable link (docs/decisions/070): a
 * snapshot, copied when shared or updated, so later messages, edits, other
 * branches and deletions never reach it. One per chat; deleting the chat
 * deletes it (and the link is a 404 at once).
 */
export const shares = sqliteTable(
  "shares",
  {
    id: text("id").primaryKey(),
    /** The secret in the link (/s/<token>): 24 random bytes, base64url. */
    token: text("token").notNull().unique(),
    chatId: text("chat_id")
      .notNull()
      .unique()
      .references(() => chats.id, { onDelete: "cascade" }),
    /** Who shared it (the chat's owner at the time). */
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The chat's title when shared (the page shows this, not later renames). */
    title: text("title").notNull(),
    /** The chat's model when shared: a copy continued by someone else starts with it, when they may use it. */
    model: text("model").notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
    /** When the snapshot was last taken (equal to createdAt until it is updated). */
    updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
  },
  (t) => [index("shares_user_idx").on(t.userId, t.updatedAt)],
);

/** The messages of a share's snapshot, copied in order (root first). */
export const shareMessages = sqliteTable(
  "share_messages",
  {
    shareId: text("share_id")
      .notNull()
      .references(() => shares.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    role: text("role", { enum: ["user", "assistant"] }).notNull(),
    parts: text("parts", { mode: "json" }).$type<MessagePart[]>().notNull(),
    status: text("status", { enum: messageStatuses }).notNull(),
    model: text("model"),
    problem: text("problem", { mode: "json" }).$type<Problem>(),
  },
  (t) => [primaryKey({ columns: [t.shareId, t.position] })],
);

/** Files a snapshot shows: they stay stored while the share exists, and are served only through it. */
export const shareAttachments = sqliteTable(
  "share_attachments",
  {
    shareId: text("share_id")
      .notNull()
      .references(() => shares.id, { onDelete: "cascade" }),
    attachmentId: text("attachment_id")
      .notNull()
      .references(() => attachments.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.shareId, t.attachmentId] }), index("share_attachments_attachment_idx").on(t.attachmentId)],
);

export type Share = typeof shares.$inferSelect;
export type ShareMessage = typeof shareMessages.$inferSelect;

// ---------------------------------------------------------------- search

// The full-text index of chat titles and messages (FTS5 tables `chat_search`
// and `message_search`, their key tables `chat_search_rows` and
// `message_search_rows`, and the triggers that keep them current) is defined
// in the migrations only (`0014_search_index.sql`, its update trigger in
// `0015_search_index_when_answers_end.sql`, the tables and the triggers that
// fold text in `0019_search_folds_letters.sql`): drizzle-kit does not model
// virtual tables or triggers (docs/decisions/075, 174).
// app/models/search.server.ts reads it with SQL.
