// Where a page's main thread spends its time, from a Chromium trace (the
// DevTools "devtools.timeline" events): the tasks over a threshold, or every
// task after each Enter, as trees of their nested events (script, function
// calls, style, layout, paint, garbage collection) with their durations; and
// the page's costliest JavaScript functions, sampled. Diagnostics for the
// browser benchmarks (`--trace`, `--cpu-profile`), not figures.
import type { Browser, Page } from "@playwright/test";

export const TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "blink.user_timing"];

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown>; beginData?: Record<string, unknown> };
}

interface Node {
  event: TraceEvent;
  children: Node[];
}

/** Records a trace of `page` while `work` runs; returns the trace as Chromium wrote it. */
export async function traced<T>(browser: Browser, page: Page | undefined, work: () => Promise<T>): Promise<{ result: T; trace: Buffer }> {
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  try {
    const result = await work();
    return { result, trace: await browser.stopTracing() };
  } catch (error) {
    await browser.stopTracing().catch(() => undefined);
    throw error;
  }
}

function describeEvent(event: TraceEvent): string {
  const data = event.args?.data ?? event.args?.beginData ?? {};
  const where = [data.functionName, typeof data.url === "string" ? String(data.url).split("/").pop() : undefined, data.lineNumber]
    .filter((x) => x !== undefined && x !== "")
    .join(":");
  const type = typeof data.type === "string" ? ` ${data.type}` : "";
  return `${event.name}${type}${where ? ` (${where})` : ""}`;
}

/** One thread's events as complete ones: "X" as they are, "B"/"E" pairs (HTML parsing, for one) joined. */
function completeEvents(events: TraceEvent[]): TraceEvent[] {
  const complete: TraceEvent[] = [];
  const open: TraceEvent[] = [];
  for (const event of [...events].sort((a, b) => a.ts - b.ts)) {
    if (event.ph === "X" && typeof event.dur === "number") complete.push(event);
    else if (event.ph === "B") open.push(event);
    else if (event.ph === "E") {
      const begin = open.pop();
      if (begin) complete.push({ ...begin, ph: "X", dur: event.ts - begin.ts });
    }
  }
  return complete;
}

/** The page's main thread as a forest of nested events (the roots are its tasks), and the page's marks. */
function mainThreadTree(trace: Buffer | string): { roots: Node[]; marks: TraceEvent[] } | undefined {
  const { traceEvents } = JSON.parse(String(trace)) as { traceEvents: TraceEvent[] };
  // A browser-wide trace holds every renderer: the page measured is the busiest.
  const busy = new Map<string, number>();
  for (const e of traceEvents) if (e.ph === "X") busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + (e.dur ?? 0));
  const mains = traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const main = mains.sort((a, b) => (busy.get(`${b.pid}:${b.tid}`) ?? 0) - (busy.get(`${a.pid}:${a.tid}`) ?? 0))[0];
  if (!main) return undefined;
  const events = completeEvents(traceEvents.filter((e) => e.pid === main.pid && e.tid === main.tid)).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const marks = traceEvents.filter((e) => e.cat?.includes("user_timing") && (e.ph === "R" || e.ph === "I" || e.ph === "n"));
  const roots: Node[] = [];
  const stack: Node[] = [];
  for (const event of events) {
    const node: Node = { event, children: [] };
    while (stack.length && stack.at(-1)!.event.ts + (stack.at(-1)!.event.dur ?? 0) <= event.ts) stack.pop();
    (stack.length ? stack.at(-1)!.children : roots).push(node);
    stack.push(node);
  }
  return { roots, marks };
}

/** An event and what took ≥ `minChildMs` in it, indented; same-named siblings are added up. */
function describeTree(node: Node, level: number, depth: number, minChildMs: number, lines: string[]): void {
  const durMs = (node.event.dur ?? 0) / 1000;
  lines.push(`${"  ".repeat(level)}${durMs.toFixed(1).padStart(6)} ms  ${describeEvent(node.event)}`);
  if (level >= depth) return;
  const merged = new Map<string, { node: Node; dur: number; count: number }>();
  for (const child of node.children) {
    const key = describeEvent(child.event);
    const entry = merged.get(key) ?? { node: child, dur: 0, count: 0 };
    entry.dur += child.event.dur ?? 0;
    entry.count += 1;
    merged.set(key, entry);
  }
  for (const { node: child, dur, count } of [...merged.values()].sort((a, b) => b.dur - a.dur)) {
    if (dur / 1000 < minChildMs) continue;
    if (count === 1) describeTree(child, level + 1, depth, minChildMs, lines);
    else lines.push(`${"  ".repeat(level + 1)}${(dur / 1000).toFixed(1).padStart(6)} ms  ${describeEvent(child.event)} ×${count}`);
  }
}

