// Unit tests run on Node, which has no Bun.password: this stand-in (scrypt)
// lets code that hashes passwords run there. password.server.ts reads `Bun`
// only when called, so importing this anywhere before a call is enough. The
// e2e suite runs the real server on Bun, with argon2id.
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

const standIn = {
  password: {
    async hash(password: string): Promise<string> {
      const salt = randomBytes(8).toString("hex");
      return `scrypt:${salt}:${scryptSync(password, salt, 32).toString("hex")}`;
    },
    async verify(password: string, stored: string): Promise<boolean> {
      const [, salt = "", expected = ""] = stored.split(":");
      return expected.length === 64 && timingSafeEqual(scryptSync(password, salt, 32), Buffer.from(expected, "hex"));
    },
  },
};

(globalThis as { Bun?: unknown }).Bun ??= standIn;
