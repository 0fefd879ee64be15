/** Compute units one program invocation consumed, as the runtime logs it. */
export interface Invocation {
  programId: string;
  depth: number;
  computeUnits: number;
}

const INVOKE = /^Program (\w+) invoke \[(\d+)\]$/;
const CONSUMED = /^Program (\w+) consumed (\d+) of \d+ compute units$/;
const FINISHED = /^Program \w+ (success|failed)/;

/**
 * Reads "Program X invoke [d]" / "Program X consumed N of M compute units" log lines into one entry per
 * invocation, so a batch's cost splits into the program's own work and each CPI it made. Builtins such
 * as the System program log no "consumed" line, so depth follows invoke and success/failed lines.
 */
export function invocationsFromLogs(logs: string[]): Invocation[] {
  const invocations: Invocation[] = [];
  let depth = 0;
  for (const line of logs) {
    const invoke = INVOKE.exec(line);
    const consumed = CONSUMED.exec(line);
    if (invoke) depth = Number(invoke[2]);
    else if (consumed?.[1] && consumed[2]) invocations.push({ programId: consumed[1], depth, computeUnits: Number(consumed[2]) });
    else if (FINISHED.test(line)) depth -= 1;
  }
  return invocations;
}
/** Units spent inside direct CPIs (depth 2) of one program, summed per callee. */
export function cpiUnitsByProgram(invocations: Invocation[]): Map<string, { calls: number; computeUnits: number }> {
  const byProgram = new Map<string, { calls: number; computeUnits: number }>();
  for (const invocation of invocations) {
    if (invocation.depth !== 2) continue;
    const entry = byProgram.get(invocation.programId) ?? { calls: 0, computeUnits: 0 };
    entry.calls += 1;
    entry.computeUnits += invocation.computeUnits;
    byProgram.set(invocation.programId, entry);
  }
  return byProgram;
}
