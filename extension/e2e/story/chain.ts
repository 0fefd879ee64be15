import {
  createAssociatedTokenAccountInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import { type Connection, Keypair, PublicKey, SystemProgram } from "@solana/web3.js";
import { fund, sendAndAwait } from "../../../backend/claims/testing/chain-fixtures.ts";
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
  const mint = Keypair.generate();
  await fund(connection, ownerKey, 5);
  await fund(connection, issuer.publicKey, 1);
  const account = getAssociatedTokenAddressSync(mint.publicKey, ownerKey);
  await sendAndAwait(
    connection,
    [issuer, mint],
    SystemProgram.createAccount({
      fromPubkey: issuer.publicKey,
      newAccountPubkey: mint.publicKey,
      lamports: await connection.getMinimumBalanceForRentExemption(MINT_SIZE),
      space: MINT_SIZE,
      programId: TOKEN_PROGRAM_ID,
    }),
    createInitializeMint2Instruction(mint.publicKey, STORY_TOKEN_DECIMALS, issuer.publicKey, null),
    createAssociatedTokenAccountInstruction(issuer.publicKey, account, ownerKey, mint.publicKey),
    createMintToInstruction(mint.publicKey, account, issuer.publicKey, amount),
  );
  return mint.publicKey;
}

export async function readDistribution(connection: Connection, address: string): Promise<DistributionAccount | null> {
  const account = await connection.getAccountInfo(new PublicKey(address));
  return account ? decodeDistributionAccount(account.data) : null;
}

export { tokenBalance } from "../../../backend/claims/testing/chain-fixtures.ts";
