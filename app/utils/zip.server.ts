// ZIP archives, written as a stream and read from a file (docs/decisions/065).
// The writer never knows an entry's size or CRC before its bytes have gone
// out: each entry is followed by a data descriptor, so an export of any size
// leaves piece by piece and is never held whole in memory. Entries are
// stored or deflated with node:zlib. The reader takes an archive saved to
// disk (the central directory sits at its end) and inflates one entry at a
// time, refusing entries that would grow past a limit.
import { open } from "node:fs/promises";
import { crc32, createDeflateRaw, deflateRawSync, inflateRawSync } from "node:zlib";

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Bit 3: sizes and CRC follow the data; bit 11: names are UTF-8. */
const FLAGS = 0x0008 | 0x0800;
const STORE = 0;
const DEFLATE = 8;
/** Sizes and offsets of a plain (not ZIP64) archive end here. */
const MAX_32 = 0xffffffff;

export interface ZipEntry {
  /** The path inside the archive, with `/` between folders. */
  name: string;
  data: string | Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Deflate the bytes (text); files that are compressed already are stored as they are. */
  compress?: boolean;
  modified?: Date;
}

interface Written {
  name: Uint8Array;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  time: number;
  date: number;
}

const encoder = new TextEncoder();

function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getUTCFullYear());
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

async function* chunksOf(data: ZipEntry["data"]): AsyncGenerator<Uint8Array> {
  if (typeof data === "string") yield encoder.encode(data);
  else if (data instanceof Uint8Array) yield data;
  else for await (const chunk of data as AsyncIterable<Uint8Array>) yield typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

/** The bytes deflated as they come (the compressor holds at most its window). */
async function* deflated(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const deflate = createDeflateRaw({ level: 6 });
  const pump = (async () => {
    try {
      for await (const chunk of source) {
        if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once("drain", resolve));
      }
      deflate.end();
    } catch (error) {
      deflate.destroy(error as Error);
    }
  })();
  for await (const out of deflate as AsyncIterable<Buffer>) yield new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  await pump;
}

/**
 * An archive of `entries`, produced as they are read: each entry's bytes are
 * pulled only when the reader of the archive wants more.
 */
export async function* zipStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): AsyncGenerator<Uint8Array> {
  const written: Written[] = [];
  let offset = 0;
  for await (const entry of entries) {
    const name = encoder.encode(entry.name);
    const method = entry.compress ? DEFLATE : STORE;
    const stamp = dosDateTime(entry.modified ?? new Date());
    const header = new DataView(new ArrayBuffer(30));
    header.setUint32(0, LOCAL_HEADER, true);
    header.setUint16(4, 20, true);
    header.setUint16(6, FLAGS, true);
    header.setUint16(8, method, true);
    header.setUint16(10, stamp.time, true);
    header.setUint16(12, stamp.date, true);
    // CRC and sizes (14–25) stay zero: the data descriptor carries them.
    header.setUint16(26, name.length, true);
    if (offset > MAX_32) throw new Error("zip archive larger than 4 GiB");
    const record: Written = { name, method, crc: 0, compressedSize: 0, size: 0, offset, ...stamp };
    yield new Uint8Array(header.buffer);
    yield name;
    offset += 30 + name.length;

    let crc = 0;
    let size = 0;
    const counted = async function* () {
      for await (const chunk of chunksOf(entry.data)) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
    };
    let compressedSize = 0;
    if (typeof entry.data === "string" || entry.data instanceof Uint8Array) {
      // Bytes already in hand (a chat's Markdown): one call, no compressor stream to set up.
      const bytes = typeof entry.data === "string" ? encoder.encode(entry.data) : entry.data;
      crc = crc32(bytes);
      size = bytes.length;
      const out = method === DEFLATE ? deflateRawSync(bytes, { level: 6 }) : bytes;
      compressedSize = out.length;
      yield out instanceof Uint8Array ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : out;
    } else {
      for await (const out of method === DEFLATE ? deflated(counted()) : counted()) {
        compressedSize += out.length;
        yield out;
      }
    }
    if (size > MAX_32 || compressedSize > MAX_32) throw new Error(`zip entry ${entry.name} larger than 4 GiB`);
    Object.assign(record, { crc, size, compressedSize });
    const descriptor = new DataView(new ArrayBuffer(16));
    descriptor.setUint32(0, DATA_DESCRIPTOR, true);
    descriptor.setUint32(4, crc >>> 0, true);
    descriptor.setUint32(8, compressedSize, true);
    descriptor.setUint32(12, size, true);
    yield new Uint8Array(descriptor.buffer);
    offset += compressedSize + 16;
    written.push(record);
  }

  const directoryStart = offset;
  for (const entry of written) {
    const header = new DataView(new ArrayBuffer(46));
    header.setUint32(0, CENTRAL_HEADER, true);
    header.setUint16(4, 20, true);
    header.setUint16(6, 20, true);
    header.setUint16(8, FLAGS, true);
    header.setUint16(10, entry.method, true);
    header.setUint16(12, entry.time, true);
    header.setUint16(14, entry.date, true);
    header.setUint32(16, entry.crc >>> 0, true);
    header.setUint32(20, entry.compressedSize, true);
    header.setUint32(24, entry.size, true);
    header.setUint16(28, entry.name.length, true);
    header.setUint32(42, entry.offset, true);
    yield new Uint8Array(header.buffer);
    yield entry.name;
    offset += 46 + entry.name.length;
  }
  if (written.length > 0xffff || offset > MAX_32) throw new Error("zip archive too large for its directory");
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, END_OF_CENTRAL_DIRECTORY, true);
  end.setUint16(8, written.length, true);
  end.setUint16(10, written.length, true);
  end.setUint32(12, offset - directoryStart, true);
  end.setUint32(16, directoryStart, true);
  yield new Uint8Array(end.buffer);
}

