// Upload memory: 20 files of 20 MB uploaded at once to POST /attachments, as
// the composer uploads them. Parley reads each multipart body as it streams
// and stores it in 1 MiB chunks, so the server's RSS should grow by far less
// than the 400 MB sent. Measured in the same run against a baseline: a bare
// Bun server that reads each form whole (`request.formData()`), the way a
// handler that buffers would. Every file is checked afterwards: stored once,
// with the size and SHA-256 the client computed while sending it.
//   bun bench/upload-memory.ts [--files 20] [--mb 20] [--json out.json]
import { Database } from "bun:sqlite";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ParleyUser } from "./lib/client";
import { benchParleyEnv } from "./lib/limits";
import { rssBytes, runToTheEnd, startParley, startBufferingUploadServer } from "./lib/processes";
import { mib, ratio, table } from "./lib/stats";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const FILES = option("--files", 20);
/** Decimal megabytes: a 20 MB file is under the default 20 MiB limit per file. */
const FILE_BYTES = option("--mb", 20) * 1_000_000;
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const SLICE = 256 * 1024;

/** A PNG's opening (signature, IHDR, the length and type of one IDAT holding the rest): sniffed as an image from its bytes. */
/** Signature (8 bytes), IHDR chunk (25), IDAT length and type (8). */
const PNG_HEAD_BYTES = 8 + 25 + 8;

function pngHead(dataBytes: number): Uint8Array {
  const head = new Uint8Array(PNG_HEAD_BYTES);
  head.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  const view = new DataView(head.buffer);
  view.setUint32(8, 13);
  head.set([0x49, 0x48, 0x44, 0x52], 12); // IHDR
  view.setUint32(16, 4096); // width
  view.setUint32(20, 4096); // height
  head.set([8, 6, 0, 0, 0], 24); // depth, RGBA, compression, filter, interlace
  view.setUint32(29, 0); // CRC (not checked by sniffing)
  view.setUint32(33, dataBytes);
  head.set([0x49, 0x44, 0x41, 0x54], 37); // IDAT
  return head;
}

const PNG_TAIL = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]); // IDAT CRC, IEND

interface Upload {
  name: string;
  body: ReadableStream<Uint8Array>;
  boundary: string;
  /** Resolves, once the body has been read to its end, to the file's SHA-256 (hex). */
  sha256: Promise<string>;
}

/**
 * One file's multipart body, made as it is read (the client never holds a
 * whole file): distinct pseudo-random bytes per file, so nothing is
 * de-duplicated, in 256 KiB slices.
 */
