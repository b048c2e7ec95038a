// What a person feels: Enter in the composer → the first token visible on
// the page, in a real (headless) Chromium. Parley, with an upstream that
// answers at once, against a baseline measured in the same run: a bare page
// that, on Enter, fetches a stream relayed from the same fake upstream and
// paints its first token. Also long tasks during the sends and JS shipped.
//   bun bench/browser-ttft.ts [--samples 30] [--json out.json] [--trace <file>] [--cpu-profile]
// With --trace, three more sends on the Parley page are recorded as a
// Chromium trace (written to the file, for DevTools), and every task of the
// 80 ms after each Enter is printed with what it was made of. With
// --cpu-profile, ten more sends are sampled and the page's costliest
// functions printed.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { ParleyUser } from "./lib/client";
import { runToTheEnd, startFakeUpstream, startParley } from "./lib/processes";
import { completionDeltaReader, pacedScript } from "./lib/protocol";
import { ms, percentile, ratio, summarize, type Summary, table } from "./lib/stats";
import { benchParleyEnv } from "./lib/limits";
import { afterEnterReport, profiled, traced } from "./lib/trace";

const args = process.argv.slice(2);
const samples = Math.min(200, Number(args.includes("--samples") ? args[args.indexOf("--samples") + 1] : 30));
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const cpuProfile = args.includes("--cpu-profile");
const traceFile = args.includes("--trace") ? args[args.indexOf("--trace") + 1] : undefined;
const WARM_UP = 3;

/**
 * Installed in the page: times the keydown of Enter in the composer to the
 * first mutation that shows text in an answer that was not on the page
 * before Enter (the placeholder "…" does not count), and collects long tasks.
 */
const PROBE = `(() => {
  const state = { samples: [], longTasks: [], pending: null, enterAt: 0, requests: [] };
  // When the send's and the stream's requests left and their answers began, after Enter (resource timing).
  new PerformanceObserver((list) => { for (const e of list.getEntries()) { const p = new URL(e.name).pathname; const kind = p.endsWith("/stream") ? "stream" : p.endsWith("/messages") ? "send" : null; if (kind) state.requests.push({ kind, left: e.startTime - state.enterAt, firstByte: e.responseStart - state.enterAt }); } }).observe({ type: "resource" });
  window.__ttft = state;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) state.longTasks.push(e.duration); }).observe({ type: "longtask", buffered: false });
  const answers = () => [...document.querySelectorAll("[data-bench-answer], [data-testid=assistant-message]")];
  const visibleText = (el) => { const c = el.querySelector("[data-testid=answer-content]") || el; const t = (c.textContent || "").trim(); return t && t !== "…" ? t : ""; };
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey) return;
    state.pending = { startedAt: performance.now(), before: new Set(answers()) };
    state.enterAt = state.pending.startedAt;
  }, true);
  new MutationObserver(() => {
    const pending = state.pending;
    if (!pending) return;
    for (const el of answers()) {
      if (pending.before.has(el)) continue;
      if (visibleText(el)) { state.samples.push(performance.now() - pending.startedAt); state.pending = null; performance.mark("first token"); return; }
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

const BASELINE_PAGE = `<!doctype html><meta charset="utf-8"><title>baseline</title>
<textarea id="composer"></textarea><div id="answers"></div>
<script src="/probe.js"></script>
<script>
document.getElementById("composer").addEventListener("keydown", async (event) => {
  if (event.key !== "Enter" || event.shiftKey) return;
  event.preventDefault();
  const answer = document.createElement("article");
  answer.setAttribute("data-bench-answer", "");
  answer.dataset.status = "streaming";
  document.getElementById("answers").append(answer);
  const response = await fetch("/relay", { method: "POST" });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    answer.textContent += decoder.decode(value, { stream: true });
  }
  answer.dataset.status = "complete";
});
</script>`;

/** The least a server can do for the baseline page: serve it, and relay the fake's text as it comes. */
function startBaseline(openaiURL: string) {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/") return new Response(BASELINE_PAGE, { headers: { "Content-Type": "text/html; charset=utf-8" } });
      if (pathname === "/probe.js") return new Response(PROBE, { headers: { "Content-Type": "text/javascript" } });
      const upstream = await fetch(`${openaiURL}/chat/completions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer sk-bench" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "baseline" }], stream: true }),
      });
      const encoder = new TextEncoder();
      const readDeltas = completionDeltaReader();
      const reader = upstream.body!.getReader();
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            const { value, done } = await reader.read();
            if (done) return controller.close();
            for (const text of readDeltas(value)) controller.enqueue(encoder.encode(text));
          },
        }),
        { headers: { "Content-Type": "text/plain; charset=utf-8" } },
      );
    },
  });
  return { url: `http://127.0.0.1:${server.port}/`, stop: () => server.stop(true) };
}

