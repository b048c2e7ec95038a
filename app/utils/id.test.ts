import { describe, expect, test } from "vitest";
import { createId, isId } from "./id";

describe("createId", () => {
  test("ids made within one millisecond still sort in creation order", () => {
    const now = Date.now() + 60_000; // ahead of any id made so far in this file
    const ids = Array.from({ length: 500 }, () => createId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("ids sort by time across milliseconds, and a clock going backwards does not break the order", () => {
    const base = Date.now() + 120_000;
    const ids = [createId(base), createId(base + 1), createId(base + 1000), createId(base + 5), createId(base + 2000)];
    expect([...ids].sort()).toEqual(ids);
  });

  test("ids made with the real clock are increasing", () => {
    const ids = Array.from({ length: 200 }, () => createId());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });

  test("an id is 20 lowercase base-36 characters", () => {
    for (let i = 0; i < 50; i++) expect(createId()).toMatch(/^[0-9a-z]{20}$/);
  });
});

describe("isId", () => {
  test("accepts what createId makes", () => {
    expect(isId(createId())).toBe(true);
  });

  test.each([
    ["too short", "0mwralri5000ujy8ewg"],
    ["too long", "0mwralri5000ujy8ewgh1"],
    ["upper case", "0MWRALRI5000UJY8EWGH"],
    ["punctuation", "0mwralri5000ujy8ew-h"],
    ["a path", "../../etc/passwd00000"],
    ["surrounding space", " 0mwralri5000ujy8ewg"],
    ["a trailing newline", "0mwralri5000ujy8ewgh\n"],
    ["empty", ""],
  ])("rejects a string that is %s", (_, value) => {
    expect(isId(value)).toBe(false);
  });

  test.each([[undefined], [null], [12345678901234], [["0mwralri5000ujy8ewgh"]]])("rejects a non-string (%s)", (value) => {
    expect(isId(value)).toBe(false);
  });
});
