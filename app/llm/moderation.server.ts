// The optional check of every message a person sends (MODERATION_MODEL), with
// the OpenAI SDK's moderations endpoint on the OpenAI provider's address and
// key: https://platform.openai.com/docs/api-reference/moderations/create
import OpenAI from "openai";
import { env } from "../env.server";
import { logger } from "../utils/logger.server";

export interface ModerationVerdict {
  flagged: boolean;
  /** The categories flagged, as the API names them ("violence", "harassment/threatening"…). */
  categories: string[];
}

let client: { key: string; openai: OpenAI } | undefined;

/** The moderation model, when the check is on: MODERATION_MODEL and an OpenAI key are both set. */
export function moderationModel(): string | null {
  const config = env();
  return config.MODERATION_MODEL && config.OPENAI_API_KEY ? config.MODERATION_MODEL : null;
}

/** Asks the moderation model about `text`; throws when it cannot answer (the caller refuses the message then). */
export async function moderate({ model, text }: { model: string; text: string }): Promise<ModerationVerdict> {
  const config = env();
  const key = `${config.OPENAI_BASE_URL ?? ""} ${config.OPENAI_API_KEY ?? ""}`;
  if (client?.key !== key) {
    client = { key, openai: new OpenAI({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, maxRetries: 1, timeout: 15_000 }) };
  }
  const response = await client.openai.moderations.create({ model, input: text });
  const flaggedCategories = new Set<string>();
  let flagged = false;
  for (const result of response.results) {
    if (!result.flagged) continue;
    flagged = true;
    for (const [category, on] of Object.entries(result.categories)) if (on) flaggedCategories.add(category);
  }
  if (flagged) logger.info("a message was flagged by moderation", { model, categories: [...flaggedCategories] });
  return { flagged, categories: [...flaggedCategories] };
}
