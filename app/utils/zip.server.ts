// ZIP archives, written as a stream and read from a file (docs/decisions/065).
// The writer never knows an entry's size or CRC before its bytes have gone
// out: each entry is followed by a data descriptor, so an export of any size
// leaves piece by piece and is never held whole in memory. Entries are
// stored or deflated with node:zlib. The reader takes an archive saved to
// disk (the central directory sits at its end) and inflates one entry at a
// time, refusing entries that would grow past a limit. Archives past 4 GiB
// or 65,535 entries use ZIP64's directory records (docs/decisions/104); a
// single entry stays under 4 GiB.
import { open } from "node:fs/promises";
import { crc32, createDeflateRaw, deflateRawSync, inflateRawSync } from "node:zlib";

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_END_LOCATOR = 0x07064b50;
/** The extra field holding ZIP64's 8-byte sizes and offset. */
const ZIP64_EXTRA = 0x0001;
/** Bit 3: sizes and CRC follow the data; bit 11: names are UTF-8. */
const FLAGS = 0x0008 | 0x0800;
const STORE = 0;
const DEFLATE = 8;
/** Sizes and offsets of a plain (not ZIP64) archive end here; this value in a field means "see the ZIP64 record". */
const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;
/** Version needed to extract: 2.0 (deflate), 4.5 (ZIP64). */
const VERSION = 20;
const VERSION_ZIP64 = 45;

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
    // An entry starting past 4 GiB says where in the directory's ZIP64 field; its own header is the same.
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
    if (size >= MAX_32 || compressedSize >= MAX_32) throw new Error(`zip entry ${entry.name} is 4 GiB or larger`);
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
    // Past 4 GiB, the offset goes in a ZIP64 extra field and the 4-byte field says so.
    const far = entry.offset >= MAX_32;
    const header = new DataView(new ArrayBuffer(46 + (far ? 12 : 0)));
    header.setUint32(0, CENTRAL_HEADER, true);
    header.setUint16(4, far ? VERSION_ZIP64 : VERSION, true);
    header.setUint16(6, far ? VERSION_ZIP64 : VERSION, true);
    header.setUint16(8, FLAGS, true);
    header.setUint16(10, entry.method, true);
    header.setUint16(12, entry.time, true);
    header.setUint16(14, entry.date, true);
    header.setUint32(16, entry.crc >>> 0, true);
    header.setUint32(20, entry.compressedSize, true);
    header.setUint32(24, entry.size, true);
    header.setUint16(28, entry.name.length, true);
    header.setUint16(30, far ? 12 : 0, true);
    header.setUint32(42, far ? MAX_32 : entry.offset, true);
    yield new Uint8Array(header.buffer, 0, 46);
    yield entry.name;
    if (far) {
      header.setUint16(46, ZIP64_EXTRA, true);
      header.setUint16(48, 8, true);
      header.setBigUint64(50, BigInt(entry.offset), true);
      yield new Uint8Array(header.buffer, 46, 12);
    }
    offset += 46 + entry.name.length + (far ? 12 : 0);
  }
  const directorySize = offset - directoryStart;
  const zip64 = written.length >= MAX_16 || directoryStart >= MAX_32 || directorySize >= MAX_32;
  if (zip64) {
    // The ZIP64 end record (56 bytes) and its locator (20), before the classic end record.
    const record = new DataView(new ArrayBuffer(56 + 20));
    record.setUint32(0, ZIP64_END_OF_CENTRAL_DIRECTORY, true);
    record.setBigUint64(4, 44n, true);
    record.setUint16(12, VERSION_ZIP64, true);
    record.setUint16(14, VERSION_ZIP64, true);
    record.setBigUint64(24, BigInt(written.length), true);
    record.setBigUint64(32, BigInt(written.length), true);
    record.setBigUint64(40, BigInt(directorySize), true);
    record.setBigUint64(48, BigInt(directoryStart), true);
    record.setUint32(56, ZIP64_END_LOCATOR, true);
    record.setBigUint64(64, BigInt(offset), true);
    record.setUint32(72, 1, true);
    yield new Uint8Array(record.buffer);
  }
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, END_OF_CENTRAL_DIRECTORY, true);
  end.setUint16(8, Math.min(written.length, MAX_16), true);
  end.setUint16(10, Math.min(written.length, MAX_16), true);
  end.setUint32(12, Math.min(directorySize, MAX_32), true);
  end.setUint32(16, Math.min(directoryStart, MAX_32), true);
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

