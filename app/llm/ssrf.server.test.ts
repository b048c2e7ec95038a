// The SSRF guard against each trick for reaching a private address: literal
// forms the URL parser rewrites, IPv6 spellings of IPv4, names that resolve
// inward, redirects, and a DNS answer that changes between check and connect.
import { createServer, type IncomingMessage, type Server } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeOpenAI, type FakeServer } from "../../tests/fakes/openai";
import { createOpenAIProvider } from "./openai.server";
import { checkUrl, guardedFetch, isPublicAddress, type Lookup, refusedAddress, UnsafeUrlError } from "./ssrf.server";

/** A resolver that knows a few test names (and nothing else). */
const names: Record<string, string[]> = {
  "public.test": ["93.184.215.14"],
  "public6.test": ["2606:4700:4700::1111"],
  "inside.test": ["10.0.0.7"],
  "mixed.test": ["93.184.215.14", "192.168.0.10"],
  "metadata-alias.test": ["169.254.169.254"],
  "mapped.test": ["::ffff:127.0.0.1"],
  "lan.test": ["192.168.1.20"],
};
const lookup: Lookup = async (host) => names[host] ?? [];

async function refusal(url: string, allowHosts: string[] = []): Promise<string> {
  try {
    await checkUrl(new URL(url), { allowHosts, lookup });
  } catch (error) {
    if (error instanceof UnsafeUrlError) return error.message;
    throw error;
  }
  return "allowed";
}

