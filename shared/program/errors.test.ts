import { SendTransactionError } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import idl from "../../programs/distribution/idl/memefans_distribution.json" with { type: "json" };
import { DISTRIBUTION_ERROR_CODES, DISTRIBUTION_ERRORS, distributionErrorByCode } from "./errors.ts";
import { customErrorCode, describeTransactionFailure } from "./explain-error.ts";

describe("the error table", () => {
  it("numbers the errors from 6000 in order, with unique names", () => {
    expect(DISTRIBUTION_ERRORS.map((error) => error.code)).toEqual(DISTRIBUTION_ERRORS.map((_, index) => 6000 + index));
    expect(new Set(DISTRIBUTION_ERRORS.map((error) => error.name)).size).toBe(DISTRIBUTION_ERRORS.length);
    expect(DISTRIBUTION_ERROR_CODES.Paused).toBe(6032);
    expect(DISTRIBUTION_ERROR_CODES.MissingFeePayerSignature).toBe(6035);
    expect(distributionErrorByCode(6029)?.name).toBe("SlotAlreadyClaimed");
    expect(distributionErrorByCode(6050)?.name).toBe("SharedPriorityFee");
    expect(distributionErrorByCode(6051)?.name).toBe("MintAmountRescalable");
    expect(distributionErrorByCode(6052)).toBeUndefined();
  });

  it("is the IDL's error list, every code, name and message", () => {
    expect(DISTRIBUTION_ERRORS.map(({ code, name, message }) => ({ code, name, msg: message }))).toEqual(idl.errors);
  });
});

describe("explaining a failed transaction", () => {
  it("finds the custom code in RPC errors, web3.js errors and logs", () => {
    expect(customErrorCode({ InstructionError: [0, { Custom: 6032 }] })).toBe(6032);
    expect(customErrorCode({ err: { InstructionError: [1, { Custom: 6005 }] } })).toBe(6005);
    expect(customErrorCode(new Error("Simulation failed. Message: custom program error: 0x1775"))).toBe(0x1775);
    expect(
      customErrorCode({
        message: "Simulation failed",
        logs: [
          "Program Tokenkeg invoke [2]",
          "Program MFansDist1111111111111111111111111111111111 failed: custom program error: 0x178c",
        ],
      }),
    ).toBe(0x178c);
    const sendError = new SendTransactionError({
      action: "simulate",
      signature: "",
      transactionMessage: "Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1770",
      logs: ["Program MFansDist1111111111111111111111111111111111 failed: custom program error: 0x177d"],
    });
    expect(customErrorCode(sendError)).toBe(0x177d);
    expect(customErrorCode({ InstructionError: [0, "InvalidAccountData"] })).toBeUndefined();
    expect(customErrorCode(42)).toBeUndefined();
  });

  it("turns it into a sentence a person can read", () => {
    expect(describeTransactionFailure({ InstructionError: [0, { Custom: 6032 }] })).toBe(
      "The distribution is paused (Paused, error 6032)",
    );
    expect(describeTransactionFailure({ InstructionError: [0, { Custom: 1 }] })).toMatch(
      /custom program error 1, which is not a distribution program error/,
    );
    expect(describeTransactionFailure(new Error("Blockhash not found"))).toBe("Blockhash not found");
    expect(describeTransactionFailure({ InstructionError: [1, "ComputationalBudgetExceeded"] })).toBe(
      'transaction failed: {"InstructionError":[1,"ComputationalBudgetExceeded"]}',
    );
  });
});
