// The admin area's guard. Someone who is not an admin learns nothing about
// it: every admin page and action answers them exactly as an address that
// does not exist (404). The role is read from the session's account on every
// request, so a demoted admin loses access at once.
import type { PublicUser } from "../models/user.server";
import { codeResponse } from "../utils/http.server";
import { requireUser } from "./session.server";

export async function requireAdmin(request: Request): Promise<PublicUser> {
  const user = await requireUser(request);
  if (user.role !== "admin") throw codeResponse("not_found", request);
  return user;
}
