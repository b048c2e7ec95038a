// The conversation service: everything a person does to a chat's messages,
// independent of HTTP. Callers pass the ChatAccess they got from
// requireChatAccess; failures are AppErrors with stable codes
// (docs/decisions/015), and an answer owned by another machine is
// AnswerOnAnotherMachine (the route replays the request there).
import type { Chat } from "../../drizzle/schema";
import { env } from "../env.server";
import { defaultModelFor, labelOfModelId, type ResolvedModel, resolveModel, unlistedBecause } from "../llm/catalog.server";
import { DEMO_MODEL_ID, DEMO_PROVIDER_ID } from "../llm/demo.server";
import { estimateTokens } from "../llm/context";
import { isModelDisabled, modelPolicy } from "../llm/model-policy.server";
import type { ModelInfo } from "../llm/types";
import { type Attachment, ownedAttachments } from "../models/attachment.server";
import { serverPrompt } from "../models/system-prompt.server";
import { allows, type AccessLevel, type ChatAccess } from "../models/chat-access.server";
import { chatIdTaken, deleteChat, lastChatModel, TITLE_WORDS, updateChat } from "../models/chat.server";
import type { Locale } from "../protocol/catalogue";
import {
  createAnswer,
  createChatWithExchange,
  createExchange,
  cursorShowing,
  type ExchangeIds,
  newExchangeIds,
  type NewAnswerRecords,
  getMessage,
  getPathPage,
  MAX_PATH_DEPTH,
  reopenAnswer,
} from "../models/message.server";
import { deleteBranch as deleteBranchRows, type ForkSource, forkChat, isOnPath, switchToBranch } from "../models/tree.server";
import { AppError } from "../protocol/errors";
import { createId } from "../utils/id";
import { attachmentIdsOf, type MessagePart, plainText, textParts } from "../protocol/parts";
import { askWhileStoring, type GenerationTarget, startGeneration } from "../streaming/generation.server";
import { AnswerOnAnotherMachine, instanceId, owningMachine, streamRegistry } from "../streaming/streams.server";
import { maybeGenerateTitle } from "../streaming/title.server";
import { filePartOf } from "./attachments.server";
import { kindOf } from "./file-kind";
import { refuseFlagged } from "./moderation.server";
import { holdUsage, type UsageHold } from "./usage-limits.server";

/** Readers learn that an answer ended before its end is stored: an action taken at that moment waits for the store. */
async function answersStored(chatId: string): Promise<void> {
  const storing = streamRegistry().endsStoredIn(chatId);
  if (storing) await storing;
}

function need(access: ChatAccess, level: AccessLevel): Chat {
  if (!allows(access.level, level)) throw new AppError("chat_read_only");
  return access.chat;
}

async function existingMessage(chat: Chat, messageId: string) {
  const message = await getMessage({ chatId: chat.id, messageId });
  if (!message) throw new AppError("message_not_found");
  return message;
}

/** Refuses a model the admin turned off, saying so (the chat keeps showing the answers it gave). */
async function refuseDisabled(modelId: string): Promise<void> {
  if (isModelDisabled(await modelPolicy(), modelId)) {
    // The demo is named in the reader's language; any other model as its provider names it.
    throw new AppError("model_disabled", { params: modelId === DEMO_MODEL_ID ? { demo: true } : { model: labelOfModelId(modelId) }, field: "model" });
  }
}

/** The model to use: the one asked for, else the chat's; it must be in the catalogue (the asker's own keys included). */
async function usableModel(requested: string | undefined, fallback: string, askedBy: { id: string } | undefined): Promise<ResolvedModel> {
  await refuseDisabled(requested || fallback);
  const resolved = await resolveModel(requested || fallback, { viewer: askedBy });
  if (resolved) return resolved;
  // Not listed because its provider could not be reached (a server of one's own that is down): that is what to fix.
  const unlisted = await unlistedBecause(requested || fallback, { viewer: askedBy });
  if (!unlisted) throw new AppError("model_unavailable", { field: "model" });
  const { provider, failure } = unlisted;
  if (failure.reason === "unreachable") throw new AppError("provider_unreachable", { field: "model", params: { provider } });
  throw new AppError("model_unavailable", { field: "model", params: { provider, listing: failure.reason, ...(failure.status ? { status: failure.status } : {}) } });
}

/**
 * The model a person's new chat starts with: the one they last chatted with, while it is offered to them, else the
 * server's default.
 */
