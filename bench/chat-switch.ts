// How long does moving from one chat to another take, in a real (headless)
// Chromium? Two chats of 24 messages (12 answers of markdown with code) and
// two of 2; the sidebar's link is clicked and the time runs until the first
// frame that shows the other chat's newest message. Each switch is measured
// twice: a plain click, and a click after the pointer rested on the link
// (the way a hand moves: the page may start on "intent"). The baseline, in
// the same browser: a bare page with the same stylesheets swapping in the
// very same messages' HTML (the floor: what the browser needs to lay out
// and paint them).
//   bun bench/chat-switch.ts [--switches 20] [--profile]
// --profile also records a CPU profile of ten 24-message switches and prints
// the functions that took the most time (build with `--minify false` to read
// their names).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "@playwright/test";
import { ParleyUser } from "./lib/client";
import { benchParleyEnv } from "./lib/limits";
import { markdownAnswer } from "./lib/markdown-corpus";
import { runToTheEnd, startFakeUpstream, startParley } from "./lib/processes";
import { ms, percentile, ratio, table } from "./lib/stats";

const args = process.argv.slice(2);
const SWITCHES = args.includes("--switches") ? Number(args[args.indexOf("--switches") + 1]) : 20;
const PROFILE = args.includes("--profile");
const root = path.resolve(import.meta.dir, "..");
const CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/** Clicks the link to `href` and resolves with the ms until the first frame showing `lastMessageId`. */
async function timedSwitch(page: Page, href: string, lastMessageId: string, { hoverFirst }: { hoverFirst: boolean }): Promise<number> {
  const link = page.locator(`nav a[href="${href}"]`).first();
  if (hoverFirst) {
    await link.hover();
    await page.waitForTimeout(150);
  } else await page.mouse.move(0, 0);
  return page.evaluate(
    ([href, id]) =>
      new Promise<number>((resolve) => {
        const link = document.querySelector<HTMLAnchorElement>(`nav a[href="${href}"]`)!;
        const startedAt = performance.now();
        const shown = () => location.pathname === href && document.querySelector(`[data-message-id="${id}"]`) !== null;
        const check = () => {
          if (!shown()) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - startedAt));
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { subtree: true, childList: true });
        link.click();
        check();
      }),
    [href, lastMessageId] as const,
  );
}

/** The floor: the same messages' HTML swapped into a bare page, until the next frame. */
async function timedSwap(page: Page, html: string): Promise<number> {
  return page.evaluate(
    (html) =>
      new Promise<number>((resolve) => {
        const startedAt = performance.now();
        document.getElementById("messages")!.innerHTML = html;
        requestAnimationFrame(() => resolve(performance.now() - startedAt));
      }),
    html,
  );
}

