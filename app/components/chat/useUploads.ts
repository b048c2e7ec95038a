// The composer's files with JavaScript: each file picked, dropped or pasted
// is uploaded at once (XMLHttpRequest, for a real progress bar) and becomes a
// chip; the message then carries only the ids. Files over the size or count
// limit are refused here before any byte is sent (the server checks again).
import type { TFunction } from "i18next";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "~/i18n/i18n";
import { describe, formatBytes, waitText, type Locale } from "../../protocol/catalogue";
import type { FilePart } from "../../protocol/parts";
import { kindOf, safeFileName } from "../../services/file-kind";
import { attachmentUrl, previewOf, rememberPreview } from "./Attachments";

export interface Chip {
  key: string;
  name: string;
  size: number;
  /** An object URL of an image picked here (for the thumbnail). */
  previewUrl?: string;
  status: "uploading" | "ready" | "error";
  /** 0…1 while uploading. */
  progress: number;
  error?: string;
  /** A failure that may not happen again (the connection, the server, too many uploads at once): it can be retried. */
  retryable?: boolean;
  part?: FilePart;
}

interface UploadReply {
  files?: FilePart[];
  error?: { code: string; message: string };
}

const IMAGE = /^image\/(png|jpeg|webp|gif)$/;
let nextKey = 0;

/** An upload refused for now (429): it may go again after `retryAfterSeconds`. */
class UploadLater extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A failure worth trying again: the connection dropped or the server failed, not a refusal of the file itself. */
class UploadFailed extends Error {}

/** The longest wait after which a refused upload is tried again by itself (a longer one is the person's to retry). */
const RETRY_BY_ITSELF_SECONDS = 60;

function upload(file: File, onProgress: (fraction: number) => void, t: TFunction): { done: Promise<FilePart>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<FilePart>((resolve, reject) => {
    xhr.open("POST", "/attachments");
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      const reply = xhr.response as UploadReply | null;
      const part = reply?.files?.[0];
      const retryAfter = Number(xhr.getResponseHeader("Retry-After"));
      if (xhr.status === 200 && part) resolve(part);
      else if (xhr.status === 429 && reply?.error && retryAfter > 0) reject(new UploadLater(reply.error.message, retryAfter));
      else if (reply?.error) reject(xhr.status >= 500 ? new UploadFailed(reply.error.message) : new Error(reply.error.message));
      // Anything else is a redirect to the login page (an expired session) or a server failure.
      else reject(xhr.responseURL.includes("/login") ? new Error(t("composer.sessionExpired")) : new UploadFailed(t("composer.uploadFailedStatus", { status: xhr.status })));
    };
    xhr.onerror = () => reject(new UploadFailed(t("composer.uploadFailedConnection")));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    const body = new FormData();
    body.append("files", file, file.name);
    xhr.send(body);
  });
  return { done, abort: () => xhr.abort() };
}

function discard(attachmentId: string): void {
  const body = new FormData();
  body.set("intent", "discard");
  body.set("attachmentId", attachmentId);
  // Best effort: an upload nobody discards is swept after a day.
  void fetch("/attachments", { method: "POST", body }).catch(() => undefined);
}

/** The uploaded files a draft listed, if the list reads as such. */
function keptFiles(keptAt: string): FilePart[] {
  try {
    const kept: unknown = JSON.parse(localStorage.getItem(keptAt) ?? "[]");
    return Array.isArray(kept) ? kept.filter((part): part is FilePart => typeof part?.attachmentId === "string" && typeof part?.name === "string" && typeof part?.size === "number") : [];
  } catch {
    return [];
  }
}

// A file uploaded before (a draft restored after a reload, a refused send's files) shows its thumbnail from the
// browser's copy while this tab has it, else from the server, which serves an upload to its uploader.
const readyChip = (part: FilePart): Chip => ({
  key: `k${nextKey++}`,
  name: part.name,
  size: part.size,
  status: "ready",
  progress: 1,
  part,
  previewUrl: previewOf(part.attachmentId) ?? (kindOf(part.mediaType) === "image" ? attachmentUrl("", part.attachmentId) : undefined),
});

/**
 * `keptAt`: where the files uploaded for this draft are listed in
 * localStorage, so that they come back with its text after a reload (an
 * upload never sent is deleted by the server after a day).
 */