function upload(index: number): Upload {
  const boundary = `----parley-bench-${index}-${Date.now()}`;
  const name = `photo-${index}.png`;
  const encoder = new TextEncoder();
  const opening = encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`);
  const closing = encoder.encode(`\r\n--${boundary}--\r\n`);
  const head = pngHead(FILE_BYTES - PNG_HEAD_BYTES - PNG_TAIL.length);
  const hasher = new Bun.CryptoHasher("sha256");
  let resolveSha: (hex: string) => void = () => {};
  const sha256 = new Promise<string>((resolve) => (resolveSha = resolve));
  let state = (index + 1) * 0x9e3779b9;
  let written = 0;
  const randomBytes = (length: number) => {
    const words = new Uint32Array(Math.ceil(length / 4));
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      words[i] = state >>> 0;
    }
    return new Uint8Array(words.buffer, 0, length);
  };
  const fileBytes = (bytes: Uint8Array) => {
    hasher.update(bytes);
    written += bytes.length;
    return bytes;
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(opening);
      controller.enqueue(fileBytes(head));
    },
    pull(controller) {
      const left = FILE_BYTES - PNG_TAIL.length - written;
      if (left > 0) {
        controller.enqueue(fileBytes(randomBytes(Math.min(SLICE, left))));
        return;
      }
      controller.enqueue(fileBytes(PNG_TAIL));
      controller.enqueue(closing);
      resolveSha(hasher.digest("hex"));
      controller.close();
    },
  });
  return { name, body, boundary, sha256 };
}

interface Run {
  /** RSS before the uploads, after one small upload warmed the route. */
  beforeBytes: number;
  peakBytes: number;
  growthBytes: number;
  wallMs: number;
  statuses: number[];
}

/** Sends every upload at once and samples the server's RSS every 10 ms until all are answered. */
async function uploadAll(url: string, pid: number, headers: Record<string, string>, uploads: Upload[]): Promise<Run> {
  Bun.gc(true);
  await Bun.sleep(500);
  const beforeBytes = rssBytes(pid);
  let peakBytes = beforeBytes;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakBytes = Math.max(peakBytes, rssBytes(pid));
      await Bun.sleep(10);
    }
  })();
  const startedAt = performance.now();
  const responses = await Promise.all(
    uploads.map(async (u) => {
      const response = await fetch(url, { method: "POST", body: u.body, headers: { ...headers, "Content-Type": `multipart/form-data; boundary=${u.boundary}` } });
      const text = await response.text();
      if (response.status !== 200) console.error(`${u.name}: HTTP ${response.status} ${text.slice(0, 200)}`);
      return response.status;
    }),
  );
  const wallMs = performance.now() - startedAt;
  sampling = false;
  await sampler;
  peakBytes = Math.max(peakBytes, rssBytes(pid));
  return { beforeBytes, peakBytes, growthBytes: peakBytes - beforeBytes, wallMs, statuses: responses };
}

const dir = mkdtempSync(path.join(tmpdir(), "parley-bench-uploads-"));
await runToTheEnd(dir, async () => {
  const databaseFile = path.join(dir, "parley.db");
  const server = await startParley({
    env: benchParleyEnv({ databaseFile }),
  });
  const user = new ParleyUser(server.baseURL, databaseFile);
  await user.signup("uploads@bench.local");
  const headers = { Cookie: user.cookie };
  const total = FILES * FILE_BYTES;

  // A small upload first: the route, the sniffer and the database are warm before RSS is read.
  const warm = new FormData();
  const warmBytes = new Uint8Array(PNG_HEAD_BYTES + 1024 + PNG_TAIL.length);
  warmBytes.set(pngHead(1024), 0);
  warmBytes.set(PNG_TAIL, PNG_HEAD_BYTES + 1024);
  warm.append("files", new Blob([warmBytes], { type: "image/png" }), "warm.png");
  const warmResponse = await fetch(`${server.baseURL}/attachments`, { method: "POST", body: warm, headers });
  if (warmResponse.status !== 200) throw new Error(`the warm-up upload failed: HTTP ${warmResponse.status} ${await warmResponse.text()}`);

  const parleyUploads = Array.from({ length: FILES }, (_, i) => upload(i));
  const parley = await uploadAll(`${server.baseURL}/attachments`, server.pid, headers, parleyUploads);
  const expected = await Promise.all(parleyUploads.map(async (u) => ({ name: u.name, sha256: await u.sha256 })));

  // Every file stored once, whole: its size and hash as sent.
  const db = new Database(databaseFile, { readonly: true });
  const stored = db
    .query<{ name: string; size: number; sha256: string; media_type: string }, []>(
      "SELECT a.name, a.size, b.sha256, a.media_type FROM attachments a JOIN blobs b ON b.id = a.blob_id WHERE a.name LIKE 'photo-%'",
    )
    .all();
  db.close();
  const intact = expected.filter((e) => stored.some((s) => s.name === e.name && s.sha256 === e.sha256 && s.size === FILE_BYTES && s.media_type === "image/png")).length;
  user.close();
  await server.stop();

  const baseline = await startBufferingUploadServer();
  const buffering = await uploadAll(baseline.url, baseline.pid, {}, Array.from({ length: FILES }, (_, i) => upload(i)));
  await baseline.stop();

  console.log(`\nUploads: ${FILES} files of ${FILE_BYTES / 1_000_000} MB at once (${mib(total)} in all), POST /attachments`);
  console.log(
    table([
      ["", "RSS before", "peak", "growth", "growth / bytes sent", "wall time", "answered 200"],
      ["Parley (read as it streams)", mib(parley.beforeBytes), mib(parley.peakBytes), mib(parley.growthBytes), ratio(parley.growthBytes, total), `${(parley.wallMs / 1000).toFixed(1)} s`, `${parley.statuses.filter((s) => s === 200).length}/${FILES}`],
      ["Bare Bun server, formData() whole", mib(buffering.beforeBytes), mib(buffering.peakBytes), mib(buffering.growthBytes), ratio(buffering.growthBytes, total), `${(buffering.wallMs / 1000).toFixed(1)} s`, `${buffering.statuses.filter((s) => s === 200).length}/${FILES}`],
      ["Ratio Parley / buffering", "", "", ratio(parley.growthBytes, buffering.growthBytes), "", ratio(parley.wallMs, buffering.wallMs), ""],
    ]),
  );
  console.log(`every file stored intact (size, SHA-256 and sniffed type as sent): ${intact === FILES ? "PASS" : "MISS"} (${intact}/${FILES}); RSS grew by ${mib(parley.growthBytes)} for ${mib(total)} sent (${ratio(parley.growthBytes, total)}; reading each form whole: ${ratio(buffering.growthBytes, total)})`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ files: FILES, fileBytes: FILE_BYTES, totalBytes: total, parley, buffering, intact }, null, 2));
  return intact === FILES && parley.statuses.every((s) => s === 200);
});
