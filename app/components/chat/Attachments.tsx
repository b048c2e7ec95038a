// Files in a message: images as thumbnails (a click enlarges them; without
// JavaScript the link opens the image), other files as a list of download
// links. A file just sent is shown from the browser's own copy until the
// page's data has it.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { isolate } from "~/i18n/isolate";
import { useLocale } from "../../i18n/i18n";
import { formatBytes } from "../../protocol/catalogue";
import type { FilePart, MessagePart } from "../../protocol/parts";
import { kindOf } from "../../services/file-kind";
import { Icon } from "../ui/Icon";

// Object URLs of files picked in this tab, by attachment id: the message just
// sent shows them before its files can be fetched from the server.
const previews = new Map<string, string>();

export function rememberPreview(attachmentId: string, url: string): void {
  previews.set(attachmentId, url);
}

/** The browser's own copy of a file picked in this tab, if it still has one. */
export function previewOf(attachmentId: string): string | undefined {
  return previews.get(attachmentId);
}

/**
 * Where a message's file is served: through its chat (`/chats/<id>`), or
 * through the shared link the message is shown on (`/s/<token>`), which
 * authorises it by itself.
 */
export function attachmentUrl(base: string, attachmentId: string, download = false): string {
  return `${base}/attachments/${attachmentId}${download ? "?download" : ""}`;
}

function fileParts(parts: readonly MessagePart[]): FilePart[] {
  return parts.filter((p): p is FilePart => p.type === "file");
}

function Lightbox({ src, name, onClose }: { src: string; name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-label={name}
      onClose={onClose}
      onClick={(event) => {
        // A click on the backdrop (the dialog itself, not the image) closes it.
        if (event.target === event.currentTarget) ref.current?.close();
      }}
      className="m-auto max-h-[95vh] max-w-[95vw] bg-transparent p-0 backdrop:bg-black/80"
    >
      <img src={src} alt={name} className="max-h-[90vh] max-w-[95vw] object-contain" />
      <form method="dialog" className="mt-2 text-center">
        <button className="rounded-md bg-zinc-800 px-3 py-1 text-sm text-zinc-100 hover:bg-zinc-700">{t("common.close")}</button>
      </form>
    </dialog>
  );
}

/** The images of a user message, above its text. `base`: where its files are served (see attachmentUrl). */
export function MessageImages({ parts, base }: { parts: readonly MessagePart[]; base: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<FilePart | null>(null);
  const images = fileParts(parts).filter((p) => kindOf(p.mediaType) === "image");
  if (images.length === 0) return null;
  const src = (part: FilePart) => previews.get(part.attachmentId) ?? attachmentUrl(base, part.attachmentId);
  return (
    <div className="mb-2 flex max-w-[85%] flex-wrap justify-end gap-2" data-testid="message-images">
      {images.map((part) => (
        <a
          key={part.attachmentId}
          href={attachmentUrl(base, part.attachmentId)}
          target="_blank"
          rel="noreferrer"
          onClick={(event) => {
            event.preventDefault();
            setOpen(part);
          }}
          className="block overflow-hidden rounded-xl border border-zinc-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-500"
          aria-label={t("message.enlargeImage", { name: isolate(part.name) })}
        >
          <img src={src(part)} alt={part.name} loading="lazy" decoding="async" className="max-h-32 max-w-64 object-contain" />
        </a>
      ))}
      {open ? <Lightbox src={src(open)} name={open.name} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

/** The other files of a message, under its text. */
export function MessageFiles({ parts, base }: { parts: readonly MessagePart[]; base: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const files = fileParts(parts).filter((p) => kindOf(p.mediaType) !== "image");
  if (files.length === 0) return null;
  return (
    <ul className="mt-1 flex max-w-[85%] flex-wrap justify-end gap-2" data-testid="message-files" aria-label={t("message.attachedFiles")}>
      {files.map((part) => (
        <li key={part.attachmentId}>
          <a
            href={attachmentUrl(base, part.attachmentId, true)}
            download={part.name}
            className="inline-flex max-w-72 items-center gap-1.5 rounded-lg border border-zinc-700 bg-zinc-900 px-2.5 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
            data-testid="file-part"
          >
            <Icon name="file" className={`h-4 w-4 ${kindOf(part.mediaType) === "pdf" ? "text-red-400" : "text-zinc-400"}`} />
            <span dir="auto" className="truncate">
              {part.name}
            </span>
            <span className="shrink-0 text-zinc-400">{formatBytes(part.size, locale)}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
