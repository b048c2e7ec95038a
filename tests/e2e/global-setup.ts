import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { E2E } from "./env";

const KEEP_MS = 24 * 60 * 60 * 1000;

export default function globalSetup() {
  // Each run keeps its database for a day (to look into a failure), then goes.
  const parent = path.dirname(E2E.dataDir);
  mkdirSync(parent, { recursive: true });
  for (const name of readdirSync(parent)) {
    const dir = path.join(parent, name);
    if (name.startsWith("e2e-") && Date.now() - statSync(dir).mtimeMs > KEEP_MS) rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(E2E.dataDir, { recursive: true });
}
