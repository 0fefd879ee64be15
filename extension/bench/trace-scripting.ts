import type { CDPSession } from "@playwright/test";

/**
 * Chromium's own trace, read over CDP: how long the renderer's main thread ran our content
 * script's code, and which long tasks our code made long.
 */

interface TraceEvent {
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
  longTasks: number;
  /** Long tasks (> 50 ms wall clock) in which our code used more than 50 ms of CPU. */
  longTasksCausedByUs: number;
  longestTaskOfOursMs: number;
}

const SCRIPT_EVENTS = new Set(["FunctionCall", "EvaluateScript", "v8.compile", "TimerFire", "FireAnimationFrame"]);

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
  const cpu = (event: TraceEvent) => event.tdur ?? event.dur ?? 0;
  const gcInsideOurs = gcInside.reduce((sum, gc) => sum + cpu(gc), 0);
  const tasks = events.filter((event) => event.ph === "X" && event.name === "RunTask" && (event.dur ?? 0) > 50_000);
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
  return {
    scriptingMs: (outermost.reduce((sum, event) => sum + cpu(event), 0) - gcInsideOurs) / 1000,
    wallScriptingMs: intervals.reduce((sum, [a, b]) => sum + (b - a), 0) / 1000,
    gcInsideOursMs: gcInsideOurs / 1000,
    calls: ours.length,
    longTasks: tasks.length,
    longTasksCausedByUs,
    longestTaskOfOursMs,
  };
}

/** The top-level collection events; their V8.GC_* children would count the same time twice. */
const GC_EVENTS = new Set(["MajorGC", "MinorGC"]);

/** Our calls that no other of our calls contains (a microtask run inside a callback is one call). */
function outermostOf(events: TraceEvent[]): TraceEvent[] {
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
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
