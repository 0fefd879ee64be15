import type { Connection, PublicKey } from "@solana/web3.js";
import { type DistributionAccount, isSlotClaimed } from "../../shared/program/index.ts";
import { associatedTokenAccount } from "./batch-transaction.ts";

/** getMultipleAccounts takes at most this many keys per call. */
const ACCOUNTS_PER_REQUEST = 100;

export function paidSlots(state: DistributionAccount | null, slots: number[]): Set<number> {
  if (!state) return new Set();
  return new Set(slots.filter((slot) => slot < state.maxClaims && isSlotClaimed(state.claimedBitmap, slot)));
}

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
