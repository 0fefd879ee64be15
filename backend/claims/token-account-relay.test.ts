import type { Connection, SignatureStatus } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { settleOpening } from "./token-account-relay.ts";

/** The chain as the relay's wait reads it: a script of status answers (or failed reads), and a block height. */
function chainAnswering(statuses: (Partial<SignatureStatus> | null | Error)[], height = () => 100) {
  let reads = 0;
  const connection: Pick<Connection, "getSignatureStatuses" | "getBlockHeight"> = {
    getSignatureStatuses: async () => {
      const next = statuses[Math.min(reads++, statuses.length - 1)];
      if (next instanceof Error) throw next;
      return { context: { slot: 1 }, value: [next as SignatureStatus | null] };
    },
    getBlockHeight: async () => height(),
  };
  return { connection, reads: () => reads };
}

const stillHere = new AbortController().signal;

describe("waiting for a fan's opening", () => {
  it("answers once the chain confirms it, reading again through a failed read", async () => {
    const { connection, reads } = chainAnswering([
      new Error("429 Too Many Requests"),
      { confirmationStatus: "confirmed", err: null },
    ]);
    await expect(settleOpening(connection, "sig", 100, stillHere)).resolves.toBe("confirmed");
    expect(reads()).toBe(2);
  });

  it("says the chain refused it, or that it expired once its blockhash can no longer land", async () => {
    const refused = chainAnswering([{ confirmationStatus: "processed", err: { InstructionError: [0, "Custom"] } }]);
    await expect(settleOpening(refused.connection, "sig", 100, stillHere)).rejects.toMatchObject({ code: "opening_refused" });
    const expired = chainAnswering([null], () => 100 + 152);
    await expect(settleOpening(expired.connection, "sig", 100, stillHere)).rejects.toMatchObject({ code: "opening_expired" });
  });

  it("asks the chain nothing more once the fan has gone", async () => {
    const left = new AbortController();
    const { connection, reads } = chainAnswering([null]);
    const waiting = settleOpening(connection, "sig", 100, left.signal);
    left.abort();
    await expect(waiting).resolves.toBe("fan_left");
    expect(reads()).toBe(1);
  });
});
