// Loads what a model is sent of the attachments on a conversation's path:
// images as base64 (for models that see), text files as text, PDFs as their
// text layer plus the file itself for models that read PDFs.
import { attachmentsForContext, readBlobBytes } from "../models/attachment.server";
import { attachmentIdsOf } from "../protocol/parts";
import { kindOf } from "../services/file-kind";
import type { ContextFile, PathTurn } from "./context";
import type { ModelInfo } from "./types";

export async function loadContextFiles({ turns, model }: { turns: readonly PathTurn[]; model: Pick<ModelInfo, "vision" | "pdf"> }): Promise<Map<string, ContextFile>> {
  const ids = [...new Set(turns.flatMap((t) => attachmentIdsOf(t.parts)))];
  const files = new Map<string, ContextFile>();
  for (const attachment of await attachmentsForContext({ ids })) {
    const kind = kindOf(attachment.mediaType);
    const base64 = async () => Buffer.from(await readBlobBytes({ attachmentId: attachment.id })).toString("base64");
    if (kind === "image") {
      files.set(attachment.id, { kind, mediaType: attachment.mediaType, ...(model.vision ? { data: await base64() } : {}) });
    } else if (kind === "pdf") {
      files.set(attachment.id, { kind, text: attachment.extractedText, ...(model.pdf ? { data: await base64() } : {}) });
    } else {
      // Read as UTF-8; a stray invalid byte becomes U+FFFD rather than failing the answer.
      files.set(attachment.id, { kind, text: new TextDecoder().decode(await readBlobBytes({ attachmentId: attachment.id })) });
    }
  }
  return files;
}