interface RequestTiming {
  kind: "send" | "stream";
  /** ms after Enter that the request left, and that its response's first byte came. */
  left: number;
  firstByte: number;
}

async function measure(page: Page, count: number, label: (i: number) => string): Promise<{ samples: number[]; longTasks: number[]; requests: RequestTiming[] }> {
  await page.evaluate(() => {
    const state = (window as unknown as { __ttft: { samples: number[]; longTasks: number[]; requests: RequestTiming[] } }).__ttft;
    state.samples = [];
    state.longTasks = [];
    state.requests = [];
  });
  for (let i = 0; i < count; i++) {
    const composer = page.locator("#composer");
    // The box takes text while an answer is written, but Enter sends only once Stop has turned back into Send.
    await page.locator("[form=stop-answer]").waitFor({ state: "detached" });
    await composer.fill(label(i));
    // Mark the answers on the page: the new one is the one not marked (a long chat shows only its latest messages, so counting them does not work).
    await page.evaluate(() => document.querySelectorAll("[data-testid=assistant-message], [data-bench-answer]").forEach((el) => el.setAttribute("data-bench-seen", "")));
    await composer.press("Enter");
    // Waits for the new answer to end, looking every 50 ms: Playwright's default waits look on every frame, on the
    // page's own thread, inside the window being measured.
    await page.waitForFunction(
      () => {
        const answers = document.querySelectorAll("[data-testid=assistant-message]:not([data-bench-seen]), [data-bench-answer]:not([data-bench-seen])");
        const answer = answers[answers.length - 1];
        return answer !== undefined && answer.getAttribute("data-status") !== "streaming";
      },
      undefined,
      { timeout: 15_000, polling: 50 },
    );
    // Let the page settle (its data reload after an answer) before the next send.
    await page.waitForTimeout(150);
  }
  return page.evaluate(() => {
    const state = (window as unknown as { __ttft: { samples: number[]; longTasks: number[]; requests: RequestTiming[] } }).__ttft;
    return { samples: state.samples, longTasks: state.longTasks, requests: state.requests };
  });
}

