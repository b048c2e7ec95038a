// CSRF protection for every mutating request, checked once in server.ts before
// Remix sees the request (ADR 003). The same rule as Go 1.25's
// http.CrossOriginProtection: browsers say where a request comes from in
// Sec-Fetch-Site (all current browsers) or Origin (older ones); a request that
// carries neither did not come from a browser form and cannot ride a cookie.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isCrossOriginRequest(request: Request): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const site = request.headers.get("Sec-Fetch-Site");
  if (site) return site !== "same-origin" && site !== "none";
  const origin = request.headers.get("Origin");
  if (!origin) return false;
  try {
    return new URL(origin).host !== (request.headers.get("Host") ?? new URL(request.url).host);
  } catch {
    // "null" (sandboxed frames, privacy-sensitive contexts) or garbage: not us.
    return true;
  }
}
