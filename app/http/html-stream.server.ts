// The document's bytes on their way out of React. React 18's
// renderToPipeableStream writes into 2 KiB buffers; when a character of two
// to four bytes in UTF-8 does not fit in the bytes a buffer has left, it
// sends the whole buffer, its unwritten zero bytes included, and the
// character whole in the next one. A browser shows such a byte as "�" in an
// attribute or a text area (a Russian page's aria-label, a draft in the
// composer). In UTF-8 a zero byte is only ever U+0000, which no HTML document
// may contain, so dropping every zero byte restores exactly what was meant.
import { Transform } from "node:stream";

/** Drops the zero bytes from a chunk (the chunk itself when it has none). */
export function dropZeroBytes(chunk: Uint8Array): Uint8Array {
  let zero = chunk.indexOf(0);
  if (zero === -1) return chunk;
  const out = new Uint8Array(chunk.length);
  let length = 0;
  let from = 0;
  while (zero !== -1) {
    out.set(chunk.subarray(from, zero), length);
    length += zero - from;
    from = zero + 1;
    zero = chunk.indexOf(0, from);
  }
  out.set(chunk.subarray(from), length);
  length += chunk.length - from;
  return out.subarray(0, length);
}

/** A pass-through for the rendered document that leaves its zero bytes behind. */
export function documentBytes(): Transform {
  return new Transform({
    transform(chunk: Uint8Array, _encoding, done) {
      done(null, dropZeroBytes(chunk));
    },
  });
}
