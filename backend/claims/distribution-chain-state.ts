import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import type { Connection, PublicKey } from "@solana/web3.js";
import { associatedTokenAccount, type MintRef } from "./batch-transaction.ts";

/** getMultipleAccounts takes at most this many keys per call. */
const ACCOUNTS_PER_REQUEST = 100;

/** Which wallets still lack an associated token account for the mint (the batch then creates it). */
export async function walletsWithoutTokenAccount(connection: Connection, mint: MintRef, wallets: string[]): Promise<Set<string>> {
  const missing = new Set<string>();
  for (let start = 0; start < wallets.length; start += ACCOUNTS_PER_REQUEST) {
    const chunk = wallets.slice(start, start + ACCOUNTS_PER_REQUEST);
    const accounts = await connection.getMultipleAccountsInfo(
      chunk.map((wallet) => associatedTokenAccount(mint, wallet)),
      "confirmed",
    );
    accounts.forEach((account, index) => {
      if (!account) missing.add(chunk[index] as string);
    });
  }
  return missing;
}

/**
 * The mint with its token program, read from the mint account's owner: SPL Token or Token-2022. Fans'
 * associated accounts and the batch's token program depend on it.
 */
export async function mintRef(connection: Connection, mint: PublicKey): Promise<MintRef> {
  const account = await connection.getAccountInfo(mint, "confirmed");
  const owner = account?.owner;
  if (!owner || !(owner.equals(TOKEN_PROGRAM_ID) || owner.equals(TOKEN_2022_PROGRAM_ID))) {
    throw new Error(`${mint.toBase58()} is not a mint of SPL Token or Token-2022`);
  }
  return { key: mint, text: mint.toBase58(), tokenProgram: owner };
}
