import { type Connection, Keypair, PublicKey } from "@solana/web3.js";
import { createHeldMint, fund } from "../../../backend/claims/testing/chain-fixtures.ts";
import { type DistributionAccount, decodeDistributionAccount } from "../../../shared/program/index.ts";

/** The story's token: what the creator holds before the giveaway, minted by a third party. */
export const STORY_TOKEN_DECIMALS = 6;

/**
 * Gives `owner` SOL (the local chain's airdrop) and `amount` raw units of a fresh mint in its
 * associated token account, as if the creator had bought the token earlier. Returns the mint.
 */
export async function fundCreator(connection: Connection, owner: string, amount: bigint): Promise<PublicKey> {
  const ownerKey = new PublicKey(owner);
  const issuer = Keypair.generate();
  await fund(connection, ownerKey, 5);
  await fund(connection, issuer.publicKey, 1);
  return createHeldMint(connection, { authority: issuer, owner: ownerKey, amount, decimals: STORY_TOKEN_DECIMALS });
}

export async function readDistribution(connection: Connection, address: string): Promise<DistributionAccount | null> {
  const account = await connection.getAccountInfo(new PublicKey(address));
  return account ? decodeDistributionAccount(account.data) : null;
}

export { tokenBalance } from "../../../backend/claims/testing/chain-fixtures.ts";
