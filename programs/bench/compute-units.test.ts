import { describe, expect, it } from "vitest";
import { cpiUnitsByProgram, invocationsFromLogs } from "./compute-units.ts";

describe("reading compute units from runtime logs", () => {
  const logs = [
    "Program Ours111 invoke [1]",
    "Program Ata1111 invoke [2]",
    "Program Tok1111 invoke [3]",
    "Program Tok1111 consumed 183 of 190000 compute units",
    "Program Tok1111 success",
    "Program 11111111111111111111111111111111 invoke [3]",
    "Program 11111111111111111111111111111111 success",
    "Program Ata1111 consumed 13525 of 195000 compute units",
    "Program Ata1111 success",
    "Program Tok1111 invoke [2]",
    "Program log: Instruction: Transfer",
    "Program Tok1111 consumed 76 of 180000 compute units",
    "Program Tok1111 success",
    "Program Ours111 consumed 18000 of 200000 compute units",
    "Program Ours111 success",
  ];

  it("attributes each consumed line to its invocation depth, including programs that log no consumption", () => {
    expect(invocationsFromLogs(logs)).toEqual([
      { programId: "Tok1111", depth: 3, computeUnits: 183 },
      { programId: "Ata1111", depth: 2, computeUnits: 13_525 },
      { programId: "Tok1111", depth: 2, computeUnits: 76 },
      { programId: "Ours111", depth: 1, computeUnits: 18_000 },
    ]);
  });

  it("sums only the direct CPIs per callee", () => {
    expect(cpiUnitsByProgram(invocationsFromLogs(logs))).toEqual(
      new Map([
        ["Ata1111", { calls: 1, computeUnits: 13_525 }],
        ["Tok1111", { calls: 1, computeUnits: 76 }],
      ]),
    );
  });
});
