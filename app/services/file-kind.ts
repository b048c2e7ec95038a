// What Parley accepts as an attachment, decided from the bytes (the caller
// sniffs them) and never from the name or the browser's Content-Type; and
// file names made safe to store, show and send back in a header.
// No server imports: the composer uses the same lists for its file picker.

/** Raster images every vision model reads, and the only files served inline. */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export const PDF_TYPE = "application/pdf";
/** Text and code files are stored as this type (served as plain text, never rendered). */
export const TEXT_TYPE = "text/plain";

export type FileKind = "image" | "pdf" | "text";

export function kindOf(mediaType: string): FileKind {
  if ((IMAGE_TYPES as readonly string[]).includes(mediaType)) return "image";
  if (mediaType === PDF_TYPE) return "pdf";
  return "text";
}

/** The file picker's hint (the server decides by the bytes whatever the picker lets through). */
export const ACCEPT = [
  ...IMAGE_TYPES,
  PDF_TYPE,
  "text/*",
  ".md,.txt,.csv,.tsv,.json,.jsonl,.yaml,.yml,.toml,.ini,.xml,.html,.css,.js,.mjs,.cjs,.jsx,.ts,.tsx,.py,.rb,.go,.rs,.java,.kt,.c,.h,.cpp,.hpp,.cs,.php,.swift,.sh,.sql,.r,.lua,.pl,.scala,.dart,.vue,.svelte,.svg,.log,.env,.tex",
].join(",");

/**
 * Extensions that promise a binary format. A file named like this whose bytes
 * are text is not what it says (an HTML page renamed to .png, say) and is
 * refused; text named anything else is read as text.
 */
const BINARY_EXTENSIONS = new Set([
  "png", "jpg", "jpeg", "gif", "webp", "bmp", "ico", "tif", "tiff", "avif", "heic", "heif",
  "pdf", "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar",
  "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp",
  "exe", "dll", "so", "dylib", "bin", "class", "jar", "wasm",
  "mp3", "wav", "ogg", "flac", "m4a", "mp4", "mov", "avi", "mkv", "webm",
]);

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

export function claimsBinary(name: string): boolean {
  return BINARY_EXTENSIONS.has(extensionOf(name));
}

/**
 * Whether a file's first bytes are text: no NUL byte and valid UTF-8 (a
 * character cut off at the end of the sample is fine when the file goes on).
 */
export function looksLikeText(head: Uint8Array, complete: boolean): boolean {
  if (head.includes(0)) return false;
  let end = head.length;
  if (!complete) {
    // Step back over an incomplete multi-byte character at the cut.
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (head[end - back - 1]! & 0xc0) === 0x80) back++;
    const lead = end - back - 1;
    if (lead >= 0) {
      const byte = head[lead]!;
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      if (need > back + 1) end = lead;
    }
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    // Not UTF-8: a binary format file-type does not know (or a legacy encoding we do not read).
    return false;
  }
}

/**
 * Text in an encoding Parley does not read, named for the person: UTF-16
 * (its byte-order mark: Windows' "Unicode text", PowerShell's files), or a
 * single-byte code page such as Windows-1252 (bytes that are not UTF-8, yet
 * printable, without the NULs and control bytes of binary formats). Null for
 * anything else.
 */
export function otherTextEncoding(head: Uint8Array): "UTF-16" | "legacy" | null {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return "UTF-16";
  if (head.length === 0 || head.includes(0)) return null;
  let printable = 0;
  for (const byte of head) if (byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) printable++;
  return printable / head.length > 0.98 ? "legacy" : null;
}

const MAX_NAME_LENGTH = 255;
// C0 and C1 control characters (NUL included) and the bidirectional controls that can disguise an extension.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A file name safe to store and show: the last path segment only (no folders,
 * so no `../`), no control characters, at most 255 characters keeping the
 * extension, never empty.
 */
export function safeFileName(raw: string): string {
  const lastSegment = raw.normalize("NFC").split(/[/\\]/).pop() ?? "";
  let name = lastSegment.replace(UNSAFE, "").trim();
  if (name === "" || name === "." || name === "..") name = "file";
  const chars = [...name];
  if (chars.length <= MAX_NAME_LENGTH) return name;
  const extension = extensionOf(name);
  const keep = extension && extension.length <= 16 ? `.${extension}` : "";
  return chars.slice(0, MAX_NAME_LENGTH - keep.length).join("") + keep;
}