/** True when the bytes start like a ZIP archive. */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Why an archive could not be read (the importer turns it into `import_malformed`). */
export class ZipError extends Error {
  override name = "ZipError";
}

export interface ZipDirectoryEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

export interface ZipReader {
  entries: ZipDirectoryEntry[];
  /** One entry's bytes, inflated and checked against its CRC; more than `maxBytes` is refused. */
  read(entry: ZipDirectoryEntry, maxBytes: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Opens an archive saved at `path`; a file with no readable directory (cut short, not a ZIP) is a ZipError. */
export async function openZip(path: string): Promise<ZipReader> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    // The end record is 22 bytes plus a comment of up to 64 KiB.
    const tailSize = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailSize);
    await file.read(tail, 0, tailSize, size - tailSize);
    let end = -1;
    for (let i = tailSize - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
        end = i;
        break;
      }
    }
    if (end < 0) throw new ZipError("the archive's directory is missing (is the file complete?)");
    const count = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directoryOffset === MAX_32 || count === 0xffff) throw new ZipError("ZIP64 archives are not supported");
    if (directoryOffset + directorySize > size) throw new ZipError("the archive's directory points past its end");
    const directory = Buffer.alloc(directorySize);
    await file.read(directory, 0, directorySize, directoryOffset);
    const entries: ZipDirectoryEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_HEADER) throw new ZipError("the archive's directory is damaged");
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      entries.push({
        method: directory.readUInt16LE(at + 10),
        crc: directory.readUInt32LE(at + 16),
        compressedSize: directory.readUInt32LE(at + 20),
        size: directory.readUInt32LE(at + 24),
        offset: directory.readUInt32LE(at + 42),
        name: directory.toString("utf8", at + 46, at + 46 + nameLength),
      });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return {
      entries,
      async read(entry, maxBytes) {
        if (entry.size > maxBytes) throw new ZipError(`${entry.name} is too large`);
        const local = Buffer.alloc(30);
        await file.read(local, 0, 30, entry.offset);
        if (local.readUInt32LE(0) !== LOCAL_HEADER) throw new ZipError(`${entry.name} is damaged`);
        const start = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        if (start + entry.compressedSize > size) throw new ZipError(`${entry.name} is cut short`);
        const raw = Buffer.alloc(entry.compressedSize);
        await file.read(raw, 0, entry.compressedSize, start);
        let bytes: Buffer;
        if (entry.method === STORE) bytes = raw;
        else if (entry.method === DEFLATE) {
          try {
            bytes = inflateRawSync(raw, { maxOutputLength: Math.max(1, Math.min(maxBytes, 2 ** 32)) });
          } catch (cause) {
            throw new ZipError(`${entry.name} could not be inflated`, { cause });
          }
        } else throw new ZipError(`${entry.name} uses a compression method Parley does not read`);
        if (bytes.length !== entry.size || crc32(bytes) >>> 0 !== entry.crc >>> 0) throw new ZipError(`${entry.name} is damaged`);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
      close: () => file.close(),
    };
  } catch (error) {
    await file.close();
    throw error;
  }
}