describe("which addresses are public", () => {
  test.each([
    ["8.8.8.8", true],
    ["93.184.215.14", true],
    ["2606:4700:4700::1111", true],
    ["::ffff:8.8.8.8", true],
    ["127.0.0.1", false], // loopback
    ["127.255.255.254", false],
    ["10.1.2.3", false], // private
    ["172.16.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false], // link-local: AWS, Azure and GCP metadata
    ["100.100.100.200", false], // carrier-grade NAT: Alibaba's metadata
    ["192.0.0.192", false], // reserved: Oracle's metadata
    ["0.0.0.0", false], // unspecified
    ["224.0.0.1", false], // multicast
    ["255.255.255.255", false], // broadcast
    ["198.18.0.1", false], // benchmarking
    ["::1", false], // IPv6 loopback
    ["::", false],
    ["fe80::1", false], // IPv6 link-local
    ["fc00::1", false], // unique local
    ["fd00:ec2::254", false], // AWS metadata over IPv6
    ["ff02::1", false], // IPv6 multicast
    ["::ffff:127.0.0.1", false], // IPv4-mapped IPv6
    ["::ffff:169.254.169.254", false],
    ["::127.0.0.1", false], // IPv4-compatible (deprecated)
    ["64:ff9b::7f00:1", false], // NAT64 of 127.0.0.1
    ["2002:7f00:1::", false], // 6to4 of 127.0.0.1
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", false], // Teredo
    ["not an address", false],
  ])("%s → %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("checking a base URL before connecting", () => {
  test.each([
    ["decimal", "http://2130706433/v1"],
    ["octal", "http://0177.0.0.1/v1"],
    ["octal, every part", "http://0177.0000.0000.0001/v1"],
    ["hex", "http://0x7f.0x0.0x0.0x1/v1"],
    ["hex, one number", "http://0x7f000001/v1"],
    ["short form", "http://127.1/v1"],
    ["zero", "http://0/v1"],
    ["IPv6 loopback", "http://[::1]:11434/v1"],
    ["IPv4-mapped IPv6, dotted", "http://[::ffff:127.0.0.1]/v1"],
    ["IPv4-mapped IPv6, hex", "http://[::ffff:7f00:1]/v1"],
    ["IPv4-mapped metadata", "http://[::ffff:a9fe:a9fe]/latest/meta-data"],
    ["cloud metadata", "http://169.254.169.254/latest/meta-data/"],
    ["cloud metadata, decimal", "http://2852039166/latest/meta-data/"],
    ["AWS metadata over IPv6", "http://[fd00:ec2::254]/latest/meta-data/"],
    ["GCP metadata by name", "http://metadata.google.internal/computeMetadata/v1/"],
    ["GCP metadata by name, trailing dot", "http://metadata.google.internal./computeMetadata/v1/"],
    ["localhost", "http://localhost:11434/v1"],
    ["a localhost subdomain", "http://api.localhost/v1"],
    ["private network", "http://10.0.0.7/v1"],
    ["carrier-grade NAT", "http://100.64.0.1/v1"],
    ["a name resolving inward", "http://inside.test/v1"],
    ["a name resolving to the metadata address", "http://metadata-alias.test/"],
    ["a name resolving to IPv4-mapped loopback", "http://mapped.test/"],
    ["a name with one public and one private address", "http://mixed.test/v1"],
    ["a name that does not resolve", "http://nowhere.test/v1"],
  ])("refuses %s (%s)", async (_, url) => {
    expect(await refusal(url)).toMatch(/^refused /);
  });

  test("refuses other schemes and addresses with credentials", async () => {
    expect(await refusal("file:///etc/passwd")).toMatch(/only http and https/);
    expect(await refusal("gopher://public.test/")).toMatch(/only http and https/);
    expect(await refusal("http://user:pass@public.test/v1")).toMatch(/user name or password/);
  });

  test("allows public names and addresses", async () => {
    expect(await refusal("https://public.test/v1")).toBe("allowed");
    expect(await refusal("https://public6.test/v1")).toBe("allowed");
    expect(await refusal("http://93.184.215.14/v1")).toBe("allowed");
    expect(await refusal("http://[2606:4700:4700::1111]/v1")).toBe("allowed");
  });

  test("the operator's allow list opens exactly what it names", async () => {
    expect(await refusal("http://127.0.0.1:3291/v1", ["127.0.0.1:3291"])).toBe("allowed");
    expect(await refusal("http://127.0.0.1:3292/v1", ["127.0.0.1:3291"])).toMatch(/^refused/);
    expect(await refusal("http://lan.test:11434/v1", ["lan.test"])).toBe("allowed");
    expect(await refusal("http://lan.test:11434/v1", ["lan.test:8080"])).toMatch(/^refused/);
    expect(await refusal("http://lan.test:11434/v1", ["192.168.1.0/24"])).toBe("allowed");
    expect(await refusal("http://inside.test/v1", ["192.168.1.0/24"])).toMatch(/^refused/);
    expect(await refusal("http://[fd00::5]:8080/v1", ["[fd00::5]:8080"])).toBe("allowed");
    // An allowed LAN range does not open the metadata service.
    expect(await refusal("http://169.254.169.254/", ["192.168.0.0/16"])).toMatch(/^refused/);
  });
});

describe("the guarded fetch", () => {
  let server: Server;
  let port = 0;
  const seen: IncomingMessage[] = [];
  let routes: Record<string, (url: URL) => { status: number; headers?: Record<string, string>; body?: string }> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      const url = new URL(req.url ?? "/", "http://x");
      const route = routes[url.pathname]?.(url) ?? { status: 200, body: JSON.stringify({ path: url.pathname, method: req.method, authorization: req.headers.authorization ?? null }) };
      res.writeHead(route.status, { "content-type": "application/json", ...route.headers });
      res.end(route.body ?? "");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const allowLocal = () => ({ allowHosts: [`127.0.0.1:${port}`], lookup });

  test("a private address is refused before any connection is made", async () => {
    const before = seen.length;
    const guarded = guardedFetch({ allowHosts: [], lookup });
    await expect(guarded(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow(UnsafeUrlError);
    expect(seen.length).toBe(before);
  });

  test("a redirect to the metadata address is refused, not followed", async () => {
    routes = { "/hop": () => ({ status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" } }) };
    const guarded = guardedFetch(allowLocal());
    await expect(guarded(`http://127.0.0.1:${port}/hop`)).rejects.toThrow(/refused 169\.254\.169\.254/);
  });

  test.each([
    ["decimal", "http://2130706433:1/"],
    ["IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]:1/"],
    ["localhost", "http://localhost:1/"],
    ["a name resolving inward", "http://inside.test/"],
  ])("a redirect to %s is refused", async (_, location) => {
    routes = { "/hop": () => ({ status: 307, headers: { location } }) };
    await expect(guardedFetch(allowLocal())(`http://127.0.0.1:${port}/hop`)).rejects.toThrow(UnsafeUrlError);
  });

  test("redirects within allowed places are followed; a 303 turns a POST into a GET", async () => {
    routes = { "/start": () => ({ status: 303, headers: { location: "/end" } }) };
    const response = await guardedFetch(allowLocal())(`http://127.0.0.1:${port}/start`, { method: "POST", body: "{}", headers: { authorization: "Bearer k" } });
    expect(await response.json()).toEqual({ path: "/end", method: "GET", authorization: "Bearer k" });
  });

  test("the key is not carried to another origin by a redirect", async () => {
    const other = createServer((req, res) => res.end(JSON.stringify({ authorization: req.headers.authorization ?? null })));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const otherPort = (other.address() as { port: number }).port;
    try {
      routes = { "/away": () => ({ status: 302, headers: { location: `http://127.0.0.1:${otherPort}/` } }) };
      const guarded = guardedFetch({ allowHosts: [`127.0.0.1:${port}`, `127.0.0.1:${otherPort}`], lookup });
      const response = await guarded(`http://127.0.0.1:${port}/away`, { headers: { authorization: "Bearer secret-key" } });
      expect(await response.json()).toEqual({ authorization: null });
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  test("endless redirects end with a refusal", async () => {
    routes = { "/loop": () => ({ status: 302, headers: { location: "/loop" } }) };
    await expect(guardedFetch(allowLocal())(`http://127.0.0.1:${port}/loop`)).rejects.toThrow(/more than 5 redirects/);
  });

  test("the connection goes to the address that was checked, not to a second DNS answer (rebinding)", async () => {
    // The first answer is the allowed address; any later one would be the metadata service.
    let answers = 0;
    const rebinding: Lookup = async () => (answers++ === 0 ? ["127.0.0.1"] : ["169.254.169.254"]);
    const guarded = guardedFetch({ allowHosts: [`127.0.0.1:${port}`], lookup: rebinding });
    // "rebind.test" does not exist in the system's DNS: the request can only arrive if it went to the checked address.
    const response = await guarded(`http://rebind.test:${port}/pinned`);
    expect(await response.json()).toMatchObject({ path: "/pinned" });
    expect(answers).toBe(1);
  });

  test("through the real OpenAI SDK: a base URL that redirects to the metadata address fails as refused", async () => {
    routes = { "/v1/models": () => ({ status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/iam" } }) };
    const provider = createOpenAIProvider({ id: "custom", label: "Mine", apiKey: "k", baseURL: `http://127.0.0.1:${port}/v1`, fetch: guardedFetch(allowLocal()) });
    const error = await provider.listModels().then(() => undefined, (caught: unknown) => caught);
    expect(refusedAddress(error)?.host).toBe("169.254.169.254");
  });

  test("through the real OpenAI SDK: an allowed base URL works as usual", async () => {
    const fake: FakeServer = await startFakeOpenAI({ apiKey: "sk-user-key" });
    try {
      const client = new OpenAI({ apiKey: "sk-user-key", baseURL: fake.url, maxRetries: 0, fetch: guardedFetch({ allowHosts: [`127.0.0.1:${fake.port}`], lookup }) });
      const ids: string[] = [];
      for await (const model of client.models.list()) ids.push(model.id);
      expect(ids).toContain("gpt-4o-mini");
    } finally {
      await fake.close();
    }
  });
});
