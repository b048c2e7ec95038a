import { connectionReport } from "~/db.server";
import { logger } from "~/utils/logger.server";

// Fly's health check: 200 only when the database answers. It also reports the
// serving connection's settings, so a misconfigured process (a second copy of
// the database module, a connection without its PRAGMAs) is visible.
export async function loader() {
  try {
    const database = await connectionReport();
    return Response.json({ status: "ok", database }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    logger.error("health check failed", { error });
    return Response.json({ status: "unavailable", reason: "database" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
