import type { CDPSession } from "@playwright/test";

/**
 * Chromium's own trace, read over CDP: how long the renderer's main thread ran our content
 * script's code, how long it ran at all (so our part is a share that holds on a slower or busier
 * machine), and which long tasks our code made long.
 */

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time; unlike dur it does not grow while the OS runs other processes. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: { url?: string; scriptName?: string; functionName?: string } };
}

const CATEGORIES = ["devtools.timeline", "v8.execute", "disabled-by-default-devtools.timeline"].join(",");

export async function startTrace(cdp: CDPSession): Promise<void> {
  await cdp.send("Tracing.start", { categories: CATEGORIES, transferMode: "ReturnAsStream" });
}

export async function stopTrace(cdp: CDPSession): Promise<TraceEvent[]> {
  const complete = new Promise<string>((resolve) => {
    cdp.once("Tracing.tracingComplete", (event) => resolve(event.stream as string));
  });
  await cdp.send("Tracing.end");
  const stream = await complete;
  let text = "";
  for (;;) {
    const chunk = await cdp.send("IO.read", { handle: stream, size: 1 << 20 });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, "base64").toString("utf8") : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send("IO.close", { handle: stream });
  const parsed = JSON.parse(text) as { traceEvents: TraceEvent[] } | TraceEvent[];
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

export interface ScriptingSummary {
  /**
   * Our code's main-thread CPU time (thread clock, so a loaded machine does not inflate it),
   * nested calls counted once, garbage collection left out.
   */
  scriptingMs: number;
  /** The same in wall-clock time, which includes time the thread waited for a CPU. */
  wallScriptingMs: number;
  /**
   * Garbage collection that ran inside our calls. V8 collects whenever the heap fills, so this is
   * mostly the page's churn (x.com's re-renders) landing in whichever callback runs at that moment.
   */
  gcInsideOursMs: number;
  calls: number;
  /**
   * The whole main thread's CPU time in the renderer that ran our script (the page's scripts,
   * style, layout, paint, garbage collection and ours): the sum of its outermost scheduler tasks.
   */
  mainThreadMs: number;
  /** scriptingMs ÷ mainThreadMs. */
  shareOfMainThread: number;
  longTasks: number;
  /** Long tasks (> 50 ms wall clock) in which our code used more than 50 ms of CPU. */
  longTasksCausedByUs: number;
  longestTaskOfOursMs: number;
}

const SCRIPT_EVENTS = new Set(["FunctionCall", "EvaluateScript", "v8.compile", "TimerFire", "FireAnimationFrame"]);
/** A scheduler task, as DevTools' performance panel reads it: every piece of work a thread runs is inside one. */
const TASK_EVENT = "RunTask";

const cpu = (event: TraceEvent) => event.tdur ?? event.dur ?? 0;

export function summarizeScripting(events: TraceEvent[], scriptUrlPart: string): ScriptingSummary {
  const ours = events.filter(
    (event) =>
      event.ph === "X" &&
      SCRIPT_EVENTS.has(event.name) &&
      (event.args?.data?.url ?? event.args?.data?.scriptName ?? "").includes(scriptUrlPart),
  );
  const outermost = outermostOf(ours);
  const intervals = outermost.map((event) => [event.ts, event.ts + (event.dur ?? 0)] as [number, number]);
  const collections = events.filter((event) => event.ph === "X" && GC_EVENTS.has(event.name));
  const gcInside = collections.filter((gc) => intervals.some(([start, end]) => gc.ts >= start && gc.ts < end));
  const gcInsideOurs = gcInside.reduce((sum, gc) => sum + cpu(gc), 0);
  const mainThread = mainThreadTasks(events, ours);
  const tasks = mainThread.filter((event) => (event.dur ?? 0) > 50_000);
  let longTasksCausedByUs = 0;
  let longestTaskOfOursMs = 0;
  for (const task of tasks) {
    const start = task.ts;
    const end = task.ts + (task.dur ?? 0);
    // Our CPU time inside the task: waiting for a CPU on a busy machine is not work we caused.
    const inside =
      outermost.filter((event) => event.ts >= start && event.ts < end).reduce((sum, event) => sum + cpu(event), 0) / 1000;
    if (inside > 50) longTasksCausedByUs += 1;
    longestTaskOfOursMs = Math.max(longestTaskOfOursMs, inside);
  }
  const scriptingMs = (outermost.reduce((sum, event) => sum + cpu(event), 0) - gcInsideOurs) / 1000;
  const mainThreadMs = mainThread.reduce((sum, event) => sum + cpu(event), 0) / 1000;
  return {
    scriptingMs,
    wallScriptingMs: intervals.reduce((sum, [a, b]) => sum + (b - a), 0) / 1000,
    gcInsideOursMs: gcInsideOurs / 1000,
    calls: ours.length,
    mainThreadMs,
    shareOfMainThread: mainThreadMs > 0 ? scriptingMs / mainThreadMs : Number.NaN,
    longTasks: tasks.length,
    longTasksCausedByUs,
    longestTaskOfOursMs,
  };
}

/** The top-level collection events; their V8.GC_* children would count the same time twice. */
const GC_EVENTS = new Set(["MajorGC", "MinorGC"]);

/**
 * The outermost scheduler tasks of the thread our calls ran on (the page's renderer main thread;
 * the browser, GPU and other renderers have their own), each counted once though tasks can nest.
 */
function mainThreadTasks(events: TraceEvent[], ours: TraceEvent[]): TraceEvent[] {
  const [first] = ours;
  if (!first) throw new Error("the trace holds no call of our content script: did it run on the page?");
  return outermostOf(
    events.filter((event) => event.ph === "X" && event.name === TASK_EVENT && event.pid === first.pid && event.tid === first.tid),
  );
}

/** The events no other event of the list contains (a microtask run inside our callback is one call). */
function outermostOf(events: TraceEvent[]): TraceEvent[] {
  // Of two events that start together, the longer one holds the other.
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const outer: TraceEvent[] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const event of sorted) {
    if (event.ts >= end) {
      outer.push(event);
      end = event.ts + (event.dur ?? 0);
    }
  }
  return outer;
}
