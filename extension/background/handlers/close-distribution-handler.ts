import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import { LAMPORTS_PER_SIGNATURE } from "../../../shared/fee-budget.ts";
import { closeDistributionInstruction } from "../../../shared/program/close-distribution.ts";
import { toBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { formatLocalTime } from "../../ui/format.ts";
import type { RpcClient } from "../chain/rpc-client.ts";
import type { Handlers } from "../router.ts";
import { type BackgroundServices, rpcClient } from "../services.ts";
import { readSettings, rpcUrlOf } from "../storage/settings-store.ts";
import { chosenSigner, signAndSendWithChosenWallet } from "./chosen-wallet.ts";
import { readOwnDistribution } from "./creator-distribution.ts";
import { tokenSymbolOf } from "./wallet-handlers.ts";

/** The creator's SOL and their holding of one mint, to measure what the clawback returned. */
async function holdingsOf(rpc: RpcClient, owner: string, mint: string): Promise<{ lamports: bigint; tokens: bigint }> {
  const [lamports, holdings] = await Promise.all([rpc.getBalance(owner), rpc.getTokenHoldings(owner)]);
  const tokens = holdings.filter((holding) => holding.mint === mint).reduce((sum, holding) => sum + holding.amount, 0n);
  return { lamports, tokens };
}

/**
 * The creator's clawback, signed by the chosen wallet (built-in or a page wallet). What came back is
 * measured, not predicted: the creator's balances right before sending and once the chain confirmed
 * it (the SOL figure adds back the network fee the creator paid, so it is what the close returned).
 */
export function closeDistributionHandler(services: BackgroundServices): Pick<Handlers, "distributions/close"> {
  return {
    "distributions/close": async ({ address }, context) => {
      const creator = await chosenSigner(services);
      const rpc = await rpcClient(services);
      const distribution = await readOwnDistribution(rpc, address, creator);
      const ended = BigInt(Math.floor(services.now() / 1000)) > distribution.endTs;
      if (!ended && distribution.claimedCount < distribution.maxClaims) {
        const endText = formatLocalTime(Number(distribution.endTs));
        throw new MessagingError("bad_request", `the giveaway runs until ${endText}; it can be closed after that`);
      }
      // The mint's owner is its token program (SPL Token or Token-2022), which holds the vault.
      const mint = distribution.mint.toBase58();
      const mintAccount = await rpc.getAccountData(mint);
      if (!mintAccount) throw new MessagingError("bad_request", "the giveaway's mint is not on chain any more");
      const tokenProgram = new PublicKey(mintAccount.owner);
      const creatorKey = new PublicKey(creator);
      const { blockhash } = await rpc.getLatestBlockhash();
      const instruction = closeDistributionInstruction({
        creator: creatorKey,
        distribution: new PublicKey(address),
        vault: distribution.vault,
        mint: distribution.mint,
        tokenProgram,
        creatorTokenAccount: getAssociatedTokenAddressSync(distribution.mint, creatorKey, false, tokenProgram),
      });
      const message = new TransactionMessage({
        payerKey: creatorKey,
        recentBlockhash: blockhash,
        instructions: [instruction],
      }).compileToLegacyMessage();
      const before = await holdingsOf(rpc, creator, mint);
      const signature = await signAndSendWithChosenWallet(
        services,
        toBase64(new VersionedTransaction(message).serialize()),
        "close the giveaway and take back what is left",
        context,
      );
      await rpc.confirmTransaction(signature);
      const after = await holdingsOf(rpc, creator, mint);
      const [decimals, symbol] = await Promise.all([
        rpc.getMintDecimals(mint),
        tokenSymbolOf(services, mint).catch(() => undefined),
      ]);
      return {
        signature,
        rpcUrl: rpcUrlOf(await readSettings(services.db)),
        returned: {
          mint,
          amount: (after.tokens - before.tokens).toString(),
          decimals: decimals ?? 0,
          ...(symbol ? { symbol } : {}),
          lamports: (after.lamports - before.lamports + LAMPORTS_PER_SIGNATURE).toString(),
        },
      };
    },
  };
}
