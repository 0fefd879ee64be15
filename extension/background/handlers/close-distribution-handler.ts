import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import { closeDistributionInstruction } from "../../../shared/program/close-distribution.ts";
import { decodeDistributionAccount } from "../../../shared/program/distribution-account.ts";
import { BUILT_IN_PROGRAM_ID } from "../../build-settings.ts";
import { toBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import type { Handlers } from "../router.ts";
import { type BackgroundServices, rpcClient } from "../services.ts";
import { signAndSendWithBuiltin } from "../wallets/builtin-signing.ts";
import { originLabel } from "./origin-label.ts";
import { walletStatus } from "./wallet-handlers.ts";

/**
 * The creator's clawback. The account is read from the chain, not from the backend, so the checks
 * (our wallet is the creator, the giveaway is over) use what the program itself will check.
 */
export function closeDistributionHandler(services: BackgroundServices): Pick<Handlers, "distributions/close"> {
  return {
    "distributions/close": async ({ address }, context) => {
      const status = await walletStatus(services);
      if (status.choice !== "builtin" || !status.builtin.address) {
        throw new MessagingError(
          "unsupported",
          "closing from the options page uses the built-in wallet; choose it in the popup first",
        );
      }
      const rpc = await rpcClient(services);
      const account = await rpc.getAccountData(address);
      if (!account || account.owner !== BUILT_IN_PROGRAM_ID) {
        throw new MessagingError("bad_request", "this distribution is not on chain any more (already closed?)");
      }
      const distribution = decodeDistributionAccount(account.data);
      const creator = new PublicKey(status.builtin.address);
      if (!distribution.creator.equals(creator))
        throw new MessagingError("bad_request", "only the creator's wallet can close this distribution");
      const ended = BigInt(Math.floor(services.now() / 1000)) > distribution.endTs;
      if (!ended && distribution.claimedCount < distribution.maxClaims) {
        const endText = new Date(Number(distribution.endTs) * 1000).toISOString();
        throw new MessagingError("bad_request", `the giveaway runs until ${endText}; it can be closed after that`);
      }
      // The mint's owner is its token program (SPL Token or Token-2022), which holds the vault.
      const mintAccount = await rpc.getAccountData(distribution.mint.toBase58());
      if (!mintAccount) throw new MessagingError("bad_request", "the giveaway's mint is not on chain any more");
      const tokenProgram = new PublicKey(mintAccount.owner);
      const { blockhash } = await rpc.getLatestBlockhash();
      const instruction = closeDistributionInstruction({
        creator,
        distribution: new PublicKey(address),
        vault: distribution.vault,
        mint: distribution.mint,
        tokenProgram,
        creatorTokenAccount: getAssociatedTokenAddressSync(distribution.mint, creator, false, tokenProgram),
      });
      const message = new TransactionMessage({
        payerKey: creator,
        recentBlockhash: blockhash,
        instructions: [instruction],
      }).compileToLegacyMessage();
      const transaction = toBase64(new VersionedTransaction(message).serialize());
      const signature = await signAndSendWithBuiltin(
        transaction,
        "close the giveaway and take back what is left",
        originLabel(context),
        {
          vault: services.vault,
          approvals: services.approvals,
          rpc,
        },
      );
      return { signature };
    },
  };
}