export async function newChatModelFor(user: { id: string }): Promise<string> {
  const last = await lastChatModel({ userId: user.id });
  if (last && (await resolveModel(last, { viewer: user }))) return last;
  return defaultModelFor({ viewer: user });
}

/** Whether an answer by this model costs the server: not the demo model's, not one the person's own key pays for. */
function paidByServer(chosen: ResolvedModel): boolean {
  return chosen.payer.paidBy === "server" && chosen.provider.id !== DEMO_PROVIDER_ID;
}

/**
 * What a new answer is generated with, resolved while its exchange is
 * stored: who pays is written in the same batch, and generation reuses the
 * model and the server prompt instead of reading them again.
 */
async function prepareAnswer(
  chosen: ResolvedModel,
  askedBy: { id: string } | undefined,
  hold: Pick<UsageHold, "record">,
): Promise<{ records: NewAnswerRecords; prepared: NonNullable<GenerationTarget["prepared"]> }> {
  const server = await serverPrompt();
  const payer = { provider: chosen.provider.id, payer: chosen.payer, askedBy: askedBy?.id ?? null, systemPromptVersion: server?.version ?? null };
  return { records: { payer, ...(hold.record ? { request: hold.record } : {}) }, prepared: { resolved: chosen, server } };
}

/**
 * Refuses, before anything is sent upstream, files the model cannot take in
 * (PDFs and text always go, as text if need be). `sent`: the files are those
 * of a message already sent (an edit, a regenerate), which keeps them.
 */
function checkModelReads(model: ModelInfo, files: readonly Pick<Attachment, "mediaType" | "size">[], text = "", { sent = false } = {}): void {
  if (!model.vision && files.some((f) => kindOf(f.mediaType) === "image")) {
    throw new AppError("model_cannot_see_images", { params: { model: model.label, ...(sent ? { sent } : {}) }, field: "model" });
  }
  // A message the model cannot read even alone is refused here, not sent whole (and paid for, or refused) upstream.
  const tokens = estimateTokens(text) + files.reduce((sum, f) => sum + fileTokens(f), 0);
  if (tokens > model.contextWindow) {
    throw new AppError("message_too_big_for_model", { params: { model: model.label, tokens: roughly(tokens), max: model.contextWindow }, field: "files" });
  }
}

/**
 * Tokens a file will take at least, from its size: a text file's bytes are
 * at least its characters (≈4 a token); an image is about a tile's worth; a
 * PDF's text cannot be told from its size, so it counts as one page.
 */
function fileTokens(file: Pick<Attachment, "mediaType" | "size">): number {
  return kindOf(file.mediaType) === "text" ? Math.ceil(file.size / 4) : 1_000;
}

/** A count to two significant figures, as an estimate is said ("about 3,800,000"). */
function roughly(count: number): number {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(count)) - 1);
  return Math.round(count / unit) * unit;
}

/** What a chat's title is made from: the first message's words, or the names of its files when it has none. */
function titleSource(parts: readonly MessagePart[]): string {
  const words = parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("").trim();
  return words || parts.flatMap((p) => (p.type === "file" ? [p.name] : [])).join(", ");
}

/**
 * A new user message's parts: the files first (models read them before the
 * question), then the text. Every attachment must be the sender's own upload.
 */
async function newMessageParts({ user, text, attachmentIds = [], model }: { user?: { id: string }; text: string; attachmentIds?: string[]; model: ModelInfo }) {
  const ids = [...new Set(attachmentIds)];
  const max = env().MAX_FILES_PER_MESSAGE;
  if (ids.length > max) throw new AppError("too_many_files", { params: { max }, field: "files" });
  const files = user ? await ownedAttachments({ userId: user.id, ids }) : [];
  if (files.length !== ids.length) throw new AppError("attachment_not_found", { field: "files" });
  if (!text.trim() && files.length === 0) throw new AppError("message_empty", { field: "content" });
  checkModelReads(model, files, text);
  const parts: MessagePart[] = [...files.map(filePartOf), ...textParts(text)];
  return { parts, attachmentIds: ids };
}

/** Browser-chosen ids, when it sent both (it opens the answer's stream with them). */
function clientIds(input: { userMessageId?: string; answerId?: string }): ExchangeIds | undefined {
  return input.userMessageId && input.answerId ? { userMessageId: input.userMessageId, assistantMessageId: input.answerId } : undefined;
}