export function useUploads({ initial, maxFileBytes, maxFiles, keptAt }: { initial?: FilePart[]; maxFileBytes: number; maxFiles: number; keptAt?: string }) {
  const [chips, setChips] = useState<Chip[]>(() => (initial ?? []).map(readyChip));
  const aborts = useRef(new Map<string, () => void>());
  /** How to upload a chip's file again, while it has a failure worth retrying. */
  const retries = useRef(new Map<string, () => void>());
  const { t, i18n } = useTranslation();
  const [notice, setNotice] = useState<string | null>(null);

  // Files handed back by a refused send replace what is shown.
  useEffect(() => {
    if (initial?.length) setChips(initial.map(readyChip));
  }, [initial]);

  // The draft's files come back after a reload (in the browser only: the server's page has none to show).
  const restored = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!keptAt || restored.current === keptAt) return;
    restored.current = keptAt;
    if (initial?.length) return;
    const kept = keptFiles(keptAt);
    if (kept.length) setChips((shown) => (shown.length ? shown : kept.map(readyChip)));
  }, [keptAt, initial]);

  // …and are listed as they change.
  useEffect(() => {
    if (!keptAt || restored.current !== keptAt) return;
    const parts = chips.flatMap((c) => (c.status === "ready" && c.part ? [c.part] : []));
    try {
      if (parts.length) localStorage.setItem(keptAt, JSON.stringify(parts));
      else localStorage.removeItem(keptAt);
    } catch {
      // Storage full or turned off: the files stay for this page only.
    }
  }, [chips, keptAt]);

  const update = (key: string, patch: Partial<Chip>) => setChips((all) => all.map((c) => (c.key === key ? { ...c, ...patch } : c)));

  const current = useRef(chips);
  current.current = chips;

  const add = useCallback(
    (files: Iterable<File>) => {
      const list = [...files];
      // A file refused here (too large, empty) takes no room: the files that can go still do.
      let room = maxFiles - current.current.filter((c) => c.status !== "error").length;
      const tooMany = t("composer.tooManyFiles", { count: maxFiles });
      let leftOut = false;
      const added: Chip[] = [];
      for (const file of list) {
        const key = `k${nextKey++}`;
        // The name as the server stores it (no direction controls to reverse it, no folders), refused or not.
        const name = safeFileName(file.name);
        const refused = (error: string) => added.push({ key, name, size: file.size, status: "error", progress: 0, error });
        if (file.size > maxFileBytes) {
          refused(t("composer.fileTooLarge", { size: formatBytes(maxFileBytes, i18n.language as Locale) }));
          continue;
        }
        if (file.size === 0) {
          refused(describe({ code: "file_empty", params: { name } }, i18n.language as Locale));
          continue;
        }
        // Past the limit a file is shown as not attached, never dropped without a word.
        if (room <= 0) {
          leftOut = true;
          refused(tooMany);
          continue;
        }
        room--;
        const previewUrl = IMAGE.test(file.type) ? URL.createObjectURL(file) : undefined;
        added.push({ key, name, size: file.size, previewUrl, status: "uploading", progress: 0 });
        const start = () => {
          const { done, abort } = upload(file, (progress) => update(key, { progress }), t);
          aborts.current.set(key, abort);
          done
            .then((part) => {
              if (previewUrl) rememberPreview(part.attachmentId, previewUrl);
              update(key, { status: "ready", progress: 1, part, name: part.name, error: undefined });
            })
            .catch((error: unknown) => {
              if (error instanceof DOMException && error.name === "AbortError") return;
              const retryable = error instanceof UploadFailed || error instanceof UploadLater;
              const later = error instanceof UploadLater && error.retryAfterSeconds <= RETRY_BY_ITSELF_SECONDS ? error : undefined;
              // A chip that goes again by itself says so (the server's words ask the person to try again).
              const text = later
                ? t("composer.uploadAgainIn", { wait: waitText(later.retryAfterSeconds, i18n.language as Locale) })
                : error instanceof Error
                  ? error.message
                  : String(error);
              update(key, { status: "error", error: text, retryable });
              if (retryable)
                retries.current.set(key, () => {
                  retries.current.delete(key);
                  aborts.current.get(key)?.();
                  aborts.current.delete(key);
                  update(key, { status: "uploading", progress: 0, error: undefined, retryable: undefined });
                  start();
                });
              // Too many uploads for the moment: the chip says so, and goes again by itself when it may.
              if (later) {
                const timer = setTimeout(() => {
                  aborts.current.delete(key);
                  if (!current.current.some((c) => c.key === key)) return;
                  retries.current.get(key)?.();
                }, later.retryAfterSeconds * 1000);
                // Removing the chip meanwhile cancels the next try.
                aborts.current.set(key, () => clearTimeout(timer));
              }
            })
            .finally(() => {
              if (aborts.current.get(key) === abort) aborts.current.delete(key);
            });
        };
        start();
      }
      setNotice(leftOut ? tooMany : null);
      current.current = [...current.current, ...added];
      setChips((all) => [...all, ...added]);
    },
    [maxFileBytes, maxFiles, t, i18n.language],
  );

  /** Uploads a failed chip's file again (only a failure worth retrying can be). */
  const retry = useCallback((key: string) => retries.current.get(key)?.(), []);

  const remove = useCallback((key: string) => {
    retries.current.delete(key);
    const chip = current.current.find((c) => c.key === key);
    // An upload under way, or one waiting to try again.
    aborts.current.get(key)?.();
    aborts.current.delete(key);
    if (chip?.status === "ready" && chip.part) discard(chip.part.attachmentId);
    setChips((all) => all.filter((c) => c.key !== key));
  }, []);

  /** After a send: the files went with the message (their previews stay for the message shown). */
  // Nothing to clear leaves the state as it is: a send without files renders nothing more.
  const clear = useCallback(() => setChips((chips) => (chips.length ? [] : chips)), []);

  const ready = chips.flatMap((c) => (c.status === "ready" && c.part ? [c.part] : []));
  const uploading = chips.some((c) => c.status === "uploading");
  return { chips, ready, uploading, add, remove, retry, clear, notice };
}
