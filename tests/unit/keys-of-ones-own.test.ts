// Keys of one's own, through the services and the real SDKs against the fake
// OpenAI upstream: a person's key wins over the server's, opens providers the
// server has no key for (to that person only), pays for their answers (and
// says so), is sealed at rest, survives a rotation of ENCRYPTION_KEY, is
// tested through the provider's model list, and never reaches a log line.
import { randomBytes } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { userApiKeys } from "../../drizzle/schema";
import { startFakeOpenAI, type FakeServer } from "../fakes/openai";
import { database, prepareDatabase } from "~/db.server";
import { listModelGroups, resolveModel, unlistedModelOf } from "~/llm/catalog.server";
import { requestCostUsd } from "~/llm/types";
import { modelPolicy, saveModelPolicy } from "~/llm/model-policy.server";
import { getAnswerPayer } from "~/models/answer-payer.server";
import { resealUserKeys, saveUserKey, storedUserKey, listUserKeys } from "~/models/user-key.server";
import { describe as describeProblem } from "~/protocol/catalogue";
import { AppError, type Problem } from "~/protocol/errors";
import { startChat } from "~/services/conversation.server";
import { addUserKey, keysPage, removeUserKey, testUserKey } from "~/services/user-keys.server";
import { streamRegistry } from "~/streaming/streams.server";
import { keyringOf } from "~/utils/encryption.server";
import { createTestUser } from "./fixtures";

const SERVER_KEY = "server-side-openai-key-0001";
/** Keys in no shape the logger's patterns know: only Parley's own care keeps them out of logs. */
const KEY_A = "pk-alpha-7Q2vX9mZr4Lw8NcT1yUe";
const KEY_GROQ = "gsk-bravo-M3nB6vC1xZ9aS5dF7gH2";
const KEY_REVOKED = "rvk-charlie-W8eR4tY6uI2oP0aS3dF";

