// Refuses a message the moderation model flags (MODERATION_MODEL), before
// anything is stored or sent upstream, and keeps it for the admin's list.
// Without the setting nothing is checked.
import { APIError } from "openai";
import { moderate, moderationModel } from "../llm/moderation.server";
import { listModerationFlags, recordModerationFlag } from "../models/moderation-flag.server";
import { AppError } from "../protocol/errors";
import { logger } from "../utils/logger.server";

export async function refuseFlagged({ user, chatId, text }: { user: { id: string } | undefined; chatId: string | null; text: string }): Promise<void> {
  const model = moderationModel();
  if (!model || !user || !text.trim()) return;
  const verdict = await moderate({ model, text }).catch((error: unknown) => {
    // The status only: a provider's error text may quote the key.
    logger.warn("the moderation check failed", { model, status: error instanceof APIError ? error.status : undefined, kind: error instanceof Error ? error.name : typeof error });
    // Unchecked is not sent: with moderation on, a message goes upstream only once it passed.
    throw new AppError("moderation_unavailable");
  });
  if (!verdict.flagged) return;
  await recordModerationFlag({ userId: user.id, chatId, text, categories: verdict.categories, model });
  throw new AppError("message_flagged", { params: { detail: verdict.categories.join(", ") }, field: "content" });
}

/** The admin area's page: whether the check is on, and the newest flagged messages. */
export async function moderationAdminPage() {
  return { model: moderationModel(), flags: await listModerationFlags() };
}
