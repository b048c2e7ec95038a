// Time-ordered ids: 9 chars of base-36 milliseconds, 3 of a per-millisecond
// counter and 8 random. Sorting by id sorts by creation, even within one
// millisecond in this process — message order and sibling order rely on it.
const ID_PATTERN = /^[0-9a-z]{20}$/;

let lastMs = 0;
let counter = 0;

export function createId(now: number = Date.now()): string {
  if (now <= lastMs) {
    counter++;
    now = lastMs;
  } else {
    lastMs = now;
    counter = 0;
  }
  const random = crypto.getRandomValues(new Uint8Array(8));
  let tail = "";
  for (const byte of random) tail += (byte % 36).toString(36);
  return now.toString(36).padStart(9, "0") + (counter % 46656).toString(36).padStart(3, "0") + tail;
}

export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}
