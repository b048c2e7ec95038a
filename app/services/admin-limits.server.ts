// Usage limits in the admin area: the server's defaults (from the
// environment) and the people an admin set apart, with what they have used.
import { z } from "zod";
import { getUserWithPasswordByEmail } from "../models/user.server";
import { type LimitOverrides, setUserLimits, usersWithOwnLimits } from "../models/user-limits.server";
import { AppError } from "../protocol/errors";
import { defaultLimits, limitStanding, type LimitStanding } from "./usage-limits.server";

const UNITS = { h: 3600, d: 86_400 } as const;

/** A blank field follows the default; 0 is no limit. */
const optionalCount = z
  .string()
  .trim()
  .transform((value, context) => {
    if (value === "") return null;
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0 || number > 1e12) {
      context.addIssue({ code: "custom", message: "invalid_input" });
      return z.NEVER;
    }
    return number;
  });

export const limitsFormSchema = z
  .object({
    email: z.string().trim().toLowerCase().min(1, "invalid_input").max(320, "invalid_input"),
    chats: optionalCount,
    messages: optionalCount,
    window: z.string().trim().regex(/^$|^\d{1,3}\s*[hd]$/, "invalid_input"),
    tokensPerMonth: optionalCount,
    spendPerMonthUsd: optionalCount,
  })
  .transform(({ email, window, ...values }): { email: string; overrides: LimitOverrides } => {
    const match = /^(\d+)\s*([hd])$/.exec(window);
    const windowSeconds = match ? Number(match[1]) * UNITS[match[2] as keyof typeof UNITS] : null;
    return {
      email,
      overrides: {
        chats: values.chats === null ? null : Math.floor(values.chats),
        messages: values.messages === null ? null : Math.floor(values.messages),
        windowSeconds: values.messages === null ? null : windowSeconds && windowSeconds <= 7 * 86_400 ? windowSeconds : null,
        tokensPerMonth: values.tokensPerMonth === null ? null : Math.floor(values.tokensPerMonth),
        spendPerMonthUsd: values.spendPerMonthUsd,
      },
    };
  });

/** Sets one person's limits (by their email); every field blank returns them to the defaults. */
export async function saveLimitsFor({ admin, email, overrides }: { admin: { id: string }; email: string; overrides: LimitOverrides }): Promise<void> {
  const user = await getUserWithPasswordByEmail(email);
  if (!user) throw new AppError("user_not_found", { field: "email" });
  await setUserLimits({ userId: user.id, overrides, changedBy: admin.id });
}

export interface LimitsPage {
  defaults: ReturnType<typeof defaultLimits>;
  people: { userId: string; email: string; name: string; standing: LimitStanding }[];
}

export async function limitsAdminPage(): Promise<LimitsPage> {
  const people = await usersWithOwnLimits();
  return {
    defaults: defaultLimits(),
    people: await Promise.all(people.map(async (person) => ({ userId: person.userId, email: person.email, name: person.name, standing: await limitStanding({ userId: person.userId }) }))),
  };
}
