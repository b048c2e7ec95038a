import { describe, expect, test, vi } from "vitest";
import { logger } from "~/utils/logger.server";
import { clientAddress, contentSecurityPolicy, handleHttp, lastResort } from "./edge.server";

const noStaticFiles = { dir: "/nonexistent", names: new Set<string>() };

function context(remix: (request: Request) => Promise<Response> = async () => new Response("page")) {
  return { remix, staticFiles: noStaticFiles, disableIdleTimeout: () => {}, socketIp: "127.0.0.1", clientIpHeader: undefined };
}

describe("the HTTP edge", () => {
  test("a document's policy lets scripts run only with the nonce; anything else runs nothing", () => {
    const page = contentSecurityPolicy("abc");
    expect(page).toContain("script-src 'self' 'nonce-abc'");
    expect(page).not.toMatch(/script-src[^;]*unsafe-inline/);
    for (const rule of ["frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'"]) {
      expect(page).toContain(rule);
      expect(contentSecurityPolicy(null)).toContain(rule);
    }
    expect(contentSecurityPolicy(null)).toContain("default-src 'none'");
  });

  test("methods and bodies no route can take are refused before Remix, with a message", async () => {
    const remix = vi.fn(async () => new Response("page"));
    const put = await handleHttp(new Request("http://localhost/chats", { method: "PUT" }), context(remix));
    expect(put.status).toBe(405);
    expect(put.headers.get("Allow")).toBe("GET, HEAD, POST");
    const json = await handleHttp(new Request("http://localhost/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }), context(remix));
    expect(json.status).toBe(415);
    expect(await json.text()).toContain("application/x-www-form-urlencoded");
    const huge = await handleHttp(
      new Request("http://localhost/chats", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(9 * 1024 * 1024) }, body: "content=x" }),
      context(remix),
    );
    expect(huge.status).toBe(413);
    expect(await huge.text()).toBe("This form is too large. Shorten the text and send it again.");
    expect(remix).not.toHaveBeenCalled();
  });

  test("the client address is the socket's unless a proxy's header is named (Fly-Client-IP on Fly)", async () => {
    const seen: (string | undefined)[] = [];
    const remix = async (_request: Request, loadContext?: { clientIp?: string }) => {
      seen.push(loadContext?.clientIp);
      return new Response("page");
    };
    const request = () => new Request("http://localhost/login", { headers: { "Fly-Client-IP": "203.0.113.9", "X-Forwarded-For": "198.51.100.7" } });
    await handleHttp(request(), { ...context(), remix });
    await handleHttp(request(), { ...context(), remix, clientIpHeader: "Fly-Client-IP" });
    expect(seen).toEqual(["127.0.0.1", "203.0.113.9"]);
  });

  test("behind a proxy, the address is the last one in its header; none there, or not an address, is the socket's", () => {
    const at = (headers: Record<string, string>, clientIpHeader = "X-Forwarded-For") =>
      clientAddress(new Request("http://localhost/login", { headers }), { socketIp: "10.0.0.2", clientIpHeader });
    // What a client wrote itself comes first; the proxy next to Parley adds the address it saw last.
    expect(at({ "X-Forwarded-For": "1.2.3.4, 203.0.113.9" })).toBe("203.0.113.9");
    expect(at({ "X-Forwarded-For": "2001:db8::1" })).toBe("2001:db8::1");
    // IPv4 as IPv6 (::ffff:) is the same person as its IPv4.
    expect(at({ "X-Real-IP": "::ffff:203.0.113.9" }, "X-Real-IP")).toBe("203.0.113.9");
    expect(at({})).toBe("10.0.0.2");
    expect(at({ "X-Forwarded-For": "unknown" })).toBe("10.0.0.2");
    // Without a header named, whatever a client sends is not taken.
    expect(clientAddress(new Request("http://localhost/login", { headers: { "X-Forwarded-For": "203.0.113.9" } }), { socketIp: "10.0.0.2", clientIpHeader: undefined })).toBe("10.0.0.2");
  });

  test("a failure that escapes everything is one log line and a 500 that still carries the headers", async () => {
    const error = vi.spyOn(logger, "error").mockImplementation(() => {});
    try {
      const response = lastResort(new Error("boom"));
      expect(response.status).toBe(500);
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
      expect(response.headers.get("Cache-Control")).toBe("private, no-store");
      expect(error).toHaveBeenCalledTimes(1);
    } finally {
      error.mockRestore();
    }
  });
});
