import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { noAdminForms, requireAdmin } from "~/auth/admin.server";

/** The admin area opens on its list of accounts. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  throw redirect("/admin/users");
}

/** This page takes no forms (see noAdminForms). */
export const action = noAdminForms;

/** Never shown (the loader always answers), but it makes a refusal here the error page, not bare text. */
export default function AdminIndex() {
  return null;
}
