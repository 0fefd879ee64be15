import { type Account, getMemoTransfer, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, unpackAccount } from "@solana/spl-token";
import { type AccountInfo, type Connection, type PublicKey, SystemProgram } from "@solana/web3.js";
import type { ClaimFailureReason } from "../../shared/api/claims.ts";
import { associatedTokenAccount, type MintRef } from "./batch-transaction.ts";

/** getMultipleAccounts takes at most this many keys per call. */
const ACCOUNTS_PER_REQUEST = 100;

/**
 * What the chain says of each wallet's associated token account before a batch pays into it.
 * - `missing`: the batch must open it. `prefunded` names those whose address already holds lamports
 *   someone sent it (a system account with no data): opening such an address takes three system
 *   instructions instead of one, and it must still be opened, or a griefer's transfer would make the
 *   fan's payout fail.
 * - `refusing`: it exists and would refuse the payout (frozen, or a Token-2022 account that requires a
 *   memo on incoming transfers). A batch carrying it would fail on chain, and a failed transaction's fee
 *   is the operator's with nothing to reimburse it, so such a claim fails here, for a reason the fan can
 *   mend before claiming again.
 * - `unreadable`: it exists but is not a token account as the token program lays one out; only a
 *   simulation, which costs nothing, can tell whether it takes the payout.
 */
export interface RecipientAccounts {
  missing: Set<string>;
  prefunded: Set<string>;
  refusing: Map<string, RefusingAccountReason>;
  unreadable: Set<string>;
}

export type RefusingAccountReason = Extract<ClaimFailureReason, "token_account_frozen" | "token_account_requires_memo">;

/** A wallet's token account for a payout: none yet, one that takes it, or one that would refuse it. */
export type RecipientAccount = "missing" | "ready" | RefusingAccountReason;

/**
 * Failures this read finds before the batcher packs a claim (the budget's coverage of the accounts it
 * must open, and the accounts that would refuse): a claim that failed for one of them cannot sink a batch.
 */
export const FAILURES_READ_BEFORE_PACKING: readonly ClaimFailureReason[] = [
  "needs_token_account",
  "token_account_frozen",
  "token_account_requires_memo",
];

/**
 * The token account at `address` (a wallet's associated one) as a payout would meet it. Lamports
 * someone sent to the address before it was opened are no token account. Throws when the account is
 * not a token account as the token program lays one out.
 */
export function recipientAccount(
  address: PublicKey,
  account: AccountInfo<Buffer> | null,
  tokenProgram: PublicKey,
): RecipientAccount {
  if (!account || isPrefunded(account)) return "missing";
  return refusalOf(unpackAccount(address, account, tokenProgram)) ?? "ready";
}

function isPrefunded(account: AccountInfo<Buffer>): boolean {
  return account.owner.equals(SystemProgram.programId) && account.data.length === 0;
}

/** Why this existing token account would refuse a transfer into it, if it would. */
export function refusalOf(account: Account): RefusingAccountReason | undefined {
  if (account.isFrozen) return "token_account_frozen";
  if (getMemoTransfer(account)?.requireIncomingTransferMemos) return "token_account_requires_memo";
  return undefined;
}

export async function readRecipientAccounts(
  connection: Connection,
  mint: MintRef,
  wallets: string[],
): Promise<RecipientAccounts> {
  const found: RecipientAccounts = { missing: new Set(), prefunded: new Set(), refusing: new Map(), unreadable: new Set() };
  for (let start = 0; start < wallets.length; start += ACCOUNTS_PER_REQUEST) {
    const chunk = wallets.slice(start, start + ACCOUNTS_PER_REQUEST);
    const addresses = chunk.map((wallet) => associatedTokenAccount(mint, wallet));
    const accounts = await connection.getMultipleAccountsInfo(addresses, "confirmed");
    accounts.forEach((account, index) => {
      const wallet = chunk[index] as string;
      let state: RecipientAccount;
      try {
        state = recipientAccount(addresses[index] as PublicKey, account, mint.tokenProgram);
      } catch {
        found.unreadable.add(wallet);
        return;
      }
      if (state === "missing") {
        found.missing.add(wallet);
        if (account) found.prefunded.add(wallet);
      } else if (state !== "ready") found.refusing.set(wallet, state);
    });
  }
  return found;
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
