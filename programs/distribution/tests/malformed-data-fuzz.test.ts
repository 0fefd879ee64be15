import { TransactionInstruction } from "@solana/web3.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchClaimInstruction } from "../../../shared/program/batch-claim.ts";
import { closeDistributionInstruction } from "../../../shared/program/close-distribution.ts";
import { pauseInstruction, setVerifierInstruction } from "../../../shared/program/creator-controls.ts";
import { INSTRUCTION_DISCRIMINATORS, INSTRUCTION_NAMES } from "../../../shared/program/discriminators.ts";
import { DISTRIBUTION_ERRORS } from "../../../shared/program/errors.ts";
import { batchInput, createdFixture, programTestbed, recipients } from "./harness/distribution-fixture.ts";
import { checkInvariantAfterEachTest } from "./harness/invariant.ts";
import { logsOf, outcomeOf } from "./harness/svm.ts";

checkInvariantAfterEachTest();

const programErrors = new Set<string>(DISTRIBUTION_ERRORS.map((error) => error.name));

describe("random instruction data", () => {
  it("only ever ends in the program's own errors (never a panic or a runtime fault) and moves no token when refused", () => {
    const { testbed, programId } = programTestbed();
    const fixture = createdFixture(testbed, programId);
    const [fan] = recipients(fixture, 1);
    if (!fan) throw new Error("one recipient expected");
    const control = { creator: fixture.creator.publicKey, distribution: fixture.distribution, programId };
    // Real account lists, so only the data decides the outcome.
    const accountLists = [
      {
        keys: batchClaimInstruction(batchInput(fixture, [{ slot: 0, tokenAccount: fan.tokenAccount }])).keys,
        signers: [fixture.feePayer, fixture.verifier],
      },
      {
        keys: closeDistributionInstruction({ ...control, mint: fixture.mint, creatorTokenAccount: fixture.creatorTokenAccount })
          .keys,
        signers: [fixture.creator],
      },
      {
        keys: setVerifierInstruction({
          ...control,
          currentVerifier: fixture.verifier.publicKey,
          newVerifier: fixture.verifier.publicKey,
        }).keys,
        signers: [fixture.creator, fixture.verifier],
      },
      { keys: pauseInstruction(control).keys, signers: [fixture.creator] },
    ];

    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: accountLists.length - 1 }),
        fc.option(fc.constantFrom(...INSTRUCTION_NAMES), { nil: undefined }),
        fc.uint8Array({ maxLength: 120 }),
        (listIndex, discriminatorOf, tail) => {
          const { keys, signers } = accountLists[listIndex] ?? { keys: [], signers: [] };
          const prefix = discriminatorOf ? INSTRUCTION_DISCRIMINATORS[discriminatorOf] : new Uint8Array();
          const instruction = new TransactionInstruction({ programId, keys, data: Buffer.from([...prefix, ...tail]) });
          const before = testbed.tokenBalancesOfMint(fixture.mint);
          const result = testbed.send([instruction], signers);
          const outcome = outcomeOf(result);
          if (outcome === "ok") return;
          expect(programErrors.has(outcome), `${outcome}\n${logsOf(result)}`).toBe(true);
          expect(testbed.tokenBalancesOfMint(fixture.mint)).toEqual(before);
        },
      ),
      { numRuns: 400, seed: 20_261_122 },
    );
  });
});