const contains = (node: Node, test: (event: TraceEvent) => boolean): boolean => test(node.event) || node.children.some((child) => contains(child, test));

/** The main thread's long tasks in `trace`, each as an indented tree of what took ≥ `minChildMs` in it. */
export function longTaskReport(trace: Buffer | string, { minTaskMs = 40, minChildMs = 2, depth = 4 } = {}): string {
  const tree = mainThreadTree(trace);
  if (!tree) return "(no renderer main thread in the trace)";
  const { roots } = tree;
  const origin = roots[0]?.event.ts ?? 0;
  const lines: string[] = [];
  for (const root of roots) {
    if ((root.event.dur ?? 0) / 1000 < minTaskMs) continue;
    lines.push(`— task at ${((root.event.ts - origin) / 1000).toFixed(0)} ms`);
    describeTree(root, 0, depth, minChildMs, lines);
  }
  return lines.length ? lines.join("\n") : `(no task over ${minTaskMs} ms)`;
}

/**
 * Every task of the main thread in the `windowMs` after each press of Enter
 * (a keydown dispatched in the page), with what took ≥ `minChildMs` in it:
 * where the time between a send and its first token goes.
 */
export function afterEnterReport(trace: Buffer | string, { windowMs = 60, minTaskMs = 1, minChildMs = 1, depth = 5 } = {}): string {
  const tree = mainThreadTree(trace);
  if (!tree) return "(no renderer main thread in the trace)";
  const { roots, marks } = tree;
  const lines: string[] = [];
  const presses = roots.filter((root) => contains(root, (e) => e.name === "EventDispatch" && (e.args?.data as { type?: string } | undefined)?.type === "keydown"));
  for (const press of presses) {
    lines.push("— Enter");
    for (const mark of marks) {
      const offset = (mark.ts - press.event.ts) / 1000;
      if (offset >= 0 && offset <= windowMs) lines.push(`  mark "${mark.name}" at +${offset.toFixed(1)} ms`);
    }
    for (const root of roots) {
      const offset = (root.event.ts - press.event.ts) / 1000;
      if (offset < 0 || offset > windowMs || (root.event.dur ?? 0) / 1000 < minTaskMs) continue;
      lines.push(`  at +${offset.toFixed(1)} ms:`);
      describeTree(root, 1, depth, minChildMs, lines);
    }
  }
  return lines.length ? lines.join("\n") : "(no Enter in the trace)";
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/**
 * Samples the page's JavaScript (the DevTools protocol's Profiler, every
 * 100 µs) while `work` runs, and lists the functions that took the most time
 * themselves, and with what they called.
 */
export async function profiled<T>(page: Page, work: () => Promise<T>, top = 25): Promise<{ result: T; report: string }> {
  const session = await page.context().newCDPSession(page);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: 100 });
  await session.send("Profiler.start");
  const result = await work();
  const { profile } = (await session.send("Profiler.stop")) as unknown as {
    profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  await session.detach();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const name = (node: ProfileNode) => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    return `${functionName || "(anonymous)"} ${url ? `${url.split("/").pop()}:${lineNumber + 1}:${columnNumber + 1}` : ""}`.trim();
  };
  const ignored = new Set(["(idle)", "(program)", "(root)"]);
  let sampled = 0;
  profile.samples.forEach((id, index) => {
    const delta = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node || ignored.has(node.callFrame.functionName)) return;
    sampled += delta;
    self.set(name(node), (self.get(name(node)) ?? 0) + delta);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!;
      const key = name(frame);
      if (seen.has(key) || ignored.has(frame.callFrame.functionName)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + delta);
    }
  });
  const list = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, value]) => `${value.toFixed(1).padStart(8)} ms  ${key}`)
      .join("\n");
  return { result, report: `JavaScript sampled: ${sampled.toFixed(1)} ms\nself time:\n${list(self)}\ntotal time (with callees):\n${list(total)}` };
}
