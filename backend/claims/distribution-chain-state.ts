import type { Connection, PublicKey } from "@solana/web3.js";
import { associatedTokenAccount } from "./batch-transaction.ts";

/** getMultipleAccounts takes at most this many keys per call. */
const ACCOUNTS_PER_REQUEST = 100;

/** Which wallets still lack an associated token account for the mint (the batch then creates it). */
export async function walletsWithoutTokenAccount(
  connection: Connection,
  mint: PublicKey,
  wallets: string[],
): Promise<Set<string>> {
  const missing = new Set<string>();
  const mintKeys = { key: mint, text: mint.toBase58() };
  for (let start = 0; start < wallets.length; start += ACCOUNTS_PER_REQUEST) {
    const chunk = wallets.slice(start, start + ACCOUNTS_PER_REQUEST);
    const accounts = await connection.getMultipleAccountsInfo(
      chunk.map((wallet) => associatedTokenAccount(mintKeys, wallet)),
      "confirmed",
    );
    accounts.forEach((account, index) => {
      if (!account) missing.add(chunk[index] as string);
    });
  }
  return missing;
}
