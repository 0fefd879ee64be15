import "fake-indexeddb/auto";
import { PublicKey } from "@solana/web3.js";
import { afterEach, describe, expect, it } from "vitest";
import { tokenBalance } from "../../../backend/claims/testing/chain-fixtures.ts";
import { decodeDistributionAccount } from "../../../shared/program/distribution-account.ts";
import type { HandlerContext } from "../router.ts";
import { giveawayOnChain } from "../testing/giveaway-on-chain.ts";
import { closeDistributionHandler } from "./close-distribution-handler.ts";
import { pauseDistributionHandler } from "./pause-distribution-handler.ts";

/**
 * The creator's controls from the options page with the built-in wallet, against the embedded chain
 * and the real program: pause, resume, and the clawback, whose answer is what actually came back.
 */

let closeDatabase: (() => void) | undefined;
afterEach(() => closeDatabase?.());

const fromOptionsPage: HandlerContext = { audience: "page", sender: { url: "chrome-extension://memefans/options.html" } };
const HOUR_MS = 3_600_000;

async function setup(name: string) {
  // The creator's key is the built-in wallet's.
  const { chain, connection, giveaway, clock, services, answering, close } = await giveawayOnChain(name, {
    walletOf: (created) => created.creator,
    amountPerClaim: 2_000_000n,
    feeBudgetLamports: 50_000_000n,
  });
  closeDatabase = close;
  const handlers = { ...closeDistributionHandler(services), ...pauseDistributionHandler(services) };
  /** Runs a handler and approves the one window it opens; a handler that failed before asking answers with its error. */
  const approved = async <T>(run: () => Promise<T>): Promise<T> => (await answering(run)).answer;
  return { chain, connection, giveaway, clock, handlers, approved, services };
}

describe("the creator's controls", () => {
  it("pauses and resumes through the approval window, and refuses a pause that changes nothing", async () => {
    const { connection, giveaway, handlers, approved } = await setup("controls-pause");
    const address = giveaway.address.toBase58();
    const paused = async () =>
      decodeDistributionAccount((await connection.getAccountInfo(giveaway.address))?.data ?? new Uint8Array()).paused;
    await approved(() => handlers["distributions/set-paused"]({ address, paused: true }, fromOptionsPage));
    expect(await paused()).toBe(true);
    await expect(handlers["distributions/set-paused"]({ address, paused: true }, fromOptionsPage)).rejects.toMatchObject({
      message: "the giveaway is already paused",
    });
    await approved(() => handlers["distributions/set-paused"]({ address, paused: false }, fromOptionsPage));
    expect(await paused()).toBe(false);
  });

  it("closes after the end and answers what came back, as the chain's balances show it", async () => {
    const { chain, connection, giveaway, clock, handlers, approved, services } = await setup("controls-close");
    const address = giveaway.address.toBase58();
    await expect(handlers["distributions/close"]({ address }, fromOptionsPage)).rejects.toMatchObject({
      message: expect.stringMatching(/^the giveaway runs until .+; it can be closed after that$/),
    });
    chain.warp(2 * HOUR_MS);
    clock.now += 2 * HOUR_MS;
    // Two hours on, the wallet has locked itself.
    await services.vault.unlock("a long password");
    const account = decodeDistributionAccount((await connection.getAccountInfo(giveaway.address))?.data ?? new Uint8Array());
    const held = async () => (await connection.getBalance(giveaway.address)) + (await connection.getBalance(account.vault));
    const lamportsHeld = BigInt(await held());
    const result = await approved(() => handlers["distributions/close"]({ address }, fromOptionsPage));
    // Nobody claimed: every token comes back, and the SOL the two accounts held but what the closed address keeps.
    expect(result.returned).toMatchObject({ mint: giveaway.mint.toBase58(), amount: "10000000", decimals: 6 });
    expect(BigInt(result.returned.lamports)).toBe(lamportsHeld - BigInt(await held()));
    expect(await tokenBalance(connection, giveaway.mint, new PublicKey(giveaway.creator.publicKey))).toBe(10_000_000n);
    expect(chain.status(result.signature)?.err).toBeNull();
  });
});
