import { PACKET_DATA_SIZE } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import {
  batchInstructionTraceLength,
  legacyBatchTransactionSize,
  MAX_INSTRUCTION_TRACE_LENGTH,
  MAX_TRANSACTION_ACCOUNT_LOCKS,
  maxClaimsPerLegacyTransaction,
  maxClaimsPerV0Transaction,
  v0BatchTransactionMeasure,
} from "./batch-size.ts";

describe("batch capacity", () => {
  it("fills a legacy transaction to the byte: one more claim would not fit", () => {
    const { claims, limitedBy } = maxClaimsPerLegacyTransaction();
    expect(limitedBy).toBe("transaction size");
    expect(claims).toBeGreaterThanOrEqual(20);
    expect(legacyBatchTransactionSize(claims)).toBeLessThanOrEqual(PACKET_DATA_SIZE);
    expect(legacyBatchTransactionSize(claims + 1)).toBeGreaterThan(PACKET_DATA_SIZE);
    // Each claim into an existing account costs a 32-byte key, a 1-byte index and 3 bytes of data.
    expect(legacyBatchTransactionSize(claims + 1) - legacyBatchTransactionSize(claims)).toBe(36);
  });

  it("stops at 64 traced instructions when each claim creates its recipient's account (up to eight per claim)", () => {
    for (const capacity of [
      maxClaimsPerLegacyTransaction({ createAccounts: true }),
      maxClaimsPerV0Transaction({ createAccounts: true }),
    ]) {
      expect(capacity).toEqual({ claims: 7, limitedBy: "instruction trace" });
    }
    expect(batchInstructionTraceLength(7, { createAccounts: true })).toBe(57);
    expect(batchInstructionTraceLength(8, { createAccounts: true })).toBeGreaterThan(MAX_INSTRUCTION_TRACE_LENGTH);
    expect(batchInstructionTraceLength(26)).toBe(27);
  });

  it("is bound by the account lock limit in a v0 transaction with a lookup table", () => {
    const { claims, limitedBy } = maxClaimsPerV0Transaction();
    expect(limitedBy).toBe("account locks");
    expect(v0BatchTransactionMeasure(claims).accountLocks).toBe(MAX_TRANSACTION_ACCOUNT_LOCKS);
    expect(v0BatchTransactionMeasure(claims).size).toBeLessThan(PACKET_DATA_SIZE);
    expect(claims).toBeGreaterThan(maxClaimsPerLegacyTransaction().claims);
  });
});
