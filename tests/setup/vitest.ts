// Runs before every test file: each file gets its own database file, and any
// console.error fails the test that caused it (an error logged during a test
// is a defect even when the assertions pass; docs/conventions.md).
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, vi } from "vitest";

const dir = path.join(tmpdir(), `parley-unit-${process.pid}-${Math.random().toString(36).slice(2)}`);
mkdirSync(dir, { recursive: true });
process.env.DATABASE_URL = `file:${path.join(dir, "test.db")}`;
process.env.SESSION_SECRET = "unit-test-session-secret-at-least-32-chars";
process.env.NODE_ENV = "test";

let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});
afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (errors.length > 0) {
    const first = errors[0]!.map((a) => (a instanceof Error ? a.stack : String(a))).join(" ");
    throw new Error(`console.error was called ${errors.length} time(s) during the test: ${first}`);
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
