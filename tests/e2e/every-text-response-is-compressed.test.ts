// Compression: pages, data and build output go out as brotli or gzip, as the
// client asks; event streams never do. The security headers stay.
import { answerMessageId, chatIdOf, expect, newChatAndSend, signUp, streamUrl, test, waitForAnswer } from "./fixtures";

test("pages, data and scripts are compressed as the client asks; an answer's stream is not", async ({ page, request }) => {
  // Both clients here decode what they receive: the header says how it travelled, the text that it decodes to the page.
  const loginBr = await request.get("/login", { headers: { "Accept-Encoding": "br" } });
  expect(loginBr.headers()["content-encoding"]).toBe("br");
  expect(loginBr.headers()["vary"]).toContain("Accept-Encoding");
  expect(loginBr.headers()["content-security-policy"]).toContain("script-src 'self' 'nonce-");
  expect(loginBr.headers()["x-content-type-options"]).toBe("nosniff");
  expect(await loginBr.text()).toContain("Log in");

  const loginPlain = await request.get("/login", { headers: { "Accept-Encoding": "identity" } });
  expect(loginPlain.headers()["content-encoding"]).toBeUndefined();

  // Scripts the page loads: precompressed at build time, served with their encoding.
  await signUp(page);
  await newChatAndSend(page, "Hello compression");
  await waitForAnswer(page);
  const script = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).find((name) => name.startsWith("/assets/") && name.endsWith(".js") && !name.includes("manifest")));
  expect(script).toBeDefined();
  const identity = await request.get(script!, { headers: { "Accept-Encoding": "identity" } });
  const source = await identity.body();
  for (const encoding of ["br", "gzip"]) {
    const response = await fetch(new URL(script!, page.url()), { headers: { "Accept-Encoding": encoding } });
    expect(response.headers.get("content-encoding")).toBe(encoding);
    expect(response.headers.get("vary")).toBe("Accept-Encoding");
    expect(response.headers.get("cache-control")).toContain("immutable");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await response.arrayBuffer()).equals(source)).toBe(true);
  }

  // The chat's data (.data) is compressed; the answer's event stream is not.
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const chatId = chatIdOf(page);
  const data = await fetch(new URL(`/chats/${chatId}.data`, page.url()), { headers: { Cookie: cookie, "Accept-Encoding": "gzip" } });
  expect(data.headers.get("content-encoding")).toBe("gzip");
  const stream = await fetch(new URL(streamUrl(chatId, await answerMessageId(page)), page.url()), { headers: { Cookie: cookie, "Accept-Encoding": "br, gzip" } });
  expect(stream.headers.get("content-type")).toContain("text/event-stream");
  expect(stream.headers.get("content-encoding")).toBeNull();
  expect(await stream.text()).toContain("event: done");
});
