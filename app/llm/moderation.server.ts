// The optional check of every message a person sends, files included (MODERATION_MODEL), with
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

/** What is checked: the words of a message and of its text files, and its images (as data URLs). */
export type ModerationInput = { text: string } | { imageUrl: string };

/** Whether a moderation model reads images (OpenAI's omni models do; the older text-moderation ones refuse them). */
export function readsImages(model: string): boolean {
  return model.startsWith("omni-");
}

/**
 * Asks the moderation model about the inputs; throws when it cannot answer (the
 * caller refuses the message then). The texts go in one request (one result
 * each); each image goes in a request of its own.
 */
export async function moderate({ model, inputs }: { model: string; inputs: ModerationInput[] }): Promise<ModerationVerdict> {
  const config = env();
  const key = `${config.OPENAI_BASE_URL ?? ""} ${config.OPENAI_API_KEY ?? ""}`;
  if (client?.key !== key) {
    client = { key, openai: new OpenAI({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, maxRetries: 1, timeout: 15_000 }) };
  }
  const openai = client.openai;
  const texts = inputs.flatMap((input) => ("text" in input && input.text.trim() ? [input.text] : []));
  const images = inputs.flatMap((input) => ("imageUrl" in input ? [input.imageUrl] : []));
  const requests = [
    ...(texts.length > 0 ? [openai.moderations.create({ model, input: texts.length === 1 ? texts[0]! : texts })] : []),
    ...images.map((url) => openai.moderations.create({ model, input: [{ type: "image_url", image_url: { url } }] })),
  ];
  const responses = await Promise.all(requests);
  const flaggedCategories = new Set<string>();
  let flagged = false;
  for (const result of responses.flatMap((response) => response.results)) {
    if (!result.flagged) continue;
    flagged = true;
    for (const [category, on] of Object.entries(result.categories)) if (on) flaggedCategories.add(category);
  }
  if (flagged) logger.info("a message was flagged by moderation", { model, categories: [...flaggedCategories] });
  return { flagged, categories: [...flaggedCategories] };
}
