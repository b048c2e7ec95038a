import { describe, expect, test } from "vitest";
import { safeRedirect } from "./session.server";

describe("where a login may send you", () => {
  test.each([
    ["/chats/abc?x=1#top", "/chats/abc?x=1#top"],
    ["/chats", "/chats"],
    ["/%09/evil.example", "/%09/evil.example"],
    ["/a/../chats", "/chats"],
    ["/é", "/%C3%A9"],
  ])("a path on this site is kept (re-serialised): %j", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  test.each([
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/\\/evil.example",
    "/.//evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    "/" + "a".repeat(3000),
  ])("anything that could leave the site, or break a Location header, falls back: %j", (input) => {
    expect(safeRedirect(input)).toBe("/chats");
    expect(safeRedirect(input, "/")).toBe("/");
  });

  test("a non-string falls back", () => {
    expect(safeRedirect(null)).toBe("/chats");
    expect(safeRedirect(undefined)).toBe("/chats");
  });
});
