// A benchmark drives one person (and one address) far faster than anyone
// types: Parley's rate limits on sending, regenerating and uploading are off
// on the servers it starts, so it measures the work and not the refusals.
export const RATE_LIMITS_OFF: Record<string, string> = Object.fromEntries(
  ["SEND", "REGENERATE", "UPLOAD", "SEARCH", "IMPORT"].flatMap((action) => [
    [`RATE_LIMIT_${action}_PER_USER`, "off"],
    [`RATE_LIMIT_${action}_PER_IP`, "off"],
  ]),
);
