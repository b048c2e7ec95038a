import { expect, test, vi } from "vitest";
import { LONGEST_LOGGED_VALUE, logger, registerSecret } from "~/utils/logger.server";

/** Logs through `log` and returns the one line written, parsed. */
function lineOf(log: () => void): Record<string, unknown> & { _raw: string } {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  log();
  const calls = warn.mock.calls.map((call) => String(call[0]));
  warn.mockRestore();
  expect(calls).toHaveLength(1);
  const raw = calls[0]!;
  return { ...(JSON.parse(raw) as Record<string, unknown>), _raw: raw };
}

test("a whole web page where an upstream's error should be is kept to its start, and says how much was left out", () => {
  const page = `<!DOCTYPE html><html><head><title>404</title></head><body>${"<p>Not here.</p>\n".repeat(2000)}</body></html>`;
  const line = lineOf(() => logger.warn("could not list models", { provider: "deepseek", error: `404 ${page}` }));
  const error = String(line.error);
  expect(error.startsWith("404 <!DOCTYPE html><html>")).toBe(true);
  expect(error).toHaveLength(LONGEST_LOGGED_VALUE + `… [${page.length + 4 - LONGEST_LOGGED_VALUE} more characters]`.length);
  expect(error).toMatch(/… \[\d+ more characters\]$/);
  expect(line._raw.length).toBeLessThan(LONGEST_LOGGED_VALUE * 2);
  expect(line._raw).not.toContain("\n");
});

test("an error's message is cut the same way, and its stack keeps five frames without repeating the message", () => {
  const error = new Error(`upstream said:\n${"line of a page\n".repeat(500)}`);
  const line = lineOf(() => logger.warn("the upstream failed", { error }));
  const logged = line.error as { name: string; message: string; stack: string };
  expect(logged.name).toBe("Error");
  expect(logged.message).toMatch(/^upstream said:\nline of a page\n.*… \[\d+ more characters\]$/s);
  expect(logged.stack).not.toContain("line of a page");
  const frames = logged.stack.split("\n");
  expect(frames.length).toBeGreaterThan(0);
  expect(frames.length).toBeLessThanOrEqual(5);
  for (const frame of frames) expect(frame).toMatch(/^at /);
});

test("a secret is taken out before the value is cut, so no piece of it is left at the cut", () => {
  const secret = "own-key-abcdefghijklmnopqrstuvwxyz";
  registerSecret(secret);
  // The secret straddles the cut: cutting first would leave its first half in the line.
  const error = `${"x".repeat(LONGEST_LOGGED_VALUE - 10)}${secret} and more`;
  const line = lineOf(() => logger.warn("refused", { error, detail: "sk-abcdefghijklmnop was refused" }));
  expect(line._raw).not.toContain("own-key-ab");
  expect(String(line.error)).toContain("[redacted]");
  expect(line.detail).toBe("[redacted] was refused");
});
