import { describe, expect, it } from "vitest";
import { summarizeScripting, type TraceEvent } from "./trace-scripting.ts";

const OURS = "chrome-extension://abc/content-scripts/";
const RENDERER = { pid: 7, tid: 1 };

/** A complete event ("X") on the page's main thread, times in microseconds. */
function slice(name: string, ts: number, dur: number, tdur: number, url?: string, thread = RENDERER): TraceEvent {
  return { name, ph: "X", ts, dur, tdur, ...thread, ...(url ? { args: { data: { url } } } : {}) };
}

describe("summarizeScripting", () => {
  it("divides our CPU time by the CPU time of every task on the thread our script ran on", () => {
    const events = [
      // A task holding one of our callbacks (with a nested call of ours) and the page's own script.
      slice("RunTask", 0, 10_000, 8_000),
      slice("ThreadControllerImpl::RunTask", 0, 9_000, 7_500),
      slice("FunctionCall", 1_000, 2_000, 1_000, `${OURS}content.js`),
      slice("FunctionCall", 1_500, 500, 400, `${OURS}content.js`),
      slice("FunctionCall", 4_000, 3_000, 3_000, "https://x.com/home"),
      // A task of the page alone.
      slice("RunTask", 20_000, 12_000, 12_000),
      // Another thread's and another process's tasks are not the page's main thread.
      slice("RunTask", 0, 50_000, 50_000, undefined, { pid: 7, tid: 2 }),
      slice("RunTask", 0, 50_000, 50_000, undefined, { pid: 9, tid: 1 }),
    ];
    const summary = summarizeScripting(events, OURS);
    expect(summary.scriptingMs).toBe(1);
    expect(summary.mainThreadMs).toBe(20);
    expect(summary.shareOfMainThread).toBeCloseTo(0.05, 10);
    expect(summary.calls).toBe(2);
  });

  it("leaves garbage collection inside our calls out of our share, not out of the thread's", () => {
    const events = [
      slice("RunTask", 0, 10_000, 10_000),
      slice("FunctionCall", 0, 4_000, 4_000, `${OURS}content.js`),
      slice("MinorGC", 1_000, 1_000, 1_000),
    ];
    const summary = summarizeScripting(events, OURS);
    expect(summary.scriptingMs).toBe(3);
    expect(summary.gcInsideOursMs).toBe(1);
    expect(summary.shareOfMainThread).toBeCloseTo(0.3, 10);
  });

  it("counts a long task as ours only when our CPU time in it passes 50 ms", () => {
    const events = [
      slice("RunTask", 0, 80_000, 80_000),
      slice("FunctionCall", 0, 60_000, 60_000, `${OURS}content.js`),
      slice("RunTask", 100_000, 80_000, 80_000),
      slice("FunctionCall", 100_000, 10_000, 10_000, `${OURS}content.js`),
    ];
    const summary = summarizeScripting(events, OURS);
    expect(summary.longTasks).toBe(2);
    expect(summary.longTasksCausedByUs).toBe(1);
    expect(summary.longestTaskOfOursMs).toBe(60);
  });

  it("refuses a trace in which our script never ran", () => {
    expect(() => summarizeScripting([slice("RunTask", 0, 1_000, 1_000)], OURS)).toThrow(/no call of our content script/);
  });
});
