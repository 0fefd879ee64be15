import { readFileSync } from "node:fs";
import { TransactionInstruction } from "@solana/web3.js";
import { beforeAll, describe, expect, it } from "vitest";
import { DISTRIBUTION_ERROR_CODES } from "../../shared/program/errors.ts";
import { customErrorOf, logsOf, Testbed } from "../distribution/tests/harness/svm.ts";
import { deployThroughUpgradeableLoader } from "../distribution/tests/harness/upgradeable-loader.ts";
import { type BuildProgramResult, buildProgram } from "./build-program.ts";
import { ET_DYN } from "./elf/format.ts";
import { readObject } from "./elf/read-object.ts";

// The real program through the same pipeline that `npm run build:program` runs: it must come out as
// target/deploy/memefans_distribution.so and pass the upgradeable loader's checks.
let build: BuildProgramResult;
let binary: Uint8Array;

beforeAll(() => {
  build = buildProgram();
  binary = new Uint8Array(readFileSync(build.sharedObjectPath));
}, 180_000);

describe("memefans_distribution built offline", () => {
  it("lands in target/deploy as an SBPFv0 shared object", () => {
    expect(build.sharedObjectPath).toMatch(/target\/deploy\/memefans_distribution\.so$/);
    const object = readObject(binary, "memefans_distribution.so", ET_DYN);
    expect(object.sections.filter((section) => section.name === ".text")).toHaveLength(1);
  });

  it("deploys through the BPF upgradeable loader and runs its own checks", () => {
    const testbed = new Testbed();
    const programId = deployThroughUpgradeableLoader(testbed, binary);
    const result = testbed.send(
      [new TransactionInstruction({ programId, keys: [], data: Buffer.from([1, 2, 3]) })],
      [testbed.payer],
    );
    expect(customErrorOf(result), logsOf(result)).toBe(DISTRIBUTION_ERROR_CODES.InvalidInstructionData);
    expect(logsOf(result)).toContain(`Program ${programId.toBase58()} invoke [1]`);
  });
});
