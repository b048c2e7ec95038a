// Guessing passwords is throttled (429 with Retry-After, kept across a
// restart, the owner not locked out for long); the page a login returns to
// is always on this site; a closed server still lets its first account in.
import type { Page } from "@playwright/test";
import { DEFAULT_PASSWORD, expect, login, signUp, test, uniqueEmail } from "./fixtures";
import { startOwnServer } from "./own-server";

async function tryLogin(baseURL: string, email: string, password: string): Promise<Response> {
  return fetch(`${baseURL}/login`, { method: "POST", body: new URLSearchParams({ email, password }), redirect: "manual" });
}

test("wrong passwords are throttled with 429 and Retry-After, across a restart, and the right one works again later", async ({ browser }) => {
  let server = await startOwnServer();
  const email = uniqueEmail("target");
  try {
    const signup = await fetch(`${server.baseURL}/signup`, { method: "POST", body: new URLSearchParams({ name: "Target", email, password: DEFAULT_PASSWORD }), redirect: "manual" });
    expect(signup.status).toBe(302);
    for (let attempt = 1; attempt <= 5; attempt++) expect((await tryLogin(server.baseURL, email, `wrong ${attempt}`)).status, `attempt ${attempt}`).toBe(400);
    const throttled = await tryLogin(server.baseURL, email, "wrong 6");
    expect(throttled.status).toBe(429);
    const retryAfter = Number(throttled.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await throttled.text()).toContain("Too many attempts. Try again in");
    // Even the right password waits: the guesser cannot use it as an oracle.
    expect((await tryLogin(server.baseURL, email, DEFAULT_PASSWORD)).status).toBe(429);

    // The counts survive a restart.
    await server.stop({ keepData: true });
    server = await startOwnServer({}, { dataDir: server.dataDir });
    expect((await tryLogin(server.baseURL, email, DEFAULT_PASSWORD)).status).toBe(429);

    // A person sees why, in the form, without JavaScript too.
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL: server.baseURL });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert")).toContainText(/Too many attempts\. Try again in \d+ minutes?\./);
    await context.close();
  } finally {
    await server.stop();
  }
});

test("sign-ups are limited per address by the accounts made: a form to correct does not count, a taken email does", async () => {
  const server = await startOwnServer({ SIGNUPS_PER_IP_PER_HOUR: "3" });
  const signUpWith = (fields: Record<string, string>) => fetch(`${server.baseURL}/signup`, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
  try {
    // A person getting the form wrong many times is told what to fix each time, never to wait.
    for (let attempt = 1; attempt <= 6; attempt++) {
      expect((await signUpWith({ name: "Ann", email: uniqueEmail("ann"), password: "short" })).status, `short password ${attempt}`).toBe(400);
      expect((await signUpWith({ name: "", email: "not-an-email", password: DEFAULT_PASSWORD })).status, `bad fields ${attempt}`).toBe(400);
    }
    const first = uniqueEmail("first");
    expect((await signUpWith({ name: "First", email: first, password: DEFAULT_PASSWORD })).status).toBe(302);
    // Trying an email that has an account counts: otherwise the form would tell anyone which addresses are registered, endlessly.
    const taken = await signUpWith({ name: "Again", email: first, password: DEFAULT_PASSWORD });
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain("already");
    expect((await signUpWith({ name: "Second", email: uniqueEmail("second"), password: DEFAULT_PASSWORD })).status).toBe(302);
    const over = await signUpWith({ name: "Third", email: uniqueEmail("third"), password: DEFAULT_PASSWORD });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("Retry-After"))).toBeGreaterThan(60);
  } finally {
    await server.stop();
  }
});

test("another account is not held up by one account's throttle, and a forged Fly-Client-IP is ignored off Fly", async () => {
  const server = await startOwnServer();
  try {
    const [victim, bystander] = [uniqueEmail("victim"), uniqueEmail("bystander")];
    for (const email of [victim, bystander]) {
      await fetch(`${server.baseURL}/signup`, { method: "POST", body: new URLSearchParams({ name: "X", email, password: DEFAULT_PASSWORD }), redirect: "manual" });
    }
    // Off Fly, a Fly-Client-IP header is the client's own claim: changing it does not make a new address.
    for (let attempt = 0; attempt < 6; attempt++) {
      await fetch(`${server.baseURL}/login`, {
        method: "POST",
        body: new URLSearchParams({ email: victim, password: "nope" }),
        headers: { "Fly-Client-IP": `203.0.113.${attempt}` },
        redirect: "manual",
      });
    }
    expect((await tryLogin(server.baseURL, victim, DEFAULT_PASSWORD)).status).toBe(429);
    expect((await tryLogin(server.baseURL, bystander, DEFAULT_PASSWORD)).status).toBe(302);

    // Guesses sent all at once are held to the same five: each is counted before its password is checked.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => tryLogin(server.baseURL, bystander, `burst ${i}`).then((r) => r.status)));
    expect(burst.filter((status) => status === 400)).toHaveLength(5);
    expect(burst.filter((status) => status === 429)).toHaveLength(15);
  } finally {
    await server.stop();
  }
});

