import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lamports } from "@solana/kit";
import { Keypair, type PublicKey, TransactionInstruction } from "@solana/web3.js";
import { FailedTransactionMetadata } from "litesvm";
import { beforeAll, describe, expect, it } from "vitest";
import { customErrorOf, logsOf, Testbed, toAddress } from "../distribution/tests/harness/svm.ts";
import { deployThroughUpgradeableLoader } from "../distribution/tests/harness/upgradeable-loader.ts";
import { type BuildProgramResult, buildProgram } from "./build-program.ts";

// End to end: the fixture crate goes through the real pipeline (Debian rustc, our sysroot, our
// converter) and the resulting .so runs in the Agave runtime that litesvm embeds.
const FIXTURE_CRATE = fileURLToPath(new URL("./fixtures/pipeline_fixture", import.meta.url));
const ACCOUNT_SIZE = 16;

let build: BuildProgramResult;
let binary: Uint8Array;

beforeAll(() => {
  build = buildProgram(FIXTURE_CRATE);
  binary = new Uint8Array(readFileSync(build.sharedObjectPath));
}, 180_000);

function ownedAccount(testbed: Testbed, owner: PublicKey): PublicKey {
  const account = Keypair.generate().publicKey;
  testbed.svm.setAccount({
    address: toAddress(account),
    data: new Uint8Array(ACCOUNT_SIZE),
    executable: false,
    lamports: lamports(testbed.rentExempt(ACCOUNT_SIZE)),
    programAddress: toAddress(owner),
    space: BigInt(ACCOUNT_SIZE),
  });
  return account;
}

function write(programId: PublicKey, account: PublicKey, data: number[]): TransactionInstruction {
  return new TransactionInstruction({
    programId,
    keys: [{ pubkey: account, isSigner: false, isWritable: true }],
    data: Buffer.from(data),
  });
}

describe("the fixture program built offline", () => {
  it("runs through addProgram: logs, dispatches through a vtable and writes the account", () => {
    const testbed = new Testbed();
    const programId = Keypair.generate().publicKey;
    testbed.svm.addProgram(toAddress(programId), binary);
    const account = ownedAccount(testbed, programId);

    const result = testbed.sendOk([write(programId, account, [0, 7, 8, 9])]);

    expect(result.logs()).toContain("Program log: fixture: forward");
    expect(result.logs()).toContain("Program log: 0x0, 0x3, 0x0, 0x0, 0x0");
    expect([...(testbed.accountData(account) ?? [])].slice(0, 4)).toEqual([7, 8, 9, 0]);
  });

  it("deploys through the BPF upgradeable loader, which checks every syscall name, and runs", () => {
    const testbed = new Testbed();
    const programId = deployThroughUpgradeableLoader(testbed, binary);
    const account = ownedAccount(testbed, programId);

    const result = testbed.sendOk([write(programId, account, [1, 1, 2, 3])]);

    expect(result.logs()).toContain("Program log: fixture: reversed");
    expect([...(testbed.accountData(account) ?? [])].slice(0, 4)).toEqual([3, 2, 1, 0]);
  });

  it("returns its custom errors and leaves the account untouched", () => {
    const testbed = new Testbed();
    const programId = Keypair.generate().publicKey;
    testbed.svm.addProgram(toAddress(programId), binary);
    const foreign = ownedAccount(testbed, Keypair.generate().publicKey);
    const own = ownedAccount(testbed, programId);

    expect(customErrorOf(testbed.send([write(programId, foreign, [0, 1])]))).toBe(3);
    expect(customErrorOf(testbed.send([write(programId, own, [2, 1])]))).toBe(5);
    expect(customErrorOf(testbed.send([write(programId, own, [0, ...new Array(ACCOUNT_SIZE + 1).fill(1)])]))).toBe(4);
    expect(testbed.accountData(own)).toEqual(new Uint8Array(ACCOUNT_SIZE));
  });

  it("is refused by the loader when it names a syscall the runtime does not have", () => {
    const renamed = binary.slice();
    const at = Buffer.from(renamed).indexOf("sol_memcpy_\0");
    expect(at).toBeGreaterThan(0);
    renamed.set(new TextEncoder().encode("sol_nocopy_"), at);
    const testbed = new Testbed();

    expect(() => deployThroughUpgradeableLoader(testbed, renamed)).toThrow(/Unresolved symbol \(sol_nocopy_\)/);
  });

  it("is rebuilt only when something it depends on changed", () => {
    const again = buildProgram(FIXTURE_CRATE);
    expect(again.upToDate).toBe(true);
    expect(new Uint8Array(readFileSync(again.sharedObjectPath))).toEqual(binary);
  });
});

describe("a runtime failure inside the fixture", () => {
  it("surfaces as a failed transaction with the runtime's logs", () => {
    const testbed = new Testbed();
    const programId = Keypair.generate().publicKey;
    testbed.svm.addProgram(toAddress(programId), binary);
    const result = testbed.send([new TransactionInstruction({ programId, keys: [], data: Buffer.from([0]) })]);
    expect(result).toBeInstanceOf(FailedTransactionMetadata);
    expect(customErrorOf(result)).toBe(1);
    expect(logsOf(result)).toMatch(/failed: custom program error: 0x1/);
  });
});
