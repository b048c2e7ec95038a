// CSRF protection for every mutating request, checked once in server.ts before
// Remix sees the request (ADR 003). The same rule as Go 1.25's
// http.CrossOriginProtection: browsers say where a request comes from in
// Sec-Fetch-Site (all current browsers) or Origin (older ones); a request that
// carries neither did not come from a browser form and cannot ride a cookie.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isCrossOriginRequest(request: Request): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const site = request.headers.get("Sec-Fetch-Site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = request.headers.get("Origin");
  if (!origin) return false;
  // An Origin, when sent, must name this host whatever Sec-Fetch-Site says, as Remix sees the host (a proxy's
  // X-Forwarded-Host, else Host): Remix checks it again before an action and fails with a 500 where this says 403.
  try {
    return new URL(origin).host !== hostOf(request);
  } catch {
    // "null" (sandboxed frames, privacy-sensitive contexts) or garbage: not us.
    return true;
  }
}

function hostOf(request: Request): string {
  const forwarded = request.headers.get("X-Forwarded-Host")?.split(",")[0]?.trim();
  return forwarded || (request.headers.get("Host") ?? new URL(request.url).host);
}
