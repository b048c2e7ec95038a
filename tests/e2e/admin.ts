// The admin of a server of a test's own: its first account becomes the admin,
// so the first test that asks signs it up and the later ones log in as it.
import type { BrowserContext, Page } from "@playwright/test";
import { login, signUp, type User } from "./fixtures";

export interface FirstAccountAdmin {
  /** A new page in `context` signed in as the admin (signed up on the first call). */
  page(context: BrowserContext): Promise<Page>;
  /** The admin's account, once a page has made it. */
  user(): User;
}

export function firstAccountIsAdmin({ name = "Ada Admin" }: { name?: string } = {}): FirstAccountAdmin {
  let admin: User | undefined;
  return {
    async page(context) {
      const page = await context.newPage();
      if (admin) await login(page, admin);
      else admin = await signUp(page, { name });
      return page;
    },
    user() {
      if (!admin) throw new Error("no admin yet: open an admin page first");
      return admin;
    },
  };
}
