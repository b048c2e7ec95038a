// The admin area's guard. Someone who is not an admin learns nothing about
// it: every admin page and action answers them exactly as an address that
// does not exist (404). The role is read from the session's account on every
// request, so a demoted admin loses access at once.
import type { PublicUser } from "../models/user.server";
import { codeResponse } from "../utils/http.server";
import { requireUser } from "./session.server";

/**
 * The action of an admin page that takes no forms: a form posted to it is
 * refused like any page's (405) for an admin, and is the 404 for anyone else.
 */
export async function noAdminForms({ request }: { request: Request }): Promise<never> {
  await requireAdmin(request);
  throw codeResponse("method_not_allowed", request);
}

export async function requireAdmin(request: Request): Promise<PublicUser> {
  const user = await requireUser(request);
  if (user.role !== "admin") throw codeResponse("not_found", request);
  return user;
}
