import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { compressResponse, isCompressible, negotiateEncoding } from "./compression.server";
import { handleHttp } from "./edge.server";

const page = "<!doctype html><p>" + "a chat page with enough text to be worth compressing ".repeat(60) + "</p>";
const get = (acceptEncoding?: string, method = "GET") => new Request("http://localhost/chats", { method, headers: acceptEncoding === undefined ? {} : { "Accept-Encoding": acceptEncoding } });

describe("compression", () => {
  test.each([
    ["gzip, deflate, br, zstd", "br"],
    ["gzip, deflate", "gzip"],
    ["br;q=0.5, gzip;q=0.8", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["BR", "br"],
    ["x-gzip", "gzip"],
    ["*", "br"],
    ["*;q=0.1, br;q=0", "gzip"],
    ["gzip;q=0, *;q=0", null],
    ["identity", null],
    ["deflate", null],
    ["", null],
    ["br;q=nonsense, gzip", "gzip"],
  ])("Accept-Encoding %j gets %j", (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });

  test("text of every kind is compressible, event streams and binary files are not", () => {
    for (const type of ["text/html; charset=utf-8", "text/x-script", "application/json", "text/javascript;charset=utf-8", "text/css", "image/svg+xml", "application/manifest+json"]) {
      expect(isCompressible(type), type).toBe(true);
    }
    for (const type of ["text/event-stream", "text/event-stream; charset=utf-8", "image/png", "font/woff2", "application/octet-stream", null]) {
      expect(isCompressible(type), String(type)).toBe(false);
    }
  });

  test("a page goes out as brotli to a browser that takes it, gzip to one that takes only gzip, and as it is otherwise", async () => {
    const html = () => new Response(page, { headers: { "Content-Type": "text/html; charset=utf-8", "Set-Cookie": "a=1" } });
    const br = await compressResponse(get("gzip, deflate, br"), html());
    expect(br.headers.get("Content-Encoding")).toBe("br");
    expect(br.headers.get("Vary")).toBe("Accept-Encoding");
    expect(br.headers.get("Set-Cookie")).toBe("a=1");
    const brBody = new Uint8Array(await br.arrayBuffer());
    expect(Number(br.headers.get("Content-Length"))).toBe(brBody.length);
    expect(brBody.length).toBeLessThan(page.length / 5);
    expect(brotliDecompressSync(brBody).toString()).toBe(page);

    const gzip = await compressResponse(get("gzip"), html());
    expect(gzip.headers.get("Content-Encoding")).toBe("gzip");
    expect(gunzipSync(new Uint8Array(await gzip.arrayBuffer())).toString()).toBe(page);

    const none = await compressResponse(get(), html());
    expect(none.headers.get("Content-Encoding")).toBeNull();
    expect(none.headers.get("Vary")).toBe("Accept-Encoding");
    expect(await none.text()).toBe(page);
  });

  test("an event stream is never compressed, and keeps flowing chunk by chunk", async () => {
    let push: (chunk: string) => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (chunk) => controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const stream = await compressResponse(get("br, gzip"), new Response(body, { headers: { "Content-Type": "text/event-stream" } }));
    expect(stream.headers.get("Content-Encoding")).toBeNull();
    const reader = stream.body!.getReader();
    push("event: delta\ndata: {}\n\n");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("event: delta\ndata: {}\n\n");
    await reader.cancel();
  });

  test("small bodies, bodies already encoded, HEAD and 304 answers are left alone", async () => {
    const small = await compressResponse(get("br"), new Response("ok", { headers: { "Content-Type": "text/plain" } }));
    expect(small.headers.get("Content-Encoding")).toBeNull();
    expect(await small.text()).toBe("ok");
    const encoded = await compressResponse(get("br"), new Response(page, { headers: { "Content-Type": "text/html", "Content-Encoding": "gzip" } }));
    expect(encoded.headers.get("Content-Encoding")).toBe("gzip");
    const head = await compressResponse(get("br", "HEAD"), new Response(page, { headers: { "Content-Type": "text/html" } }));
    expect(head.headers.get("Content-Encoding")).toBeNull();
    const notModified = await compressResponse(get("br"), new Response(null, { status: 304, headers: { "Content-Type": "text/html" } }));
    expect(notModified.headers.get("Content-Encoding")).toBeNull();
  });

  test("a stored file leaves as its own bytes under its ETag; a compressed body's ETag turns weak", async () => {
    const download = await compressResponse(
      get("br"),
      new Response(page, { headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Disposition": 'attachment; filename="notes.txt"', ETag: '"abc"' } }),
    );
    expect(download.headers.get("Content-Encoding")).toBeNull();
    expect(download.headers.get("ETag")).toBe('"abc"');
    expect(await download.text()).toBe(page);
    const tagged = await compressResponse(get("gzip"), new Response(page, { headers: { "Content-Type": "text/html", ETag: '"abc"' } }));
    expect(tagged.headers.get("Content-Encoding")).toBe("gzip");
    expect(tagged.headers.get("ETag")).toBe('W/"abc"');
  });

  test("the edge compresses what Remix answers and keeps every security header", async () => {
    const response = await handleHttp(get("br"), {
      remix: async () => new Response(page, { headers: { "Content-Type": "text/html; charset=utf-8" } }),
      staticFiles: { dir: "/nonexistent", names: new Set() },
      disableIdleTimeout: () => {},
      socketIp: "127.0.0.1",
      clientIpHeader: undefined,
    });
    expect(response.headers.get("Content-Encoding")).toBe("br");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(brotliDecompressSync(new Uint8Array(await response.arrayBuffer())).toString()).toBe(page);
  });
});
