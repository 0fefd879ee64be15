import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { type Connection, type PublicKey, SystemProgram } from "@solana/web3.js";
import { associatedTokenAccount, type MintRef } from "./batch-transaction.ts";

/** getMultipleAccounts takes at most this many keys per call. */
const ACCOUNTS_PER_REQUEST = 100;

/**
 * The wallets whose associated token account the batch must open. `prefunded` names those whose
 * address already holds lamports someone sent it (a system account with no data): opening such an
 * address takes three system instructions instead of one, and it must still be opened, or a griefer's
 * transfer would make the fan's payout fail.
 */
export interface AccountsToOpen {
  missing: Set<string>;
  prefunded: Set<string>;
}

export async function accountsToOpen(connection: Connection, mint: MintRef, wallets: string[]): Promise<AccountsToOpen> {
  const missing = new Set<string>();
  const prefunded = new Set<string>();
  for (let start = 0; start < wallets.length; start += ACCOUNTS_PER_REQUEST) {
    const chunk = wallets.slice(start, start + ACCOUNTS_PER_REQUEST);
    const accounts = await connection.getMultipleAccountsInfo(
      chunk.map((wallet) => associatedTokenAccount(mint, wallet)),
      "confirmed",
    );
    accounts.forEach((account, index) => {
      const wallet = chunk[index] as string;
      if (!account) missing.add(wallet);
      else if (account.owner.equals(SystemProgram.programId) && account.data.length === 0) {
        missing.add(wallet);
        prefunded.add(wallet);
      }
    });
  }
  return { missing, prefunded };
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
