#!/usr/bin/env node
// `npm test`: type-checks and lints, builds the app, runs the unit suite
// (vitest) and the browser suite (Playwright in Chromium), then prints one
// line adding everything up (type-check and lint count as one check each).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const tmp = path.resolve("tests/.tmp");
mkdirSync(tmp, { recursive: true });
const vitestReport = path.join(tmp, "vitest.json");
const playwrightReport = path.join(tmp, "playwright.json");
rmSync(vitestReport, { force: true });
rmSync(playwrightReport, { force: true });

const bin = (name) => path.resolve("node_modules/.bin", name);
function run(command, args, env = {}) {
  console.log(`\n$ ${[path.basename(command), ...args].join(" ")}`);
  return spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
}

let passed = 0;
let failed = 0;

const only = process.argv[2]; // "unit" or "e2e" to run one suite
if (!only) {
  for (const [name, command, args] of [
    ["type-check", bin("tsc"), ["--noEmit"]],
    ["lint", bin("eslint"), [".", "--max-warnings=0"]],
  ]) {
    if (run(command, args) === 0) passed++;
    else {
      console.log(`The ${name} step failed (see above).`);
      failed++;
    }
  }
}

if (run(bin("remix"), ["vite:build"]) !== 0) {
  console.log("\nThe build failed; no test ran.\n0 passed, 1 failed");
  process.exit(1);
}

if (only !== "e2e") {
  run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile=${vitestReport}`]);
  if (existsSync(vitestReport)) {
    const report = JSON.parse(readFileSync(vitestReport, "utf8"));
    passed += report.numPassedTests;
    // A file that failed to load has no failed test of its own: count it once.
    const brokenFiles = (report.testResults ?? []).filter(
      (file) => file.status === "failed" && !(file.assertionResults ?? []).some((a) => a.status === "failed"),
    ).length;
    failed += report.numFailedTests + brokenFiles;
  } else {
    console.log("vitest wrote no report: counting the unit suite as failed");
    failed++;
  }
}

if (only !== "unit") {
  run(bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport });
  if (existsSync(playwrightReport)) {
    const { stats } = JSON.parse(readFileSync(playwrightReport, "utf8"));
    passed += stats.expected + (stats.flaky ?? 0);
    failed += stats.unexpected;
    if ((stats.errors ?? []).length || (stats.expected === 0 && stats.unexpected === 0)) failed++;
  } else {
    console.log("Playwright wrote no report: counting the browser suite as failed");
    failed++;
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