/**
 * Runs `work` holding what the asker's usage limits allow (one answer of
 * their window, recorded at once so that sends at the same moment cannot all
 * pass, or with `recordWithAnswer` by the batch that stores the answer when
 * no such limit applies); a typed refusal before anything is stored gives the
 * answer back. Without an asker (no one to count against) it just runs.
 */
async function withinUsageLimits<T>(
  asker: { id: string } | undefined,
  options: { newChat?: boolean; answer?: boolean; recordWithAnswer?: boolean; serverPays?: boolean },
  work: (hold: Pick<UsageHold, "maxChats" | "record">) => Promise<T>,
): Promise<T> {
  if (!asker) return work({ maxChats: 0 });
  const hold = await holdUsage({ userId: asker.id, ...options });
  try {
    return await work(hold);
  } catch (error) {
    if (error instanceof AppError) await hold.release();
    throw error;
  }
}

/** Starts a new chat with its first message; returns the chat and the answer being written. */
export async function startChat({
  user,
  text,
  model,
  attachmentIds,
  chatId: requestedId,
  locale = "en",
}: {
  user: { id: string };
  text: string;
  model?: string;
  attachmentIds?: string[];
  /** The new chat's id, when the browser chose it (an id already used is `id_taken`). */
  chatId?: string;
  /** The sender's language: the chat's title until it is named is in their words. */
  locale?: Locale;
}) {
  // Said before anything else is done (the store refuses it too, should two sends race for the id).
  if (requestedId && (await chatIdTaken({ chatId: requestedId }))) throw new AppError("id_taken");
  await refuseFlagged({ user, chatId: null, text, attachmentIds });
  const chosen = await usableModel(model, await newChatModelFor(user), user);
  const { chat, message, ...ids } = await withinUsageLimits(user, { newChat: true, recordWithAnswer: true, serverPays: paidByServer(chosen) }, async ({ maxChats, record }) => {
    const message = await newMessageParts({ user, text, attachmentIds, model: chosen.model });
    const { records, prepared } = await prepareAnswer(chosen, user, { record });
    const chatId = requestedId ?? createId();
    const ids = newExchangeIds();
    const target = { chatId, parentId: null, question: message.parts, modelId: chosen.model.id, askedBy: user, prepared };
    const stored = await askWhileStoring(target, { ...ids, readerInParallel: false }, () =>
      createChatWithExchange({ chatId, ids, userId: user.id, ...message, model: chosen.model.id, instanceId: instanceId(), maxChats, records, title: TITLE_WORDS[locale].untitled }),
    );
    return { ...stored, message };
  });
  void maybeGenerateTitle({ chat, firstMessage: titleSource(message.parts), answerId: ids.assistantMessageId, askedBy: user });
  return { chat, ...ids };
}

/** A new message at the end of the branch shown (or under `parentId`), and its answer. */
export async function sendMessage({
  access,
  user,
  text,
  attachmentIds,
  model,
  parentId,
  userMessageId,
  answerId,
}: {
  access: ChatAccess;
  /** Who sends: the owner of the attachments, and their own key for the model's provider pays when they have one. */
  user?: { id: string };
  text: string;
  attachmentIds?: string[];
  model?: string;
  parentId?: string;
  userMessageId?: string;
  answerId?: string;
}): Promise<ExchangeIds> {
  const chat = need(access, "write");
  await answersStored(chat.id);
  await refuseFlagged({ user, chatId: chat.id, text, attachmentIds });
  const chosen = await usableModel(model, chat.model, user);
  const { ids, message } = await withinUsageLimits(user, { recordWithAnswer: true, serverPays: paidByServer(chosen) }, async (hold) => {
    // The page names the message it shows last: usually the chat's leaf, just read with the chat.
    const parent = parentId && parentId !== chat.activeLeafId ? (await existingMessage(chat, parentId)).id : chat.activeLeafId;
    const message = await newMessageParts({ user, text, attachmentIds, model: chosen.model });
    const { records, prepared } = await prepareAnswer(chosen, user, hold);
    const question = { chatId: chat.id, parentId: parent, question: message.parts, modelId: chosen.model.id, systemPrompt: chat.systemPrompt, askedBy: user, prepared };
    // Ids the page chose: it opened the answer's stream with the send.
    const fromPage = clientIds({ userMessageId, answerId });
    const ids = fromPage ?? newExchangeIds();
    await askWhileStoring(question, { ...ids, readerInParallel: Boolean(fromPage) }, () =>
      createExchange({ chatId: chat.id, parentId: parent, ...message, model: chosen.model.id, instanceId: instanceId(), ids, records }),
    );
    return { ids, message };
  });
  void maybeGenerateTitle({ chat, firstMessage: titleSource(message.parts), answerId: ids.assistantMessageId, askedBy: user });
  return ids;
}