/** What a refused call was refused with. */
async function problemOf(call: Promise<unknown>): Promise<Problem> {
  const error = await call.then(() => null, (refusal: unknown) => refusal);
  if (!(error instanceof AppError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.problem;
}
const KNOWN_KEYS = [KEY_A, KEY_GROQ, KEY_REVOKED];

let fake: FakeServer;
/** A port on the allow list where nothing listens. */
let deadPort: number;
const logged: string[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI({ revokedKeys: [KEY_REVOKED] });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  deadPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  // Before anything reads the environment: the server's OpenAI key, Groq
  // pointed at the fake with no server key, and people's base URLs allowed to reach the fake only.
  Object.assign(process.env, {
    DEMO_TOKENS_PER_SECOND: "100000",
    OPENAI_API_KEY: SERVER_KEY,
    OPENAI_BASE_URL: fake.url,
    GROQ_BASE_URL: fake.url,
    // A local server this server has an address for.
    LMSTUDIO_BASE_URL: fake.url,
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    ALLOW_USER_BASE_URLS: "true",
    USER_BASE_URL_ALLOW_HOSTS: `127.0.0.1:${fake.port},127.0.0.1:${deadPort}`,
    LOG_LEVEL: "debug",
  });
  for (const method of ["log", "info", "warn", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  }
  await prepareDatabase();
});

afterAll(async () => {
  await Promise.all(streamRegistry().activeStreams().map((stream) => stream.settled));
  vi.restoreAllMocks();
  await fake.close();
  // Everything the app logged while these tests ran, every level: no key in any line.
  for (const line of logged) for (const key of KNOWN_KEYS) expect(line).not.toContain(key);
});

async function answerOf(chatId: string, answerId: string) {
  await streamRegistry().get(answerId)?.settled;
  const request = fake.requests.findLast((r) => r.path === "/v1/chat/completions" && JSON.stringify(r.body?.messages ?? []).includes(chatId));
  return { request, payer: await getAnswerPayer({ messageId: answerId }) };
}

describe("keys of one's own", () => {
  test("a person's own key wins over the server's key, and the answer records who paid", async () => {
    const [alice, bob] = [await createTestUser("Alice"), await createTestUser("Bob")];
    await addUserKey({ user: alice, provider: "openai", apiKey: ` ${KEY_A} `, baseUrl: "" });

    const a = await startChat({ user: alice, text: "alice-marker question", model: "openai:gpt-4o-mini" });
    await streamRegistry().get(a.assistantMessageId)?.settled;
    const aliceRequest = fake.requests.findLast((r) => r.path === "/v1/chat/completions" && JSON.stringify(r.body).includes("alice-marker"));
    expect(aliceRequest?.headers.authorization).toBe(`Bearer ${KEY_A}`);
    expect(await getAnswerPayer({ messageId: a.assistantMessageId })).toMatchObject({ paidBy: "user", keyOwnerId: alice.id, provider: "openai" });

    const b = await startChat({ user: bob, text: "bob-marker question", model: "openai:gpt-4o-mini" });
    await streamRegistry().get(b.assistantMessageId)?.settled;
    const bobRequest = fake.requests.findLast((r) => r.path === "/v1/chat/completions" && JSON.stringify(r.body).includes("bob-marker"));
    expect(bobRequest?.headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
    expect(await getAnswerPayer({ messageId: b.assistantMessageId })).toMatchObject({ paidBy: "server", keyOwnerId: null, provider: "openai" });

    // The demo model costs nobody anything, and still says so.
    const demo = await startChat({ user: alice, text: "hello", model: "demo:parley-demo" });
    expect((await answerOf(demo.chat.id, demo.assistantMessageId)).payer).toMatchObject({ paidBy: "server", provider: "demo" });
  });

  test("a provider the server has no key for becomes usable by the person who has one, and by nobody else", async () => {
    const [carol, dave] = [await createTestUser("Carol"), await createTestUser("Dave")];
    expect((await listModelGroups({ viewer: dave })).map((g) => g.providerId)).not.toContain("groq");
    await expect(startChat({ user: carol, text: "hi", model: "groq:gpt-4o-mini" })).rejects.toMatchObject({ code: "model_unavailable" });

    await addUserKey({ user: carol, provider: "groq", apiKey: KEY_GROQ, baseUrl: "" });
    const groups = await listModelGroups({ viewer: carol });
    const groq = groups.find((g) => g.providerId === "groq");
    expect(groq?.label).toBe("Groq (your key)");
    expect(groq?.models.map((m) => m.id)).toContain("groq:gpt-4o-mini");
    expect((await listModelGroups({ viewer: dave })).map((g) => g.providerId)).not.toContain("groq");
    expect(await resolveModel("groq:gpt-4o-mini", { viewer: dave })).toBeUndefined();

    const sent = await startChat({ user: carol, text: "carol-groq-marker", model: "groq:gpt-4o-mini" });
    await streamRegistry().get(sent.assistantMessageId)?.settled;
    const request = fake.requests.findLast((r) => r.path === "/v1/chat/completions" && JSON.stringify(r.body).includes("carol-groq-marker"));
    expect(request?.headers.authorization).toBe(`Bearer ${KEY_GROQ}`);
    expect(await getAnswerPayer({ messageId: sent.assistantMessageId })).toMatchObject({ paidBy: "user", keyOwnerId: carol.id, provider: "groq" });

    // Removed, the provider is gone again.
    await removeUserKey({ user: carol, provider: "groq" });
    expect((await listModelGroups({ viewer: carol })).map((g) => g.providerId)).not.toContain("groq");
    await expect(removeUserKey({ user: carol, provider: "groq" })).rejects.toMatchObject({ code: "key_not_found", status: 404 });
  });

  test("the database holds the key sealed; pages get its last four characters and nothing more", async () => {
    const erin = await createTestUser("Erin");
    await addUserKey({ user: erin, provider: "mistral", apiKey: KEY_A, baseUrl: "" });
    const [row] = await database().select().from(userApiKeys).where(eq(userApiKeys.userId, erin.id));
    expect(row!.sealedKey).toMatch(/^v1\.[0-9a-f]{12}\./);
    expect(row!.sealedKey).not.toContain(KEY_A);
    expect(row!.sealedKey).not.toContain(Buffer.from(KEY_A).toString("base64").slice(0, 16));
    expect(row!.lastFour).toBe(KEY_A.slice(-4));
    const views = await listUserKeys({ userId: erin.id });
    expect(views).toEqual([{ provider: "mistral", lastFour: KEY_A.slice(-4), hasKey: true, baseUrl: null, readable: true, updatedAt: expect.any(Number) }]);
    expect(JSON.stringify(views)).not.toContain(KEY_A.slice(0, -4));
    // Keys too short to show a part of safely show nothing.
    await addUserKey({ user: erin, provider: "xai", apiKey: "short-key-1", baseUrl: "" });
    expect((await listUserKeys({ userId: erin.id })).find((k) => k.provider === "xai")?.lastFour).toBe("");
  });

  test("after ENCRYPTION_KEY is rotated, keys sealed with the old one still open and are sealed again with the new one", async () => {
    const frank = await createTestUser("Frank");
    const [oldKey, newKey, lostKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    await saveUserKey({ userId: frank.id, provider: "openai", apiKey: KEY_A, baseUrl: null, keyring: keyringOf({ current: oldKey }) });
    await saveUserKey({ userId: frank.id, provider: "deepseek", apiKey: KEY_GROQ, baseUrl: null, keyring: keyringOf({ current: lostKey }) });
    const rotated = keyringOf({ current: newKey, old: [oldKey] });
    expect((await storedUserKey({ userId: frank.id, provider: "openai", keyring: rotated }))!.openKey()).toBe(KEY_A);

    const outcome = await resealUserKeys({ keyring: rotated });
    expect(outcome.resealed).toBeGreaterThanOrEqual(1);
    expect(outcome.unreadable).toBeGreaterThanOrEqual(1); // the deepseek key: its key is gone
    // Sealed with the new key now: it opens without the old one.
    expect((await storedUserKey({ userId: frank.id, provider: "openai", keyring: keyringOf({ current: newKey }) }))!.openKey()).toBe(KEY_A);
    expect((await listUserKeys({ userId: frank.id, keyring: rotated })).map((k) => [k.provider, k.readable])).toEqual([["deepseek", false], ["openai", true]]);
    // A second boot has nothing left to do for this person.
    const again = await resealUserKeys({ keyring: rotated });
    expect(again.resealed).toBe(0);
  });

  test("testing a key asks the provider for its models: a good key works, a revoked one is refused without quoting it", async () => {
    const gina = await createTestUser("Gina");
    await addUserKey({ user: gina, provider: "openai", apiKey: KEY_A, baseUrl: "" });
    // The fake lists four chat models (and one embedding model, which is not counted).
    expect(await testUserKey({ user: gina, provider: "openai" })).toEqual({ provider: "openai", ok: true, models: 4 });
    expect(fake.requests.findLast((r) => r.path === "/v1/models")?.headers.authorization).toBe(`Bearer ${KEY_A}`);

    await addUserKey({ user: gina, provider: "openai", apiKey: KEY_REVOKED, baseUrl: "" });
    const refused = await testUserKey({ user: gina, provider: "openai" });
    expect(refused).toEqual({ provider: "openai", ok: false, problem: { code: "key_rejected", params: { provider: "OpenAI", status: 401 } } });
    expect(JSON.stringify(refused)).not.toContain(KEY_REVOKED);
    await expect(testUserKey({ user: gina, provider: "groq" })).rejects.toMatchObject({ code: "key_not_found" });
  });

  test("an answer refused because of a revoked key says so without quoting the key", async () => {
    const hank = await createTestUser("Hank");
    await addUserKey({ user: hank, provider: "groq", apiKey: KEY_REVOKED, baseUrl: "" });
    // Groq's fallback list lets the model be chosen even though listing with this key fails.
    const sent = await startChat({ user: hank, text: "hank question", model: "groq:llama-3.3-70b-versatile" });
    const stream = streamRegistry().get(sent.assistantMessageId)!;
    await stream.settled;
    expect(stream.outcome).toMatchObject({ status: "error", problem: { code: "own_key_refused", params: { status: 401 } } });
    expect(JSON.stringify(stream.outcome)).toContain("[redacted]");
    expect(JSON.stringify(stream.outcome)).not.toContain(KEY_REVOKED);
  });

  test("a provider's words shown to a person never quote a key of this server's, whichever key the request was sent with", async () => {
    const mia = await createTestUser("Mia");
    await addUserKey({ user: mia, provider: "openai", apiKey: KEY_A, baseUrl: "" });
    const marker = `mia-${randomBytes(4).toString("hex")}`;
    fake.script({ match: marker, status: 400, errorMessage: `Bad request for key ${KEY_A} and ${SERVER_KEY}` });
    const sent = await startChat({ user: mia, text: marker, model: "openai:gpt-4o-mini" });
    const stream = streamRegistry().get(sent.assistantMessageId)!;
    await stream.settled;
    expect(stream.outcome).toMatchObject({ status: "error", problem: { code: "upstream_rejected", params: { detail: "Bad request for key [redacted] and [redacted]" } } });
  });

  test("a custom base URL is checked: the allowed fake works, private and metadata addresses are refused", async () => {
    const ivy = await createTestUser("Ivy");
    await addUserKey({ user: ivy, provider: "custom", apiKey: KEY_A, baseUrl: `${fake.url}/` });
    expect((await listUserKeys({ userId: ivy.id }))[0]).toMatchObject({ provider: "custom", baseUrl: fake.url });
    expect(await testUserKey({ user: ivy, provider: "custom" })).toMatchObject({ ok: true });
    const custom = (await listModelGroups({ viewer: ivy })).find((g) => g.providerId === "custom");
    expect(custom?.label).toBe("Custom (your server)");

    for (const [baseUrl, host] of [
      ["http://169.254.169.254/latest", "169.254.169.254"],
      ["http://[fd00:ec2::254]/", "fd00:ec2::254"],
      ["http://10.0.0.8:11434/v1", "10.0.0.8"],
      ["http://[::ffff:169.254.169.254]/", "::ffff:a9fe:a9fe"],
      [`http://127.0.0.1:${fake.port + 1}/v1`, "127.0.0.1"],
      ["http://metadata.google.internal/", "metadata.google.internal"],
    ] as const) {
      await expect(addUserKey({ user: ivy, provider: "custom", apiKey: KEY_A, baseUrl }), baseUrl).rejects.toMatchObject({ code: "base_url_refused", params: { host } });
    }
    await expect(addUserKey({ user: ivy, provider: "custom", apiKey: KEY_A, baseUrl: "ftp://example.com/" })).rejects.toMatchObject({ code: "base_url_invalid" });
    for (const baseUrl of [`${fake.url}?api-version=1`, `${fake.url}#models`]) {
      await expect(addUserKey({ user: ivy, provider: "custom", apiKey: KEY_A, baseUrl }), baseUrl).rejects.toMatchObject({ code: "base_url_invalid" });
    }
    await expect(addUserKey({ user: ivy, provider: "custom", apiKey: KEY_A, baseUrl: "" })).rejects.toMatchObject({ code: "base_url_required" });
    // The refused attempts changed nothing.
    expect((await listUserKeys({ userId: ivy.id }))[0]).toMatchObject({ baseUrl: fake.url });
  });

  test("a local server this server has an address for may be reached at one's own address instead, or at the server's", async () => {
    const kim = await createTestUser("Kim");
    const page = await keysPage({ user: kim });
    expect(page.providers.find((p) => p.id === "lmstudio")).toMatchObject({ needsBaseUrl: false, takesBaseUrl: true });
    expect(page.providers.find((p) => p.id === "custom")).toMatchObject({ needsBaseUrl: true, takesBaseUrl: true });
    expect(page.providers.find((p) => p.id === "openai")).toMatchObject({ needsBaseUrl: false, takesBaseUrl: false });

    await addUserKey({ user: kim, provider: "lmstudio", apiKey: "", baseUrl: "" });
    expect((await listUserKeys({ userId: kim.id }))[0]).toMatchObject({ provider: "lmstudio", baseUrl: null });
    // One's own address is checked as any other, and wins.
    await expect(addUserKey({ user: kim, provider: "lmstudio", apiKey: "", baseUrl: "http://10.0.0.8:1234/v1" })).rejects.toMatchObject({ code: "base_url_refused" });
    await addUserKey({ user: kim, provider: "lmstudio", apiKey: KEY_A, baseUrl: `http://127.0.0.1:${deadPort}/v1` });
    expect((await listUserKeys({ userId: kim.id }))[0]).toMatchObject({ provider: "lmstudio", baseUrl: `http://127.0.0.1:${deadPort}/v1` });
    // Nothing listens there: the test says to check the server and the address.
    expect(await testUserKey({ user: kim, provider: "lmstudio" })).toEqual({ provider: "lmstudio", ok: false, problem: { code: "key_test_unreachable", params: { provider: "LM Studio" } } });
  });

  test("models on a machine of one's own (Ollama, LM Studio) have no price per token, whatever their names", async () => {
    const pia = await createTestUser("Pia");
    await addUserKey({ user: pia, provider: "lmstudio", apiKey: "", baseUrl: fake.url });
    const local = await resolveModel("lmstudio:gpt-4o-mini", { viewer: pia });
    expect(local?.model).toMatchObject({ id: "lmstudio:gpt-4o-mini", label: "GPT-4o mini", vision: true });
    expect(local?.model.inputPricePerMTok).toBeUndefined();
    expect(local?.model.outputPricePerMTok).toBeUndefined();
    expect(requestCostUsd(local!.model, { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeUndefined();
    // The same name behind a custom server (a proxy to OpenAI, say) keeps the known price.
    await addUserKey({ user: pia, provider: "custom", apiKey: KEY_A, baseUrl: fake.url });
    expect((await resolveModel("custom:gpt-4o-mini", { viewer: pia }))?.model).toMatchObject({ inputPricePerMTok: 0.15, outputPricePerMTok: 0.6 });
  });

  test("a send to a model of one's own server that is down says the server could not be reached, not that the model is unavailable", async () => {
    const [nia, oz] = [await createTestUser("Nia"), await createTestUser("Oz")];
    await addUserKey({ user: nia, provider: "custom", apiKey: KEY_A, baseUrl: `http://127.0.0.1:${deadPort}/v1` });
    await expect(startChat({ user: nia, text: "hello", model: "custom:llama3" })).rejects.toMatchObject({ code: "provider_unreachable", status: 503, field: "model", params: { provider: "Custom (your server)" } });
    expect(describeProblem({ code: "provider_unreachable", params: { provider: "Custom (your server)" } }, "ru")).toBe(
      "Свой сервер (ваш адрес) не отвечает, поэтому его модели сейчас недоступны: проверьте, что его сервер запущен и адрес указан верно, или выберите другую модель.",
    );
    // The picker of a chat with that model says the same, in the reader's language.
    const groups = await listModelGroups({ viewer: nia });
    expect(await unlistedModelOf("custom:llama3", groups, { viewer: nia, locale: "en" })).toEqual({ model: "custom:llama3", provider: "Custom (your server)", reason: "unreachable" });
    expect(await unlistedModelOf("custom:llama3", groups, { viewer: nia, locale: "ru" })).toMatchObject({ provider: "Свой сервер (ваш адрес)", reason: "unreachable" });
    // Anyone else has no such provider: the model is simply not one they can use.
    await expect(startChat({ user: oz, text: "hello", model: "custom:llama3" })).rejects.toMatchObject({ code: "model_unavailable" });
    expect(await unlistedModelOf("custom:llama3", await listModelGroups({ viewer: oz }), { viewer: oz, locale: "en" })).toBeNull();
    // Pointed where a server answers, its models are there.
    await addUserKey({ user: nia, provider: "custom", apiKey: KEY_A, baseUrl: fake.url });
    expect((await resolveModel("custom:gpt-4o-mini", { viewer: nia }))?.payer).toEqual({ paidBy: "user", keyOwnerId: nia.id });
    // A model a working server does not list is unavailable, as before; one it lists has no note.
    await expect(startChat({ user: nia, text: "hello", model: "custom:llama3" })).rejects.toMatchObject({ code: "model_unavailable" });
    const listed = await listModelGroups({ viewer: nia });
    expect(await unlistedModelOf("custom:llama3", listed, { viewer: nia, locale: "en" })).toBeNull();
    expect(await unlistedModelOf("custom:gpt-4o-mini", listed, { viewer: nia, locale: "en" })).toBeNull();
    // A server that refuses the key, or answers with something that is not a model list: the send says which.
    await addUserKey({ user: nia, provider: "custom", apiKey: KEY_REVOKED, baseUrl: fake.url });
    const refused = startChat({ user: nia, text: "hello", model: "custom:gpt-4o-mini" });
    await expect(refused).rejects.toMatchObject({ code: "model_unavailable", status: 400, params: { provider: "Custom (your server)", listing: "rejected", status: 401 } });
    expect(describeProblem(await problemOf(refused), "en")).toBe(
      "That model is not available right now: Custom (your server) did not accept the key (HTTP 401) when asked for its models. Check the key, or pick another model.",
    );
    expect(await unlistedModelOf("custom:gpt-4o-mini", await listModelGroups({ viewer: nia }), { viewer: nia, locale: "en" })).toMatchObject({ reason: "rejected" });
    await addUserKey({ user: nia, provider: "custom", apiKey: KEY_A, baseUrl: `${fake.url}/moved` });
    const notAList = startChat({ user: nia, text: "hello", model: "custom:gpt-4o-mini" });
    await expect(notAList).rejects.toMatchObject({ code: "model_unavailable", params: { listing: "failed", status: 404 } });
    expect(describeProblem(await problemOf(notAList), "ru")).toBe(
      "Эта модель сейчас недоступна: Свой сервер (ваш адрес) не выдал список моделей (HTTP 404). Проверьте, что адрес ведёт к API сервера (обычно он оканчивается на /v1), или выберите другую модель.",
    );
  });

  test("a key for a server with no address left says so when tested, instead of blaming the encryption key", async () => {
    const lee = await createTestUser("Lee");
    // Saved while this server had a Custom address (a key without its own), which is gone since.
    await saveUserKey({ userId: lee.id, provider: "custom", apiKey: KEY_A, baseUrl: null });
    await expect(testUserKey({ user: lee, provider: "custom" })).rejects.toMatchObject({ code: "key_needs_base_url", status: 409, params: { provider: "Custom" } });
  });

  test("a key must look like a key; a provider must be one Parley knows", async () => {
    const jack = await createTestUser("Jack");
    await expect(addUserKey({ user: jack, provider: "openai", apiKey: "", baseUrl: "" })).rejects.toMatchObject({ code: "api_key_required", field: "apiKey" });
    await expect(addUserKey({ user: jack, provider: "openai", apiKey: "two words", baseUrl: "" })).rejects.toMatchObject({ code: "api_key_invalid" });
    await expect(addUserKey({ user: jack, provider: "openai", apiKey: "x".repeat(501), baseUrl: "" })).rejects.toMatchObject({ code: "api_key_invalid" });
    await expect(addUserKey({ user: jack, provider: "nonesuch", apiKey: KEY_A, baseUrl: "" })).rejects.toMatchObject({ code: "provider_unknown" });
    expect(await listUserKeys({ userId: jack.id })).toEqual([]);
  });

  test("a provider the admin turned off is not offered for a key of one's own; a key saved before stays listed, unused, and can be removed", async () => {
    const [kim, admin] = [await createTestUser("Kim"), await createTestUser("Admin of keys")];
    await addUserKey({ user: kim, provider: "groq", apiKey: KEY_GROQ, baseUrl: "" });
    expect((await keysPage({ user: kim })).providers.map((p) => p.id)).toContain("groq");
    const before = await modelPolicy();
    await saveModelPolicy({ policy: { ...before, disabledProviders: [...before.disabledProviders, "groq"] }, changedBy: admin.id });
    try {
      const page = await keysPage({ user: kim });
      expect(page.providers.map((p) => p.id)).not.toContain("groq");
      expect(page.providers.map((p) => p.id)).toContain("openai");
      expect(page.keys.map((k) => [k.provider, k.turnedOff])).toEqual([["groq", true]]);
      // Neither added nor tested: the key would not be used, and a test would reach the provider for nothing.
      const requestsBefore = fake.requests.length;
      await expect(addUserKey({ user: kim, provider: "groq", apiKey: KEY_A, baseUrl: "" })).rejects.toMatchObject({ code: "provider_turned_off", status: 403, field: "provider", params: { provider: "Groq" } });
      await expect(testUserKey({ user: kim, provider: "groq" })).rejects.toMatchObject({ code: "provider_turned_off", status: 403 });
      expect(fake.requests.length).toBe(requestsBefore);
      expect((await storedUserKey({ userId: kim.id, provider: "groq" }))?.openKey()).toBe(KEY_GROQ);
      await removeUserKey({ user: kim, provider: "groq" });
      expect(await listUserKeys({ userId: kim.id })).toEqual([]);
    } finally {
      await saveModelPolicy({ policy: before, changedBy: admin.id });
    }
    expect((await keysPage({ user: kim })).providers.map((p) => p.id)).toContain("groq");
  });

  test("a key that points at a server of one's own says it is unused once the admin no longer allows such servers", async () => {
    const [pat, admin] = [await createTestUser("Pat"), await createTestUser("Admin of addresses")];
    await addUserKey({ user: pat, provider: "custom", apiKey: KEY_A, baseUrl: fake.url });
    await addUserKey({ user: pat, provider: "openai", apiKey: KEY_A, baseUrl: "" });
    expect((await keysPage({ user: pat })).keys.map((k) => [k.provider, k.addressRefused])).toEqual([["custom", false], ["openai", false]]);
    const before = await modelPolicy();
    await saveModelPolicy({ policy: { ...before, userBaseUrls: false }, changedBy: admin.id });
    try {
      expect((await keysPage({ user: pat })).keys.map((k) => [k.provider, k.addressRefused])).toEqual([["custom", true], ["openai", false]]);
      await expect(testUserKey({ user: pat, provider: "custom" })).rejects.toMatchObject({ code: "base_url_not_allowed" });
      expect((await listModelGroups({ viewer: pat })).map((g) => g.providerId)).not.toContain("custom");
      // With keys of one's own forbidden altogether, the page says that once, not also of each key.
      await saveModelPolicy({ policy: { ...before, userBaseUrls: false, userKeys: false }, changedBy: admin.id });
      expect((await keysPage({ user: pat })).keys.map((k) => [k.provider, k.addressRefused])).toEqual([["custom", false], ["openai", false]]);
    } finally {
      await saveModelPolicy({ policy: before, changedBy: admin.id });
    }
  });
});
