import { checkDatabase } from "~/db.server";
import { logger } from "~/utils/logger.server";

// Fly's health check: 200 only when the database answers.
export async function loader() {
  try {
    await checkDatabase();
    return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    logger.error("health check failed", { error });
    return Response.json({ status: "unavailable", reason: "database" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
