import { mkdirSync } from "node:fs";
import { E2E } from "./env";

export default function globalSetup() {
  mkdirSync(E2E.dataDir, { recursive: true });
}
