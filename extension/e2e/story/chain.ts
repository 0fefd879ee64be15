import { type Connection, Keypair, PublicKey } from "@solana/web3.js";
import { createHeldMint, fund } from "../../../backend/claims/testing/chain-fixtures.ts";
import { connectionChainReader } from "../../../backend/distributions/chain-reader.ts";
import { type DistributionAccount, distributionProgramId } from "../../../shared/program/index.ts";

/** The story's token: what the creator holds before the giveaway, minted by a third party. */
export const STORY_TOKEN_DECIMALS = 6;
/** The story's coin is made as pump.fun makes every coin since November 2025: Token-2022, metadata in the mint. */
export const STORY_COIN = { name: "Moo Deng", symbol: "MOODENG" };

/**
 * Gives `owner` SOL (the local chain's airdrop) and `amount` raw units of a fresh pump.fun-shaped
 * Token-2022 coin in its associated token account, as if the creator had bought the coin earlier.
 * `metadataUri` is where the coin's off-chain metadata (its logo) lives. Returns the mint.
 */
export async function fundCreator(
  connection: Connection,
  owner: string,
  amount: bigint,
  metadataUri: string,
): Promise<PublicKey> {
  const ownerKey = new PublicKey(owner);
  const issuer = Keypair.generate();
  await fund(connection, ownerKey, 5);
  await fund(connection, issuer.publicKey, 1);
  return createHeldMint(connection, {
    authority: issuer,
    owner: ownerKey,
    amount,
    decimals: STORY_TOKEN_DECIMALS,
    token2022: { ...STORY_COIN, uri: metadataUri },
  });
}

/** The distribution as the chain has it now; null once it is closed. */
export async function readDistribution(connection: Connection, address: string): Promise<DistributionAccount | null> {
  const lookup = await connectionChainReader(connection, distributionProgramId).distribution(address);
  return lookup.status === "found" ? lookup.account : null;
}

export { fund, tokenBalance } from "../../../backend/claims/testing/chain-fixtures.ts";
