import "fake-indexeddb/auto";
import { getAssociatedTokenAddressSync, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { Keypair } from "@solana/web3.js";
import { afterEach, describe, expect, it } from "vitest";
import { fund } from "../../../backend/claims/testing/chain-fixtures.ts";
import { TOKEN_ACCOUNT_RENT_LAMPORTS } from "../../../shared/fee-budget.ts";
import type { HandlerContext } from "../router.ts";
import { giveawayOnChain } from "../testing/giveaway-on-chain.ts";
import { openTokenAccountHandler } from "./open-token-account-handler.ts";

/**
 * The card's "Open my token account": the built-in wallet opens the fan's own account for a giveaway's
 * token, after the approval window, on the embedded chain with the real programs.
 */

let closeDatabase: (() => void) | undefined;
afterEach(() => closeDatabase?.());

const fromCard: HandlerContext = { audience: "content", sender: { url: "https://x.com/home", tab: { id: 7 } } };

async function setup(name: string) {
  const fan = Keypair.generate();
  // A budget of the fees alone: it opens no fan's token account.
  const { connection, giveaway, services, answering, close } = await giveawayOnChain(name, {
    walletOf: () => fan,
    feeBudgetLamports: 25_000n,
  });
  closeDatabase = close;
  const handle = openTokenAccountHandler(services)["claims/open-token-account"];
  const request = { distribution: giveaway.address.toBase58(), wallet: fan.publicKey.toBase58() };
  const decided = (approve: boolean) => answering(() => handle(request, fromCard), approve);
  const account = getAssociatedTokenAddressSync(giveaway.mint, fan.publicKey, true, TOKEN_PROGRAM_ID);
  return { connection, giveaway, fan, request, decided, account, handle };
}

describe("opening the fan's token account from the card", () => {
  it("opens it with the chosen wallet after the approval window, the fan paying its rent, and signs nothing once it is there", async () => {
    const { connection, fan, decided, account, request, handle } = await setup("open-account");
    // A new wallet holds no SOL: told so, with no approval window to approve for nothing.
    await expect(handle(request, fromCard)).rejects.toMatchObject({
      code: "insufficient_funds",
      message:
        "your wallet needs 0.00203928 SOL of rent and the fee to open the account, and holds 0 SOL: add SOL, then press again",
    });
    await fund(connection, fan.publicKey, 1);
    const before = await connection.getBalance(fan.publicKey);

    const rejected = await decided(false);
    await expect(rejected.answer).rejects.toMatchObject({ code: "rejected" });
    expect(await connection.getAccountInfo(account)).toBeNull();

    const approved = await decided(true);
    // The window shows what is signed: the opening, and the rent leaving the fan's wallet.
    expect(approved.view).toMatchObject({
      kind: "transaction",
      instructions: [{ program: "Associated Token", action: expect.stringContaining("create token account") }],
      leaves: [expect.stringContaining("rent of new accounts 0.00203928 SOL")],
      warnings: [],
    });
    const opened = await approved.answer;
    expect(opened).toMatchObject({ account: account.toBase58(), signature: expect.any(String) });
    const info = await connection.getAccountInfo(account);
    expect(info?.owner.equals(TOKEN_PROGRAM_ID)).toBe(true);
    expect(info?.lamports).toBe(Number(TOKEN_ACCOUNT_RENT_LAMPORTS));
    expect(before - (await connection.getBalance(fan.publicKey))).toBe(Number(TOKEN_ACCOUNT_RENT_LAMPORTS) + 5_000);

    // Already open: answered at once, no window, no fee.
    const again = await decided(true);
    expect(again.view).toBeUndefined();
    expect(await again.answer).toEqual({ account: account.toBase58() });
  });

  it("opens only for the chosen wallet, and only for a giveaway on chain", async () => {
    const { request, handle } = await setup("open-account-refusals");
    await expect(handle({ ...request, wallet: Keypair.generate().publicKey.toBase58() }, fromCard)).rejects.toMatchObject({
      code: "wrong_account",
      message: "the chosen wallet changed: press again",
    });
    await expect(handle({ ...request, distribution: Keypair.generate().publicKey.toBase58() }, fromCard)).rejects.toMatchObject({
      code: "bad_request",
      message: "this giveaway is not on chain any more",
    });
  });
});
