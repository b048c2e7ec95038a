// Refuses a message the moderation model flags (MODERATION_MODEL), its files included, before
// anything is stored or sent upstream, and keeps it for the admin's list.
// Without the setting nothing is checked.
import { APIError } from "openai";
import { moderate, type ModerationInput, moderationModel, readsImages } from "../llm/moderation.server";
import { attachmentsForContext, ownedAttachments, readBlobBytes } from "../models/attachment.server";
import { listModerationFlags, recordModerationFlag } from "../models/moderation-flag.server";
import { AppError } from "../protocol/errors";
import { logger } from "../utils/logger.server";
import { kindOf } from "./file-kind";

/** How much of one file's text is checked (the moderation models read a few thousand words at most). */
const FILE_TEXT_CHECKED = 32_000;

/** The message's words, then each attached file of the sender's: its text (a text file, a PDF's extracted text) or its image. */
async function inputsOf({ model, owned, text }: { model: string; owned: { id: string }[]; text: string }): Promise<ModerationInput[]> {
  const inputs: ModerationInput[] = [{ text }];
  for (const file of await attachmentsForContext({ ids: owned.map((a) => a.id) })) {
    const kind = kindOf(file.mediaType);
    if (kind === "image") {
      if (readsImages(model)) inputs.push({ imageUrl: `data:${file.mediaType};base64,${Buffer.from(await readBlobBytes({ attachmentId: file.id })).toString("base64")}` });
    } else if (kind === "pdf") {
      if (file.extractedText) inputs.push({ text: file.extractedText.slice(0, FILE_TEXT_CHECKED) });
    } else {
      inputs.push({ text: new TextDecoder().decode(await readBlobBytes({ attachmentId: file.id })).slice(0, FILE_TEXT_CHECKED) });
    }
  }
  return inputs;
}

export async function refuseFlagged({
  user,
  chatId,
  text,
  attachmentIds = [],
}: {
  user: { id: string } | undefined;
  chatId: string | null;
  text: string;
  /** Files sent with the message: checked too (only the sender's own; others are refused later anyway). */
  attachmentIds?: string[];
}): Promise<void> {
  const model = moderationModel();
  if (!model || !user) return;
  const owned = await ownedAttachments({ userId: user.id, ids: attachmentIds });
  const inputs = await inputsOf({ model, owned, text });
  if (!inputs.some((input) => ("text" in input ? input.text.trim() : true))) return;
  const verdict = await moderate({ model, inputs }).catch((error: unknown) => {
    // The status only: a provider's error text may quote the key.
    logger.warn("the moderation check failed", { model, status: error instanceof APIError ? error.status : undefined, kind: error instanceof Error ? error.name : typeof error });
    // Unchecked is not sent: with moderation on, a message goes upstream only once it passed.
    throw new AppError("moderation_unavailable");
  });
  if (!verdict.flagged) return;
  const names = owned.map((a) => a.name);
  const listed = names.length > 0 ? `${text}\n\n${names.map((name) => `[file: ${name}]`).join("\n")}`.trim() : text;
  await recordModerationFlag({ userId: user.id, chatId, text: listed, categories: verdict.categories, model });
  throw new AppError("message_flagged", { params: { detail: verdict.categories.join(", ") }, field: "content" });
}

/** The admin area's page: whether the check is on, and the newest flagged messages. */
export async function moderationAdminPage() {
  return { model: moderationModel(), flags: await listModerationFlags() };
}