/** Editing a user message makes a sibling with the new text, answered afresh; the old branch stays. */
export async function editMessage({
  access,
  user,
  messageId,
  text,
  userMessageId,
  answerId,
}: {
  access: ChatAccess;
  user?: { id: string };
  messageId: string;
  text: string;
  userMessageId?: string;
  answerId?: string;
}): Promise<ExchangeIds> {
  const chat = need(access, "write");
  await answersStored(chat.id);
  const original = await existingMessage(chat, messageId);
  if (original.role !== "user") throw new AppError("message_not_found");
  await refuseFlagged({ user, chatId: chat.id, text });
  const resolved = await usableModel(undefined, chat.model, user);
  const { ids, modelId } = await withinUsageLimits(user, { serverPays: paidByServer(resolved) }, async () => {
    const chosen = resolved.model;
    // The edit changes the words; the files stay with the message.
    const files = original.parts.filter((p) => p.type === "file");
    checkModelReads(chosen, files, text, { sent: true });
    if (!text.trim() && files.length === 0) throw new AppError("message_empty", { field: "content" });
    const parts: MessagePart[] = [...files, ...textParts(text)];
    const ids = await createExchange({ chatId: chat.id, parentId: original.parentId, parts, attachmentIds: attachmentIdsOf(files), model: chosen.id, instanceId: instanceId(), ids: clientIds({ userMessageId, answerId }) });
    return { ids, modelId: chosen.id };
  });
  await startGeneration({ chatId: chat.id, assistantMessageId: ids.assistantMessageId, parentId: ids.userMessageId, modelId, systemPrompt: chat.systemPrompt, askedBy: user });
  return ids;
}

/** Regenerating an answer makes a sibling; "answering" a user message left without one adds its first answer. */
export async function regenerate({ access, user, messageId, model, answerId }: { access: ChatAccess; user?: { id: string }; messageId: string; model?: string; answerId?: string }) {
  const chat = need(access, "write");
  await answersStored(chat.id);
  const target = await existingMessage(chat, messageId);
  const parentId = target.role === "assistant" ? target.parentId : target.id;
  if (!parentId) throw new AppError("cannot_regenerate");
  const resolved = await usableModel(model, chat.model, user);
  const { assistantMessageId, modelId, question } = await withinUsageLimits(user, { serverPays: paidByServer(resolved) }, async () => {
    const chosen = resolved.model;
    const question = target.role === "assistant" ? await existingMessage(chat, parentId) : target;
    checkModelReads(chosen, question.parts.filter((p) => p.type === "file"), plainText(question.parts), { sent: true });
    const created = await createAnswer({ chatId: chat.id, parentId, model: chosen.id, instanceId: instanceId(), ...(answerId ? { assistantMessageId: answerId } : {}) });
    return { ...created, modelId: chosen.id, question };
  });
  await startGeneration({ chatId: chat.id, assistantMessageId, parentId, modelId, systemPrompt: chat.systemPrompt, askedBy: user });
  void maybeGenerateTitle({ chat, firstMessage: titleSource(question.parts), answerId: assistantMessageId, askedBy: user });
  return { assistantMessageId };
}

/** Continues an interrupted or failed answer where it stopped (same message, event ids go on). */
export async function continueAnswer({ access, user, messageId }: { access: ChatAccess; user?: { id: string }; messageId: string }) {
  const chat = need(access, "write");
  await answersStored(chat.id);
  const target = await existingMessage(chat, messageId);
  if (target.role !== "assistant" || !target.parentId) throw new AppError("message_not_found");
  if (target.status !== "interrupted" && target.status !== "error") throw new AppError("answer_not_interrupted");
  await refuseDisabled(target.model ?? chat.model);
  const resolved = await resolveModel(target.model ?? chat.model, { viewer: user });
  await withinUsageLimits(user, { serverPays: !resolved || paidByServer(resolved) }, () => reopenAnswer({ chatId: chat.id, messageId: target.id, instanceId: instanceId() }));
  await startGeneration({
    chatId: chat.id,
    assistantMessageId: target.id,
    parentId: target.parentId,
    modelId: target.model ?? chat.model,
    systemPrompt: chat.systemPrompt,
    askedBy: user,
    continueFrom: { parts: target.parts, lastEventId: target.lastEventId, stats: target.stats },
  });
  // A chat whose first answer was cut short by a restart never got its title: it gets one when the answer is finished.
  if (!chat.titleSet) {
    const question = await getMessage({ chatId: chat.id, messageId: target.parentId });
    if (question) void maybeGenerateTitle({ chat, firstMessage: titleSource(question.parts), answerId: target.id, askedBy: user });
  }
  return { assistantMessageId: target.id };
}

