// Sharing a conversation by link (docs/decisions/070): the owner publishes
// the branch they are on as a read-only snapshot at /s/<token>, updates it to
// the chat's current state, or revokes it. Anyone with the link reads the
// snapshot; a signed-in reader can continue it as a chat of their own.
import type { Locale } from "../protocol/catalogue";
import { z } from "zod";
import { resolveModel } from "../llm/catalog.server";
import { allows, type ChatAccess, requireChatAccess } from "../models/chat-access.server";
import { getPathPage } from "../models/message.server";
import {
  deleteShare,
  findShareById,
  findShareByToken,
  findShareOfChat,
  getShareMessages,
  listSharesOf,
  publishShare,
  type Share,
  type ShareMessage,
} from "../models/share.server";
import { forkChat } from "../models/tree.server";
import { newChatModelFor } from "./conversation.server";
import { holdUsage } from "./usage-limits.server";
import { AppError } from "../protocol/errors";
import { isId } from "../utils/id";

/** The token in a link: exactly what newShareToken makes. Anything else cannot be a share. */
export const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/);

/** The longest branch a snapshot copies (far beyond any chat a person writes). */
const MAX_SHARED_MESSAGES = 100_000;

function needOwner(access: ChatAccess) {
  if (!allows(access.level, "own")) throw new AppError("chat_read_only");
  return access.chat;
}

/**
 * Shares the branch the chat shows now, or brings its existing share up to
 * it (the link stays the same). An answer still being written is not shared
 * half-done: the owner waits for it or stops it.
 */
export async function shareChat({ access, user }: { access: ChatAccess; user: { id: string } }): Promise<Share> {
  const chat = needOwner(access);
  const { messages } = await getPathPage({ chatId: chat.id, leafId: chat.activeLeafId, limit: MAX_SHARED_MESSAGES });
  if (messages.length === 0) throw new AppError("nothing_to_share");
  if (messages.some((m) => m.status === "streaming")) throw new AppError("answer_in_progress");
  return publishShare({
    chatId: chat.id,
    userId: user.id,
    title: chat.title,
    model: chat.model,
    messages: messages.map((m) => ({ role: m.role, parts: m.parts, status: m.status, model: m.model, problem: m.problem })),
  });
}

/** Revokes the chat's share, if it has one: its link and files are a 404 at once. */
export async function unshareChat({ access }: { access: ChatAccess }): Promise<void> {
  const chat = needOwner(access);
  const share = await findShareOfChat({ chatId: chat.id });
  if (share) await deleteShare({ shareId: share.id });
}

/** Revokes a share from the list of one's shared links: only the chat's owner may; to anyone else it does not exist. */
export async function revokeShare({ user, shareId }: { user: { id: string }; shareId: string }): Promise<void> {
  const share = isId(shareId) ? await findShareById({ shareId }) : undefined;
  if (!share) throw new AppError("not_found");
  await requireChatAccess({ chatId: share.chatId, user, level: "own" });
  await deleteShare({ shareId: share.id });
}

/** The chat's share as its owner sees it (null: not shared). */
export async function shareOfChat({ access }: { access: ChatAccess }): Promise<Pick<Share, "token" | "createdAt" | "updatedAt"> | null> {
  if (!allows(access.level, "own")) return null;
  const share = await findShareOfChat({ chatId: access.chat.id });
  return share ? { token: share.token, createdAt: share.createdAt, updatedAt: share.updatedAt } : null;
}

/** The live share behind a token; a malformed, unknown or revoked token is `not_found`, all alike. */
export async function shareByToken({ token }: { token: unknown }): Promise<Share> {
  const parsed = shareTokenSchema.safeParse(token);
  const share = parsed.success ? await findShareByToken({ token: parsed.data }) : undefined;
  if (!share) throw new AppError("not_found");
  return share;
}

export async function readShare({ token }: { token: unknown }): Promise<{ share: Share; messages: ShareMessage[] }> {
  const share = await shareByToken({ token });
  return { share, messages: await getShareMessages({ shareId: share.id }) };
}

/**
 * "Continue this conversation": the snapshot becomes a new chat of the
 * reader's (messages copied, files shared as a fork shares them), on the
 * same model when the reader may use it, else on the one their new chat
 * would start with.
 */
export async function continueShare({ token, user, locale }: { token: unknown; user: { id: string }; locale?: Locale }): Promise<string> {
  const { share, messages } = await readShare({ token });
  const { maxChats } = await holdUsage({ userId: user.id, newChat: true, answer: false });
  const model = (await resolveModel(share.model, { viewer: user })) ? share.model : await newChatModelFor(user);
  // Theirs now, under the title it was shared with (their own list holds no original to tell it from).
  return forkChat({ chat: { title: share.title, model, systemPrompt: null }, userId: user.id, path: messages, maxChats, locale, marked: false });
}

export async function sharesPage({ user }: { user: { id: string } }) {
  return { shares: await listSharesOf({ userId: user.id }) };
}