test("behind a reverse proxy named by CLIENT_IP_HEADER, each person's address is counted, not the proxy's", async () => {
  const server = await startOwnServer({ CLIENT_IP_HEADER: "X-Forwarded-For", SIGNUPS_PER_IP_PER_HOUR: "2" });
  // As nginx sends it: the proxy appends the address it saw to whatever the client wrote.
  const signUpFrom = (forwardedFor: string) =>
    fetch(`${server.baseURL}/signup`, {
      method: "POST",
      body: new URLSearchParams({ name: "X", email: uniqueEmail("proxied"), password: DEFAULT_PASSWORD }),
      headers: { "X-Forwarded-For": forwardedFor },
      redirect: "manual",
    }).then((response) => response.status);
  try {
    expect(await signUpFrom("203.0.113.5")).toBe(302);
    // What the client wrote before the proxy's entry is not its address.
    expect(await signUpFrom("198.51.100.1, 203.0.113.5")).toBe(302);
    expect(await signUpFrom("198.51.100.2, 203.0.113.5")).toBe(429);
    // Someone else behind the same proxy is not held up.
    expect(await signUpFrom("203.0.113.6")).toBe(302);
  } finally {
    await server.stop();
  }
});

const OFF_SITE = [
  "/\t/evil.example",
  "/%09/evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\/\\/evil.example",
  "/\\/evil.example",
  "https://evil.example",
  "javascript:alert(1)",
  "/.//evil.example",
  "/\r\n/evil.example",
  "/\n/evil.example",
  "/ /evil.example",
  "/é/evil.example",
  "/%2F%2Fevil.example",
  "http:/evil.example",
  "///evil.example",
];

async function expectOnSite(page: Page, what: string) {
  await expect.poll(() => new URL(page.url()).host, what).toBe(new URL(page.url()).host);
  expect(new URL(page.url()).hostname, what).toBe("127.0.0.1");
}

test("after logging in, redirectTo never leaves the site — with or without JavaScript, from /login and /signup", async ({ page, context, newContext, browserErrors }) => {
  test.setTimeout(120_000);
  // Some payloads are harmless paths on this site that do not exist.
  browserErrors.allowStatus(404);
  const user = await signUp(page);
  const noJsContext = await newContext({ javaScriptEnabled: false });
  const noJs = await noJsContext.newPage();
  for (const payload of OFF_SITE) {
    const query = `?redirectTo=${encodeURIComponent(payload)}`;
    // Signed in already: the login page sends you on at once.
    const direct = await page.request.get(`/login${query}`, { maxRedirects: 0 });
    expect(direct.status(), payload).toBe(302);
    const location = direct.headers()["location"]!;
    expect(location.startsWith("/") && !location.startsWith("//") && !/[\\\t\r\n]/.test(location), `${payload} → ${location}`).toBe(true);
    await page.goto(`/login${query}`);
    await expectOnSite(page, payload);
  }
  for (const payload of OFF_SITE.slice(0, 8)) {
    const query = `?redirectTo=${encodeURIComponent(payload)}`;
    // Through the form, with JavaScript…
    await context.clearCookies();
    await page.goto(`/login${query}`);
    await login(page, user);
    await expectOnSite(page, payload);
    // …and without.
    await noJsContext.clearCookies();
    await noJs.goto(`/login${query}`);
    await noJs.getByLabel("Email").fill(user.email);
    await noJs.getByLabel("Password").fill(user.password);
    await noJs.getByRole("button", { name: "Log in" }).click();
    await expect(noJs).not.toHaveURL(/\/login/);
    await expectOnSite(noJs, payload);
  }
  // A new account made through /signup with a hostile redirectTo lands on the site, signed in.
  await context.clearCookies();
  await page.goto(`/signup?redirectTo=${encodeURIComponent("/\r\n/evil.example")}`);
  await page.getByLabel("Name").fill("Redirected");
  await page.getByLabel("Email").fill(uniqueEmail("redirect"));
  await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
});

test("a closed server with no account yet lets its first account sign up, and only that one", async ({ browser }) => {
  const server = await startOwnServer({ ALLOW_REGISTRATION: "false" });
  try {
    const context = await browser.newContext({ baseURL: server.baseURL, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/signup");
    await expect(page.getByTestId("first-account-notice")).toBeVisible();
    await page.getByLabel("Name").fill("First");
    await page.getByLabel("Email").fill(uniqueEmail("first"));
    await page.getByLabel("Password").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL(/\/chats$/);
    await context.clearCookies();
    await page.goto("/signup");
    await expect(page.getByRole("heading", { name: "Registration is closed" })).toBeVisible();
    const second = await fetch(`${server.baseURL}/signup`, { method: "POST", body: new URLSearchParams({ name: "Second", email: uniqueEmail("second"), password: DEFAULT_PASSWORD }), redirect: "manual" });
    expect(second.status).toBe(403);
    await context.close();
  } finally {
    await server.stop();
  }
});
