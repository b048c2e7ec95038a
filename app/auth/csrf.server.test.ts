import { describe, expect, test } from "vitest";
import { isCrossOriginRequest } from "./csrf.server";

const post = (headers: Record<string, string> = {}, url = "https://parley.example.com/chats") =>
  new Request(url, { method: "POST", headers });

describe("cross-origin protection", () => {
  test("a same-origin form post is allowed", () => {
    expect(isCrossOriginRequest(post({ "Sec-Fetch-Site": "same-origin" }))).toBe(false);
  });

  test("a request the user typed or bookmarked (Sec-Fetch-Site: none) is allowed", () => {
    expect(isCrossOriginRequest(post({ "Sec-Fetch-Site": "none" }))).toBe(false);
  });

  test("a cross-site or same-site post is refused", () => {
    expect(isCrossOriginRequest(post({ "Sec-Fetch-Site": "cross-site" }))).toBe(true);
    expect(isCrossOriginRequest(post({ "Sec-Fetch-Site": "same-site" }))).toBe(true);
  });

  test("Sec-Fetch-Site wins over a matching Origin", () => {
    expect(isCrossOriginRequest(post({ "Sec-Fetch-Site": "cross-site", Origin: "https://parley.example.com" }))).toBe(true);
  });

  test("without Sec-Fetch-Site, an Origin naming another host is refused", () => {
    expect(isCrossOriginRequest(post({ Origin: "https://evil.example.net" }))).toBe(true);
    expect(isCrossOriginRequest(post({ Origin: "https://parley.example.com:8443" }))).toBe(true);
  });

  test("without Sec-Fetch-Site, an Origin matching the Host header or the URL is allowed", () => {
    expect(isCrossOriginRequest(post({ Origin: "https://parley.example.com" }))).toBe(false);
    expect(isCrossOriginRequest(post({ Origin: "http://localhost:3000", Host: "localhost:3000" }, "http://0.0.0.0:3000/chats"))).toBe(false);
  });

  test("an Origin naming another host is refused even when Sec-Fetch-Site says same-origin", () => {
    expect(isCrossOriginRequest(post({ "Sec-Fetch-Site": "same-origin", Origin: "https://evil.example.net" }))).toBe(true);
    expect(isCrossOriginRequest(post({ "Sec-Fetch-Site": "none", Origin: "https://evil.example.net" }))).toBe(true);
    expect(isCrossOriginRequest(post({ "Sec-Fetch-Site": "same-origin", Origin: "::garbage" }))).toBe(true);
    expect(isCrossOriginRequest(post({ "Sec-Fetch-Site": "same-origin", Origin: "https://parley.example.com" }))).toBe(false);
  });

  test("behind a proxy that names the public host in X-Forwarded-Host, the Origin is compared with it", () => {
    const behindProxy = (origin: string) => post({ "Sec-Fetch-Site": "same-origin", Origin: origin, Host: "10.0.0.5:3000", "X-Forwarded-Host": "chat.example.org, 10.0.0.5" }, "http://10.0.0.5:3000/chats");
    expect(isCrossOriginRequest(behindProxy("https://chat.example.org"))).toBe(false);
    expect(isCrossOriginRequest(behindProxy("http://10.0.0.5:3000"))).toBe(true);
  });

  test("an opaque or garbled Origin is refused", () => {
    expect(isCrossOriginRequest(post({ Origin: "null" }))).toBe(true);
    expect(isCrossOriginRequest(post({ Origin: "not a url" }))).toBe(true);
  });

  test("a request with neither header (curl, a script) is allowed: it cannot carry a browser's cookie by accident", () => {
    expect(isCrossOriginRequest(post())).toBe(false);
  });

  test("GET, HEAD and OPTIONS are always allowed", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      const request = new Request("https://parley.example.com/chats", { method, headers: { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example.net" } });
      expect(isCrossOriginRequest(request)).toBe(false);
    }
  });

  test("other mutating methods are checked like POST", () => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const request = new Request("https://parley.example.com/chats", { method, headers: { "Sec-Fetch-Site": "cross-site" } });
      expect(isCrossOriginRequest(request)).toBe(true);
    }
  });
});