const dir = mkdtempSync(path.join(tmpdir(), "parley-chat-switch-"));
let browser: Browser | undefined;
await runToTheEnd(dir, async () => {
  const fake = await startFakeUpstream();
  const databaseFile = path.join(dir, "parley.db");
  const server = await startParley({
    env: benchParleyEnv({ databaseFile, fake }),
  });
  const user = new ParleyUser(server.baseURL, databaseFile);
  await user.signup("switch@bench.local");
  /** A chat of `answers` exchanges; returns its path and its newest message's id. */
  const makeChat = async (name: string, answers: number) => {
    await fake.setDefaultScript({ text: markdownAnswer(150, 1).text });
    const { chatId } = await user.send(`${name}: the first question`);
    await user.follow(chatId, user.answerIdOf(chatId), { deadline: Date.now() + 15_000 });
    for (let i = 2; i <= answers; i++) {
      await fake.setDefaultScript({ text: markdownAnswer(150, i).text });
      const sent = await user.sendInChat(chatId, `${name}: question ${i}`, { deadline: Date.now() + 15_000 });
      if (sent.follow.terminal?.event !== "done") throw new Error(`${name} ${i} did not complete`);
    }
    return { href: `/chats/${chatId}`, last: user.answerIdOf(chatId) };
  };
  const long = [await makeChat("long A", 12), await makeChat("long B", 12)];
  const short = [await makeChat("short A", 1), await makeChat("short B", 1)];

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const cookie = user.cookie.split("=");
  await context.addCookies([{ name: cookie[0]!, value: cookie.slice(1).join("="), url: server.baseURL }]);
  const page = await context.newPage();

  const measure = async (pair: { href: string; last: string }[], hoverFirst: boolean) => {
    await page.goto(`${server.baseURL}${pair[0]!.href}`);
    await page.getByTestId("model-picker").waitFor();
    await page.waitForLoadState("load");
    const samples: number[] = [];
    // Two warm-up switches (modules loaded once), then the samples.
    for (let i = 0; i < SWITCHES + 2; i++) {
      const to = pair[(i + 1) % 2]!;
      const took = await timedSwitch(page, to.href, to.last, { hoverFirst });
      if (i >= 2) samples.push(took);
      await page.waitForTimeout(200);
    }
    return samples;
  };
  const longClick = await measure(long, false);
  if (PROFILE) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
    for (let i = 0; i < 10; i++) {
      const to = long[(i + 1) % 2]!;
      await timedSwitch(page, to.href, to.last, { hoverFirst: false });
      await page.waitForTimeout(200);
    }
    const { profile } = await cdp.send("Profiler.stop");
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const selfTime = new Map<string, number>();
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === "(idle)" || frame.functionName === "(program)") return;
      const key = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/assets\//, "")}:${frame.lineNumber + 1}`;
      selfTime.set(key, (selfTime.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
    });
    const top = [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 30);
    console.log("\nSelf time over ten 24-message switches (ms):");
    for (const [name, took] of top) console.log(`${took.toFixed(1).padStart(8)}  ${name}`);
  }
  const longIntent = await measure(long, true);
  const shortClick = await measure(short, false);
  // The messages' HTML as Parley shows them, for the floor.
  await page.goto(`${server.baseURL}${long[0]!.href}`);
  await page.getByTestId("model-picker").waitFor();
  const htmls = [await page.getByTestId("messages").innerHTML()];
  await page.goto(`${server.baseURL}${long[1]!.href}`);
  await page.getByTestId("model-picker").waitFor();
  htmls.push(await page.getByTestId("messages").innerHTML());
  const stylesheets = await page.evaluate(() => [...document.querySelectorAll<HTMLLinkElement>("link[rel=stylesheet]")].map((l) => new URL(l.href).pathname));

  const bare = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname.startsWith("/assets/") && !pathname.includes("..")) return new Response(Bun.file(path.join(root, "build", "client", pathname)));
      const head = stylesheets.map((href) => `<link rel="stylesheet" href="${href}">`).join("");
      return new Response(`<!doctype html><html data-theme="dark"><meta charset="utf-8">${head}<main class="flex h-screen flex-col"><div class="message-scroller flex flex-1 flex-col-reverse overflow-y-auto"><div id="messages" class="mx-auto w-full max-w-3xl space-y-6 px-4 py-6"></div></div></main>`, {
        headers: { "Content-Type": "text/html; charset=utf-8" },
      });
    },
  });
  await page.goto(`http://127.0.0.1:${bare.port}/`);
  await page.waitForLoadState("load");
  const floor: number[] = [];
  for (let i = 0; i < SWITCHES + 2; i++) {
    const took = await timedSwap(page, htmls[(i + 1) % 2]!);
    if (i >= 2) floor.push(took);
    await page.waitForTimeout(200);
  }
  bare.stop();

  const line = (label: string, samples: number[]) => [label, ms(percentile(samples, 50)), ms(percentile(samples, 90)), ms(Math.max(...samples)), ratio(percentile(samples, 50), percentile(floor, 50))];
  console.log(`\nSwitching chats in Chromium (click → first frame showing the other chat), ${SWITCHES} switches each`);
  console.log(
    table([
      ["", "median", "p90", "max", "median vs floor"],
      line("24 messages, plain click", longClick),
      line("24 messages, pointer on the link first", longIntent),
      line("2 messages, plain click", shortClick),
      line("floor: the same 24 messages swapped into a bare page", floor),
    ]),
  );
  const goal = percentile(longClick, 50) <= 50;
  console.log(`target median ≤ 50 ms for a 24-message chat (plain click): ${goal ? "PASS" : "MISS"} (${ms(percentile(longClick, 50))})`);
  user.close();
  await server.stop();
  await fake.stop();
}, () => browser?.close());
