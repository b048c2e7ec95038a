// A memory keyed by people stays bounded: past its size the oldest read goes,
// and a key read again counts as new.
import { beforeAll, expect, test } from "vitest";
import { prepareDatabase } from "../db.server";
import { rememberedReads } from "./remembered.server";

beforeAll(async () => {
  await prepareDatabase();
});

test("past maxEntries the least recently read key is read again, the others are not", async () => {
  const memory = rememberedReads<string, number>(60_000, { maxEntries: 2 });
  const loads: string[] = [];
  const read = (key: string) => memory.read(key, async () => (loads.push(key), loads.length));
  await read("a");
  await read("b");
  expect(await read("a")).toBe(1);
  await read("c"); // b is now the oldest and goes
  expect(loads).toEqual(["a", "b", "c"]);
  expect(await read("c")).toBe(3);
  await read("b");
  expect(loads).toEqual(["a", "b", "c", "b"]);
});

test("a write forgets its key, so the next read asks again", async () => {
  const memory = rememberedReads<string, string>(60_000);
  let stored = "old";
  expect(await memory.read("k", async () => stored)).toBe("old");
  await memory.write("k", async () => void (stored = "new"));
  expect(await memory.read("k", async () => stored)).toBe("new");
});