/** A directory larger than this is not an export anyone made (it would list millions of files). */
const MAX_DIRECTORY_BYTES = 512 * 1024 * 1024;

/** The real entry count and directory place of a ZIP64 archive, from its locator (just before the end record at `endAt`); null without one. */
async function zip64End(file: Awaited<ReturnType<typeof open>>, size: number, endAt: number): Promise<{ count: number; directorySize: number; directoryOffset: number } | null> {
  if (endAt < 20) return null;
  const locator = Buffer.alloc(20);
  await file.read(locator, 0, 20, endAt - 20);
  if (locator.readUInt32LE(0) !== ZIP64_END_LOCATOR) return null;
  const recordAt = Number(locator.readBigUInt64LE(8));
  if (recordAt + 56 > size) throw new ZipError("the archive's ZIP64 directory record points past its end");
  const record = Buffer.alloc(56);
  await file.read(record, 0, 56, recordAt);
  if (record.readUInt32LE(0) !== ZIP64_END_OF_CENTRAL_DIRECTORY) throw new ZipError("the archive's ZIP64 directory record is damaged");
  const asNumber = (value: bigint) => {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError("the archive's ZIP64 directory record is damaged");
    return Number(value);
  };
  return { count: asNumber(record.readBigUInt64LE(32)), directorySize: asNumber(record.readBigUInt64LE(40)), directoryOffset: asNumber(record.readBigUInt64LE(48)) };
}

/** Fills the fields a directory entry marked 0xFFFFFFFF from its ZIP64 extra field (sizes, then offset, each only if marked). */
function readZip64Extra(entry: ZipDirectoryEntry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA) {
      let field = at + 4;
      const next = () => {
        if (field + 8 > at + 4 + length || field + 8 > extra.length) throw new ZipError(`${entry.name}'s ZIP64 field is damaged`);
        const value = extra.readBigUInt64LE(field);
        field += 8;
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError(`${entry.name}'s ZIP64 field is damaged`);
        return Number(value);
      };
      if (entry.size === MAX_32) entry.size = next();
      if (entry.compressedSize === MAX_32) entry.compressedSize = next();
      if (entry.offset === MAX_32) entry.offset = next();
      return;
    }
    at += 4 + length;
  }
  throw new ZipError(`${entry.name} needs a ZIP64 field it does not have`);
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
    let count = tail.readUInt16LE(end + 10);
    let directorySize = tail.readUInt32LE(end + 12);
    let directoryOffset = tail.readUInt32LE(end + 16);
    if (count === MAX_16 || directorySize === MAX_32 || directoryOffset === MAX_32) {
      // ZIP64: the locator just before the end record points at the ZIP64 end record, which has the real figures.
      // (Exactly 65,535 entries is also a plain archive's largest count: no locator then.)
      const located = await zip64End(file, size, size - tailSize + end);
      if (located) ({ count, directorySize, directoryOffset } = located);
      else if (directorySize === MAX_32 || directoryOffset === MAX_32) throw new ZipError("the archive's ZIP64 directory record is missing");
    }
    if (directoryOffset + directorySize > size) throw new ZipError("the archive's directory points past its end");
    if (directorySize > MAX_DIRECTORY_BYTES) throw new ZipError("the archive's directory is too large");
    const directory = Buffer.alloc(directorySize);
    await file.read(directory, 0, directorySize, directoryOffset);
    const entries: ZipDirectoryEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_HEADER) throw new ZipError("the archive's directory is damaged");
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const entry: ZipDirectoryEntry = {
        method: directory.readUInt16LE(at + 10),
        crc: directory.readUInt32LE(at + 16),
        compressedSize: directory.readUInt32LE(at + 20),
        size: directory.readUInt32LE(at + 24),
        offset: directory.readUInt32LE(at + 42),
        name: directory.toString("utf8", at + 46, at + 46 + nameLength),
      };
      if (entry.size === MAX_32 || entry.compressedSize === MAX_32 || entry.offset === MAX_32) {
        readZip64Extra(entry, directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
      }
      entries.push(entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
    return {
      entries,
      async read(entry, maxBytes) {
        // Compressed data a little larger than what it inflates to is possible; much larger is a lie about the sizes.
        if (entry.size > maxBytes || entry.compressedSize > maxBytes + 65_536) throw new ZipError(`${entry.name} is too large`);
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
