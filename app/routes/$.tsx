// Any address no other route takes: a 404 drawn by the root's error page. As a
// route of its own (not Remix's "no route matched") the root's loader runs
// first, so the page wears the visitor's theme and speaks their language.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { codeResponse } from "~/utils/http.server";

function notFound({ request }: LoaderFunctionArgs | ActionFunctionArgs): never {
  throw codeResponse("not_found", request);
}

export const loader = notFound;
export const action = notFound;

/** Never drawn (the loader always throws); being a page, not a resource, is what sends the root's error page. */
export default function NotFound() {
  return null;
}