async function scriptBytes(page: Page): Promise<number> {
  return page.evaluate(() =>
    (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
      .filter((e) => e.initiatorType === "script" || e.name.endsWith(".js"))
      .reduce((sum, e) => sum + (e.encodedBodySize || e.transferSize || 0), 0),
  );
}

export interface BrowserTtftResult {
  samples: number;
  parley: Summary;
  baseline: Summary;
  p95: { parley: number; baseline: number };
  longTasks: { parley: { count: number; totalMs: number }; baseline: { count: number; totalMs: number } };
  jsBytes: { parley: number; baseline: number };
}

const dir = mkdtempSync(path.join(tmpdir(), "parley-browser-ttft-"));
await runToTheEnd(dir, async () => {
  const fake = await startFakeUpstream();
  await fake.setDefaultScript(pacedScript(5, 5));
  const databaseFile = path.join(dir, "parley.db");
  const server = await startParley({
    env: benchParleyEnv({ databaseFile, fake }),
  });
  const user = new ParleyUser(server.baseURL, databaseFile);
  await user.signup("browser@bench.local");
  const { chatId } = await user.send("a chat to measure in");
  await user.follow(chatId, user.answerIdOf(chatId), { deadline: Date.now() + 15_000 });
  const baselineServer = startBaseline(fake.openaiURL);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const context = await browser.newContext();
  const cookie = user.cookie.split("=");
  await context.addCookies([{ name: cookie[0]!, value: cookie.slice(1).join("="), url: server.baseURL }]);
  await context.addInitScript(PROBE);
  const parleyPage = await context.newPage();
  await parleyPage.goto(`${server.baseURL}/chats/${chatId}`);
  await parleyPage.getByTestId("model-picker").waitFor();
  const parleyJs = await scriptBytes(parleyPage);
  await measure(parleyPage, WARM_UP, (i) => `warm-up ${i}`);
  const parley = await measure(parleyPage, samples, (i) => `sample ${i}`);
  let traceReport: string | undefined;
  if (traceFile) {
    const { trace } = await traced(browser, parleyPage, () => measure(parleyPage, 3, (i) => `traced ${i}`));
    writeFileSync(traceFile, trace);
    traceReport = afterEnterReport(trace, { windowMs: 80 });
  }
  if (cpuProfile) {
    const { report } = await profiled(parleyPage, () => measure(parleyPage, 10, (i) => `profiled ${i}`), 40);
    traceReport = `${traceReport ?? ""}\n10 sends, the page's JavaScript:\n${report}`;
  }

  const baselineContext = await browser.newContext();
  const baselinePage = await baselineContext.newPage();
  await baselinePage.goto(baselineServer.url);
  const baselineJs = await scriptBytes(baselinePage);
  await measure(baselinePage, WARM_UP, (i) => `warm-up ${i}`);
  const baseline = await measure(baselinePage, samples, (i) => `sample ${i}`);
  await browser.close();
  baselineServer.stop();
  await server.stop();
  await fake.stop();

  const p = summarize(parley.samples);
  const b = summarize(baseline.samples);
  const result: BrowserTtftResult = {
    samples,
    parley: p,
    baseline: b,
    p95: { parley: percentile(parley.samples, 95), baseline: percentile(baseline.samples, 95) },
    longTasks: {
      parley: { count: parley.longTasks.length, totalMs: parley.longTasks.reduce((a, c) => a + c, 0) },
      baseline: { count: baseline.longTasks.length, totalMs: baseline.longTasks.reduce((a, c) => a + c, 0) },
    },
    jsBytes: { parley: parleyJs, baseline: baselineJs },
  };
  console.log(`\nEnter → first visible token in Chromium (${samples} sends each, upstream answers at once)`);
  console.log(
    table([
      ["", "p50", "p95", "p99", "samples"],
      ["Parley chat page", ms(p.p50), ms(result.p95.parley), ms(p.p99), String(parley.samples.length)],
      ["Baseline page (fetch + paint)", ms(b.p50), ms(result.p95.baseline), ms(b.p99), String(baseline.samples.length)],
      ["Ratio Parley / baseline", ratio(p.p50, b.p50), ratio(result.p95.parley, result.p95.baseline), ratio(p.p99, b.p99), ""],
    ]),
  );
  const timing = (kind: RequestTiming["kind"], key: "left" | "firstByte") => ms(percentile(parley.requests.filter((r) => r.kind === kind).map((r) => r[key]), 50));
  console.log(`after Enter, p50 (resource timing): the send left at ${timing("send", "left")}, its response began at ${timing("send", "firstByte")}; the stream left at ${timing("stream", "left")}, its response began at ${timing("stream", "firstByte")}`);
  console.log(`long tasks during the sends: Parley ${result.longTasks.parley.count} (${ms(result.longTasks.parley.totalMs)}), baseline ${result.longTasks.baseline.count} (${ms(result.longTasks.baseline.totalMs)})`);
  console.log(`JavaScript on the page (encoded bytes): Parley ${(parleyJs / 1024).toFixed(1)} KiB, baseline ${(baselineJs / 1024).toFixed(1)} KiB`);
  console.log(`target Enter → first visible token p50 ≤ 30 ms: ${p.p50 <= 30 ? "PASS" : "MISS"} (${ms(p.p50)})`);
  if (traceReport) console.log(`\n${traceFile ? `The tasks after each traced Enter (trace in ${traceFile}):\n` : ""}${traceReport}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
});
