import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Coalescer } from "./coalescer.ts";

/** A run that stays in flight until the test releases it, recording the groups it was given. */
function controlledRun() {
  const groups: number[][] = [];
  const releases: (() => void)[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const run = async (inputs: number[]) => {
    groups.push(inputs);
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise<void>((release) => releases.push(release));
    inFlight--;
    return inputs.map((input) => input * 10);
  };
  return { run, groups, releaseNext: () => releases.shift()?.(), mostInFlight: () => mostInFlight };
}

describe("Coalescer", () => {
  it("answers the calls of one turn with one run, each with its own output", async () => {
    const runs: number[][] = [];
    const coalescer = new Coalescer(async (inputs: number[]) => {
      runs.push(inputs);
      return inputs.map((input) => `#${input}`);
    });
    const outputs = await Promise.all([1, 2, 3].map((input) => coalescer.load(input)));
    expect(outputs).toEqual(["#1", "#2", "#3"]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it("when serial, runs one group at a time; calls made meanwhile form the next group", async () => {
    const { run, groups, releaseNext, mostInFlight } = controlledRun();
    const coalescer = new Coalescer(run, { serial: true });
    const first = [coalescer.load(1), coalescer.load(2)];
    await nextTurn();
    const second = [coalescer.load(3)];
    await nextTurn();
    const third = [coalescer.load(4), coalescer.load(5)];
    await nextTurn();
    expect(groups).toEqual([[1, 2]]);

    releaseNext();
    expect(await Promise.all(first)).toEqual([10, 20]);
    await nextTurn();
    expect(groups).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    releaseNext();
    expect(await Promise.all([...second, ...third])).toEqual([30, 40, 50]);
    expect(mostInFlight()).toBe(1);
  });

  it("without serial, each turn's group runs at once", async () => {
    const { run, groups, releaseNext, mostInFlight } = controlledRun();
    const coalescer = new Coalescer(run);
    const first = coalescer.load(1);
    await nextTurn();
    const second = coalescer.load(2);
    await nextTurn();
    expect(groups).toEqual([[1], [2]]);
    releaseNext();
    releaseNext();
    expect(await Promise.all([first, second])).toEqual([10, 20]);
    expect(mostInFlight()).toBe(2);
  });

  it("rejects every call of a failed group and still runs the next one", async () => {
    let failNext = true;
    const coalescer = new Coalescer(
      async (inputs: number[]) => {
        if (failNext) {
          failNext = false;
          throw new Error("database unavailable");
        }
        return inputs;
      },
      { serial: true },
    );
    const failed = [coalescer.load(1), coalescer.load(2)].map((call) => call.catch((error: Error) => error.message));
    expect(await Promise.all(failed)).toEqual(["database unavailable", "database unavailable"]);
    expect(await coalescer.load(3)).toBe(3);
  });
});
