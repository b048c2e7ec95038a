// Base URLs people type in (their own OpenAI-compatible server) must not turn
// Parley into a door to its own network: no private, loopback, link-local,
// unique-local, carrier-grade NAT, multicast, reserved or cloud-metadata
// address, checked on the address the name resolves to and again on every
// redirect (docs/decisions/032). Operators open exceptions with
// USER_BASE_URL_ALLOW_HOSTS (an Ollama on the LAN).
//
// Decimal (http://2130706433), octal (0177.0.0.1), hex (0x7f.1) and short
// (127.1) forms need no code of their own: the WHATWG URL parser rewrites them
// all to 127.0.0.1 before we look, and IPv4-mapped IPv6 ([::ffff:7f00:1]) is
// unwrapped below.
import { lookup as dnsLookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/** Names refused before any DNS query (they only ever mean this machine or its cloud's metadata). */
const BLOCKED_NAMES = [/^localhost$/, /\.localhost$/, /^metadata$/, /^metadata\.google\.internal$/, /^metadata\.goog$/];
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
/** Headers that carry the key: never sent on to another origin after a redirect. */
const CREDENTIAL_HEADERS = ["authorization", "x-api-key", "api-key", "cookie", "proxy-authorization"];

export type Lookup = (hostname: string) => Promise<string[]>;

export interface GuardOptions {
  /** USER_BASE_URL_ALLOW_HOSTS: `host`, `host:port`, an address (`[v6]:port`) or a CIDR range. */
  allowHosts: readonly string[];
  /** Resolves a name to its addresses (the system resolver by default). */
  lookup?: Lookup;
  /** The fetch that makes the request (the runtime's by default). */
  fetch?: typeof fetch;
}

/** A URL Parley refuses to reach; `message` names the host and the reason, never the rest of the URL. */
export class UnsafeUrlError extends Error {
  readonly host: string;
  constructor(host: string, reason: string) {
    super(`refused ${host}: ${reason}`);
    this.name = "UnsafeUrlError";
    this.host = host;
  }
}

const systemLookup: Lookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** The address itself, with IPv4-mapped IPv6 (::ffff:a.b.c.d) unwrapped to the IPv4 it stands for. */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(address)) return null;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/**
 * True only for an address on the public internet: IPv4 outside every
 * special range; IPv6 in global unicast (2000::/3) outside every special
 * range (which also refuses 6to4, Teredo and NAT64 forms that embed an IPv4).
 */
export function isPublicAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  if (parsed.kind() === "ipv4") return parsed.range() === "unicast";
  return parsed.match(GLOBAL_UNICAST_V6) && parsed.range() === "unicast";
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

/** The hostname without IPv6 brackets or a trailing dot, lower case. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
}

interface AllowEntry {
  host?: string;
  range?: [ipaddr.IPv4 | ipaddr.IPv6, number];
  port?: string;
}

const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/;

/**
 * One USER_BASE_URL_ALLOW_HOSTS entry as the guard reads it — `[v6]:port`, a
 * v6 address, `host:port`, `host`, or a CIDR range — or what is wrong with it,
 * in words an operator can act on (an entry the guard cannot read would
 * otherwise open nothing, silently).
 */
function readAllowEntry(entry: string): { entry: AllowEntry } | { problem: string } {
  const text = entry.trim().toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) return { problem: `"${entry}" is an address, not a host: write only the host and port, like ollama.lan:11434` };
  if (text.includes("/")) return ipaddr.isValidCIDR(text) ? { entry: { range: ipaddr.parseCIDR(text) } } : { problem: `"${entry}" is not a range: write one like 192.168.1.0/24 or fd00::/8` };
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(text);
  if (bracketed && !ipaddr.IPv6.isValid(bracketed[1]!)) return { problem: `"${entry}" has no IPv6 address between its brackets` };
  const bareV6 = !bracketed && ipaddr.IPv6.isValid(text);
  if (!bracketed && !bareV6 && text.split(":").length > 2) return { problem: `"${entry}" is not a host: an IPv6 address with a port goes in brackets, like [fd00::5]:8080` };
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : bareV6 ? [text, undefined] : (text.split(":") as [string, string | undefined]);
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) return { problem: `"${entry}" has no port from 1 to 65535 after its colon` };
  const address = parseAddress(host);
  if (address) return { entry: { range: [address, address.kind() === "ipv4" ? 32 : 128], port } };
  if (!HOST_NAME.test(host)) return { problem: `"${entry}" is not a host name, an address or a range` };
  return { entry: { host: host.replace(/\.$/, ""), port } };
}

/** What is wrong with one USER_BASE_URL_ALLOW_HOSTS entry; null when the guard reads it. */
export function allowEntryProblem(entry: string): string | null {
  const read = readAllowEntry(entry);
  return "problem" in read ? read.problem : null;
}

