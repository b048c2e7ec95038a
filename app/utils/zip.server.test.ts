// The ZIP writer and reader past the classic format's limits (ZIP64): more
// than 65,535 entries, and entries that start past 4 GiB. The 5 GiB archive is
// written for real as a sparse file: its gigabytes of zeros are holes on disk
// (read back as zeros), everything else is written where it belongs.
import { mkdtempSync, rmSync } from "node:fs";
import { open, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { openZip, ZipError, zipStream, type ZipEntry } from "./zip.server";

const dir = mkdtempSync(path.join(tmpdir(), "parley-zip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("ZIP64", () => {
  test("70,000 entries: the writer adds ZIP64's end records, and the reader finds every entry", async () => {
    const entries = function* (): Generator<ZipEntry> {
      for (let i = 0; i < 70_000; i++) yield { name: `files/${i}.txt`, data: `entry ${i}`, compress: i % 2 === 0 };
    };
    const archive = await bytesOf(zipStream(entries()));
    // The classic end record says "see ZIP64" (0xFFFF entries); the ZIP64 records hold the real count.
    expect(archive.readUInt16LE(archive.length - 22 + 10)).toBe(0xffff);
    expect(archive.readUInt32LE(archive.length - 22 - 20)).toBe(0x07064b50);
    const file = path.join(dir, "many.zip");
    await writeFile(file, archive);
    const zip = await openZip(file);
    try {
      expect(zip.entries).toHaveLength(70_000);
      expect(zip.entries[69_999]!.name).toBe("files/69999.txt");
      expect(Buffer.from(await zip.read(zip.entries[69_999]!, 100)).toString()).toBe("entry 69999");
      expect(Buffer.from(await zip.read(zip.entries[42_000]!, 100)).toString()).toBe("entry 42000");
    } finally {
      await zip.close();
    }
  });

  test("a 5 GiB archive: entries past 4 GiB keep their place in a ZIP64 field, and read back", async () => {
    const GiB = 2 ** 30;
    const zeros = new Uint8Array(2 ** 20);
    const gigabyteOfZeros = function* () {
      for (let i = 0; i < GiB / zeros.length; i++) yield zeros;
    };
    const entries = function* (): Generator<ZipEntry> {
      for (let i = 0; i < 5; i++) yield { name: `big/${i}.bin`, data: gigabyteOfZeros() };
      yield { name: "notes.md", data: "# Past the fourth gigabyte\n", compress: true };
    };
    const file = path.join(dir, "big.zip");
    const handle = await open(file, "w");
    let position = 0;
    try {
      for await (const chunk of zipStream(entries())) {
        // The zeros stay holes; every other byte goes where it belongs.
        if (chunk !== zeros) await handle.write(chunk, 0, chunk.length, position);
        position += chunk.length;
      }
      await handle.truncate(position);
    } finally {
      await handle.close();
    }
    expect(position).toBeGreaterThan(5 * GiB);
    const zip = await openZip(file);
    try {
      expect(zip.entries.map((e) => e.name)).toEqual(["big/0.bin", "big/1.bin", "big/2.bin", "big/3.bin", "big/4.bin", "notes.md"]);
      expect(zip.entries.slice(0, 5).every((e) => e.size === GiB && e.compressedSize === GiB)).toBe(true);
      const notes = zip.entries[5]!;
      expect(notes.offset).toBeGreaterThan(2 ** 32);
      expect(Buffer.from(await zip.read(notes, 1_000)).toString()).toBe("# Past the fourth gigabyte\n");
      // A large entry is refused by the caller's limit before anything is read.
      await expect(zip.read(zip.entries[4]!, 10 * 2 ** 20)).rejects.toBeInstanceOf(ZipError);
    } finally {
      await zip.close();
    }
  });

  test("a directory entry claiming a ZIP64 offset without the field is damaged, not a crash", async () => {
    const archive = await bytesOf(zipStream([{ name: "a.txt", data: "a" }]));
    const directoryAt = archive.readUInt32LE(archive.length - 22 + 16);
    archive.writeUInt32LE(0xffffffff, directoryAt + 42);
    const file = path.join(dir, "lying.zip");
    await writeFile(file, archive);
    await expect(openZip(file)).rejects.toThrow("needs a ZIP64 field");
    expect((await readFile(file)).length).toBe(archive.length);
  });
});
