// Usage limits in the admin area: the server's defaults (from the
// environment) and the people an admin set apart, with what they have used.
import { z } from "zod";
import { getUserWithPasswordByEmail } from "../models/user.server";
import { type LimitOverrides, setUserLimits, usersWithOwnLimits } from "../models/user-limits.server";
import { AppError } from "../protocol/errors";
import { defaultLimits, environmentLimits, type LimitStanding, type LimitValues, limitStanding, saveDefaultLimits, type StoredDefaults, storedDefaultLimits } from "./usage-limits.server";

/** A window's units, as English and Russian write them ("3h", "3ч"; "1d", "1д"). */
const UNITS = { h: 3600, d: 86_400, ч: 3600, д: 86_400 } as const;
const WINDOW = /^(\d{1,3})\s*([hdчд])$/;

/**
 * A blank field follows the default; 0 is no limit. Counts are whole
 * numbers; an amount of money is in dollars and cents. A value the form
 * cannot take is refused with what it takes, never rounded or dropped.
 */
const optionalNumber = ({ whole, code }: { whole: boolean; code: "limit_count_invalid" | "limit_spend_invalid" }) =>
  z
    .string()
    .trim()
    .transform((value, context) => {
      if (value === "") return null;
      const number = Number(value);
      const shape = whole ? /^\d+$/ : /^\d+(\.\d{1,2})?$/;
      if (!shape.test(value) || !Number.isFinite(number) || number > 1e12) {
        context.addIssue({ code: "custom", message: code });
        return z.NEVER;
      }
      return number;
    });
const optionalCount = optionalNumber({ whole: true, code: "limit_count_invalid" });

/** Answers per window: hours or days, from 1 hour to 7 days ("3h", "1 d", "2 ч"). */
const MAX_WINDOW_SECONDS = 7 * 86_400;
const windowField = z
  .string()
  .trim()
  .refine((value) => {
    if (value === "") return true;
    const match = WINDOW.exec(value.toLowerCase());
    const seconds = match ? Number(match[1]) * UNITS[match[2] as keyof typeof UNITS] : 0;
    return seconds >= 3600 && seconds <= MAX_WINDOW_SECONDS;
  }, "limit_window_invalid");

const limitFields = {
  chats: optionalCount,
  messages: optionalCount,
  window: windowField,
  tokensPerMonth: optionalCount,
  spendPerMonthUsd: optionalNumber({ whole: false, code: "limit_spend_invalid" }),
};

/** The five fields of a limits form as values: null where the field was blank. */
function limitValues({ window, ...values }: { chats: number | null; messages: number | null; window: string; tokensPerMonth: number | null; spendPerMonthUsd: number | null }): LimitOverrides {
  const match = WINDOW.exec(window.toLowerCase());
  const windowSeconds = match ? Number(match[1]) * UNITS[match[2] as keyof typeof UNITS] : null;
  return {
    chats: values.chats,
    messages: values.messages,
    windowSeconds: values.messages === null ? null : windowSeconds,
    tokensPerMonth: values.tokensPerMonth,
    spendPerMonthUsd: values.spendPerMonthUsd,
  };
}

export const limitsFormSchema = z
  .object({ email: z.string().trim().toLowerCase().min(1, "invalid_input").max(320, "invalid_input"), ...limitFields })
  .transform(({ email, ...fields }): { email: string; overrides: LimitOverrides } => ({ email, overrides: limitValues(fields) }));

export const defaultsFormSchema = z.object(limitFields).transform((fields): StoredDefaults => limitValues(fields));

/** Saves everyone's defaults; a blank field follows the environment's value. */
export async function saveDefaults({ admin, values }: { admin: { id: string }; values: StoredDefaults }): Promise<void> {
  await saveDefaultLimits({ values, changedBy: admin.id });
}

/** Sets one person's limits (by their email); every field blank returns them to the defaults. */
export async function saveLimitsFor({ admin, email, overrides }: { admin: { id: string }; email: string; overrides: LimitOverrides }): Promise<void> {
  const user = await getUserWithPasswordByEmail(email);
  if (!user) throw new AppError("user_not_found", { field: "email", params: { email } });
  await setUserLimits({ userId: user.id, overrides, changedBy: admin.id });
}

export interface LimitsPage {
  /** In force, what an admin saved (null: follows the environment), and the environment's. */
  defaults: LimitValues;
  saved: StoredDefaults | null;
  environment: LimitValues;
  people: { userId: string; email: string; name: string; standing: LimitStanding }[];
}

export async function limitsAdminPage(): Promise<LimitsPage> {
  const people = await usersWithOwnLimits();
  return {
    defaults: await defaultLimits(),
    saved: await storedDefaultLimits(),
    environment: environmentLimits(),
    people: await Promise.all(people.map(async (person) => ({ userId: person.userId, email: person.email, name: person.name, standing: await limitStanding({ userId: person.userId }) }))),
  };
}
