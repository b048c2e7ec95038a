// Server settings are read from memory between writes: a write through this
// process is seen at once, a change made by another process (another
// connection to the same file) within SETTING_FRESH_MS.
import { createClient } from "@libsql/client";
import { beforeAll, expect, test } from "vitest";
import { prepareDatabase } from "../db.server";
import { readSetting, SETTING_FRESH_MS, writeSetting } from "./app-setting.server";

beforeAll(async () => {
  await prepareDatabase();
});

test("a write through the app is read back at once", async () => {
  expect(await readSetting({ key: "registration" })).toBeUndefined();
  await writeSetting({ key: "registration", value: "closed", changedBy: null });
  expect(await readSetting({ key: "registration" })).toBe("closed");
  await writeSetting({ key: "registration", value: "open", changedBy: null });
  expect(await readSetting({ key: "registration" })).toBe("open");
});

test("a change made by another process is seen once the remembered value is older than SETTING_FRESH_MS", async () => {
  await writeSetting({ key: "models", value: { disabled: [] }, changedBy: null });
  expect(await readSetting({ key: "models" })).toEqual({ disabled: [] });
  const other = createClient({ url: process.env.DATABASE_URL! });
  await other.execute({ sql: "UPDATE app_settings SET value = ? WHERE key = 'models'", args: [JSON.stringify({ disabled: ["demo:parley-demo"] })] });
  other.close();
  // Still the remembered value for now …
  expect(await readSetting({ key: "models" })).toEqual({ disabled: [] });
  // … and the other process's change once it has aged.
  await new Promise((resolve) => setTimeout(resolve, SETTING_FRESH_MS + 50));
  expect(await readSetting({ key: "models" })).toEqual({ disabled: ["demo:parley-demo"] });
});
