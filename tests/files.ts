// Real files made in code for the tests: a PNG and a JPEG that any decoder
// (and `file-type`) recognises, a one-page PDF with a text layer, PDFs of
// several pages whose text reads with NULs, and PDFs no reader can open.
import { deflateSync } from "node:zlib";

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A solid-colour PNG of `width` × `height` pixels. */
export function pngBytes({ width = 32, height = 24, rgb = [200, 40, 40], comment }: { width?: number; height?: number; rgb?: [number, number, number]; comment?: string } = {}): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return new Uint8Array(
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", header), ...(comment === undefined ? [] : [pngChunk("tEXt", Buffer.from(`Comment\0${comment}`, "latin1"))]), pngChunk("IDAT", pixels), pngChunk("IEND", new Uint8Array())]),
  );
}

/** The start of a JFIF JPEG: enough for a type sniffer (not a decodable picture). */
export function jpegBytes(): Uint8Array {
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);
}

/** A PDF of these objects (numbered from 1, the first the catalog), with its cross-reference table. */
function pdfOf(objects: string[], trailer = ""): Uint8Array {
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}

const stream = (content: string) => `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`;

/** A one-page PDF whose text layer holds `lines` (Helvetica, one line each). */
export function pdfBytes(lines: string[]): Uint8Array {
  const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = `BT /F1 12 Tf 72 720 Td 14 TL ${lines.map((l) => `(${escape(l)}) '`).join(" ")} ET`;
  return pdfOf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    stream(content),
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ]);
}

/**
 * A PDF of one page per entry of `pages` (ASCII text), in a composite font
 * without its glyphs whose characters the reader reads as U+0000 wherever a
 * page's text holds "\u0000" — as CJK text in a Chromium-made PDF reads.
 */
export function pdfWithNulGlyphs(pages: string[]): Uint8Array {
  const toUnicode =
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def " +
    "/CMapName /Parley-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange endcmap CMapName currentdict /CMap defineresource pop end end";
  const first = 6;
  return pdfOf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${first + 2 * i} 0 R`).join(" ")}] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJKsc-Regular /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
    "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJKsc-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
    stream(toUnicode),
    ...pages.flatMap((text, i) => [
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${first + 2 * i + 1} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
      stream(`BT /F1 12 Tf 72 720 Td <${Buffer.from(text, "latin1").toString("hex")}> Tj ET`),
    ]),
  ]);
}

/** A PDF that opens only with a password (the standard security handler; no password given fits it). */
export function encryptedPdfBytes(): Uint8Array {
  const id = "<9b1c2d3e4f5061728394a5b6c7d8e9f0>";
  return pdfOf(
    [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
      `<< /Filter /Standard /V 1 /R 2 /O <${"5a".repeat(32)}> /U <${"c3".repeat(32)}> /P -4 >>`,
    ],
    `/Encrypt 4 0 R /ID [${id} ${id}] `,
  );
}

/** A file that starts as a PDF and has nothing of one after its first line (cut short, overwritten). */
export function damagedPdfBytes(): Uint8Array {
  return new TextEncoder().encode(`%PDF-1.7\n${"\u00e2\u00e3\u00cf\u00d3 lost in transfer ".repeat(40)}\n`);
}

/** A ZIP of one stored (uncompressed) entry: enough for a type sniffer to tell an Office file by what it holds. */
export function zipWithEntry(entry: string, content = ""): Uint8Array {
  const name = Buffer.from(entry, "utf8");
  const data = Buffer.from(content, "utf8");
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt32LE(crc32(data), 14);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(name.length, 26);
  return new Uint8Array(Buffer.concat([header, name, data]));
}

/** An Office Open XML file (docx, xlsx, pptx) as a sniffer sees it: its content types name its main part. */
export function officeOpenXmlBytes(kind: "wordprocessingml.document" | "spreadsheetml.sheet" | "presentationml.presentation"): Uint8Array {
  return zipWithEntry(
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" ContentType="application/vnd.openxmlformats-officedocument.${kind}.main+xml"/></Types>`,
  );
}