/** Stops an answer being written (on the machine writing it). */
export async function stopAnswer({ access, messageId }: { access: ChatAccess; messageId: string }): Promise<void> {
  const chat = need(access, "write");
  const target = await existingMessage(chat, messageId);
  const machine = owningMachine(target);
  if (machine) throw new AnswerOnAnotherMachine(machine);
  await streamRegistry().stop(target.id);
}

/**
 * Shows the branch through a message (another version of it). Returns the
 * page that shows that message: `before` for an earlier page when the
 * branch below it is longer than the latest page, else null.
 */
export async function switchBranch({ access, messageId }: { access: ChatAccess; messageId: string }): Promise<{ before: string | null }> {
  const chat = need(access, "write");
  const target = await existingMessage(chat, messageId);
  const leafId = await switchToBranch({ chatId: chat.id, messageId: target.id });
  return { before: await cursorShowing({ chatId: chat.id, leafId, messageId: target.id }) };
}

/** Copies the path up to a message into a new chat of the caller's; returns its id. */
export async function fork({ access, user, messageId, locale }: { access: ChatAccess; user: { id: string }; messageId: string; locale?: Locale }): Promise<string> {
  const chat = need(access, "read");
  const target = await existingMessage(chat, messageId);
  const { maxChats } = await holdUsage({ userId: user.id, newChat: true, answer: false });
  const { messages: path } = await getPathPage({ chatId: chat.id, leafId: target.id, limit: MAX_PATH_DEPTH });
  const registry = streamRegistry();
  const withLiveParts: ForkSource[] = path.map((m) => {
    const live = registry.getIn(chat.id, m.id);
    return live && !live.finished ? { ...m, parts: live.snapshot() } : m;
  });
  return forkChat({ chat, userId: user.id, path: withLiveParts, maxChats, locale });
}

/** Deletes a message and its subtree; an answer still being written inside it is stopped first. */
export async function deleteBranch({ access, messageId }: { access: ChatAccess; messageId: string }): Promise<void> {
  const chat = need(access, "write");
  const target = await getMessage({ chatId: chat.id, messageId });
  if (!target) return; // already gone: deleting twice is not an error
  const registry = streamRegistry();
  for (const stream of registry.activeStreams()) {
    if (stream.chatId === chat.id && (await isOnPath({ messageId: stream.messageId, ancestorId: target.id }))) await registry.stop(stream.messageId);
  }
  await deleteBranchRows({ chat, messageId: target.id });
}

export async function renameChat({ access, title }: { access: ChatAccess; title: string }): Promise<void> {
  const chat = need(access, "write");
  await updateChat({ chatId: chat.id, patch: { title, titleSet: true } });
}

export async function setSystemPrompt({ access, systemPrompt }: { access: ChatAccess; systemPrompt: string }): Promise<void> {
  const chat = need(access, "write");
  await updateChat({ chatId: chat.id, patch: { systemPrompt: systemPrompt.trim() || null } });
}

export async function setPinned({ access, pinned }: { access: ChatAccess; pinned: boolean }): Promise<void> {
  const chat = need(access, "own");
  await updateChat({ chatId: chat.id, patch: { pinned } });
}

export async function setArchived({ access, archived }: { access: ChatAccess; archived: boolean }): Promise<void> {
  const chat = need(access, "own");
  await updateChat({ chatId: chat.id, patch: { archived } });
}

/** Deletes the chat; its answers being written are stopped and stored first. */
export async function removeChat({ access }: { access: ChatAccess }): Promise<void> {
  const chat = need(access, "own");
  const registry = streamRegistry();
  for (const stream of registry.activeStreams()) if (stream.chatId === chat.id) await registry.stop(stream.messageId);
  await deleteChat({ chatId: chat.id });
}