function allowedBy(entries: AllowEntry[], url: URL, address?: string): boolean {
  const host = bareHost(url);
  const port = defaultPort(url);
  const parsed = address ? parseAddress(address) : null;
  return entries.some((entry) => {
    if (entry.port && entry.port !== port) return false;
    if (entry.host) return entry.host === host;
    if (!entry.range || !parsed || parsed.kind() !== entry.range[0].kind()) return false;
    return parsed.match(entry.range);
  });
}

/**
 * Resolves a URL's host and refuses it unless every address it resolves to is
 * public (or allowed). Returns the address to connect to.
 */
export async function checkUrl(url: URL, { allowHosts, lookup = systemLookup }: Pick<GuardOptions, "allowHosts" | "lookup">): Promise<{ address: string }> {
  const host = bareHost(url);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UnsafeUrlError(host, "only http and https are allowed");
  if (url.username || url.password) throw new UnsafeUrlError(host, "a user name or password in the address is not allowed");
  const entries = allowHosts.flatMap((host) => {
    const read = readAllowEntry(host);
    return "entry" in read ? [read.entry] : [];
  });
  const nameAllowed = entries.some((entry) => entry.host !== undefined) && allowedBy(entries.filter((entry) => entry.host), url);
  if (!nameAllowed && BLOCKED_NAMES.some((pattern) => pattern.test(host))) throw new UnsafeUrlError(host, "it names this machine or a cloud metadata service");
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await lookup(host);
    } catch {
      // The resolver's own error names the host again and nothing more useful.
      throw new UnsafeUrlError(host, "the name does not resolve");
    }
  }
  if (addresses.length === 0) throw new UnsafeUrlError(host, "the name does not resolve");
  // Every address must pass: a name resolving to one public and one private address is refused.
  for (const address of addresses) {
    if (nameAllowed || isPublicAddress(address) || allowedBy(entries, url, address)) continue;
    throw new UnsafeUrlError(host, `${ipaddr.isValid(host) ? "it is" : "it resolves to"} ${address}, a private, local or reserved address`);
  }
  return { address: addresses[0]! };
}

/**
 * The URL to connect to. A plain-http request goes to the address that was
 * checked, with the name in the Host header, so a second DNS answer cannot
 * point it elsewhere (DNS rebinding). HTTPS keeps the name: the certificate
 * must match it, which a private service cannot do for someone else's name.
 */
function pinned(url: URL, address: string, headers: Headers): URL {
  if (url.protocol !== "http:" || ipaddr.isValid(bareHost(url))) return url;
  const target = new URL(url);
  const parsed = ipaddr.parse(address);
  target.hostname = parsed.kind() === "ipv6" ? `[${parsed.toString()}]` : parsed.toString();
  headers.set("Host", url.host);
  return target;
}

function requestParts(input: string | URL | Request, init: RequestInit | undefined) {
  const request = input instanceof Request ? input : undefined;
  return {
    url: new URL(request ? request.url : String(input)),
    method: (init?.method ?? request?.method ?? "GET").toUpperCase(),
    headers: new Headers(init?.headers ?? request?.headers),
    body: init?.body ?? request?.body ?? undefined,
  };
}

/**
 * A fetch for the provider SDKs when the base URL came from a person: each
 * hop (the first request and every redirect) is checked before it is made,
 * redirects are followed here (never by the runtime, which would not check
 * them), and credentials are dropped when a redirect leaves the origin.
 */
export function guardedFetch({ allowHosts, lookup, fetch: fetchImpl = globalThis.fetch }: GuardOptions): typeof fetch {
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const parts = requestParts(input, init);
    const headers = parts.headers;
    let { url, method, body } = parts;
    for (let hop = 0; ; hop++) {
      const { address } = await checkUrl(url, { allowHosts, lookup });
      const hopHeaders = new Headers(headers);
      const response = await fetchImpl(pinned(url, address, hopHeaders), { ...init, method, headers: hopHeaders, body, redirect: "manual" });
      const location = response.headers.get("location");
      if (!REDIRECT_STATUSES.has(response.status) || !location) return response;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new UnsafeUrlError(bareHost(url), `more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
        headers.delete("content-type");
        headers.delete("content-length");
      } else if (body instanceof ReadableStream) {
        throw new UnsafeUrlError(bareHost(next), "a redirect asked to send a streamed body again");
      }
      url = next;
    }
  };
  return guarded as typeof fetch;
}

/** Whether a guarded request failed because its address was refused (the SDKs wrap fetch errors). */
export function refusedAddress(error: unknown): UnsafeUrlError | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof UnsafeUrlError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
