// A benchmark drives one person (and one address) far faster than anyone
// types: Parley's rate limits on sending, regenerating and uploading are off
// on the servers it starts, so it measures the work and not the refusals.
export const RATE_LIMITS_OFF: Record<string, string> = Object.fromEntries(
  ["SEND", "REGENERATE", "UPLOAD", "SEARCH", "IMPORT"].flatMap((action) => [
    [`RATE_LIMIT_${action}_PER_USER`, "off"],
    [`RATE_LIMIT_${action}_PER_IP`, "off"],
  ]),
);

/** The limits on, as by default (per person and per address), but far too high to refuse anything: the counting is measured. */
export const RATE_LIMITS_COUNTED: Record<string, string> = Object.fromEntries(
  ["SEND", "REGENERATE", "UPLOAD", "SEARCH", "IMPORT"].flatMap((action) => [
    [`RATE_LIMIT_${action}_PER_USER`, "1000000/1m"],
    [`RATE_LIMIT_${action}_PER_IP`, "1000000/1m"],
  ]),
);
