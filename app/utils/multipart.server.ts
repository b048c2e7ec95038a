// A multipart/form-data body read as it arrives: text fields are collected,
// each file is handed to `onFile` as a stream while the rest of the body
// waits (busboy's backpressure), so a 20 MB upload never sits whole in
// memory (docs/decisions/022). A url-encoded body is read the usual way.
import busboy from "busboy";
import { AppError } from "../protocol/errors";

export interface IncomingFile {
  field: string;
  /** As the browser sent it (made safe by whoever stores it). */
  filename: string;
  /** The file's bytes as they arrive; must be read to the end (or the body stalls). */
  stream: AsyncIterable<Uint8Array>;
}

export interface MultipartLimits {
  /** Bytes one text field may hold; a longer field is `truncatedFields`. */
  maxFieldBytes: number;
  /** Files in one body; more set `tooManyFiles` and are skipped (named in `filesLeftOut`). */
  maxFiles: number;
  maxFields?: number;
}

export interface ReadForm {
  fields: FormData;
  /** Fields cut at `maxFieldBytes`. */
  truncatedFields: Set<string>;
  tooManyFiles: boolean;
  /** The names of files skipped past `maxFiles` (as sent), so that none goes without a word. */
  filesLeftOut: string[];
}

/** Files past the limit whose names are still read (their bytes are skipped); beyond these, a body's files are not even named. */
const NAMED_PAST_LIMIT = 100;

function isMultipart(request: Request): boolean {
  return (request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

/**
 * Reads a form. Files are passed to `onFile` one at a time, in the order they
 * arrive; an empty file input (no name, no bytes) is skipped. A body that is
 * not a readable form is `bad_body`.
 */
/**
 * A file's name as the person sees it: browsers write `"`, CR and LF in a
 * multipart file name as %22, %0D and %0A (and nothing else escaped), so
 * `report "final".txt` arrives as `report %22final%22.txt`.
 */
export function browserFileName(sent: string): string {
  return sent.replace(/%22|%0D|%0A/gi, (escape) => ({ "%22": '"', "%0D": "\r", "%0A": "\n" })[escape.toUpperCase()]!);
}

export async function readForm(
  request: Request,
  { limits, onFile }: { limits: MultipartLimits; onFile: (file: IncomingFile) => Promise<void> },
): Promise<ReadForm> {
  if (!isMultipart(request)) {
    try {
      return { fields: await request.formData(), truncatedFields: new Set(), tooManyFiles: false, filesLeftOut: [] };
    } catch (cause) {
      throw new AppError("bad_body", { cause });
    }
  }
  const fields = new FormData();
  const truncatedFields = new Set<string>();
  let tooManyFiles = false;
  const filesLeftOut: string[] = [];
  let named = 0;
  const handlers: Promise<void>[] = [];
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": request.headers.get("Content-Type") ?? "" },
      // Browsers send names in UTF-8; busboy's default is Latin-1.
      defParamCharset: "utf8",
      // The name as sent: busboy would turn "." and ".." into no name, and the file would be dropped as an empty
      // input. Names are made safe (last path segment only) where a file is stored.
      preservePath: true,
      limits: {
        fieldSize: limits.maxFieldBytes,
        files: limits.maxFiles + NAMED_PAST_LIMIT,
        fields: limits.maxFields ?? 100,
        parts: (limits.maxFields ?? 100) + limits.maxFiles + NAMED_PAST_LIMIT + 1,
      },
    });
  } catch (cause) {
    // No boundary, or not multipart after all.
    throw new AppError("bad_body", { cause });
  }
  const finished = new Promise<void>((resolve, reject) => {
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) truncatedFields.add(name);
      fields.append(name, value);
    });
    parser.on("file", (field, stream, info) => {
      const handled = (async () => {
        // An empty <input type="file"> still sends a part with no name and no bytes.
        if (!info.filename) {
          for await (const chunk of stream) void chunk;
          return;
        }
        // Past the limit a file is skipped, but its name is kept to say it was not taken.
        if (++named > limits.maxFiles) {
          tooManyFiles = true;
          filesLeftOut.push(browserFileName(info.filename));
          for await (const chunk of stream) void chunk;
          return;
        }
        await onFile({ field, filename: browserFileName(info.filename), stream });
        // Whatever the handler left unread is drained so the body can go on.
        if (!stream.readableEnded) for await (const chunk of stream) void chunk;
      })();
      handled.catch((error) => {
        // The handler's failure ends the whole read (stored files are the caller's to clean up).
        stream.resume();
        reject(error);
      });
      handlers.push(handled);
    });
    parser.on("filesLimit", () => {
      tooManyFiles = true;
    });
    parser.on("error", (cause) => reject(new AppError("bad_body", { cause })));
    parser.on("close", () => resolve());
  });
  // A rejection is read below; this keeps it from counting as unhandled meanwhile.
  finished.catch(() => undefined);

  try {
    if (request.body) {
      for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
        if (!parser.write(chunk)) {
          await Promise.race([new Promise((resolve) => parser.once("drain", resolve)), finished]);
        }
      }
    }
    parser.end();
  } catch (cause) {
    parser.destroy();
    await Promise.allSettled(handlers);
    if (cause instanceof AppError) throw cause;
    throw new AppError("bad_body", { cause });
  }
  await finished;
  await Promise.all(handlers);
  return { fields, truncatedFields, tooManyFiles, filesLeftOut };
}
