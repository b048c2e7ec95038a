// The keys page through its real loader and action: signed out, it sends
// people to log in and changes nothing; signed in, a person sees and acts on
// their own keys only (there is no way to name someone else's); no response
// carries a key.
import { vi } from "vitest";

vi.hoisted(() => {
  process.env.ENCRYPTION_KEY = "7".repeat(64);
});

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, test } from "vitest";
import { prepareDatabase } from "~/db.server";
import { listUserKeys } from "~/models/user-key.server";
import { loader as settingsIndex } from "~/routes/settings._index";
import { action as keysAction, loader as keysLoader } from "~/routes/settings.keys";
import { createTestUser } from "./fixtures";
import { cookieFor, formRequest, getRequest, settle } from "./requests";

const OWNER_KEY = "owner-secret-key-Zx81Qw02Er93";

beforeAll(async () => {
  await prepareDatabase();
});

const post = (cookie: string | null, fields: Record<string, string>) =>
  settle(() => keysAction({ request: formRequest("/settings/keys", cookie, fields), params: {}, context: {} } as ActionFunctionArgs));
const page = (cookie: string | null) => settle(() => keysLoader({ request: getRequest("/settings/keys", cookie), params: {}, context: {} } as LoaderFunctionArgs));

async function twoPeople() {
  const owner = await createTestUser("Owner");
  const other = await createTestUser("Other");
  const cookies = { owner: await cookieFor(owner.id), other: await cookieFor(other.id) };
  expect((await post(cookies.owner, { intent: "add", provider: "openai", apiKey: OWNER_KEY })).location).toBe("/settings/keys?saved=openai");
  return { owner, other, cookies };
}

describe("the keys page", () => {
  test("signed out, the page and /settings send people to log in and back", async () => {
    expect(await page(null)).toMatchObject({ status: 302, location: `/login?${new URLSearchParams({ redirectTo: "/settings/keys" })}` });
    const index = await settle(() => settingsIndex({ request: getRequest("/settings", null), params: {}, context: {} } as LoaderFunctionArgs));
    expect(index).toMatchObject({ status: 302, location: `/login?${new URLSearchParams({ redirectTo: "/settings" })}` });
  });

  test.each(["add", "test", "remove"])("signed out, %s goes to log in and changes nothing", async (intent) => {
    const { owner } = await twoPeople();
    const result = await post(null, { intent, provider: "openai", apiKey: "attacker-key-000000000" });
    expect(result.status).toBe(302);
    expect(result.location).toBe(`/login?${new URLSearchParams({ redirectTo: "/settings/keys", expired: "1" })}`);
    expect(await listUserKeys({ userId: owner.id })).toMatchObject([{ provider: "openai", lastFour: OWNER_KEY.slice(-4) }]);
  });

  test("signed in, /settings leads to the first settings page", async () => {
    const { cookies } = await twoPeople();
    const index = await settle(() => settingsIndex({ request: getRequest("/settings", cookies.owner), params: {}, context: {} } as LoaderFunctionArgs));
    expect(index).toMatchObject({ status: 302, location: "/settings/profile" });
  });

  test("each person sees their own keys only, and the page carries four characters of a key at most", async () => {
    const { cookies } = await twoPeople();
    const mine = await page(cookies.owner);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ enabled: true, keys: [{ provider: "openai", lastFour: OWNER_KEY.slice(-4), label: "OpenAI" }] });
    expect(JSON.stringify(mine.body)).not.toContain(OWNER_KEY.slice(0, -4));
    const theirs = await page(cookies.other);
    expect(theirs.body).toMatchObject({ enabled: true, keys: [] });
  });

  test("another person's test and remove reach only their own (absent) key", async () => {
    const { owner, cookies } = await twoPeople();
    const tested = await post(cookies.other, { intent: "test", provider: "openai" });
    expect(tested).toMatchObject({ status: 404, body: { code: "key_not_found", formError: "You have no key for that provider." } });
    const removed = await post(cookies.other, { intent: "remove", provider: "openai" });
    expect(removed).toMatchObject({ status: 404, body: { code: "key_not_found" } });
    expect(await listUserKeys({ userId: owner.id })).toHaveLength(1);
    // Their own add goes to their own row; the owner's key stays as it was.
    await post(cookies.other, { intent: "add", provider: "openai", apiKey: "other-persons-key-0000000" });
    expect(await listUserKeys({ userId: owner.id })).toMatchObject([{ lastFour: OWNER_KEY.slice(-4) }]);
  });

  test("a refused add hands back what was typed, except the key", async () => {
    const { cookies } = await twoPeople();
    const refused = await post(cookies.owner, { intent: "add", provider: "openai", apiKey: `${OWNER_KEY} and more` });
    expect(refused).toMatchObject({ status: 400, body: { code: "api_key_invalid", field: "apiKey", intent: "add", provider: "openai" } });
    expect(JSON.stringify(refused.body)).not.toContain(OWNER_KEY);
    // A custom base URL needs ALLOW_USER_BASE_URLS, which is off here.
    expect(await post(cookies.owner, { intent: "add", provider: "custom", apiKey: OWNER_KEY, baseUrl: "https://llm.example.com/v1" })).toMatchObject({ status: 403, body: { code: "base_url_not_allowed" } });
    expect(await post(cookies.owner, { intent: "explode", provider: "openai" })).toMatchObject({ status: 400, body: { code: "unknown_intent" } });
  });

  test("removing a key takes it away", async () => {
    const { owner, cookies } = await twoPeople();
    expect(await post(cookies.owner, { intent: "remove", provider: "openai" })).toMatchObject({ status: 302, location: "/settings/keys?removed=openai" });
    expect(await listUserKeys({ userId: owner.id })).toEqual([]);
  });
});
